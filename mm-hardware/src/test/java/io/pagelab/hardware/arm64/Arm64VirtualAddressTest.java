package io.pagelab.hardware.arm64;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The 9/9/9/9/12 split of a 48-bit arm64 address, worked out by hand: index = (va >> shift) & 511
 * with shifts 39, 30, 21, 12 (pgtable-hwdef.h: ARM64_HW_PGTABLE_LEVEL_SHIFT(n) = 9 * (4 - n) + 3).
 */
class Arm64VirtualAddressTest {

    @Test
    void aUserMmapAddressSplitsIntoFourIndicesAndAnOffset() {
        // 0x0000ffffb7e1d123, an address in the mmap area of a 48-bit arm64 process:
        //   bits 47..39: 0xffffb7e1d123 is just below 2^48, so its top nine bits are all ones: 511
        //   bits 38..30: 0xffffb7e1d123 >> 30 = 0x3fffe, & 0x1ff = 0x1fe = 510; the rest is 0x37e1d123
        //   bits 29..21: 0x37e1d123 >> 21 = 0x1bf = 447; the rest is 0x1d123
        //   bits 20..12: 0x1d123 >> 12 = 0x1d = 29; offset 0x123
        Arm64VirtualAddress a = Arm64VirtualAddress.of(0x0000ffffb7e1d123L);
        assertThat(a.ttbr1()).as("bit 55 clear: TTBR0").isFalse();
        assertThat(new int[] {a.l0(), a.l1(), a.l2(), a.l3(), a.offset()}).containsExactly(511, 510, 447, 29, 0x123);
        assertThat(a).hasToString("0x0000ffffb7e1d123 = TTBR0 | L0 511 | L1 510 | L2 447 | L3 29 | offset 0x123");
    }

    @Test
    void aLinearMapAddressUsesTtbr1AndTheLowBitsForTheIndices() {
        // 0xffff000012345678 = PAGE_OFFSET + 0x12345678: bits 47..30 are zero, so L0 0 and L1 0;
        // 0x12345678 >> 21 = 0x91 = 145; (0x12345678 >> 12) & 0x1ff = 0x12345 & 0x1ff = 0x145 = 325
        Arm64VirtualAddress a = Arm64VirtualAddress.of(0xffff000012345678L);
        assertThat(a.ttbr1()).isTrue();
        assertThat(new int[] {a.l0(), a.l1(), a.l2(), a.l3(), a.offset()}).containsExactly(0, 0, 145, 325, 0x678);
    }

    @Test
    void theKernelImageAreaStartsHalfwayThroughTheLevel0Table() {
        // 0xffff800080000000: bit 47 set gives L0 index 2^(47-39) = 256; 0x80000000 >> 30 = 2
        Arm64VirtualAddress a = Arm64VirtualAddress.of(0xffff800080000000L);
        assertThat(new int[] {a.l0(), a.l1(), a.l2(), a.l3()}).containsExactly(256, 2, 0, 0);
        assertThat(a.index(Arm64Level.LEVEL0)).isEqualTo(256);
    }

    @Test
    void onlyAddressesWhoseBits63To48EqualBit55AreInRange() {
        assertThat(Arm64VirtualAddress.isInRange(0x0000ffffffffffffL)).as("last TTBR0 address").isTrue();
        assertThat(Arm64VirtualAddress.isInRange(0xffff000000000000L)).as("first TTBR1 address").isTrue();
        assertThat(Arm64VirtualAddress.isInRange(0x0001000000000000L)).as("bit 48 set alone").isFalse();
        assertThat(Arm64VirtualAddress.isInRange(0xfffe000000000000L)).as("bit 48 clear under ones").isFalse();
        assertThat(Arm64VirtualAddress.of(0x0001000000000000L).toString()).contains("out of range");
    }

    @Test
    void topByteIgnoreAcceptsATaggedUserPointerButNotATaggedKernelOne() {
        // TBI0 ignores bits 63..56 of TTBR0 addresses (bit 55 clear); bits 55..48 must still be zero
        assertThat(Arm64VirtualAddress.isInRange(0x5a00ffffb7e1d123L, true)).isTrue();
        assertThat(Arm64VirtualAddress.isInRange(0x5a00ffffb7e1d123L, false)).isFalse();
        assertThat(Arm64VirtualAddress.isInRange(0x5a01ffffb7e1d123L, true)).as("bit 48 set").isFalse();
        assertThat(Arm64VirtualAddress.isInRange(0x5aff000000000000L, true)).as("bit 55 set: TTBR1, no TBI1").isFalse();
    }

    @Test
    void levelsCoverFiveHundredTwelveGigabytesDownToFourKilobytes() {
        assertThat(Arm64Level.LEVEL0.entrySpan()).isEqualTo(512L << 30);
        assertThat(Arm64Level.LEVEL1.entrySpan()).isEqualTo(1L << 30);
        assertThat(Arm64Level.LEVEL2.entrySpan()).isEqualTo(2L << 20);
        assertThat(Arm64Level.LEVEL3.entrySpan()).isEqualTo(4096L);
        assertThat(Arm64Level.forPageSize(2L << 20)).isEqualTo(Arm64Level.LEVEL2);
        assertThat(Arm64Level.LEVEL0.canBlock()).as("no level 0 blocks with the 4 KiB granule").isFalse();
        assertThat(Arm64Level.LEVEL1.linuxName()).isEqualTo("pud");
    }
}
