package io.pagelab.lessons.malloc;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.lessons.LessonOutput;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the chunks lesson once and checks what it must show. Sizes and layout: linux-reference.md
 * §5.1 (request2size, chunk header), §5.3 (the 0x290 tcache chunk first in [heap]), §5.5 (bin
 * indexes), §5.6-§5.7 (malloc and free order), §5.8 (first sbrk 0x21000), §5.10 (mallinfo2);
 * start_brk 0x555555559000 as worked out in BrkMmapLessonTest; every address below is computed
 * by hand in the comments.
 */
class ChunksLessonTest {

    private static String output;

    @BeforeAll
    static void runTheLesson() {
        output = LessonOutput.of(new ChunksLesson());
    }

    @Test
    void theFirstMallocMakesA132KibHeapWhoseFirstChunkIsTheTcache() {
        // 0x290 + M_TOP_PAD 0x20000 + MINSIZE 0x20 = 0x202b0 -> pages: 0x21000 (§5.8)
        assertThat(output).contains("555555559000-55555557a000 rw-p 00000000 00:00 0")
                // request2size(640) = 0x290, PREV_INUSE -> 0x291
                .contains("0x555555559000:  0x0000000000000000  0x0000000000000291")
                .contains("malloc(24) = 0x5555555592a0   (start_brk + 0x2a0)");
    }

    @Test
    void chunksFollowEachOtherWithTheirRoundedSizes() {
        // a chunk 0x290 (0x20); b = 100 -> (100+23)&~15 = 0x70 at 0x2b0; c = 1280 -> 0x510 at
        // 0x320; d = 40 -> 0x30 at 0x830; top at 0x860, 0x21000 - 0x860 = 0x207a0
        assertThat(output).contains("b = malloc(100)  = 0x5555555592c0")
                .contains("c = malloc(1280) = 0x555555559330")
                .contains("d = malloc(40)   = 0x555555559840")
                .contains("0x5555555592b0   0x0        0x71        0x70    0 0 1  in use")
                .contains("0x555555559860   0x0        0x207a1     0x207a0 0 0 1  top chunk");
    }

    @Test
    void aLargeChunkGoesToTheUnsortedBinAndMarksItsNeighbour() {
        // 0x510 > tcache max 0x410 and > global_max_fast 0x80: unsorted; fd = bk = bin_at(1) =
        // &main_arena (0x7ffff7fa8c60, Debian 2.36) + 0x60; d: prev_size = 0x510, P cleared
        assertThat(output).contains("tcache   0x20   [1]: 0x5555555592a0")
                .contains("unsorted           : 0x555555559320")
                .contains("0x555555559330:  0x00007ffff7fa8cc0  0x00007ffff7fa8cc0")
                .contains("0x555555559830:  0x0000000000000510  0x0000000000000030");
    }

    @Test
    void aSmallRequestSplitsTheFreeChunkAndLeavesTheRemainderUnsorted() {
        // tcache LIFO gives a back; malloc(48) -> 0x40 carved from c (largebin 68), remainder at
        // 0x320 + 0x40 = 0x360 of size 0x4d0
        assertThat(output).contains("malloc(24) = 0x5555555592a0: a again.")
                .contains("malloc(48) = 0x555555559330 = c")
                .contains("the remainder at 0x555555559360 (0x510 - 0x40 = 0x4d0)");
    }

    @Test
    void theEighthFreeGoesToAFastbinAndConsolidationSortsItIntoASmallBin() {
        // x0..x8 = 0x370 + 0x20 i; x7 = 0x450 (chunk 0x440); remainder 0x360 + 9 * 0x20 = 0x480,
        // size 0x4d0 - 0x120 = 0x3b0 -> smallbin 0x3b; malloc(1500) -> 0x5f0 from top 0x860
        assertThat(output).contains("(0x555555559370 to 0x555555559470, each 0x20)")
                .contains("tcache   0x20   [7]: 0x555555559430 → 0x555555559410 → … → 0x555555559370")
                .contains("fastbin  0x20      : 0x555555559440")
                .contains("small[2]           : 0x555555559440")
                .contains("small[59]          : 0x555555559480")
                .contains("malloc(1500) = 0x555555559870")
                .contains("0x555555559460   0x20       0x20        0x20    0 0 0  in use");
    }

    @Test
    void freeingTheChunkBeforeTopMergesIntoTopAndMallinfoAddsUp() {
        // top 0x860 + 0x5f0 = 0xe50, 0x207a0 - 0x5f0 = 0x201b0; after free: back to 0x207a0.
        // in use: 0x290 + 0x20 + 0x70 + 0x40 + 7 * 0x20 + 0x20 + 0x30 = 1168; 135168 - 1168 = 134000
        assertThat(output).contains("top = 0x555555559e50, size 0x201b0")
                .contains("top = 0x555555559860, size 0x207a0")
                .contains("arena    135168")
                .contains("uordblks   1168")
                .contains("fordblks 134000")
                .contains("keepcost 133024");
    }

    @Test
    void everyLineFitsNinetyColumns() {
        assertThat(LessonOutput.tooWide(output)).isEmpty();
    }

    @Test
    void runningTwiceGivesTheSameText() {
        assertThat(LessonOutput.of(new ChunksLesson())).isEqualTo(output);
    }
}
