package io.pagelab.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.error.InvalidArgumentException;
import org.junit.jupiter.api.Test;

class ProtTest {

    @Test
    void mmapProtBitsHaveTheirLinuxValues() {
        // include/uapi/asm-generic/mman-common.h: PROT_READ 0x1, PROT_WRITE 0x2, PROT_EXEC 0x4
        assertThat(Prot.of(0x1 | 0x2).canRead()).isTrue();
        assertThat(Prot.of(0x1 | 0x2).canWrite()).isTrue();
        assertThat(Prot.of(0x4).canExec()).isTrue();
        assertThat(Prot.of(0x3).canExec()).isFalse();
    }

    @Test
    void printsLikeTheMapsPermissionColumnPlusUserOrKernel() {
        assertThat(Prot.USER_RX).hasToString("r-xu");
        assertThat(Prot.KERNEL_RW).hasToString("rw-k");
        assertThat(Prot.NONE).hasToString("---k");
    }

    @Test
    void withAndWithoutChangeBits() {
        assertThat(Prot.USER_R.with(Prot.WRITE)).isEqualTo(Prot.USER_RW);
        assertThat(Prot.USER_RWX.without(Prot.EXEC)).isEqualTo(Prot.USER_RW);
    }

    @Test
    void unknownBitsAreRejected() {
        assertThatThrownBy(() -> Prot.of(0x10)).isInstanceOf(InvalidArgumentException.class)
                .hasMessage("protection bits 0x10 not allowed: only READ 0x1, WRITE 0x2, EXEC 0x4, USER 0x8 may be set");
    }
}
