package io.pagelab.kernel.compaction;

import static java.util.Objects.requireNonNull;

import io.pagelab.kernel.buddy.Zone;

/**
 * The two measures of external fragmentation in mm/vmstat.c (Linux 6.6), both scaled by 1000.
 *
 * <p><b>Fragmentation index</b> ({@code __fragmentation_index()}): why would an allocation of
 * {@code order} fail? Near 0: there is too little free memory (reclaim, don't compact); near 1000: there
 * is plenty, but in pieces too small (compact). -1000 when a suitable block is free (it would not fail).
 * <pre>
 *  requested = 1 &lt;&lt; order
 *  index = 1000 - (1000 + free_pages * 1000 / requested) / free_blocks_total     (integer division)
 *  e.g. 100 free order-0 pages, order 2: 1000 - (1000 + 100000 / 4) / 100 = 1000 - 260 = 740
 * </pre>
 *
 * <p><b>Unusable free index</b> ({@code unusable_free_index()}): the share of free memory that cannot
 * serve an {@code order} request: {@code (free_pages - (free_blocks_suitable << order)) * 1000 / free_pages},
 * 1000 when nothing is free.
 *
 * <p>Differs from Linux on purpose: an order above MAX_PAGE_ORDER is rejected with an exception, where
 * the kernel WARNs once and returns 0.
 */
public final class FragmentationIndex {
    /** The index when a block of the requested order is already free. */
    public static final int ALLOCATION_WOULD_SUCCEED = -1000;

    private FragmentationIndex() {
    }

    /** {@code __fragmentation_index(order, info)}. */
    public static int fragmentationIndex(int order, ContigPageInfo info) {
        ContigPageInfo.checkOrder(order);
        requireNonNull(info, "info");
        long requested = 1L << order;
        if (info.freeBlocksTotal() == 0) {
            return 0;
        }
        if (info.freeBlocksSuitable() != 0) {
            return ALLOCATION_WOULD_SUCCEED;
        }
        return (int) (1000 - (1000 + info.freePages() * 1000 / requested) / info.freeBlocksTotal());
    }

    /** {@code fragmentation_index(zone, order)}: fills the info for {@code order}, then the index. */
    public static int fragmentationIndex(Zone zone, int order) {
        return fragmentationIndex(order, ContigPageInfo.of(zone, order));
    }

    /** {@code unusable_free_index(order, info)}. */
    public static int unusableFreeIndex(int order, ContigPageInfo info) {
        ContigPageInfo.checkOrder(order);
        requireNonNull(info, "info");
        if (info.freePages() == 0) {
            return 1000;
        }
        return (int) ((info.freePages() - (info.freeBlocksSuitable() << order)) * 1000 / info.freePages());
    }

    /** The unusable free index of {@code zone} for {@code order}. */
    public static int unusableFreeIndex(Zone zone, int order) {
        return unusableFreeIndex(order, ContigPageInfo.of(zone, order));
    }
}
