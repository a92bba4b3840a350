package io.pagelab.api;

/**
 * Hands out physically contiguous blocks of {@code 2^order} page frames, the interface of
 * mm/page_alloc.c (Linux 6.x): alloc_pages() / __free_pages(), nr_free_pages(),
 * zone->free_area[order].nr_free. The buddy allocator is the reference implementation; a learner's
 * allocator implements the same interface and passes the same contract kit.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@code order} runs from 0 to {@link #maxOrder()} (Linux 6.4+: MAX_PAGE_ORDER = 10, so at
 *       most 1024 pages = 4 MiB); another order throws
 *       {@link io.pagelab.api.error.InvalidArgumentException}.</li>
 *   <li>A returned block is naturally aligned: {@code pfn % (1 << order) == 0}, and no frame of it is
 *       handed out again before it is freed.</li>
 *   <li>When no block can be found, {@link #allocPages} throws
 *       {@link io.pagelab.api.error.OutOfMemoryException} and changes nothing.</li>
 *   <li>{@link #freePages} takes exactly a block that was allocated with the same order; freeing a
 *       free block throws {@link io.pagelab.api.error.DoubleFreeException}, a pfn not managed or not
 *       aligned to the order throws {@link io.pagelab.api.error.BadAddressException}, another order
 *       or a pfn inside an allocated block throws
 *       {@link io.pagelab.api.error.InvalidArgumentException}; a rejected free changes nothing.</li>
 *   <li>Free counts are conserved: freeing what was allocated restores {@link #freePageCount()}.</li>
 * </ul>
 */
public interface PageAllocator {

    /**
     * Allocates {@code 2^order} contiguous frames.
     *
     * @param order log2 of the number of pages, 0..{@link #maxOrder()}
     * @param gfp {@link Gfp} flags: zone modifiers, {@code __GFP_ZERO}, reclaim behaviour
     * @return the first pfn of the block
     */
    long allocPages(int order, int gfp);

    /** Allocates one page (order 0). */
    default long allocPage(int gfp) {
        return allocPages(0, gfp);
    }

    /** Returns the block of {@code 2^order} frames starting at {@code pfn}. */
    void freePages(long pfn, int order);

    /** Returns one page (order 0). */
    default void freePage(long pfn) {
        freePages(pfn, 0);
    }

    /** The largest order {@link #allocPages} accepts (MAX_PAGE_ORDER). */
    int maxOrder();

    /** Free frames in total (nr_free_pages). */
    long freePageCount();

    /** Free blocks of exactly this order (free_area[order].nr_free), as /proc/buddyinfo lists them. */
    long freeBlocks(int order);

    /** Frames this allocator manages, free or not (zone managed_pages summed). */
    long managedPages();
}
