package io.pagelab.lessons.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.lessons.LessonOutput;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the cow lesson once and checks what it must show. The rules are linux-reference.md §6.11
 * (copy_present_pte write-protects both sides and raises mapcount and refcount; do_wp_page copies
 * while the page has two references and reuses it at one); page counts are worked out in the
 * comments.
 */
class CowLessonTest {

    private static String output;

    @BeforeAll
    static void runTheLesson() {
        output = LessonOutput.of(new CowLesson());
    }

    @Test
    void forkWriteProtectsBothSidesAndCountsTwoMappings() {
        // page 0, parent then child: same pfn, R/W 0, mapcount 2, refcount 2, the parent's value
        assertThat(output).containsPattern("│ 0     hello\\[1\\]   (0x[0-9a-f]+) +0    2         2         1000\n"
                + "  │       hello\\[2\\]   \\1 +0    2         2         1000\n");
        assertThat(output).containsPattern("rmap\\(pfn 0x[0-9a-f]+\\) = \\[hello\\[1\\] at 0x7ffff7ff5000,"
                + " hello\\[2\\] at 0x7ffff7ff5000\\]");
    }

    @Test
    void forkCostsOnlyTheChildsFourPageTablePages() {
        // the child's PGD plus one PUD, PMD and PTE page for 0x7ffff7ff5000; no data page
        long[] n = numbers("Free pages: (\\d+) → (\\d+)\\. The fork cost 4 pages");
        assertThat(n[0] - n[1]).isEqualTo(4);
    }

    @Test
    void theChildsWriteCopiesAndThenTheParentsWriteReuses() {
        // child: new page, writable, its own value; parent: old page, back to one mapping
        assertThat(output).containsPattern("│ 0     hello\\[1\\]   (0x[0-9a-f]+) +0    1         1         1000\n"
                + "  │       hello\\[2\\]   0x[0-9a-f]+ +1    1         1         2000\n");
        assertThat(output).contains("parent reads 1000, child reads 2000");
        // wp_page_reuse: no page allocated, the parent keeps its pfn, now writable
        assertThat(output).containsPattern("free pages (\\d+) → \\1; parent pfn still");
        assertThat(output).containsPattern("│ 0     hello\\[1\\]   0x[0-9a-f]+ +1    1         1         3000\n");
    }

    @Test
    void afterTheChildExitsEveryPageComesBack() {
        // before exit: fork -4, child copy -1, parent copy of page 1 -1 = free0 - 6; exit returns
        // the 4 table pages, the child's copy and the old page 1: free0 again
        long[] n = numbers("Free pages: (\\d+) before exit, (\\d+) after, (\\d+) before fork: all back");
        assertThat(n[1] - n[0]).isEqualTo(6);
        assertThat(n[1]).isEqualTo(n[2]);
        // pages 2 and 3 stay write-protected in the parent, now mapped once
        assertThat(output).containsPattern("│ 2     hello\\[1\\]   0x[0-9a-f]+ +0    1         1         1002\n");
    }

    private static long[] numbers(String regex) {
        Matcher m = Pattern.compile(regex).matcher(output);
        assertThat(m.find()).as("output matches %s", regex).isTrue();
        long[] out = new long[m.groupCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Long.parseLong(m.group(i + 1));
        }
        return out;
    }

    @Test
    void everyLineFitsNinetyColumns() {
        assertThat(LessonOutput.tooWide(output)).isEmpty();
    }

    @Test
    void runningTwiceGivesTheSameText() {
        assertThat(LessonOutput.of(new CowLesson())).isEqualTo(output);
    }
}
