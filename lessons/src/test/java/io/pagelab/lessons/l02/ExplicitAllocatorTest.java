package io.pagelab.lessons.l02;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import io.pagelab.lessons.malloclab.LabTraces;
import io.pagelab.userspace.malloclab.LabProcess;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for L02 写你自己的 malloc（二）：显式空闲链表 Write your own malloc (2): the explicit free list.
 *
 * <p>Addresses by hand (CS:APP 3rd ed., §9.9.13, 8-byte tags, 16-byte alignment): with
 * start_brk S the list root is the word at S, the prologue follows, and the first payload is at
 * S+32. Four malloc(24) calls give 48-byte blocks at S+32, S+80, S+128, S+176; the rest of the
 * 4096-byte chunk is a free block at S+224.
 *
 * <p>Utilization thresholds: the reference scores 0.419 on small.rep, 0.770 on coalesce.rep and
 * 0.741 on random.rep (LIFO first fit wastes more than L01's address-ordered first fit); the
 * never-reuse allocator of mm-naive.c scores 0.117, 0.118 and 0.198. Bars: 0.35, 0.65, 0.60.
 * The reference without coalescing (free blocks only listed) scores 0.190, 0.276 and 0.447.
 */
@Grader(id = "l02")
@DisplayName("L02 explicit free list: LIFO insert, remove, coalesce")
class ExplicitAllocatorTest {
    static final double SMALL_MIN = 0.35;
    static final double COALESCE_MIN = 0.65;
    static final double RANDOM_MIN = 0.60;

    private static final long S = LabProcess.START_BRK;
    private final ExplicitAllocator heap = new ExplicitAllocator();
    private final long a;
    private final long b;
    private final long c;
    private final long d;

    ExplicitAllocatorTest() {
        heap.init(new LabProcess());
        a = heap.malloc(24);
        b = heap.malloc(24);
        c = heap.malloc(24);
        d = heap.malloc(24);
    }

    /** The free list from the root, following succ; stops after 100 steps (a cycle is a bug). */
    private List<Long> freeList() {
        List<Long> list = new ArrayList<>();
        for (long bp = heap.firstFree(); bp != 0 && list.size() < 100; bp = heap.succ(bp)) {
            list.add(bp);
        }
        return list;
    }

    @Test
    @Points(2)
    @Hint("insertFree (LIFO): the new block's pred is 0 and its succ is the old first block; the old "
            + "first block's pred becomes the new block; the root points at the new block.")
    void aFreedBlockGoesToTheFrontOfTheFreeList() {
        long rest = S + 224;
        heap.free(a);
        heap.free(c);
        assertThat(freeList()).as("free list from the root after free(a), free(c)").containsExactly(c, a, rest);
        assertThat(heap.pred(c)).as("pred of the front block").isZero();
        assertThat(heap.pred(a)).as("pred of a").isEqualTo(c);
        assertThat(heap.pred(rest)).as("pred of the rest of the chunk").isEqualTo(a);
    }

    @Test
    @Points(2)
    @Hint("removeFree: a block with no predecessor is the front: the root must then point at its "
            + "successor, and the successor's pred becomes 0.")
    void allocatingTheFrontBlockUnlinksItFromTheRoot() {
        heap.free(a);
        heap.free(c);
        // malloc(24) takes the first block that fits: c, the front
        assertThat(heap.malloc(24)).as("malloc(24) with c at the front").isEqualTo(c);
        assertThat(freeList()).as("free list after taking c").containsExactly(a, S + 224);
        assertThat(heap.pred(a)).as("pred of the new front block").isZero();
    }

    @Test
    @Points(2)
    @Hint("removeFree: a block in the middle is skipped by linking its predecessor's succ to its "
            + "successor and its successor's pred to its predecessor.")
    void removingAMiddleBlockLinksItsNeighboursToEachOther() {
        heap.free(a);
        heap.free(c);
        heap.removeFree(a);
        assertThat(freeList()).as("free list after removeFree(a) from the middle").containsExactly(c, S + 224);
        assertThat(heap.pred(S + 224)).as("pred of the last block").isEqualTo(c);
    }

    @Test
    @Points(1)
    @Hint("coalesce with a free next block: unlink the next block before merging, then insert the "
            + "merged block.")
    void freeingABlockBeforeTheFreeRestMergesThem() {
        heap.free(d);
        // d (48) + the rest of the chunk (4096 - 4 * 48 = 3904) = 3952 at d
        assertThat(freeList()).as("free list after free(d)").containsExactly(d);
        assertThat(heap.blocks().get(3).size()).as("size of the merged block at d").isEqualTo(3952);
    }

    @Test
    @Points(2)
    @Hint("coalesce with a free previous block: unlink the previous block, merge, and put the "
            + "merged block (which starts at the previous block) at the front, once.")
    void freeingABlockAfterAFreeBlockListsTheMergedBlockOnce() {
        heap.free(a);
        heap.free(b);
        assertThat(freeList()).as("free list after free(a), free(b)").containsExactly(a, S + 224);
        assertThat(heap.blocks().get(0).size()).as("size of a + b").isEqualTo(96);
    }

    @Test
    @Points(2)
    @Hint("coalesce with both neighbours free: unlink both, merge the three blocks into one that "
            + "starts at the previous block, and insert it.")
    void freeingABlockBetweenTwoFreeBlocksListsOneBlock() {
        heap.free(a);
        heap.free(c);
        heap.free(b);
        assertThat(freeList()).as("free list after free(a), free(c), free(b)").containsExactly(a, S + 224);
        assertThat(heap.blocks().get(0).size()).as("size of a + b + c").isEqualTo(144);
    }

    @Test
    @Points(3)
    @Hint("A bundled trace failed the malloc-lab checks (the message names the line): a block "
            + "left on the list after being allocated is handed out twice, and payloads overlap.")
    void everyBundledTraceReplaysCorrectly() {
        LabTraces.replayAllBundled(ExplicitAllocator::new);
    }

    @Test
    @Points(3)
    @Hint("Low utilization means free blocks are lost: every block freed or split off must end up "
            + "on the list, and neighbours must be merged.")
    void utilizationOnTheBundledTracesClearsTheBar() {
        LabTraces.assertUtilizationAtLeast(ExplicitAllocator::new, "small.rep", SMALL_MIN);
        LabTraces.assertUtilizationAtLeast(ExplicitAllocator::new, "coalesce.rep", COALESCE_MIN);
        LabTraces.assertUtilizationAtLeast(ExplicitAllocator::new, "random.rep", RANDOM_MIN);
    }
}
