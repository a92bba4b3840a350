package io.pagelab.questions.q12;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import io.pagelab.questions.q12.PagingIndices.Mode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q12 x86支持的映射模式都有哪些形式？如何分级的？ Which paging modes does x86 support,
 * and how are they levelled?
 *
 * <p>Index widths from the Intel SDM vol. 3A §4.3-4.5 and arch/x86/include/asm/pgtable*_types.h;
 * every split below is worked out by hand in its comment (seed-digest Appendix C.6 for the first
 * two; never the erratum #16 bit ranges).
 */
@Grader(id = "q12")
@DisplayName("Q12 index split of 32-bit, PAE, 4-level and 5-level paging")
class PagingIndicesTest {

    @Test
    @Points(3)
    @Hint("32-bit paging: bits 31..22 index the page directory, 21..12 the page table (10 bits each).")
    void legacy32SplitsTenTenTwelve() {
        // 0x12345670 = 0001 0010 00|11 0100 0101| 0110 0111 0000: dir 0x048, table 0x345, offset 0x670
        assertThat(PagingIndices.indices(0x12345670L, Mode.LEGACY32)).containsExactly(0x48, 0x345);
        // the top address: both indices all ones
        assertThat(PagingIndices.indices(0xffffffffL, Mode.LEGACY32)).containsExactly(1023, 1023);
    }

    @Test
    @Points(3)
    @Hint("PAE: bits 31..30 pick one of 4 PDPT entries, then 9 bits (29..21) and 9 bits (20..12).")
    void paeSplitsTwoNineNineTwelve() {
        // 0xc0801234: bits 31..30 = 3; (0xc0801234 >> 21) & 0x1ff = 0x604 & 0x1ff = 4;
        // (0xc0801234 >> 12) & 0x1ff = 0xc0801 & 0x1ff = 1
        assertThat(PagingIndices.indices(0xc0801234L, Mode.PAE)).containsExactly(3, 4, 1);
    }

    @Test
    @Points(3)
    @Hint("4-level paging: PML4 = bits 47..39, PDPT = 38..30, PD = 29..21, PT = 20..12, 9 bits each.")
    void fourLevelSplitsNineNineNineNineTwelve() {
        // 0x00007f2c90001234 (seed-digest C.6): >>39 = 0xfe = 254; >>30 & 0x1ff = 0x1fcb2 & 0x1ff = 0xb2 = 178;
        // >>21 & 0x1ff = 0x3f96480 & 0x1ff = 0x80 = 128; >>12 & 0x1ff = 1
        assertThat(PagingIndices.indices(0x00007f2c90001234L, Mode.FOUR_LEVEL)).containsExactly(254, 178, 128, 1);
        // PAGE_OFFSET + 0x1000: 0xffff888000000000 >> 39 & 0x1ff = 0x111 = 273 (C.6)
        assertThat(PagingIndices.indices(0xffff888000001000L, Mode.FOUR_LEVEL)).containsExactly(273, 0, 0, 1);
    }

    @Test
    @Points(3)
    @Hint("5-level paging puts a PML5 index (bits 56..48) above the 4-level split.")
    void fiveLevelAddsAPml5Index() {
        // 0xff11000000001000 (the 5-level PAGE_OFFSET + 0x1000): bits 56..48 = 0xff11 & 0x1ff = 0x111 = 273,
        // bits 47..12 = 0x000000001: [273, 0, 0, 0, 1]
        assertThat(PagingIndices.indices(0xff11000000001000L, Mode.FIVE_LEVEL)).containsExactly(273, 0, 0, 0, 1);
        // the same address under 4-level paging: bits 47..39 are 0 (it is not even canonical there)
        assertThat(PagingIndices.indices(0xff11000000001000L, Mode.FOUR_LEVEL)).containsExactly(0, 0, 0, 1);
    }

    @Test
    @Points(3)
    @Hint("All levels read: a 4 KiB page. Stopping one level early adds the skipped index width to the "
            + "offset: 10 bits on 32-bit paging (4 MiB, not 2 MiB), 9 bits elsewhere.")
    void largePagesWidenTheOffset() {
        assertThat(PagingIndices.offsetBits(Mode.LEGACY32, 2)).as("32-bit 4 KiB").isEqualTo(12);
        assertThat(PagingIndices.offsetBits(Mode.LEGACY32, 1)).as("32-bit PSE page: 4 MiB").isEqualTo(22);
        assertThat(PagingIndices.offsetBits(Mode.PAE, 2)).as("PAE large page: 2 MiB").isEqualTo(21);
        assertThat(PagingIndices.offsetBits(Mode.FOUR_LEVEL, 4)).isEqualTo(12);
        assertThat(PagingIndices.offsetBits(Mode.FOUR_LEVEL, 3)).as("PDE with PS: 2 MiB").isEqualTo(21);
        assertThat(PagingIndices.offsetBits(Mode.FOUR_LEVEL, 2)).as("PDPTE with PS: 1 GiB").isEqualTo(30);
        assertThat(PagingIndices.offsetBits(Mode.FIVE_LEVEL, 3)).as("5-level 1 GiB").isEqualTo(30);
    }

    @Test
    @Points(2)
    @Hint("A PML4 entry never maps a page, and 32-bit paging has no level above the directory: refuse "
            + "such walks with IllegalArgumentException.")
    void aWalkThatCannotEndThereIsRefused() {
        assertThatThrownBy(() -> PagingIndices.offsetBits(Mode.FOUR_LEVEL, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PagingIndices.offsetBits(Mode.LEGACY32, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PagingIndices.offsetBits(Mode.PAE, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @Points(2)
    @Hint("32-bit modes translate 32-bit addresses: an address at or above 2^32 is an "
            + "IllegalArgumentException that names it.")
    void a32BitModeRefusesAWideAddress() {
        assertThatThrownBy(() -> PagingIndices.indices(0x100000000L, Mode.PAE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0x100000000");
    }
}
