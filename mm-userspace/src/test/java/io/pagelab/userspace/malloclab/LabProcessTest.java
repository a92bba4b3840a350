package io.pagelab.userspace.malloclab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.AddressSpace;
import io.pagelab.api.Prot;
import io.pagelab.api.error.SegmentationFault;
import io.pagelab.api.error.SyscallException;
import org.junit.jupiter.api.Test;

class LabProcessTest {
    private static final int ANON = AddressSpace.MAP_PRIVATE | AddressSpace.MAP_ANONYMOUS;
    private final LabProcess p = new LabProcess();

    @Test
    void theHeapStartsAtTheAslrOffBreakOfASmallPie() {
        // setarch -R: text at 0x555555554000, start_brk 0x555555559000 for a small program
        assertThat(p.brk(0)).isEqualTo(0x555555559000L);
    }

    @Test
    void mmapGoesTopDownBelowMmapBase() {
        // mmap_base with ASLR off = 0x7ffff7fff000 (linux-reference.md §6.2)
        long a = p.mmap(0, 4096, Prot.USER_RW, ANON);
        long b = p.mmap(0, 5000, Prot.USER_RW, ANON);
        assertThat(a).isEqualTo(0x7ffff7ffe000L);
        assertThat(b).isEqualTo(0x7ffff7ffe000L - 0x2000);
    }

    @Test
    void libcDataHoldingMainArenaIsMappedFromTheStart() {
        // Debian glibc 2.36, ASLR off: &main_arena = 0x7ffff7fa8c60 (struct malloc_state, 0x898 bytes)
        p.writeLong(0x7ffff7fa8c60L, 1);
        p.writeLong(0x7ffff7fa8c60L + 0x890, 2);
        assertThat(p.readLong(0x7ffff7fa8c60L)).isEqualTo(1);
        assertThatThrownBy(() -> p.mmap(0x7ffff7fa8000L, 4096, Prot.USER_RW,
                ANON | AddressSpace.MAP_FIXED_NOREPLACE)).isInstanceOf(SyscallException.class)
                .hasMessageContaining("EEXIST");
    }

    @Test
    void anUnmappedHoleIsReusedByTheNextMmapThatFits() {
        long a = p.mmap(0, 4096, Prot.USER_RW, ANON);
        p.mmap(0, 4096, Prot.USER_RW, ANON);
        p.munmap(a, 4096);
        assertThat(p.mmap(0, 4096, Prot.USER_RW, ANON)).isEqualTo(a);
    }

    @Test
    void bytesWrittenReadBackLittleEndianAcrossAPageBoundary() {
        p.brk(0x555555559000L + 0x2000);
        long va = 0x555555559000L + 0xffc;
        p.writeLong(va, 0x1122334455667788L);
        assertThat(p.readLong(va)).isEqualTo(0x1122334455667788L);
        assertThat(p.readByte(va)).isEqualTo((byte) 0x88);
        assertThat(p.readByte(va + 7)).isEqualTo((byte) 0x11);
    }

    @Test
    void memoryBeyondTheBreakFaults() {
        p.brk(0x555555559000L + 100);
        p.writeLong(0x555555559000L + 4088, 1); // the break's page is mapped whole
        assertThatThrownBy(() -> p.readLong(0x555555559000L + 4096))
                .isInstanceOf(SegmentationFault.class);
    }

    @Test
    void shrinkingTheBreakDropsThePagesAbove() {
        p.brk(0x555555559000L + 0x3000);
        p.writeLong(0x555555559000L + 0x2000, 42);
        p.brk(0x555555559000L + 0x1000);
        p.brk(0x555555559000L + 0x3000);
        assertThat(p.readLong(0x555555559000L + 0x2000)).isZero();
    }

    @Test
    void mremapMovesAMappingThatCannotGrowAndKeepsItsContents() {
        long low = p.mmap(0, 4096, Prot.USER_RW, ANON);
        long lower = p.mmap(0, 4096, Prot.USER_RW, ANON);
        p.writeLong(lower + 8, 77);
        long moved = p.mremap(lower, 4096, 3 * 4096, AddressSpace.MREMAP_MAYMOVE);
        assertThat(moved).isNotEqualTo(lower).isLessThan(low);
        assertThat(p.readLong(moved + 8)).isEqualTo(77);
        assertThatThrownBy(() -> p.readLong(lower)).isInstanceOf(SegmentationFault.class);
    }

    @Test
    void aReadOnlyMappingRefusesStores() {
        long a = p.mmap(0, 4096, Prot.USER_R, ANON);
        assertThat(p.readLong(a)).isZero();
        assertThatThrownBy(() -> p.writeLong(a, 1)).isInstanceOf(SegmentationFault.class)
                .extracting(e -> ((SegmentationFault) e).siCode()).isEqualTo(SegmentationFault.SEGV_ACCERR);
    }

    @Test
    void aZeroLengthMmapIsEinval() {
        assertThatThrownBy(() -> p.mmap(0, 0, Prot.USER_RW, ANON)).isInstanceOf(SyscallException.class)
                .hasMessageContaining("EINVAL");
    }
}
