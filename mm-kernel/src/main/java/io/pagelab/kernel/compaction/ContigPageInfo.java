package io.pagelab.kernel.compaction;

import static java.util.Objects.requireNonNull;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.kernel.buddy.BuddyAllocator;
import io.pagelab.kernel.buddy.Zone;

/**
 * {@code struct contig_page_info} filled by {@code fill_contig_page_info()} (mm/vmstat.c, Linux 6.6):
 * what the free lists of a zone offer to a request of {@code suitable_order}.
 *
 * <pre>
 *  for order 0..MAX_PAGE_ORDER:  blocks = free_area[order].nr_free
 *    free_blocks_total    += blocks
 *    free_pages           += blocks &lt;&lt; order
 *    free_blocks_suitable += blocks &lt;&lt; (order - suitable_order)   if order &gt;= suitable_order
 * </pre>
 *
 * A free order-10 block counts as 4 suitable blocks for an order-8 request: it could be split into them.
 *
 * @param freePages pages on all free lists
 * @param freeBlocksTotal free blocks of any order
 * @param freeBlocksSuitable blocks of {@code 1 << suitableOrder} pages the free blocks could be split into
 */
public record ContigPageInfo(long freePages, long freeBlocksTotal, long freeBlocksSuitable) {
    /** {@code NR_PAGE_ORDERS}: one free-block count per order 0..10. */
    public static final int NR_PAGE_ORDERS = BuddyAllocator.MAX_PAGE_ORDER + 1;

    public ContigPageInfo {
        InvalidArgumentException.check(freePages >= 0 && freeBlocksTotal >= 0 && freeBlocksSuitable >= 0,
                "contig_page_info counts must be >= 0: free_pages %s, free_blocks_total %s, free_blocks_suitable %s",
                freePages, freeBlocksTotal, freeBlocksSuitable);
    }

    /**
     * {@code fill_contig_page_info()} over {@code nrFree[order]}, the free blocks per order as
     * /proc/buddyinfo shows them (11 counts, orders 0..10).
     */
    public static ContigPageInfo fill(long[] nrFree, int suitableOrder) {
        requireNonNull(nrFree, "nrFree");
        InvalidArgumentException.check(nrFree.length == NR_PAGE_ORDERS,
                "nrFree has %s counts: one per order 0..%s is needed", nrFree.length, NR_PAGE_ORDERS - 1);
        checkOrder(suitableOrder);
        long pages = 0;
        long total = 0;
        long suitable = 0;
        for (int order = 0; order < NR_PAGE_ORDERS; order++) {
            long blocks = nrFree[order];
            InvalidArgumentException.check(blocks >= 0, "nrFree[%s] = %s: a free-block count is >= 0", order, blocks);
            total += blocks;
            pages += blocks << order;
            if (order >= suitableOrder) {
                suitable += blocks << (order - suitableOrder);
            }
        }
        return new ContigPageInfo(pages, total, suitable);
    }

    /** {@code fill_contig_page_info(zone, suitable_order, &info)}. */
    public static ContigPageInfo of(Zone zone, int suitableOrder) {
        return fill(nrFree(zone), suitableOrder);
    }

    /** {@code zone->free_area[order].nr_free} for every order. */
    public static long[] nrFree(Zone zone) {
        requireNonNull(zone, "zone");
        long[] nrFree = new long[NR_PAGE_ORDERS];
        for (int o = 0; o < NR_PAGE_ORDERS; o++) {
            nrFree[o] = zone.nrFree(o);
        }
        return nrFree;
    }

    static void checkOrder(int order) {
        InvalidArgumentException.check(order >= 0 && order <= BuddyAllocator.MAX_PAGE_ORDER,
                "order %s is out of range: orders are 0..%s (MAX_PAGE_ORDER)", order, BuddyAllocator.MAX_PAGE_ORDER);
    }
}
