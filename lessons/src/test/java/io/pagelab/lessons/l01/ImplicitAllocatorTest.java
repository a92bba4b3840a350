package io.pagelab.lessons.l01;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import io.pagelab.lessons.malloclab.LabTraces;
import io.pagelab.userspace.malloclab.HeapBlock;
import io.pagelab.userspace.malloclab.LabProcess;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for L01 写你自己的 malloc（一）：隐式空闲链表 Write your own malloc (1): the implicit free list.
 *
 * <p>Addresses are worked out by hand from the layout (CS:APP 3rd ed., §9.9.12, with 8-byte tags
 * and 16-byte alignment): with start_brk S, init takes S..S+32 (pad, prologue header and footer,
 * epilogue); the first malloc grows the heap by a 4096-byte chunk whose block has its payload at
 * S+32; a request of n bytes needs a block of max(32, align16(n + 16)) bytes.
 *
 * <p>Utilization thresholds: the reference scores 0.523 on small.rep, 0.804 on coalesce.rep and
 * 0.931 on random.rep; CS:APP's naive allocator that never reuses memory (mm-naive.c, see
 * NeverReuseAllocatorTest) scores 0.117, 0.118 and 0.198. The bars (0.45, 0.70, 0.80) sit below
 * the reference with room for a correct variant and far above the naive one. Measured on
 * variants of the reference: never coalescing scores 0.419, 0.398, 0.691 and never splitting
 * 0.006, 0.084, 0.322, so both fall below every bar.
 */
@Grader(id = "l01")
@DisplayName("L01 implicit free list: first fit, split, coalesce")
class ImplicitAllocatorTest {
    static final double SMALL_MIN = 0.45;
    static final double COALESCE_MIN = 0.70;
    static final double RANDOM_MIN = 0.80;

    private static final long S = LabProcess.START_BRK;
    private final ImplicitAllocator heap = new ImplicitAllocator();

    ImplicitAllocatorTest() {
        heap.init(new LabProcess());
    }

    @Test
    @Points(2)
    @Hint("place: when the free block is larger than asize by at least MIN_BLOCK (32) bytes, write an "
            + "allocated block of asize bytes and a free block of the rest right after it.")
    void theFirstMallocCarvesItsBlockFromTheFrontOfANewChunk() {
        long p = heap.malloc(24);
        // 24 + 16 = 40 → 48-byte block; the 4096-byte chunk splits into 48 allocated + 4048 free
        assertThat(p).as("payload of the first block").isEqualTo(S + 32);
        assertThat(heap.blocks()).as("blocks after malloc(24)")
                .containsExactly(new HeapBlock(S + 32, 48, true), new HeapBlock(S + 80, 4048, false));
    }

    @Test
    @Points(1)
    @Hint("place: a rest smaller than MIN_BLOCK cannot hold a header, two pointers and a footer: "
            + "allocate the whole free block instead of splitting.")
    void aRestTooSmallForABlockIsNotSplitOff() {
        heap.malloc(4064);
        // 4064 + 16 = 4080; 4096 - 4080 = 16 < 32: the whole chunk is allocated
        assertThat(heap.blocks()).as("blocks after malloc(4064)").containsExactly(new HeapBlock(S + 32, 4096, true));
    }

    @Test
    @Points(2)
    @Hint("find_fit: start at the first block after the prologue, step with nextBlkp until a block "
            + "of size 0 (the epilogue), and return the first free block whose size is at least asize.")
    void firstFitTakesTheLowestFreeBlockThatFits() {
        long a0 = heap.malloc(100);  // 128-byte block at S+32
        heap.malloc(8);              // 32
        long a2 = heap.malloc(60);   // 80-byte block at S+192
        heap.malloc(8);
        heap.free(a2);
        heap.free(a0);
        // malloc(56) needs 80 bytes: a0's 128-byte block comes first, even though a2's fits exactly
        assertThat(heap.malloc(56)).as("malloc(56) with free blocks of 128 (lower) and 80 bytes").isEqualTo(a0);
        // a0's rest (48 bytes) is too small now: the next 80-byte request goes to a2's block
        assertThat(heap.malloc(56)).as("the next malloc(56)").isEqualTo(a2);
    }

    @Test
    @Points(2)
    @Hint("coalesce: if the next block (nextBlkp) is free, add its size and rewrite the header of "
            + "bp and the footer at the end of the merged block.")
    void freeingABlockMergesItWithAFreeNextBlock() {
        long a = heap.malloc(24);
        long b = heap.malloc(24);
        heap.free(b);
        // b (48) + the free rest (4000) = 4048
        assertThat(heap.blocks()).as("blocks after free(b)")
                .containsExactly(new HeapBlock(a, 48, true), new HeapBlock(b, 4048, false));
    }

    @Test
    @Points(2)
    @Hint("coalesce: if the previous block is free (isPrevAllocated reads its footer), the merged "
            + "block starts at prevBlkp(bp): return that address.")
    void freeingABlockMergesItWithAFreePreviousBlock() {
        long a = heap.malloc(24);
        long b = heap.malloc(24);
        long c = heap.malloc(24);
        heap.free(a);
        heap.free(b);
        // a (48) + b (48) = 96, starting at a; c stays allocated; rest 4096 - 144 = 3952
        assertThat(heap.blocks()).as("blocks after free(a), free(b)").containsExactly(
                new HeapBlock(a, 96, false), new HeapBlock(c, 48, true), new HeapBlock(c + 48, 3952, false));
    }

    @Test
    @Points(2)
    @Hint("coalesce: with both neighbours free, the merged block runs from the previous block's "
            + "header to the next block's footer: size = prev + this + next.")
    void freeingABlockBetweenTwoFreeBlocksMergesAllThree() {
        long a = heap.malloc(24);
        long b = heap.malloc(24);
        long c = heap.malloc(24);
        heap.free(a);
        heap.free(c);
        heap.free(b);
        assertThat(heap.blocks()).as("blocks after free(a), free(c), free(b)")
                .containsExactly(new HeapBlock(a, 4096, false));
    }

    @Test
    @Points(3)
    @Hint("A bundled trace failed the malloc-lab checks (the message names the line): look for a "
            + "block whose header and footer disagree, or a split that overlaps the next block.")
    void everyBundledTraceReplaysCorrectly() {
        LabTraces.replayAllBundled(ImplicitAllocator::new);
    }

    @Test
    @Points(3)
    @Hint("Low utilization means memory is not reused: split large free blocks (place) and merge "
            + "neighbouring free blocks (coalesce), otherwise the heap keeps growing.")
    void utilizationOnTheBundledTracesClearsTheBar() {
        LabTraces.assertUtilizationAtLeast(ImplicitAllocator::new, "small.rep", SMALL_MIN);
        LabTraces.assertUtilizationAtLeast(ImplicitAllocator::new, "coalesce.rep", COALESCE_MIN);
        LabTraces.assertUtilizationAtLeast(ImplicitAllocator::new, "random.rep", RANDOM_MIN);
    }
}
