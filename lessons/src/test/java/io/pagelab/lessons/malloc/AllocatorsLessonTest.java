package io.pagelab.lessons.malloc;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.lessons.LessonOutput;
import io.pagelab.userspace.malloclab.RepTrace;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the allocators lesson once and checks what it must show. Block sizes follow CS:APP 3rd
 * ed. §9.9.12 (asize = 16 * ((size + 16 + 15) / 16), at least 32; the first heap extension is
 * CHUNKSIZE 4096); ptmalloc's first sbrk of 0x21000 is linux-reference.md §5.8. The worked
 * figures are in the comments.
 */
class AllocatorsLessonTest {

    private static String output;

    @BeforeAll
    static void runTheLesson() {
        output = LessonOutput.of(new AllocatorsLesson());
    }

    @Test
    void theThreePoliciesPlaceTheSameRequestInThreeBlocks() {
        // a 224, g 32, d 64, g 32, b 128, g 32 = 512 of the 4096-byte first extension: 3584 free.
        // malloc(40) -> 64: first fit splits a (64 + 160); LIFO takes b, last freed, 64 + 64;
        // the 64-127 class holds d, an exact fit
        assertThat(output).contains("implicit   |x 64|·160|g1 32|·64|g2 32|·128|g3 32|·3584|")
                .contains("explicit   |·224|g1 32|·64|g2 32|x 64|·64|g3 32|·3584|")
                .contains("segregated |·224|g1 32|x 64|g2 32|·128|g3 32|·3584|");
    }

    @Test
    void shortRepUtilizationMatchesAHandReplay() {
        // short.rep peaks at 500 + 3000 = 3500 payload bytes. implicit: 32 bytes of prologue and
        // epilogue + two 4096 extensions (r 3 3000 needs 3024, the largest free block is 2080)
        // = 8224 -> 42.6%. ptmalloc: one sbrk of 0x21000 = 135168 -> 2.6%
        assertThat(output).containsPattern("short\\.rep +42\\.6% +\\S+ +\\S+ +2\\.6%");
    }

    @Test
    void everyBundledTraceHasARow() {
        for (String trace : RepTrace.bundled().keySet()) {
            assertThat(output).contains("\n  │ " + trace + " ");
        }
    }

    @Test
    void theImplicitListCostsMoreLoadsThanSegregatedFitsOnEveryTrace() {
        for (String trace : new String[] {"small.rep", "binary.rep", "random.rep", "mixed.rep"}) {
            RepTrace t = RepTrace.bundled(trace);
            assertThat(AllocatorsLesson.loadsPerCall(t, "implicit"))
                    .as(trace).isGreaterThan(2 * AllocatorsLesson.loadsPerCall(t, "segregated"));
        }
    }

    @Test
    void theLessonPointsToTheThreeExercises() {
        assertThat(output).contains("./pagelab grade l01").contains("  l02  ").contains("  l03  ");
    }

    @Test
    void everyLineFitsNinetyColumns() {
        assertThat(LessonOutput.tooWide(output)).isEmpty();
    }

    @Test
    void runningTwiceGivesTheSameText() {
        assertThat(LessonOutput.of(new AllocatorsLesson())).isEqualTo(output);
    }
}
