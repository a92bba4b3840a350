package io.pagelab.lessons.l03;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import io.pagelab.lessons.malloclab.LabTraces;
import io.pagelab.userspace.malloclab.LabProcess;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for L03 写你自己的 malloc（三）：分离适配 Write your own malloc (3): segregated fits.
 *
 * <p>Addresses by hand (CS:APP 3rd ed., §9.9.14, 8-byte tags, 16-byte alignment): with start_brk
 * S, the 15 class roots take S..S+120, the prologue and epilogue 24 more, so the first payload is
 * at S+144. Size classes: class c holds block sizes [2^(c+5), 2^(c+6)), class 14 everything from
 * 2^19 up.
 *
 * <p>Utilization thresholds: the reference scores 0.519 on small.rep, 0.673 on coalesce.rep,
 * 0.947 on random.rep and 0.917 on binary.rep; the never-reuse allocator of mm-naive.c scores
 * 0.117, 0.118, 0.198 and 0.517. Bars: 0.45, 0.60, 0.85, 0.85. Measured on variants of the
 * reference: first fit instead of best fit inside a class scores 0.416 on small.rep (below its
 * bar; 0.672, 0.898, 0.912 on the others); searching only the request's own class scores 0.004,
 * 0.077, 0.382, 0.075.
 */
@Grader(id = "l03")
@DisplayName("L03 segregated fits: size classes, best fit")
class SegregatedAllocatorTest {
    static final double SMALL_MIN = 0.45;
    static final double COALESCE_MIN = 0.60;
    static final double RANDOM_MIN = 0.85;
    static final double BINARY_MIN = 0.85;

    private static final long S = LabProcess.START_BRK;
    private final LabProcess process = new LabProcess();
    private final SegregatedAllocator heap = new SegregatedAllocator();

    SegregatedAllocatorTest() {
        heap.init(process);
    }

    @Test
    @Points(2)
    @Hint("The class is floor(log2(size)) - 5 (63 - Long.numberOfLeadingZeros(size) is floor(log2)), "
            + "never below 0 and never above CLASSES - 1.")
    void sizeClassesArePowersOfTwoFromThirtyTwo() {
        assertThat(SegregatedAllocator.sizeClass(32)).as("class of 32").isEqualTo(0);
        assertThat(SegregatedAllocator.sizeClass(63)).as("class of 63").isEqualTo(0);
        assertThat(SegregatedAllocator.sizeClass(64)).as("class of 64").isEqualTo(1);
        assertThat(SegregatedAllocator.sizeClass(127)).as("class of 127").isEqualTo(1);
        assertThat(SegregatedAllocator.sizeClass(128)).as("class of 128").isEqualTo(2);
        assertThat(SegregatedAllocator.sizeClass(4096)).as("class of 4096 = 2^12").isEqualTo(7);
        assertThat(SegregatedAllocator.sizeClass((1 << 19) - 16)).as("class of 2^19 - 16").isEqualTo(13);
        assertThat(SegregatedAllocator.sizeClass(1 << 19)).as("class of 2^19").isEqualTo(14);
        assertThat(SegregatedAllocator.sizeClass(1L << 30)).as("class of 2^30").isEqualTo(14);
    }

    @Test
    @Points(2)
    @Hint("findFit: an empty heap has no free block: return 0 so that malloc grows the heap; after "
            + "that, the rest of the chunk sits in the class of its size, a larger class than the request's.")
    void findFitAnswersZeroOnAnEmptyHeapAndFindsTheRestOfAChunkLater() {
        assertThat(heap.findFit(48)).as("findFit(48) before any malloc").isZero();
        long p = heap.malloc(24);
        // p's block is 48 bytes at S+144; the rest (4048 bytes, class 6) starts at S+192
        assertThat(p).as("first payload").isEqualTo(S + 144);
        assertThat(heap.findFit(48)).as("findFit(48) with only the rest of the chunk free").isEqualTo(S + 192);
    }

    @Test
    @Points(2)
    @Hint("findFit: scan the whole list of the request's class and keep the smallest block that is "
            + "large enough; the front of the list is only the most recently freed one.")
    void findFitTakesTheSmallestFittingBlockOfTheClass() {
        long big = heap.malloc(224);   // 240-byte block, class 2 (128..255)
        heap.malloc(8);
        long snug = heap.malloc(128);  // 144-byte block, class 2
        heap.malloc(8);
        heap.free(snug);
        heap.free(big);                // big is the front of class 2
        // malloc(120) needs 136 → 144 bytes: best fit is snug's block
        assertThat(heap.malloc(120)).as("malloc(120) with 240- and 144-byte blocks free in class 2").isEqualTo(snug);
    }

    @Test
    @Points(2)
    @Hint("findFit: when no block of the request's class is large enough, go on to the next classes "
            + "in order; any block there is large enough.")
    void findFitMovesToALargerClassWhenItsOwnHasNoFit() {
        long a = heap.malloc(80);      // 96-byte block, class 1
        heap.malloc(8);
        long b = heap.malloc(300);     // 320-byte block, class 3
        heap.malloc(8);
        heap.free(a);
        heap.free(b);
        long brk = process.brk(0);
        // malloc(96) needs 112 bytes (class 1): a is too small, class 2 is empty, class 3 has b
        assertThat(heap.malloc(96)).as("malloc(96) with a 96-byte block in class 1 and b in class 3").isEqualTo(b);
        assertThat(process.brk(0)).as("the heap did not grow").isEqualTo(brk);
    }

    @Test
    @Points(3)
    @Hint("A bundled trace failed the malloc-lab checks (the message names the line): a wrong class "
            + "index puts blocks where removeFree cannot find them again.")
    void everyBundledTraceReplaysCorrectly() {
        LabTraces.replayAllBundled(SegregatedAllocator::new);
    }

    @Test
    @Points(3)
    @Hint("Low utilization: make sure findFit looks at every class from the request's class up, and "
            + "picks the best (smallest) fitting block in the first class that has one.")
    void utilizationOnTheBundledTracesClearsTheBar() {
        LabTraces.assertUtilizationAtLeast(SegregatedAllocator::new, "small.rep", SMALL_MIN);
        LabTraces.assertUtilizationAtLeast(SegregatedAllocator::new, "coalesce.rep", COALESCE_MIN);
        LabTraces.assertUtilizationAtLeast(SegregatedAllocator::new, "random.rep", RANDOM_MIN);
        LabTraces.assertUtilizationAtLeast(SegregatedAllocator::new, "binary.rep", BINARY_MIN);
    }
}
