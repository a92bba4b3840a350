package io.pagelab.lessons.malloc;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.lessons.LessonOutput;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the fragmentation lesson once and checks what it must show. Definitions: CS:APP 3rd ed.
 * §9.9.4 (internal = allocated - requested; external here 1 - largest free / free). Block sizes:
 * §9.9.12 (request + 16 rounded to 16, at least 32; heap grows by 4096). glibc part:
 * linux-reference.md §5.7-§5.8 and §5.10 (mallinfo2), start_brk 0x555555559000, first heap
 * 0x21000. The arithmetic is in the comments.
 */
class FragmentationLessonTest {

    private static String output;

    @BeforeAll
    static void runTheLesson() {
        output = LessonOutput.of(new FragmentationLesson());
    }

    @Test
    void internalFragmentationIsBlockMinusRequest() {
        // 1 -> 32, 17 -> 48, 100 -> 128, 1000 -> 1024: waste 31 + 31 + 28 + 24 = 114 of 1232
        assertThat(output).contains("      1      32       31")
                .contains("   1000    1024       24")
                .contains("= 1232 - 1118 = 114 bytes.");
    }

    @Test
    void aCheckerboardIsAlmostAllExternalFragmentation() {
        // 32 blocks of 128 = 4096; 16 freed: 2048 free, largest 128 -> 1 - 128/2048 = 0.9375;
        // internal 16 * (128 - 112) = 256
        assertThat(output).contains(".#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#")
                .contains("allocated   2048   requested   1792   internal   256")
                .contains("free        2048   largest      128   in 16 blocks   external 0.9375");
    }

    @Test
    void aRequestBiggerThanEveryHoleGrowsTheHeap() {
        // 224 from a new 4096: free 2048 + 3872 = 5920, largest 3872 -> 1 - 3872/5920 = 0.3459
        assertThat(output).contains("(0x1000 → 0x2000 past its start)")
                .contains("free        5920   largest     3872   in 17 blocks   external 0.3459");
    }

    @Test
    void aLiveChunkAboveTheFreeOnesPinsTheBreak() {
        // 63 * 0x7e0 = 0x1f020 free + top 0x21000 - 0x290 - 64 * 0x7e0 = 0x1570: 132496;
        // in use 0x290 + 0x7e0 = 2672. RSS: heap pages 0..0x1f touched (32) + main_arena's 2 = 34
        assertThat(output).contains("0x1f020 bytes")
                .contains("brk       0x55555557a000   (was 0x55555557a000)")
                .contains("fordblks  132496 bytes free")
                .contains("uordblks    2672 bytes in use")
                .contains("RSS       34 pages   (34 before the frees)");
    }

    @Test
    void mallocTrimDropsTheFreePagesAndTrimsTheTop() {
        // MADV_DONTNEED from PAGE_ALIGN(chunk 0x290 + 48) = 0x1000 over (0x1f020 - 0xd70) & ~0xfff
        // = 0x1e000: 30 pages; systrim: ALIGN_DOWN(0x1570 - 0x21, 4096) = 0x1000
        assertThat(output).contains("brk 0x55555557a000 → 0x555555579000")
                .contains("RSS 34 → 4 pages");
    }

    @Test
    void everyLineFitsNinetyColumns() {
        assertThat(LessonOutput.tooWide(output)).isEmpty();
    }

    @Test
    void runningTwiceGivesTheSameText() {
        assertThat(LessonOutput.of(new FragmentationLesson())).isEqualTo(output);
    }
}
