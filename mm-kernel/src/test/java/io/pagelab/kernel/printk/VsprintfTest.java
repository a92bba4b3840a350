package io.pagelab.kernel.printk;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VsprintfTest {

    @Test
    void zeroKeepsTheHexPrefixUnlikeCPrintf() {
        // dmesg: "BIOS-e820: [mem 0x0000000000000000-..." and "e820: update [mem 0x00000000-..."
        assertThat(Vsprintf.hex18(0)).isEqualTo("0x0000000000000000");
        assertThat(Vsprintf.hex10(0)).isEqualTo("0x00000000");
        assertThat(Vsprintf.hex(0)).isEqualTo("0x0");
    }

    @Test
    void theFieldWidthCountsThePrefixAndGrowsForBigValues() {
        // dmesg (a): "e820: update [mem 0x13fffa0f0-0x13fffa0ff]" with %#010Lx
        assertThat(Vsprintf.hex10(0x13fffa0f0L)).isEqualTo("0x13fffa0f0");
        assertThat(Vsprintf.hex10(0xfffL)).isEqualTo("0x00000fff");
    }

    @Test
    void valuesAreUnsigned64Bit() {
        assertThat(Vsprintf.hex18(-1L)).isEqualTo("0xffffffffffffffff");
        assertThat(Vsprintf.pa(0x9e000L)).isEqualTo("0x000000000009e000");
    }
}
