package io.pagelab.lessons.malloc;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.lessons.LessonOutput;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the tcache lesson once and checks what it must show. tcache layout and rules:
 * linux-reference.md §5.3; safe-linking: §5.4; messages: §5.9 (exact glibc strings); the first
 * user chunk at start_brk + 0x2a0 = 0x5555555592a0 (§5.3, start_brk as in BrkMmapLessonTest).
 */
class TcacheLessonTest {

    private static String output;

    @BeforeAll
    static void runTheLesson() {
        output = LessonOutput.of(new TcacheLesson());
    }

    @Test
    void sevenChunksFillTheTcacheBinAndTheEighthGoesToAFastbin() {
        // request2size(72) = 0x50, csize2tidx = 3; p_i = 0x2a0 + 0x50 i: p6 = 0x480, p5 = 0x430,
        // p7 = 0x4d0 whose chunk 0x4c0 is <= global_max_fast 0x80 -> fastbin
        assertThat(output).contains("tcache   0x50   [7]: 0x555555559480 → 0x555555559430 → … → 0x5555555592a0")
                .contains("fastbin  0x50      : 0x5555555594c0");
    }

    @Test
    void countsAndEntriesAreReadFromTheTcacheStruct() {
        // tcache struct user pointer start_brk + 0x10; counts[3] = 7 is bytes 6-7 of the first word;
        // entries[3] at + 0x80 + 0x18 = 0x5555555590a8 holds p6
        assertThat(output).contains("0x555555559010:  0x0007000000000000  0x0000000000000000")
                .contains("0x5555555590a8:  0x0000555555559480");
    }

    @Test
    void theNextPointerIsStoredMangled() {
        // (0x555555559480 >> 12) ^ 0x555555559430 = 0x555555559 ^ 0x555555559430 = 0x55500000c169
        assertThat(output).contains("0x555555559480:  0x000055500000c169")
                .contains("stored ^ (pos >> 12) = 0x555555559430 = p5")
                // NULL at p0: 0x5555555592a0 >> 12
                .contains("stores NULL as 0x555555559,");
    }

    @Test
    void aDoubleFreeAbortsWithGlibcsMessages() {
        assertThat(output).contains("  free(): double free detected in tcache 2\n  Aborted (core dumped)")
                .contains("  double free or corruption (fasttop)\n  Aborted (core dumped)");
    }

    @Test
    void clearingTheKeyLetsTheSameChunkOutTwice() {
        assertThat(output).contains("malloc(24) = 0x5555555592a0   malloc(24) = 0x5555555592a0");
    }

    @Test
    void aPoisonedNextPointerIsCaughtByTheAlignmentCheck() {
        // q1 = 0x2a0 + 0x50 = 0x5555555592f0; 0x404040 ^ 0x555555559 = 0x555151519, not 16-aligned
        assertThat(output).contains("q1 = 0x5555555592f0")
                .contains("= 0x404040 ^ 0x555555559 = 0x555151519")
                .contains("  malloc(): unaligned tcache chunk detected\n");
    }

    @Test
    void everyLineFitsNinetyColumns() {
        assertThat(LessonOutput.tooWide(output)).isEmpty();
    }

    @Test
    void runningTwiceGivesTheSameText() {
        assertThat(LessonOutput.of(new TcacheLesson())).isEqualTo(output);
    }
}
