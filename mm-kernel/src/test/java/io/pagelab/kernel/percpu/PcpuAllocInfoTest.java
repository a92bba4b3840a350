package io.pagelab.kernel.percpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.error.InvalidArgumentException;
import org.junit.jupiter.api.Test;

class PcpuAllocInfoTest {

    @Test
    void oneCpuWithTheRealStaticSizePrintsTheRealBootLines() {
        // linux-reference.md §2.4 (a), Linux 6.13-rc7 QEMU guest, 1 CPU, static 299008:
        // size_sum = PFN_ALIGN(299008 + 8192 + max(28672, 20480)) = 335872 = 82 pages exactly,
        // so d = 335872 - 299008 - 8192 = 28672. min_unit = 335872, alloc = roundup(.., 2 MiB) = 2097152,
        // upa starts at 2097152/335872 = 6, 6 and 5 do not divide 2 MiB, 4 does (524288, page aligned);
        // with 1 CPU upa 4 and 2 waste 3 and 1 units (> 1/3 = 0), upa 3 does not divide: upa = 1, u = 2 MiB.
        PcpuAllocInfo ai = PcpuAllocInfo.embedFirstChunk(299008, 1);

        assertThat(ai.embeddedLine()).isEqualTo("percpu: Embedded 82 pages/cpu s299008 r8192 d28672 u2097152");
        assertThat(ai.dumpLines()).containsExactly(
                "pcpu-alloc: s299008 r8192 d28672 u2097152 alloc=1*2097152",
                "pcpu-alloc: [0] 0");
    }

    @Test
    void fourCpusShareOneTwoMegabyteAllocationInQuarterUnits() {
        // upa 4: 4 CPUs need 1 allocation, 0 wasted (<= 4/3 = 1): best; upa 2 needs 2 allocations: stop.
        PcpuAllocInfo ai = PcpuAllocInfo.embedFirstChunk(299008, 4);

        assertThat(ai.unitSize()).isEqualTo(524288);
        assertThat(ai.dumpLines()).containsExactly(
                "pcpu-alloc: s299008 r8192 d28672 u524288 alloc=1*2097152",
                "pcpu-alloc: [0] 0 1 2 3");
    }

    @Test
    void threeCpusLeaveTheFourthUnitEmptyAndPrintADash() {
        // upa 4: 1 allocation, 1 wasted unit, 1 > 3/3 is false so it is accepted; the unused unit prints "-"
        PcpuAllocInfo ai = PcpuAllocInfo.embedFirstChunk(299008, 3);

        assertThat(ai.unitSize()).isEqualTo(524288);
        assertThat(ai.nrUnits()).isEqualTo(4);
        assertThat(ai.dumpLines()).last().isEqualTo("pcpu-alloc: [0] 0 1 2 -");
    }

    @Test
    void eightCpusFitTwoAllocationsOnOneDumpLine() {
        // width = upa*(cpu_width+1) + group_width + 3 = 4*2+1+3 = 12; apl = rounddown_pow_of_two(60/12 = 5) = 4
        PcpuAllocInfo ai = PcpuAllocInfo.embedFirstChunk(299008, 8);

        assertThat(ai.dumpLines()).containsExactly(
                "pcpu-alloc: s299008 r8192 d28672 u524288 alloc=1*2097152",
                "pcpu-alloc: [0] 0 1 2 3 [0] 4 5 6 7");
    }

    @Test
    void pageRoundingOfTheSumGoesToTheDynamicArea() {
        // 300000 + 8192 + 28672 = 336864 -> PFN_ALIGN = 83 pages = 339968; d = 339968 - 300000 - 8192 = 31776
        PcpuAllocInfo ai = PcpuAllocInfo.embedFirstChunk(300000, 1);

        assertThat(ai.embeddedLine()).isEqualTo("percpu: Embedded 83 pages/cpu s300000 r8192 d31776 u2097152");
    }

    @Test
    void aDynamicReserveBelowTheEarlySizeIsRaisedToIt() {
        // max(4096, PERCPU_DYNAMIC_EARLY_SIZE 20480): 299008 + 8192 + 20480 = 327680 = 80 pages, d = 20480
        PcpuAllocInfo ai = PcpuAllocInfo.build(299008, 8192, 4096, PcpuAllocInfo.PMD_SIZE, 1);

        assertThat(ai.dynSize()).isEqualTo(20480);
        assertThat(ai.sizeSum()).isEqualTo(80 * 4096);
    }

    @Test
    void anAtomThatIsNotAPowerOfTwoIsRefused() {
        assertThatThrownBy(() -> PcpuAllocInfo.build(299008, 8192, 28672, 3 << 20, 1))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("atom size 3145728");
    }
}
