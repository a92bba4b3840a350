package io.pagelab.lessons.malloclab;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.userspace.malloclab.MallocLab;
import io.pagelab.userspace.malloclab.RepTrace;
import org.junit.jupiter.api.Test;

/**
 * The utilization bars of the malloc exercises (l01..l03 graders) reject an allocator that never
 * reuses memory (CS:APP mm-naive.c): each bar is well above what it scores. The limits here are
 * the lowest bar of the three graders for each trace (small 0.35 in l02, coalesce 0.60 in l03,
 * random 0.60 in l02, binary 0.85 in l03).
 */
class NeverReuseAllocatorTest {
    private static double utilization(String trace) {
        return MallocLab.run(RepTrace.bundled(trace), NeverReuseAllocator::new, 1).utilization();
    }

    @Test
    void theNeverReuseAllocatorIsCorrectButFailsEveryUtilizationBar() {
        double small = utilization("small.rep");
        double coalesce = utilization("coalesce.rep");
        double random = utilization("random.rep");
        double binary = utilization("binary.rep");
        assertThat(small).as("small.rep").isLessThan(0.35);
        assertThat(coalesce).as("coalesce.rep").isLessThan(0.60);
        assertThat(random).as("random.rep").isLessThan(0.60);
        assertThat(binary).as("binary.rep").isLessThan(0.85);
    }
}
