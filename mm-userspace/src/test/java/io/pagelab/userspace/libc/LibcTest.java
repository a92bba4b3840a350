package io.pagelab.userspace.libc;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.api.AddressSpace;
import io.pagelab.api.Prot;
import io.pagelab.api.error.Errno;
import io.pagelab.kernel.mm.Kernel;
import io.pagelab.kernel.mm.KernelConfig;
import io.pagelab.kernel.mm.ProgramImage;
import org.junit.jupiter.api.Test;

class LibcTest {
    private static Libc hello() {
        return new Libc(Kernel.boot(KernelConfig.defaults().withoutAslr().withRam(128L << 20))
                .exec(ProgramImage.hello()).mm());
    }

    @Test
    void sbrkReturnsTheOldBreakAndMovesIt() {
        Libc libc = hello();
        // hello's bss ends in page 0x555555558000, so the break starts at 0x555555559000 (ASLR off)
        assertThat(libc.sbrk(0)).isEqualTo(0x555555559000L);
        assertThat(libc.sbrk(0x21000)).isEqualTo(0x555555559000L);
        assertThat(libc.sbrk(0)).isEqualTo(0x55555557a000L);
    }

    @Test
    void aRefusedMoveIsMinusOneWithEnomemAndTheBreakStays() {
        Libc libc = hello();
        long before = libc.sbrk(0);
        // up to the [vvar] page at 0x7ffff7ff9000: brk must leave a page before the next VMA
        assertThat(libc.sbrk(0x7ffff7ff9000L - before)).isEqualTo(-1);
        assertThat(libc.errno()).isEqualTo(Errno.ENOMEM);
        assertThat(libc.sbrk(0)).isEqualTo(before);
    }

    @Test
    void mmapFailuresBecomeMapFailedAndErrno() {
        Libc libc = hello();
        assertThat(libc.mmap(0, 0, Prot.USER_RW, AddressSpace.MAP_PRIVATE | AddressSpace.MAP_ANONYMOUS))
                .isEqualTo(Libc.MAP_FAILED);
        assertThat(libc.errno()).isEqualTo(Errno.EINVAL);
        assertThat(libc.munmap(1, 4096)).isEqualTo(-1);
        assertThat(libc.errno()).isEqualTo(Errno.EINVAL);
    }
}
