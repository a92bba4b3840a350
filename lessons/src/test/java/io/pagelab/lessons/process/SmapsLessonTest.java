package io.pagelab.lessons.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.lessons.LessonOutput;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the smaps lesson once and checks its numbers, computed by hand below from the scenario
 * (8 anonymous pages written by the parent, 4 file pages read; two forks; pid 2 copies anon 0 and
 * 1 and reads file 0..3; pid 3 copies anon 0 and reads file 0, 1) with the accounting rules of
 * linux-reference.md §6.7 (smaps_account: a page mapped n >= 2 times adds (4096 << 12) / n to the
 * fixed-point Pss, a page mapped once is Private and adds 4096 << 12).
 */
class SmapsLessonTest {

    private static String output;

    @BeforeAll
    static void runTheLesson() {
        output = LessonOutput.of(new SmapsLesson());
    }

    @Test
    void theMapcountTableShowsWhoSharesWhat() {
        // anon 1: the parent and pid 3 share the original, pid 2 has its copy
        assertThat(output).containsPattern("anon 1    (0x[0-9a-f]+) ×2 +0x[0-9a-f]+ ×1 +\\1 ×2\n");
        assertThat(output).containsPattern("anon 7    (0x[0-9a-f]+) ×3 +\\1 ×3 +\\1 ×3\n");
        // file 2 and 3: only the parent and pid 2 read them
        assertThat(output).containsPattern("file 3    (0x[0-9a-f]+) ×2 +\\1 ×2 +-\n");
    }

    @Test
    void rssPssAndUssPerProcessMatchTheHandComputation() {
        // parent: RSS 8 + 4 pages = 48 KiB; PSS 4 + 2 + 6*4/3 + 2*4/3 + 2*2 = 20.67; USS anon 0 = 4
        // pid 2:  RSS 2 copies + 6 anon + 4 file = 48; PSS 8 + 8 + 2.67 + 4 = 22.67; USS 8
        // pid 3:  RSS 1 copy + anon 1 + 6 anon + 2 file = 40; PSS 4 + 2 + 8 + 2.67 = 16.67; USS 4
        assertThat(output).contains("hello[1]     48 KiB   20.67 KiB   4 KiB   Pss:       20 kB")
                .contains("hello[2]     48 KiB   22.67 KiB   8 KiB   Pss:       22 kB")
                .contains("hello[3]     40 KiB   16.67 KiB   4 KiB   Pss:       16 kB")
                .contains("sum         136 KiB   60.00 KiB");
        // 15 distinct frames: 8 originals + 3 copies + 4 file pages = 60 KiB
        assertThat(output).contains("Σ PSS = 60 KiB = 15 frames in use");
    }

    @Test
    void theSmapsEntryOfTheAnonymousVmaTruncatesPssTo13Kb() {
        // fixed point: 4096<<12 (anon 0) + 8388608 (anon 1, /2) + 6 * floor(16777216 / 3) = 58720254;
        // >> 12 = 14335 bytes; >> 10 = 13 kB
        assertThat(output).contains("│ 7ffff7ff1000-7ffff7ff9000 rw-p 00000000 00:00 0 \n")
                .contains("│ Rss:                  32 kB\n")
                .contains("│ Pss:                  13 kB\n")
                .contains("│ Shared_Dirty:         28 kB\n")
                .contains("│ Private_Dirty:         4 kB\n")
                .contains("│ VmFlags: rd wr mr mw me ac sd \n");
    }

    @Test
    void smapsRollupAddsFixedPointValuesBeforeRounding() {
        // file: 2 * floor(16777216 / 3) + 2 * 8388608 = 27962026 -> Pss_File 6 kB;
        // anon 58720254 + 27962026 = 86682280 >> 12 = 21162 bytes -> Pss 20 kB (13 + 6 = 19)
        assertThat(output).contains("│ 555555554000-7ffffffff000 ---p 00000000 00:00 0"
                + "                          [rollup]\n")
                .contains("│ Pss:                  20 kB\n")
                .contains("│ Pss_Anon:             13 kB\n")
                .contains("│ Pss_File:              6 kB\n")
                .contains("│ Shared_Clean:         16 kB\n");
    }

    @Test
    void theSummaryCoversItsThreeQuestions() {
        assertThat(output).contains("q57 ").contains("q58 ").contains("q59 ");
    }

    @Test
    void everyLineFitsNinetyColumns() {
        assertThat(LessonOutput.tooWide(output)).isEmpty();
    }

    @Test
    void runningTwiceGivesTheSameText() {
        assertThat(LessonOutput.of(new SmapsLesson())).isEqualTo(output);
    }
}
