package io.pagelab.kernel.percpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.error.BadAddressException;
import io.pagelab.api.error.InvalidArgumentException;
import org.junit.jupiter.api.Test;

/**
 * A 4-CPU machine with the real static size 299008 (units of 0x80000 bytes, see PcpuAllocInfoTest),
 * pcpu_base_addr 0xffff88803ec00000 and the x86-64 zero-based section (__per_cpu_start = 0), so
 * delta = pcpu_base_addr. The static area is 299008 = 0x49000 bytes, the reserved area 0x2000, so
 * the dynamic area starts at offset 0x4b000.
 */
class PercpuAllocatorTest {

    static final long BASE = 0xffff88803ec00000L;
    static final long VM = 0xffffc90000000000L;

    static PercpuAllocator fourCpus() {
        return new PercpuAllocator(PcpuAllocInfo.embedFirstChunk(299008, 4), BASE, 0, VM);
    }

    @Test
    void perCpuOffsetIsDeltaPlusTheUnitOffset() {
        PercpuAllocator pcpu = fourCpus();

        assertThat(pcpu.perCpuOffset(0)).isEqualTo(0xffff88803ec00000L);
        assertThat(pcpu.perCpuOffset(1)).isEqualTo(0xffff88803ec80000L); // + 0x80000
        assertThat(pcpu.perCpuOffset(3)).isEqualTo(0xffff88803ed80000L); // + 3 * 0x80000
    }

    @Test
    void theFirstDynamicAllocationStartsAfterStaticAndReserved() {
        PercpuAllocator pcpu = fourCpus();

        long ptr = pcpu.alloc(8, 8);

        assertThat(ptr).isEqualTo(0x4b000L);
        // CPU 2's copy: 0x4b000 + 0xffff88803ec00000 + 2 * 0x80000
        assertThat(pcpu.perCpuPtr(ptr, 2)).isEqualTo(0xffff88803ed4b000L);
    }

    @Test
    void sizesRoundToFourBytesAndOffsetsToTheAlignment() {
        PercpuAllocator pcpu = fourCpus();

        assertThat(pcpu.alloc(8, 8)).isEqualTo(0x4b000L);
        assertThat(pcpu.alloc(1, 1)).isEqualTo(0x4b008L);  // 1 byte takes one 4-byte bit
        assertThat(pcpu.alloc(16, 16)).isEqualTo(0x4b010L); // 0x4b00c is not 16-aligned
        assertThat(pcpu.alloc(4, 4)).isEqualTo(0x4b00cL);  // first fit fills the gap
    }

    @Test
    void freedSpaceIsReusedFirstFit() {
        PercpuAllocator pcpu = fourCpus();
        pcpu.alloc(8, 8);
        long second = pcpu.alloc(8, 8);
        pcpu.alloc(8, 8);

        pcpu.free(second);

        assertThat(pcpu.alloc(8, 8)).isEqualTo(0x4b008L);
        assertThat(pcpu.firstChunkFreeBytes()).isEqualTo(28672 - 24);
    }

    @Test
    void whenTheFirstChunkIsFullANewChunkIsCreated() {
        PercpuAllocator pcpu = fourCpus();
        assertThat(pcpu.alloc(28672, 4096)).isEqualTo(0x4b000L); // the whole dynamic area

        long ptr = pcpu.alloc(64, 8);

        // chunk at 0xffffc90000000000: ptr = addr - pcpu_base_addr = 0x408000000000 - 0x3ec00000
        assertThat(ptr).isEqualTo(0x407fc1400000L);
        assertThat(pcpu.perCpuPtr(ptr, 1)).isEqualTo(VM + 0x80000);
        assertThat(pcpu.chunkCount()).isEqualTo(2);
    }

    @Test
    void reservedAllocationsComeFromTheModuleArea() {
        PercpuAllocator pcpu = fourCpus();

        assertThat(pcpu.allocReserved(8, 8)).isEqualTo(0x49000L); // right after the 299008-byte static area
    }

    @Test
    void illegalSizeOrAlignmentIsRefusedWithTheKernelsWords() {
        PercpuAllocator pcpu = fourCpus();

        assertThatThrownBy(() -> pcpu.alloc(0, 8)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("illegal size (0) or align (8)");
        assertThatThrownBy(() -> pcpu.alloc(8, 12)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("illegal size (8) or align (12)");
        assertThatThrownBy(() -> pcpu.alloc(32772, 4)).isInstanceOf(InvalidArgumentException.class);
        assertThat(pcpu.alloc(8, 8)).as("nothing was allocated by the refused calls").isEqualTo(0x4b000L);
    }

    @Test
    void freeingAPointerNeverAllocatedOrTwiceIsRefused() {
        PercpuAllocator pcpu = fourCpus();
        long ptr = pcpu.alloc(8, 8);
        pcpu.free(ptr);

        assertThatThrownBy(() -> pcpu.free(ptr)).isInstanceOf(BadAddressException.class)
                .hasMessageContaining("free_percpu(0x4b000)");
        assertThatThrownBy(() -> pcpu.free(0x1234)).isInstanceOf(BadAddressException.class);
        pcpu.free(0); // free_percpu(NULL) does nothing
    }
}
