package io.pagelab.lessons.buddy;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.lessons.LessonOutput;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Runs the migratetype lesson; expected values are derived by hand in the comments. */
class MigratetypeLessonTest {

    private static String output;

    @BeforeAll
    static void runTheLesson() {
        output = LessonOutput.of(new MigratetypeLesson());
    }

    @Test
    void atBootOnlyTheDmaBlockStartingAtTheHoleIsUnmovable() {
        // DMA: pfn 0-4095 = 8 pageblocks of 512; block 0 starts at pfn 0, not RAM.
        // DMA32: 0x1000-0x7fdf, (0x7fe0 - 0x1000) / 512 rounded up = 56 blocks
        assertThat(output).contains("DMA   ( 8 blocks) UMMMMMMM")
                .contains("DMA32 (56 blocks) " + "M".repeat(56));
    }

    @Test
    void theFallbackTableIsTheKernels() {
        // mm/page_alloc.c fallbacks[] (linux-reference.md)
        assertThat(output).contains("Unmovable    → Reclaimable, Movable")
                .contains("Movable      → Reclaimable, Unmovable")
                .contains("Reclaimable  → Unmovable, Movable");
    }

    @Test
    void anUnmovablePageStealsTheLargestMovableBlockAndItsTwoPageblocks() {
        // the first order-10 Movable block of DMA32 is 0x3800 (0x3620 + 32 + 64 + ... reaches the
        // 1024-aligned 0x3800 after the order 5-9 blocks); 0x3800 - 0x1000 = 0x2800 = 20 pageblocks
        // in, and an order-10 block is 1024 / 512 = 2 pageblocks
        assertThat(output).contains("GFP_KERNEL order 0 → pfn 0x3800")
                .contains("DMA32 pageblocks now: " + "M".repeat(20) + "UU" + "M".repeat(34))
                .contains("Unmovable 0 → 2, Movable 56 → 54");
        // the 1024 pages split for one page: one free block of each order 0..9
        assertThat(output).contains("DMA32    Unmovable         1    1    1    1    1    1    1    1    1    1    0");
    }

    @Test
    void theFragmentedDmaZoneHasOnlySinglePagesAndTheUnmovableOrderEightBlock() {
        // Movable DMA blocks 1..7 = pfn 512..4095 = 3584 pages; even ones: 1792. Plus the
        // Unmovable order-8 block at 0x100 (256 pages): 2048 free pages, 1793 blocks
        assertThat(output).contains("3,584 pages one at a time")
                .contains("Node 0, zone      DMA 1792    0    0    0    0    0    0    0    1    0    0")
                .contains("2,048 pages (8192 KiB) are free");
    }

    @Test
    void theIndicesMatchAHandComputation() {
        // unusable(3) = (2048 - 256) / 2048 = 0.875; unusable(9) = 2048 / 2048 = 1.000
        // fragindex(9) = 1000 - (1000 + 2048 * 1000 / 512) / 1793 = 1000 - 5000 / 1793 = 998
        // fragindex(10) = 1000 - (1000 + 2000) / 1793 = 999
        assertThat(output).contains("   3      0.875         -1.000 (would succeed)")
                .contains("   9      1.000         0.998                   CONTINUE")
                .contains("  10      1.000         0.999                   SKIPPED");
    }

    @Test
    void everyLineFitsNinetyColumns() {
        assertThat(LessonOutput.tooWide(output)).isEmpty();
    }

    @Test
    void runningTwiceGivesTheSameText() {
        assertThat(LessonOutput.of(new MigratetypeLesson())).isEqualTo(output);
    }
}
