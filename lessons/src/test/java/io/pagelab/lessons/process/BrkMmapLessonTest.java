package io.pagelab.lessons.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.lessons.LessonOutput;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the brkmmap lesson once and checks what it must show. brk rules: linux-reference.md §6.4;
 * placement: §6.2-§6.3; glibc's sizes (M_TOP_PAD 128 KiB, M_MMAP_THRESHOLD 128 KiB, chunk header)
 * are worked out in the comments.
 */
class BrkMmapLessonTest {

    private static String output;

    @BeforeAll
    static void runTheLesson() {
        output = LessonOutput.of(new BrkMmapLesson());
    }

    @Test
    void theBreakStartsOnThePageAfterBss() {
        // bias 0x555555554000 + data vaddr 0x3dd0 + memsz 0x270 = 0x555555558040 -> PAGE_ALIGN
        assertThat(output).contains("brk(0) = 0x555555559000   and maps has no [heap] line.");
    }

    @Test
    void theFirstSbrkMakesA132KibHeapWithoutAnyPage() {
        // 16 bytes + M_TOP_PAD 0x20000, page aligned -> 0x21000; 0x555555559000 + 0x21000
        assertThat(output).contains("brk(0x55555557a000) = 0x55555557a000")
                .contains("  555555559000-55555557a000 rw-p 00000000 00:00 0"
                        + "                          [heap]\n")
                .contains("(0 pages): like mmap, brk only reserves addresses")
                .contains("RSS 0 → 1.");
    }

    @Test
    void theHeapGrowsAsOneVmaAndKeepsAnUnalignedBreak() {
        // 0x55555557a000 + 0x21000 = 0x55555559b000; + 100 = 0x...b064, VMA end PAGE_ALIGN = 0x...c000
        assertThat(output).contains("brk(0x55555559b000) = 0x55555559b000")
                .contains("The VMA is now 0x555555559000-0x55555559b000: still one [heap] line.")
                .contains("brk(0x55555559b064) = 0x55555559b064")
                .contains("the VMA ends at the next page: 555555559000-55555559c000.");
    }

    @Test
    void aTwoHundredKibMallocIsItsOwnMmapBelowVvar() {
        // request2size(204800) = 204816; + SIZE_SZ 8 = 204824 -> 51 pages = 0x33000;
        // top-down below [vvar] at 0x7ffff7ff9000: 0x7ffff7ff9000 - 0x33000 = 0x7ffff7fc6000
        assertThat(output).contains("rounded up to pages = 0x33000 (204 KiB)")
                .contains("    = 0x7ffff7fc6000   (top-down");
    }

    @Test
    void aFourMibMappingIsTwoMibAlignedAndFourMibPlusAPageIsNot() {
        // 0x7ffff7ff9000 - 6 MiB = 0x7ffff79f9000; round up to 2 MiB -> 0x7ffff7a00000.
        // 4 MiB + 4 KiB is placed right below it: 0x7ffff7a00000 - 0x401000 = 0x7ffff75ff000
        assertThat(output).contains("mmap(NULL, 4 MiB)         = 0x7ffff7a00000   % 2 MiB = 0x0")
                .contains("mmap(NULL, 4 MiB + 4 KiB) = 0x7ffff75ff000   % 2 MiB = 0x1ff000");
    }

    @Test
    void theSummaryCoversItsFourQuestions() {
        assertThat(output).contains("q51 ").contains("q52 ").contains("q53 ").contains("q55 ");
    }

    @Test
    void everyLineFitsNinetyColumns() {
        assertThat(LessonOutput.tooWide(output)).isEmpty();
    }

    @Test
    void runningTwiceGivesTheSameText() {
        assertThat(LessonOutput.of(new BrkMmapLesson())).isEqualTo(output);
    }
}
