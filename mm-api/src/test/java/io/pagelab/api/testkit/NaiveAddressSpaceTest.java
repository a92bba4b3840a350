package io.pagelab.api.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.AddressSpace;
import io.pagelab.api.Prot;
import io.pagelab.api.error.Errno;
import io.pagelab.api.error.SegmentationFault;
import io.pagelab.api.error.SyscallException;
import org.junit.jupiter.api.Test;

class NaiveAddressSpaceTest {
    private static final int ANON = AddressSpace.MAP_PRIVATE | AddressSpace.MAP_ANONYMOUS;

    @Test
    void firstMmapEndsAtMmapBaseAndTheNextSitsBelowIt() {
        NaiveAddressSpace as = new NaiveAddressSpace();
        // 0x7ffff7fff000 - 0x1000 and then - 0x3000 more: top-down, no gap (linux-reference §6.3)
        assertThat(as.mmap(0, 0x1000, Prot.USER_RW, ANON)).isEqualTo(0x7ffff7ffe000L);
        assertThat(as.mmap(0, 0x2001, Prot.USER_RW, ANON)).isEqualTo(0x7ffff7ffb000L);
    }

    @Test
    void brkGrowsFromStartBrkAndMemoryReadsBackWhatWasWritten() {
        NaiveAddressSpace as = new NaiveAddressSpace();
        assertThat(as.brk(0)).isEqualTo(NaiveAddressSpace.START_BRK);
        assertThat(as.brk(NaiveAddressSpace.START_BRK + 0x21000)).isEqualTo(NaiveAddressSpace.START_BRK + 0x21000);
        as.writeLong(NaiveAddressSpace.START_BRK + 0x2a0 - 8, 0x291);
        assertThat(as.readLong(NaiveAddressSpace.START_BRK + 0x298)).isEqualTo(0x291);
        assertThat(as.readByte(NaiveAddressSpace.START_BRK + 0x1000)).isZero();
    }

    @Test
    void accessOutsideEveryMappingIsSegvMaperr() {
        NaiveAddressSpace as = new NaiveAddressSpace();
        assertThatThrownBy(() -> as.readLong(0x1000)).isInstanceOfSatisfying(SegmentationFault.class,
                f -> assertThat(f.siCode()).isEqualTo(SegmentationFault.SEGV_MAPERR));
    }

    @Test
    void zeroLengthMmapIsEinval() {
        NaiveAddressSpace as = new NaiveAddressSpace();
        assertThatThrownBy(() -> as.mmap(0, 0, Prot.USER_RW, ANON)).isInstanceOfSatisfying(SyscallException.class,
                e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
    }

    @Test
    void mremapMovesContentWhenItCannotGrowInPlace() {
        NaiveAddressSpace as = new NaiveAddressSpace();
        as.mmap(0, 0x1000, Prot.USER_RW, ANON);
        long a = as.mmap(0, 0x1000, Prot.USER_RW, ANON); // directly below the first: no room above
        as.writeLong(a, 42);
        long b = as.mremap(a, 0x1000, 0x3000, AddressSpace.MREMAP_MAYMOVE);
        assertThat(b).isNotEqualTo(a);
        assertThat(as.readLong(b)).isEqualTo(42);
    }
}
