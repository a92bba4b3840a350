package io.pagelab.hardware.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.error.InvalidArgumentException;
import org.junit.jupiter.api.Test;

class SegmentSelectorTest {

    @Test
    void userCodeSelector0x33IsGdtIndex6Rpl3() {
        // 0x33 = 0b110_0_11 (seed C.6; arch/x86/include/asm/segment.h __USER_CS = 6*8 + 3)
        assertThat(SegmentSelector.of(0x33)).isEqualTo(new SegmentSelector(6, false, 3));
    }

    @Test
    void kernelAndUserDataSelectorsSplitAsSegmentHDefinesThem() {
        assertThat(SegmentSelector.of(SegmentSelector.KERNEL_CS)).isEqualTo(new SegmentSelector(2, false, 0));
        assertThat(SegmentSelector.of(SegmentSelector.KERNEL_DS)).isEqualTo(new SegmentSelector(3, false, 0));
        assertThat(SegmentSelector.of(SegmentSelector.USER_DS)).isEqualTo(new SegmentSelector(5, false, 3));
        assertThat(SegmentSelector.of(SegmentSelector.USER32_CS)).isEqualTo(new SegmentSelector(4, false, 3));
    }

    @Test
    void theTableIndicatorIsBit2() {
        // 0x0f = index 1, TI 1, RPL 3
        SegmentSelector s = SegmentSelector.of(0x0f);
        assertThat(s.ldt()).isTrue();
        assertThat(s.index()).isEqualTo(1);
        assertThat(s.value()).isEqualTo(0x0f);
        assertThat(s.errorCode()).isEqualTo(0x0c);
    }

    @Test
    void onlyGdtIndexZeroIsTheNullSelector() {
        assertThat(SegmentSelector.of(0x3).isNull()).isTrue();
        assertThat(SegmentSelector.of(0x4).isNull()).isFalse();
    }

    @Test
    void aSelectorWiderThan16BitsIsRefused() {
        assertThatThrownBy(() -> SegmentSelector.of(0x10000))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("0x10000");
    }
}
