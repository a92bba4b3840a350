package io.pagelab.questions.q24;

import io.pagelab.api.error.InvalidArgumentException;

/**
 * Q24 内存碎片化了怎么办？ What if memory gets fragmented? (reference solution)
 *
 * <p>When a high-order allocation fails, compaction can move movable pages together and rebuild
 * large free blocks, but only if the failure is due to fragmentation and not to plain lack of free
 * memory. The kernel tells the two apart with the fragmentation index of mm/vmstat.c
 * ({@code fill_contig_page_info()} + {@code __fragmentation_index()}, Linux 6.x), scaled by 1000:
 * <pre>
 *   -1000                         a free block of the order exists: the allocation would succeed
 *   1000 - (1000 + free_pages * 1000 / 2^order) / free_blocks_total   otherwise (integer divisions)
 * </pre>
 * Near 0 the zone lacks memory; near 1000 it has enough, in pieces too small.
 * {@code compaction_suitable()} (mm/compaction.c) skips compaction when the index is between 0 and
 * {@code vm.extfrag_threshold} (500).
 *
 * <p>Differs from Linux on purpose: the caller passes the per-order {@code nr_free} counts instead
 * of a zone, and an order above MAX_PAGE_ORDER is refused instead of warned about and answered 0.
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
        if (nrFree == null || nrFree.length != NR_PAGE_ORDERS) {
            throw new InvalidArgumentException("nrFree must hold one count per order, "
                    + NR_PAGE_ORDERS + " counts (orders 0..10), got "
                    + (nrFree == null ? "null" : nrFree.length + " counts"));
        }
        InvalidArgumentException.check(order >= 0 && order < NR_PAGE_ORDERS,
                "order %s is out of range: allowed 0..%s", order, NR_PAGE_ORDERS - 1);
        long freePages = 0;
        long blocksTotal = 0;
        long blocksSuitable = 0;
        for (int o = 0; o < NR_PAGE_ORDERS; o++) {
            InvalidArgumentException.check(nrFree[o] >= 0, "nr_free %s of order %s must be >= 0",
                    nrFree[o], o);
            blocksTotal += nrFree[o];
            freePages += nrFree[o] << o;
            if (o >= order) {
                blocksSuitable += nrFree[o] << (o - order);
            }
        }
        if (blocksTotal == 0) {
            return 0;
        }
        if (blocksSuitable > 0) {
            return -1000;
        }
        long requested = 1L << order;
        return (int) (1000 - (1000 + freePages * 1000 / requested) / blocksTotal);
    }
}
