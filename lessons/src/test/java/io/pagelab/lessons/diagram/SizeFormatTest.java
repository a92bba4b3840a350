package io.pagelab.lessons.diagram;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SizeFormatTest {

    @Test
    void wholeUnitsPrintExactly() {
        assertThat(SizeFormat.human(0x9fc00)).isEqualTo("639 KiB"); // 654336 / 1024 = 639
        assertThat(SizeFormat.human(1L << 30)).isEqualTo("1 GiB");
        assertThat(SizeFormat.human(4096)).isEqualTo("4 KiB");
        assertThat(SizeFormat.human(1000)).isEqualTo("1000 B");
    }

    @Test
    void sizesWithoutAShortExactFormAreRoundedAndMarked() {
        // 0xbfee0000 bytes = 3,144,576 KiB (too many digits) = 2.9990 GiB
        assertThat(SizeFormat.human(0xbfee0000L)).isEqualTo("≈ 3.0 GiB");
    }
}
