package io.pagelab.lessons.slab;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.lessons.LessonOutput;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the slub lesson once and checks its script's outcome, derived by hand from the
 * ___slab_alloc / __slab_free rules of mm/slub.c (linux-reference.md §4) in the comments.
 */
class SlubFastPathLessonTest {

    private static String output;

    @BeforeAll
    static void runTheLesson() {
        output = LessonOutput.of(new SlubFastPathLesson());
    }

    @Test
    void kmalloc1kHasSixteenObjectsAndThreeCpuPartialSlabs() {
        // §4.3, 4 CPUs: kmalloc-1k 16 objects, 4 pages; cpu_partial 24 (size >= 1024),
        // cpu_partial_slabs = DIV_ROUND_UP(24 * 2, 16) = 3; min_partial = ilog2(1024) / 2 = 5
        assertThat(output).contains("object size 1024, 16 objects per slab, order 2 (4 pages)")
                .contains("cpu_partial_slabs = ⌈24 × 2 / 16⌉ = 3")
                .contains("min_partial = 5");
    }

    @Test
    void fortyAllocationsFillTwoSlabsAndHalfOfAThird() {
        // 40 = 16 + 16 + 8: S1, S2 full and on no list; S3 active with 8 left on c->freelist
        assertThat(output).contains("CPU 0: active S3   on c->freelist:  8   slabs on its partial list: 0")
                .contains("S1 at 0xffff888100000000  in use 16/16  full, on no list")
                .contains("S3 at 0xffff888100008000  in use  8/16  CPU 0's active slab");
    }

    @Test
    void freesToFullSlabsPutThemOnTheCpuPartialList() {
        // S1 gets 2 frees (CPU 0's and CPU 1's remote one), S2 one, S3's object 7 goes back on
        // c->freelist (8 + 1 = 9)
        assertThat(output).contains("CPU 0: active S3   on c->freelist:  9   slabs on its partial list: 2")
                .contains("S1 at 0xffff888100000000  in use 14/16  on a CPU partial list")
                .contains("S2 at 0xffff888100004000  in use 15/16  on a CPU partial list");
    }

    @Test
    void cpuTwoRefillsFromTheNodeAndGetsTheLastFreedObject() {
        // after the flush the node list is S3 (head), S2, S1; CPU 2 takes S3 and moves S2, S1 to
        // its partial list (stops when moved 2 > 3 / 2); S3's freelist head is object 7 (freed last).
        // 9 more: 8 fast empty S3, then S1 from the CPU partial list with its 2 free objects
        assertThat(output).contains("CPU 2 got S3 object 7")
                .contains("CPU 2: active S1   on c->freelist:  1   slabs on its partial list: 1")
                .contains("S3 at 0xffff888100008000  in use 16/16  full, on no list");
    }

    @Test
    void theCountersAddUpToTheScript() {
        // fast: 15 + 15 + 7 (CPU 0) + 8 (CPU 2) = 45; slow: 3 (CPU 0) + 2 (CPU 2) = 5;
        // frees: 1 fast (S3 on CPU 0), 3 slow; 3 new slabs; 3 full deactivations (S1, S2, S3)
        assertThat(output).contains("alloc_fastpath        45")
                .contains("alloc_slowpath         5")
                .contains("free_fastpath          1")
                .contains("free_slowpath          3")
                .contains("alloc_slab             3")
                .contains("alloc_from_partial     1")
                .contains("cpu_partial_node       2")
                .contains("cpu_partial_alloc      1")
                .contains("alloc_refill           1")
                .contains("cpu_partial_free       2")
                .contains("deactivate_full        3")
                .contains("deactivate_to_head     1");
        // 3 slabs * 16 = 48 objects; nothing on the node partial list, so all 48 count as active
        assertThat(output).contains("kmalloc-1k            48     48   1024   16    4 : tunables    0    0    0");
    }

    @Test
    void theSummaryCoversItsQuestion() {
        assertThat(output).contains("q34 ");
    }

    @Test
    void everyLineFitsNinetyColumns() {
        assertThat(LessonOutput.tooWide(output)).isEmpty();
    }

    @Test
    void runningTwiceGivesTheSameText() {
        assertThat(LessonOutput.of(new SlubFastPathLesson())).isEqualTo(output);
    }
}
