package io.pagelab.questions.q32;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.exercise.Todo;
import java.util.List;

/**
 * Q32 如何查看Buddy管理算法下的内存类型信息？ How can the buddy allocator's per-migrate-type information
 * be viewed?
 *
 * <p>/proc/buddyinfo adds all migratetypes together. {@code /proc/pagetypeinfo} splits them: for
 * every zone and every migratetype (Unmovable, Movable, Reclaimable, HighAtomic, CMA, Isolate) it
 * shows how many free blocks of each order sit on that type's list, so you can see, for example,
 * that the large free blocks are all Movable. /proc/pagetypeinfo 按迁移类型分别列出每个 zone
 * 各阶空闲块数，buddyinfo 的每一列就是这里同一阶各类型之和。
 *
 * <p>Your task: implement {@link #freeTable}, the "Free pages count per migrate type at order"
 * table of mm/vmstat.c ({@code pagetypeinfo_showfree()}).
 * <ul>
 *   <li>Header: the words padded on the right to 43 columns ({@code "%-43s "}), then {@code "%6d "}
 *       for each order 0..10, then {@code '\n'}.</li>
 *   <li>Then, zone by zone, one row per migratetype in {@link #MIGRATETYPE_NAMES} order:
 *       {@code "Node %4d, zone %8s, type %12s "}, {@code "%6d "} per order, {@code '\n'}.</li>
 *   <li>Refuse a null list, or a zone without a name or without counts[6][11], with
 *       {@link InvalidArgumentException}.</li>
 * </ul>
 *
 * <p>Run {@code ./pagelab grade q32} to check your work.
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
        throw new Todo("q32/PagetypeinfoFree.java");
    }
}
