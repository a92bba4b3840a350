package io.pagelab.hardware.mmu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Index splits of linux-reference.md §1.2, checked on addresses whose indices are worked out by hand. */
class LinearAddressTest {

    @Test
    void aUserAddressSplitsIntoFourNineBitIndicesAndAnOffset() {
        // 0x00007f1234567abc:
        //   >> 39 = 0x7f1234567abc >> 36 >> 3 = 0x7f1 >> 3 = 0xfe            -> PML4 254
        //   >> 30 = 0x7f123 >> 2 = 0x1fc48, & 0x1ff = 0x048                 -> PDPT 72
        //   >> 21 = 0x7f12345 >> 1 = 0x3f891a2, & 0x1ff = 0x1a2             -> PD 418
        //   >> 12 = 0x7f1234567, & 0x1ff = 0x167                            -> PT 359
        //   & 0xfff                                                         -> offset 0xabc
        LinearAddress a = LinearAddress.of(0x00007f1234567abcL, PagingMode.FOUR_LEVEL);
        assertThat(a.pml4()).isEqualTo(254);
        assertThat(a.pdpt()).isEqualTo(72);
        assertThat(a.pd()).isEqualTo(418);
        assertThat(a.pt()).isEqualTo(359);
        assertThat(a.offset()).isEqualTo(0xabc);
        assertThat(a.pml5()).as("no PML5 under 4-level paging").isEqualTo(-1);
        assertThat(a).hasToString("0x00007f1234567abc = PML4 254 | PDPT 72 | PD 418 | PT 359 | offset 0xabc");
    }

    @Test
    void theDirectMapStartsAtPgdEntry273() {
        // PAGE_OFFSET 0xffff888000000000 (§1.4): low 48 bits 0x888000000000 >> 39 = 0x888 >> 3 = 0x111 = 273,
        // and 0x111 << 39 = 0x888000000000 exactly, so PDPT, PD, PT and offset are 0
        LinearAddress a = LinearAddress.of(0xffff888000000000L, PagingMode.FOUR_LEVEL);
        assertThat(a.pml4()).isEqualTo(273);
        assertThat(a.pdpt()).isZero();
        assertThat(a.pd()).isZero();
        assertThat(a.pt()).isZero();
    }

    @Test
    void kernelTextIsInTheLastPgdEntryAndItsSecondToLastPud() {
        // __START_KERNEL_map 0xffffffff80000000: bits 47..39 all ones = 511, bits 38..30 = 0b111111110 = 510
        LinearAddress a = LinearAddress.of(0xffffffff80000000L, PagingMode.FOUR_LEVEL);
        assertThat(a.pml4()).isEqualTo(511);
        assertThat(a.pdpt()).isEqualTo(510);
        assertThat(a.pd()).isZero();
    }

    @Test
    void vmemmapIsInPgdEntry468() {
        // 0xffffea0000000000: 0xea0000000000 >> 39 = 0xea0 >> 3 = 0x1d4 = 468
        assertThat(LinearAddress.of(0xffffea0000000000L, PagingMode.FOUR_LEVEL).pml4()).isEqualTo(468);
    }

    @Test
    void theLastUserPageHasAllIndicesAtTheirTop() {
        // TASK_SIZE_MAX = 0x00007ffffffff000: bits 46..12 all ones, bit 47 zero
        LinearAddress a = LinearAddress.of(0x00007ffffffff000L, PagingMode.FOUR_LEVEL);
        assertThat(new int[] {a.pml4(), a.pdpt(), a.pd(), a.pt(), a.offset()}).containsExactly(255, 511, 511, 511, 0);
    }

    @Test
    void fiveLevelDirectMapStartsAtPml5Entry273() {
        // __PAGE_OFFSET_BASE_L5 0xff11000000000000: (va >> 48) & 511 = 0xff11 & 0x1ff = 0x111 = 273; bits 47..0 zero
        LinearAddress a = LinearAddress.of(0xff11000000000000L, PagingMode.FIVE_LEVEL);
        assertThat(a.pml5()).isEqualTo(273);
        assertThat(a.pml4()).isZero();
        assertThat(a).hasToString("0xff11000000000000 = PML5 273 | PML4 0 | PDPT 0 | PD 0 | PT 0 | offset 0x0");
    }

    @Test
    void hugePageOffsetsKeepTwentyOneAndThirtyBits() {
        // 0x40323456: & 0x1fffff = 0x123456 ; & 0x3fffffff = 0x323456
        LinearAddress a = LinearAddress.of(0x40323456L, PagingMode.FOUR_LEVEL);
        assertThat(a.offset2M()).isEqualTo(0x123456L);
        assertThat(a.offset1G()).isEqualTo(0x323456L);
    }

    @Test
    void canonicalMeansSignExtendedFromBit47OrBit56() {
        PagingMode four = PagingMode.FOUR_LEVEL;
        assertThat(four.isCanonical(0x00007fffffffffffL)).isTrue();
        assertThat(four.isCanonical(0x0000800000000000L)).as("bit 47 set, bits 63..48 clear").isFalse();
        assertThat(four.isCanonical(0xffff800000000000L)).isTrue();
        assertThat(four.isCanonical(0xfffe800000000000L)).as("bit 48 clear under bit 47 set").isFalse();
        PagingMode five = PagingMode.FIVE_LEVEL;
        assertThat(five.isCanonical(0x0000800000000000L)).as("57-bit: bit 47 is an ordinary bit").isTrue();
        assertThat(five.isCanonical(0x00ffffffffffffffL)).isTrue();
        assertThat(five.isCanonical(0x0100000000000000L)).isFalse();
        assertThat(five.isCanonical(0xff00000000000000L)).isTrue();
        assertThat(five.userEnd()).isEqualTo(0x00ffffffffffffffL);
        assertThat(four.kernelStart()).isEqualTo(0xffff800000000000L);
    }

    @Test
    void levelsShiftAndSpanAreThoseOfPgtable64Types() {
        // PGDIR_SHIFT 39 (4-level) / 48 (5-level), PUD_SHIFT 30, PMD_SHIFT 21, PAGE_SHIFT 12
        assertThat(PagingLevel.PML5.shift()).isEqualTo(48);
        assertThat(PagingLevel.PML4.shift()).isEqualTo(39);
        assertThat(PagingLevel.PDPT.entrySpan()).isEqualTo(1L << 30);
        assertThat(PagingLevel.PD.entrySpan()).isEqualTo(2L << 20);
        assertThat(PagingMode.FIVE_LEVEL.levels()).hasSize(5);
        assertThat(PagingMode.FOUR_LEVEL.top()).isEqualTo(PagingLevel.PML4);
    }
}
