package io.pagelab.questions.q32;

import io.pagelab.api.error.InvalidArgumentException;
import java.util.List;

/**
 * Q32 如何查看Buddy管理算法下的内存类型信息？ How can the buddy allocator's per-migrate-type information
 * be viewed? (reference solution)
 *
 * <p>The free-pages table of {@code /proc/pagetypeinfo}, written by mm/vmstat.c:
 * {@code pagetypeinfo_showfree()} and {@code pagetypeinfo_showfree_print()} (Linux 6.x): a header
 * {@code "%-43s "} with the words "Free pages count per migrate type at order" and {@code "%6d "}
 * per order, then for every zone one row per migratetype,
 * {@code "Node %4d, zone %8s, type %12s "} and {@code "%6lu "} per order (the length of that
 * order's free list for that type), each line ending in a newline.
 *
 * <p>Differs from Linux on purpose: the caller passes list lengths instead of zones, and counts are
 * printed whole (the kernel stops counting a very long list and marks it with {@code '>'}).
 */
public final class PagetypeinfoFree {

    /** Orders 0..10. */
    public static final int NR_PAGE_ORDERS = 11;
    /** {@code migratetype_names[]} of mm/page_alloc.c, in enum order (CONFIG_CMA and
     * CONFIG_MEMORY_ISOLATION on). */
    public static final List<String> MIGRATETYPE_NAMES =
            List.of("Unmovable", "Movable", "Reclaimable", "HighAtomic", "CMA", "Isolate");

    /**
     * One zone's free lists.
     *
     * @param nid the node id
     * @param zone the zone name, for example {@code "Normal"}
     * @param counts {@code counts[migratetype][order]}: blocks on that free list (6 rows of 11)
     */
    public record ZoneFreeLists(int nid, String zone, long[][] counts) {
    }

    private PagetypeinfoFree() {
    }

    /** The "Free pages count per migrate type at order" table for these zones, in order. */
    public static String freeTable(List<ZoneFreeLists> zones) {
        if (zones == null) {
            throw new InvalidArgumentException("zones must be a list (possibly empty), got null");
        }
        for (ZoneFreeLists z : zones) {
            check(z);
        }
        StringBuilder out = new StringBuilder(
                String.format("%-43s ", "Free pages count per migrate type at order"));
        for (int order = 0; order < NR_PAGE_ORDERS; order++) {
            out.append(String.format("%6d ", order));
        }
        out.append('\n');
        for (ZoneFreeLists z : zones) {
            for (int mt = 0; mt < MIGRATETYPE_NAMES.size(); mt++) {
                out.append(String.format("Node %4d, zone %8s, type %12s ", z.nid(), z.zone(),
                        MIGRATETYPE_NAMES.get(mt)));
                for (int order = 0; order < NR_PAGE_ORDERS; order++) {
                    out.append(String.format("%6d ", z.counts()[mt][order]));
                }
                out.append('\n');
            }
        }
        return out.toString();
    }

    private static void check(ZoneFreeLists z) {
        if (z == null || z.zone() == null || z.counts() == null
                || z.counts().length != MIGRATETYPE_NAMES.size()) {
            throw new InvalidArgumentException("each zone needs a name and counts[6][11] "
                    + "(6 migratetypes x 11 orders), got " + z);
        }
        for (long[] row : z.counts()) {
            if (row == null || row.length != NR_PAGE_ORDERS) {
                throw new InvalidArgumentException("zone " + z.zone() + ": each migratetype row needs "
                        + NR_PAGE_ORDERS + " counts (orders 0..10), got "
                        + (row == null ? "null" : row.length));
            }
        }
    }
}
