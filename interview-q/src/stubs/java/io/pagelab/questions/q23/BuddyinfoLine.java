package io.pagelab.questions.q23;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.exercise.Todo;

/**
 * Q23 Buddy管理算法所处的位置？在什么地方体现？ Where does the buddy algorithm live, and where does it
 * show?
 *
 * <p>The buddy allocator has no object of its own: its state is a field of every zone,
 * {@code struct zone.free_area[order]} for orders 0..10, and each {@code free_area} holds one free
 * list per migratetype. Its visible face is {@code /proc/buddyinfo}: one line per populated zone,
 * one column per order, counting free <em>blocks</em> (not pages) of that order.
 * 伙伴算法的数据就在每个 zone 的 free_area 数组里；/proc/buddyinfo 每行是一个 zone，每列是一个阶的空闲块数。
 *
 * <p>Your task: implement {@link #line}, the kernel's {@code frag_show_print()} in mm/vmstat.c.
 * <ul>
 *   <li>An order's number is the blocks on all of its migratetype lists together.</li>
 *   <li>Format: {@code "Node %d, zone %8s "}, then {@code "%6lu "} per order (Java's {@code %6d}),
 *       then {@code '\n'}. Mind the trailing space before the newline.</li>
 *   <li>Refuse a negative node id, an empty zone name, or a table that does not have exactly 11 rows
 *       with {@link InvalidArgumentException}.</li>
 * </ul>
 *
 * <p>Run {@code ./pagelab grade q23} to check your work.
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
        throw new Todo("q23/BuddyinfoLine.java");
    }
}
