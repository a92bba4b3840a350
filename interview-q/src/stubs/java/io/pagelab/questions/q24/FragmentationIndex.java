package io.pagelab.questions.q24;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.exercise.Todo;

/**
 * Q24 内存碎片化了怎么办？ What if memory gets fragmented?
 *
 * <p>Against fragmentation the kernel groups pages by migratetype and, when a large block is still
 * missing, runs compaction: movable pages are moved together so that free pages form large blocks
 * again. Compaction costs time, so the kernel first asks whether the failure is really caused by
 * fragmentation. It answers with the fragmentation index (mm/vmstat.c). 碎片化时内核做内存规整
 * (compaction)；规整前先算碎片指数：接近 0 表示内存本来就不够，接近 1000 表示空闲内存够多但太零碎。
 *
 * <p>Your task: implement {@link #index}, the kernel's {@code fill_contig_page_info()} followed by
 * {@code __fragmentation_index()}, in integer arithmetic scaled by 1000.
 * <ul>
 *   <li>From the per-order free block counts, work out the total free pages, the total free blocks,
 *       and how many blocks of the requested order the free blocks of that order and above could
 *       give.</li>
 *   <li>No free block at all: 0. At least one block of the requested order or larger: -1000 (the
 *       allocation would succeed).</li>
 *   <li>Otherwise {@code 1000 - (1000 + freePages * 1000 / 2^order) / totalBlocks}, with the
 *       kernel's integer (truncating) divisions, in that order.</li>
 *   <li>Refuse a table without exactly 11 counts, a negative count, or an order outside 0..10 with
 *       {@link InvalidArgumentException}.</li>
 * </ul>
 *
 * <p>Run {@code ./pagelab grade q24} to check your work.
 */
public final class FragmentationIndex {

    /** Orders 0..10. */
    public static final int NR_PAGE_ORDERS = 11;

    private FragmentationIndex() {
    }

    /**
     * The fragmentation index of a zone for an allocation of {@code order}, times 1000.
     *
     * @param nrFree {@code free_area[o].nr_free} for o = 0..10: free blocks of each order
     * @param order the order of the allocation, 0..10
     */
    public static int index(long[] nrFree, int order) {
        throw new Todo("q24/FragmentationIndex.java");
    }
}
