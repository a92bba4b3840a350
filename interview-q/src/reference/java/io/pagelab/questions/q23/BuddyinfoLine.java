package io.pagelab.questions.q23;

import io.pagelab.api.error.InvalidArgumentException;

/**
 * Q23 Buddy管理算法所处的位置？在什么地方体现？ Where does the buddy algorithm live, and where does it
 * show? (reference solution)
 *
 * <p>The buddy allocator's state lives in each {@code struct zone}: {@code free_area[order]} for
 * orders 0..MAX_PAGE_ORDER, each with one free list per migratetype (include/linux/mmzone.h). It
 * shows in {@code /proc/buddyinfo}, written by mm/vmstat.c: {@code frag_show_print()} (Linux 6.x):
 * {@code "Node %d, zone %8s "}, then {@code "%6lu "} for each order's {@code nr_free} (blocks of
 * that order, all migratetypes together), then a newline.
 *
 * <p>Differs from Linux on purpose: the caller passes list lengths instead of a zone, and
 * {@code nr_free} is recomputed from them (the kernel keeps it as a running counter).
 */
public final class BuddyinfoLine {

    /** Orders 0..10 (NR_PAGE_ORDERS, Linux 6.8+). */
    public static final int NR_PAGE_ORDERS = 11;

    private BuddyinfoLine() {
    }

    /**
     * The /proc/buddyinfo line of one zone.
     *
     * @param nid the node id
     * @param zoneName the zone's name, for example {@code "DMA32"}
     * @param freeBlocks {@code freeBlocks[order][migratetype]}: how many blocks of that order sit on
     *     that migratetype's free list; one row per order, 11 rows
     * @return the line, ending in {@code " \n"}
     */
    public static String line(int nid, String zoneName, long[][] freeBlocks) {
        InvalidArgumentException.check(nid >= 0, "node id %s must be >= 0", nid);
        if (zoneName == null || zoneName.isEmpty()) {
            throw new InvalidArgumentException("zone name must be a non-empty string, got " + zoneName);
        }
        if (freeBlocks == null || freeBlocks.length != NR_PAGE_ORDERS) {
            throw new InvalidArgumentException("freeBlocks must have one row per order, "
                    + NR_PAGE_ORDERS + " rows (orders 0..10), got "
                    + (freeBlocks == null ? "null" : freeBlocks.length + " rows"));
        }
        StringBuilder out = new StringBuilder(String.format("Node %d, zone %8s ", nid, zoneName));
        for (int order = 0; order < NR_PAGE_ORDERS; order++) {
            long nrFree = 0;
            for (long blocks : freeBlocks[order]) {
                nrFree += blocks;
            }
            out.append(String.format("%6d ", nrFree));
        }
        return out.append('\n').toString();
    }
}
