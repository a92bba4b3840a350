package io.pagelab.kernel.boot.setup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.hardware.firmware.E820Entry;
import io.pagelab.hardware.firmware.E820Type;
import org.junit.jupiter.api.Test;

class ZeroPageTest {

    @Test
    void theE820TableEndsWhereBootparamHPutsPad8() {
        // bootparam.h: e820_table at 0x2d0, 128 slots of 20 bytes, then _pad8 at 0xcd0
        assertThat(ZeroPage.E820_TABLE + ZeroPage.E820_MAX_ENTRIES_ZEROPAGE * ZeroPage.E820_ENTRY_SIZE)
                .isEqualTo(0xcd0);
    }

    @Test
    void multiByteFieldsAreStoredLittleEndian() {
        ZeroPage zp = new ZeroPage();
        zp.putU64(0x2d0, 0x0102030405060708L);
        zp.putU32(0x2d8, 0xa1b2c3d4);
        zp.putU16(0x1fe, 0xaa55);

        assertThat(zp.bytes(0x2d0, 8)).containsExactly(8, 7, 6, 5, 4, 3, 2, 1);
        assertThat(zp.bytes(0x2d8, 4)).containsExactly(0xd4, 0xc3, 0xb2, 0xa1);
        assertThat(zp.bytes(0x1fe, 2)).containsExactly(0x55, 0xaa);
        assertThat(zp.getU64(0x2d0)).isEqualTo(0x0102030405060708L);
        assertThat(zp.getU16(0x1fe)).isEqualTo(0xaa55);
    }

    @Test
    void e820TableDecodesTheCountedSlots() {
        ZeroPage zp = new ZeroPage();
        E820Entry ram = E820Entry.of(0x100000L, 0x7ee0000L, E820Type.RAM);
        E820Entry soft = E820Entry.of(0x100000000L, 0x40000000L, E820Type.SOFT_RESERVED);
        zp.putE820Entry(0, ram);
        zp.putE820Entry(1, soft);
        zp.putE820Entry(2, ram); // written but not counted
        zp.putU8(ZeroPage.E820_ENTRIES, 2);

        assertThat(zp.e820Table()).containsExactly(ram, soft);
        // soft reserved 0xefffffff at slot 1's type field, little-endian
        assertThat(zp.bytes(0x2d0 + 20 + 16, 4)).containsExactly(0xff, 0xff, 0xff, 0xef);
    }

    @Test
    void accessOutsideTheFourKilobytesNamesTheOffsetAndTheAllowedRange() {
        ZeroPage zp = new ZeroPage();
        assertThatThrownBy(() -> zp.putU64(4090, 1))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("offset 4090")
                .hasMessageContaining("0..4088");
        assertThatThrownBy(() -> zp.getU8(-1)).isInstanceOf(InvalidArgumentException.class);
        assertThat(zp.bytes()).containsOnly(0);
    }

    @Test
    void aU8OutOfRangeIsRefusedAndNothingIsWritten() {
        ZeroPage zp = new ZeroPage();
        assertThatThrownBy(() -> zp.putU8(ZeroPage.E820_ENTRIES, 200 + 100))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("0..255");
        assertThat(zp.e820Entries()).isZero();
    }

    @Test
    void aCorruptCountAbove128IsReportedWhenDecoding() {
        ZeroPage zp = new ZeroPage();
        zp.putU8(ZeroPage.E820_ENTRIES, 129);
        assertThatThrownBy(zp::e820Table).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("129").hasMessageContaining("128 slots");
    }
}
