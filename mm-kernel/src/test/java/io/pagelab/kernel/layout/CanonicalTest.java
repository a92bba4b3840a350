package io.pagelab.kernel.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.error.GeneralProtectionFault;
import io.pagelab.api.error.InvalidArgumentException;
import org.junit.jupiter.api.Test;

class CanonicalTest {

    @Test
    void theTopOfTheUserHalfAndTheBottomOfTheKernelHalfAreCanonicalWith48Bits() {
        // seed-digest C.6
        assertThat(Canonical.isCanonical(0x00007fffffffffffL, 48)).isTrue();
        assertThat(Canonical.isCanonical(0xffff800000000000L, 48)).isTrue();
        assertThat(Canonical.isCanonical(0x0000800000000000L, 48)).isFalse();
        assertThat(Canonical.isCanonical(0xffff7fffffffffffL, 48)).isFalse();
    }

    @Test
    void fiveLevelPagingMovesTheHoleUpToBit56() {
        // mm.rst, 5-level: user 0..00ffffffffffffff, kernel from ff00000000000000
        assertThat(Canonical.isCanonical(0x0000800000000000L, 57)).isTrue();
        assertThat(Canonical.isCanonical(0x00ffffffffffffffL, 57)).isTrue();
        assertThat(Canonical.isCanonical(0x0100000000000000L, 57)).isFalse();
        assertThat(Canonical.isCanonical(0xff00000000000000L, 57)).isTrue();
        assertThat(Canonical.userEnd(57)).isEqualTo(0x00ffffffffffffffL);
        assertThat(Canonical.kernelStart(57)).isEqualTo(0xff00000000000000L);
    }

    @Test
    void signExtensionCopiesTheTopImplementedBitUpwards() {
        assertThat(Canonical.signExtend(0x0000888000000000L, 48)).isEqualTo(0xffff888000000000L);
        assertThat(Canonical.signExtend(0x00007f0000000000L, 48)).isEqualTo(0x00007f0000000000L);
    }

    @Test
    void aNonCanonicalAccessRaisesGeneralProtectionNotAPageFault() {
        // LIST_POISON1 0xdead000000000100 is the classic non-canonical pointer of a kernel oops
        assertThatThrownBy(() -> Canonical.check(0xdead000000000100L, 48))
                .isInstanceOf(GeneralProtectionFault.class)
                .hasMessageContaining("probably for non-canonical address 0xdead000000000100");
        assertThat(Canonical.check(0xffff888000000000L, 48)).isEqualTo(0xffff888000000000L);
    }

    @Test
    void onlyThe48And57BitWidthsExist() {
        assertThatThrownBy(() -> Canonical.isCanonical(0, 46))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("48").hasMessageContaining("57");
    }
}
