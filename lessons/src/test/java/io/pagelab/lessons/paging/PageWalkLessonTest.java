package io.pagelab.lessons.paging;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.lessons.LessonOutput;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the pagewalk lesson once and checks the numbers it must show. Every expected value is
 * computed by hand in the comments, from the Intel SDM's 4-level walk and the entry layout of
 * linux-reference.md §1.1, or taken from the reference (§1.3 error codes, seed-digest Q12/Q13).
 */
class PageWalkLessonTest {

    private static String output;

    @BeforeAll
    static void runTheLesson() {
        output = LessonOutput.of(new PageWalkLesson());
    }

    @Test
    void theAddressIsCutIntoTheSeedDigestsIndices() {
        // seed-digest Q12: 0x00007f2c90001234 => [254, 178, 128, 1] + 0x234;
        // bits 47..39 = 011111110 = 254, 38..30 = 010110010 = 178, 29..21 = 010000000 = 128
        assertThat(output).contains("011111110  010110010  010000000  000000001  001000110100")
                .contains("PML4 254   PDPT 178   PD 128     PT 1       offset 0x234");
    }

    @Test
    void nineTableFramesHoldTheSixMappings() {
        // root + (PDPT, PD) under each of the 3 root entries in use (170 text, 254 buffer, 273 kernel)
        // + a PT under the text and one under the buffer; the 2 MiB pages need none: 1 + 6 + 2 = 9
        assertThat(output).contains("9 table frames are in use now (36 KiB of page tables for 6 mappings)");
        // 0x555555554000 >> 39 = 170, 0xffff888000000000 >> 39 & 511 = 0x111 = 273;
        // kernel tables lack U/S: P|RW = 0x3
        assertThat(output).contains("[170] PML4E 0x0000000008001007")
                .contains("[273] PML4E 0x0000000008007003: P R/W -> PDPT table at phys 0x8007000");
    }

    @Test
    void eachEntryIsReadAtTablePlusEightTimesIndex() {
        // tables are handed out in order from 0x8000000: root, then text's PDPT/PD/PT 0x8001000..3000,
        // then the buffer's PDPT 0x8004000, PD 0x8005000, PT 0x8006000
        // 0x8000000 + 8*254 = 0x80007f0; 0x8004000 + 8*178 = 0x8004590; 0x8005000 + 8*128 = 0x8005400
        assertThat(output).contains("PML4  0x8000000 + 8 × 254 = 0x80007f0  holds 0x0000000008004007")
                .contains("PDPT  0x8004000 + 8 × 178 = 0x8004590  holds 0x0000000008005007")
                .contains("PD    0x8005000 + 8 × 128 = 0x8005400  holds 0x0000000008006007")
                .contains("PT    0x8006000 + 8 × 1 = 0x8006008    holds 0x8000000012345007");
    }

    @Test
    void theWalkEndsAtFramePlusOffset() {
        // frame 0x12345 << 12 = 0x12345000, plus offset 0x234
        assertThat(output).contains("physical address = 0x12345000 + offset 0x234 = 0x12345234")
                .contains("0x00007f2c90001234 is physical 0x12345234");
    }

    @Test
    void thePteBitsAreDecodedOneByOne() {
        // 0x8000000012345007: NX (bit 63), frame 0x12345, U/S R/W P (0x7), everything else 0
        assertThat(output).contains("value  1   0       0x0     0x12345  0x0    0  0    0  0  0    0    1    1    1");
    }

    @Test
    void theCpuSetsAccessedOnAReadAndDirtyOnAWrite() {
        // A is bit 5 (0x20), D is bit 6 (0x40): 0x...007 -> 0x...027 -> 0x...067
        assertThat(output).contains("PTE 0x8000000012345007 -> 0x8000000012345027 (A, 0x20) -> 0x8000000012345067 (D, 0x40)")
                .contains("PML4E[254] at 0x80007f0 0x0000000008004007  -> 0x0000000008004027  CPU set A");
    }

    @Test
    void aTwoMibPageEndsTheWalkAtThePdWithA21BitOffset() {
        // PD index of 0x7f2c90200000 is 129; PDE = NX | 0x40000000 | PS 0x80 | 0x7 = 0x8000000040000087
        // offset 0x7f2c90234567 & 0x1fffff = 0x34567; 0x40000000 + 0x34567 = 0x40034567
        assertThat(output).contains("PDE  [129] at 0x8005408 0x8000000040000087")
                .contains("3 table reads instead of 4")
                .contains("physical = page 0x40000000 + offset 0x34567 = 0x40034567");
    }

    @Test
    void faultsCarryTheErrorCodesOfTheReference() {
        // linux-reference.md §1.3: user read of an unmapped page 0x4, user write to a present
        // read-only page 0x7; user read of a supervisor page P|U = 0x5; kernel read not-present 0x0
        assertThat(output).contains("#PF: error_code(0x0004) - not-present page")
                .contains("#PF: error_code(0x0007) - permissions violation")
                .contains("#PF: error_code(0x0005) - permissions violation")
                .contains("BUG: kernel NULL pointer dereference, address: 0000000000000000")
                .contains("#PF: supervisor read access in kernel mode")
                .contains("#PF: user write access in user mode");
    }

    @Test
    void aNonCanonicalAddressRaisesGeneralProtectionNotAPageFault() {
        // 0xdead000000000100: bit 47 = 0 but bits 63..48 = 0xdead, so not canonical (mm.rst rule)
        assertThat(output).contains("0x0000800000000000  bit 47 = 1, bits 63..48 = 0x0     NOT canonical")
                .contains("general protection fault, probably for non-canonical address 0xdead000000000100: 0000")
                .contains("(0 reads)");
    }

    @Test
    void foldedLevelsCostNoTableFrames() {
        // seed-digest Q13: one 4 KiB page takes 2 tables on 32-bit, 4 on 4-level; PAE 3, 5-level 5
        assertThat(output).contains("32-bit      PD      folded  folded  folded  PT    2")
                .contains("PAE         PDPT    folded  folded  PD      PT    3")
                .contains("4-level     PML4    folded  PDPT    PD      PT    4")
                .contains("5-level     PML5    PML4    PDPT    PD      PT    5");
        // 0x12345670: directory 0x12345670 >> 22 = 0x48, table (>> 12) & 0x3ff = 0x345;
        // PAE: bits 31..30 = 0, (>> 21) & 511 = 0x91, (>> 12) & 511 = 0x145
        assertThat(output).contains("0x12345670 = 0x48|0x345|0x670").contains("0x12345670 = 0|0x91|0x145|0x670");
    }

    @Test
    void theSummaryCoversItsThreeQuestions() {
        assertThat(output).contains("q12 ").contains("q13 ").contains("q17 ");
    }

    @Test
    void everyLineFitsNinetyColumns() {
        assertThat(LessonOutput.tooWide(output)).isEmpty();
    }

    @Test
    void runningTwiceGivesTheSameText() {
        assertThat(LessonOutput.of(new PageWalkLesson())).isEqualTo(output);
    }
}
