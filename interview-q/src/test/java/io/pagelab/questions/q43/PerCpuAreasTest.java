package io.pagelab.questions.q43;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q43 Percpu内存空间如何管理的？ How is per-CPU memory managed?
 *
 * <p>The boot line is mm/percpu.c: pcpu_embed_first_chunk() after pcpu_build_alloc_info() (Linux
 * 6.x, x86-64: PERCPU_MODULE_RESERVE 8 KiB, PERCPU_DYNAMIC_RESERVE 28 KiB, PERCPU_DYNAMIC_EARLY_SIZE
 * 20 KiB, atom PMD_SIZE 2 MiB; linux-reference.md §11.1). Each expected line is worked out by hand
 * in a comment.
 */
@Grader(id = "q43")
@DisplayName("Q43 per-CPU areas: the embedded first chunk and per_cpu_ptr")
class PerCpuAreasTest {

    static final long BASE = 0xffff88803ec00000L;

    @Test
    @Points(3)
    @Hint("size_sum = PFN_ALIGN(299008 + 8192 + max(28672, 20480)); 335872 is already 82 whole pages. With one "
            + "CPU every upa above 1 wastes units (wasted > 1/3 = 0), so the unit is the whole 2 MiB atom.")
    void oneCpuGivesTheRealDmesgLine() {
        // linux-reference.md §2.4 (a), Linux 6.13-rc7 QEMU guest with 1 CPU, verbatim
        assertThat(PerCpuAreas.embeddedLine(299008, 1))
                .isEqualTo("percpu: Embedded 82 pages/cpu s299008 r8192 d28672 u2097152");
    }

    @Test
    @Points(2)
    @Hint("Round static + reserved + dynamic up to a whole page, then give the rounding to the dynamic area: "
            + "d = size_sum - static - reserved.")
    void pageRoundingGoesToTheDynamicArea() {
        // 300000 + 8192 + 28672 = 336864 -> 83 pages = 339968; d = 339968 - 300000 - 8192 = 31776
        assertThat(PerCpuAreas.embeddedLine(300000, 1))
                .isEqualTo("percpu: Embedded 83 pages/cpu s300000 r8192 d31776 u2097152");
    }

    @Test
    @Points(3)
    @Hint("upa starts at 2097152 / 335872 = 6; 6 and 5 do not divide 2 MiB, 4 does (524288 bytes, page "
            + "aligned). Four CPUs fill those 4 units with nothing wasted, so each unit is 2 MiB / 4.")
    void fourCpusShareOneAtomInQuarterUnits() {
        assertThat(PerCpuAreas.embeddedLine(299008, 4))
                .isEqualTo("percpu: Embedded 82 pages/cpu s299008 r8192 d28672 u524288");
    }

    @Test
    @Points(3)
    @Hint("Try upa from the largest down; skip a upa that wastes more than cpus / 3 units (integer "
            + "division), stop as soon as a smaller upa needs more allocations.")
    void theWasteRuleDecidesTheUnitSize() {
        // 2 CPUs: upa 4 wastes 2 > 2/3 = 0 (skip); upa 3 does not divide 2 MiB; upa 2: 1 allocation, 0 wasted
        // (best); upa 1 needs 2 allocations (stop) -> u = 2 MiB / 2 = 1048576
        assertThat(PerCpuAreas.embeddedLine(299008, 2))
                .isEqualTo("percpu: Embedded 82 pages/cpu s299008 r8192 d28672 u1048576");
        // 3 CPUs: upa 4 wastes 1, and 1 > 3/3 = 1 is false, so upa 4 is kept -> u = 524288
        assertThat(PerCpuAreas.embeddedLine(299008, 3))
                .isEqualTo("percpu: Embedded 82 pages/cpu s299008 r8192 d28672 u524288");
    }

    @Test
    @Points(2)
    @Hint("A unit at least as large as the static area: 1048576 + 8192 + 28672 = 1085440 (265 pages) leaves "
            + "room for only one unit in a 2 MiB atom.")
    void aLargeStaticSectionTakesAWholeAtomPerCpu() {
        assertThat(PerCpuAreas.embeddedLine(1048576, 4))
                .isEqualTo("percpu: Embedded 265 pages/cpu s1048576 r8192 d28672 u2097152");
    }

    @Test
    @Points(2)
    @Hint("__per_cpu_offset[n] = delta + n * unit_size with delta = pcpu_base_addr - __per_cpu_start.")
    void perCpuOffsetsAreDeltaPlusTheUnitOffset() {
        // x86-64 SMP: __per_cpu_start = 0, so delta = pcpu_base_addr; units of 0x80000 (4 CPUs above)
        assertThat(PerCpuAreas.perCpuOffsets(BASE, 0, 0x80000, 4)).containsExactly(
                0xffff88803ec00000L, 0xffff88803ec80000L, 0xffff88803ed00000L, 0xffff88803ed80000L);
        // a section linked at 0xffffffff82a00000 (non-zero-based): delta = BASE - that
        assertThat(PerCpuAreas.perCpuOffsets(BASE, 0xffffffff82a00000L, 0x80000, 2)).containsExactly(
                0xffff8880bc200000L, 0xffff8880bc280000L);
    }

    @Test
    @Points(2)
    @Hint("per_cpu_ptr just adds the CPU's offset to the per-CPU pointer; the pointer itself is not an address.")
    void perCpuPtrAddsTheCpusOffset() {
        long[] offsets = {0xffff88803ec00000L, 0xffff88803ec80000L, 0xffff88803ed00000L, 0xffff88803ed80000L};
        // the first dynamic allocation sits after static 0x49000 + reserved 0x2000: per-CPU pointer 0x4b000
        assertThat(PerCpuAreas.perCpuPtr(0x4b000L, offsets, 2)).isEqualTo(0xffff88803ed4b000L);
        assertThat(PerCpuAreas.perCpuPtr(0x4b000L, offsets, 0)).isEqualTo(0xffff88803ec4b000L);
    }
}
