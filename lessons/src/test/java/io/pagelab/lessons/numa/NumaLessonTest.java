package io.pagelab.lessons.numa;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.lessons.LessonOutput;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the NUMA lesson. Expected orders are worked by hand from find_next_best_node()
 * (mm/page_alloc.c): val = (distance + (n &lt; local)) * 1024 + node_load[n], node_load shared.
 */
class NumaLessonTest {

    private static String output;

    @BeforeAll
    static void runTheLesson() {
        output = LessonOutput.of(new NumaLesson());
    }

    @Test
    void twoNodesPrintTheKernelsFallbackLines() {
        // 2 x 128 MiB = 65536 present pages
        assertThat(output).contains("Fallback order for Node 0: 0 1 ").contains("Fallback order for Node 1: 1 0 ")
                .contains("Built 2 zonelists, mobility grouping on.  Total pages: 65536");
    }

    @Test
    void theRingSpreadsTheNeighboursRoundRobin() {
        // node 0: 0 1 3 2; node 1: 1 2 0 3; node 2: 2 3 1 0; node 3: 3 0 2 1 (see the lesson's table)
        assertThat(output).contains("Fallback order for Node 0: 0 1 3 2 ")
                .contains("Fallback order for Node 1: 1 2 0 3 ").contains("Fallback order for Node 2: 2 3 1 0 ")
                .contains("Fallback order for Node 3: 3 0 2 1 ")
                .contains("node 3: 3:DMA32 → 0:DMA32 → 0:DMA → 2:DMA32 → 1:DMA32");
    }

    @Test
    void everyLineFitsNinetyColumns() {
        assertThat(LessonOutput.tooWide(output)).isEmpty();
    }

    @Test
    void runningTwiceGivesTheSameText() {
        assertThat(LessonOutput.of(new NumaLesson())).isEqualTo(output);
    }
}
