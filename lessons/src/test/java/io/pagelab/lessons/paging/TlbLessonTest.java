package io.pagelab.lessons.paging;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.lessons.LessonOutput;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the tlb lesson once and checks its counters. The expected numbers are worked out by hand
 * from the access pattern (16 user pages read 64 times each, then 4 kernel pages fetched 16 times
 * each: 1024 + 64 = 1088 accesses) and the flush rules of the Intel SDM vol. 3A §4.10.4.
 */
class TlbLessonTest {

    private static String output;

    @BeforeAll
    static void runTheLesson() {
        output = LessonOutput.of(new TlbLesson());
    }

    @Test
    void aColdStartMissesOncePerPage() {
        // 16 + 4 = 20 pages, one miss (and one walk) each; the other 1088 - 20 = 1068 hit in the dTLB;
        // 1068 / 1088 = 98.16%
        assertThat(output).contains("A runs, TLB empty               1088       1068          0      20     20")
                .contains("20 misses: the first touch of each of the 20 pages.")
                .contains("hit rate 98.2%");
        // 4 table reads per access without a TLB: 4 * 1088 = 4352; with it, 4 * 20 walks = 80
        assertThat(output).contains("would have cost 4352 table reads; with it, 80.");
    }

    @Test
    void theUserPageAndTheKernelPageShareSetZero() {
        // dTLB 4K: 64 entries / 4 ways = 16 sets; (0x400000 >> 12) % 16 = 0 and
        // (0xffffffff81000000 >> 12) % 16 = 0
        assertThat(output).contains("set 0: 0x400000 pcid 0 | 0xffffffff81000000 G | - | -");
    }

    @Test
    void aCr3LoadWithoutPcidsKeepsOnlyGlobalEntries() {
        // 20 translations, each filled into both levels (dTLB and STLB) = 40 entries;
        // the 4 global kernel pages stay, in both levels = 8
        assertThat(output).contains("before the CR3 load: 40; after: 8, all global.");
        // after each switch only the 16 user pages miss: 1088 - 16 = 1072 hits
        assertThat(output).contains("B runs after CR3 load           1088       1072          0      16     16")
                .contains("A runs after CR3 load           1088       1072          0      16     16");
    }

    @Test
    void withPcidsAndNoFlushSwitchingBackCostsNoMiss() {
        // a fresh CPU: A misses on all 20 pages, B only on its 16 (kernel entries are global),
        // then both come back to a TLB that still holds their PCID-tagged entries
        assertThat(output).contains("A, PCID 1, first time           1088       1068          0      20     20")
                .contains("B, PCID 2, first time           1088       1072          0      16     16")
                .contains("A, PCID 1, no flush             1088       1088          0       0      0")
                .contains("B, PCID 2, no flush             1088       1088          0       0      0")
                .contains("set 0: 0x400000 pcid 1 | 0xffffffff81000000 G | 0x400000 pcid 2 | -");
    }

    @Test
    void theComparisonCountsTwoSwitchesEachWay() {
        // without PCIDs: 16 + 16 misses, 32 walks of 4 reads = 128; with PCIDs: nothing
        assertThat(output).contains("without PCIDs (CR3 load)            32          32          128")
                .contains("with PCIDs and no-flush              0           0            0");
    }

    @Test
    void theSameAddressLeadsToDifferentFramesAndTheKernelToTheSameOne() {
        // A's page 1 is frame 0x20001, B's is 0x30001; kernel text is frame 0x1000 in both
        assertThat(output).contains("0x401234               0x20001234       0x30001234")
                .contains("0xffffffff81000000     0x1000000        0x1000000");
    }

    @Test
    void invlpgDropsTheStaleTranslationAndNothingElse() {
        // page 3 was frame 0x20003 and moves to 0x2f000; page 4 (frame 0x20004) keeps its entry
        assertThat(output).contains("read 0x403000 before INVLPG   -> 0x20003000  (stale: the old frame!)")
                .contains("read 0x403000 after INVLPG    -> 0x2f000000")
                .contains("read 0x404000                 -> 0x20004000  (untouched entry, a hit)")
                .contains("After INVLPG: 1 miss, 1 hit.");
    }

    @Test
    void theSummaryCoversQuestionEleven() {
        assertThat(output).contains("q11 ");
    }

    @Test
    void everyLineFitsNinetyColumns() {
        assertThat(LessonOutput.tooWide(output)).isEmpty();
    }

    @Test
    void runningTwiceGivesTheSameText() {
        assertThat(LessonOutput.of(new TlbLesson())).isEqualTo(output);
    }
}
