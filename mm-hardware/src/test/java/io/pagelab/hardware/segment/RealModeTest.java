package io.pagelab.hardware.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.error.InvalidArgumentException;
import org.junit.jupiter.api.Test;

class RealModeTest {

    @Test
    void theHighestRealModeAddressWrapsToFfefWithA20Off() {
        // FFFF:FFFF = 0xFFFF0 + 0xFFFF = 0x10FFEF; bit 20 held at 0 leaves 0x0FFEF (seed Q8, C.6)
        assertThat(RealMode.linear(0xFFFF, 0xFFFF, false)).isEqualTo(0xFFEFL);
    }

    @Test
    void theHighestRealModeAddressIs10ffefWithA20On() {
        assertThat(RealMode.linear(0xFFFF, 0xFFFF, true)).isEqualTo(0x10FFEFL).isEqualTo(RealMode.HMA_END);
    }

    @Test
    void segmentTimesSixteenPlusOffset() {
        // 0x1234 * 16 = 0x12340, + 0x5678 = 0x179B8 (seed C.6); below 1 MiB the gate makes no difference
        assertThat(RealMode.linear(0x1234, 0x5678, false)).isEqualTo(0x179B8L);
        assertThat(RealMode.linear(0x1234, 0x5678, true)).isEqualTo(0x179B8L);
    }

    @Test
    void theResetVectorIsF000Fff0() {
        assertThat(RealMode.linear(0xF000, 0xFFF0, false)).isEqualTo(0xFFFF0L).isEqualTo(RealMode.RESET_VECTOR);
    }

    @Test
    void a20cTestAddressesAliasOnlyWhileTheGateIsOff() {
        // arch/x86/boot/a20.c: a20_test() writes fs=0x0000 at A20_TEST_ADDR (4*0x80 = 0x200) and reads
        // gs=0xffff at A20_TEST_ADDR + 0x10: 0xFFFF0 + 0x210 = 0x100200, the same byte only without A20
        long written = RealMode.linear(0x0000, 0x200, false);
        assertThat(RealMode.linear(0xFFFF, 0x210, false)).isEqualTo(written).isEqualTo(0x200L);
        assertThat(RealMode.linear(0xFFFF, 0x210, true)).isEqualTo(0x100200L);
    }

    @Test
    void theGateOffClearsBit20OfAnyAddress() {
        // with A20 masked, odd megabytes alias the even one below: 3 MiB + 5 -> 2 MiB + 5
        assertThat(RealMode.a20(0x300005L, false)).isEqualTo(0x200005L);
        assertThat(RealMode.a20(0x300005L, true)).isEqualTo(0x300005L);
    }

    @Test
    void valuesWiderThan16BitsAreRefusedWithTheRule() {
        assertThatThrownBy(() -> RealMode.linear(0x10000, 0, true))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("segment 0x10000").hasMessageContaining("0x0..0xffff");
        assertThatThrownBy(() -> RealMode.linear(0, -1, true))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("offset");
    }
}
