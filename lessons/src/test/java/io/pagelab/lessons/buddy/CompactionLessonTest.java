package io.pagelab.lessons.buddy;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.lessons.LessonOutput;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Runs the compaction lesson; expected values are derived by hand in the comments. */
class CompactionLessonTest {

    private static String output;

    @BeforeAll
    static void runTheLesson() {
        output = LessonOutput.of(new CompactionLesson());
    }

    @Test
    void theCheckerboardLeavesOnlySinglePagesAndAFragmentedOrderThree() {
        // 16 MiB = 4096 pages, even pfns freed: 2048 order-0 blocks, no buddy free.
        // fragindex(3) = 1000 - (1000 + 2048 * 1000 / 8) / 2048 = 1000 - 257000 / 2048 = 1000 - 125 = 875
        // fragindex(1) = 1000 - (1000 + 2048 * 1000 / 2) / 2048 = 1000 - 1025000 / 2048 = 1000 - 500 = 500
        assertThat(output).contains("all 4,096 pages")
                .contains("Node 0, zone    DMA32 2048    0    0    0    0    0    0    0    0    0    0")
                .contains("   3    0.875").contains("   1    0.500");
    }

    @Test
    void compactionMovesTheOddPagesOfBlockZeroToTheEvenPagesOfBlockSeven() {
        // block 0 = 0x1000..0x11ff holds 256 odd pages; block 7 from 0x1e00 has 256 even free pages.
        // k-th move: 0x1001 + 2k -> 0x1e00 + 2k; last (k = 255): 0x11ff -> 0x1ffe
        assertThat(output).contains("move   1: pfn 0x1001 -> pfn 0x1e00")
                .contains("move 256: pfn 0x11ff -> pfn 0x1ffe")
                .contains("compact_migrate_scanned  512")
                .contains("compact_isolated         512")
                .contains("pgmigrate_success        256");
        // after: 2048 - 512 single pages of blocks 0 and 7 are gone = 1536, plus block 0 as one order 9
        assertThat(output).contains("Node 0, zone    DMA32 1536    0    0    0    0    0    0    0    0    1    0");
    }

    @Test
    void theUnmovablePageStaysAndSplitsItsPageblock() {
        // block 0 (0x1000..0x11ff) minus the kernel page at 0x1000 = 511 free pages = 1 + 2 + ... + 256:
        // one block of each order 0..8 that cannot become order 9. Compaction empties block 1 into
        // blocks 7 and 6 (together with block 0's 256 odd pages: 512 moves), giving one
        // order-9 block at 0x1200. Order 0: blocks 2..5 still checkerboard = 4 * 256 = 1024, plus
        // 0x1001 (order 0 of block 0's split) = 1025.
        assertThat(output).contains("kernel page 0x1000 moved? no; movable? no")
                .contains("Node 0, zone    DMA32 1025    1    1    1    1    1    1    1    1    1    0")
                .contains("the 2 MiB block is at pfn 0x1200");
    }

    @Test
    void cmaIsReservedAtBootBorrowedByMovablePagesOnlyAndTakenBack() {
        // linux-reference §13.3 / CmaTest: 128 MiB, memblock ends at 0x7fe0000, top-down 2 MiB aligned:
        // (0x7fe0000 - 0x4000000) & ~0x1fffff = 0x3e00000
        assertThat(output).contains("dmesg│ cma: Reserved 64 MiB at 0x0000000003e00000 on node -1")
                .contains("GFP_HIGHUSER_MOVABLE -> pfn 0x7c00  (inside the CMA area)")
                .contains("(outside the CMA area)")
                .doesNotContain("GFP_KERNEL           -> pfn 0x7")
                // the whole area: 0x3e00 + 16384 - 1 = 0x7dff; 4 borrowers moved out
                .contains("cma_alloc -> pfn 0x3e00 .. 0x7dff, 16,384 pages in one piece")
                .contains("4 borrower(s) were in the range");
    }

    @Test
    void everyLineFitsNinetyColumns() {
        assertThat(LessonOutput.tooWide(output)).isEmpty();
    }

    @Test
    void runningTwiceGivesTheSameText() {
        assertThat(LessonOutput.of(new CompactionLesson())).isEqualTo(output);
    }
}
