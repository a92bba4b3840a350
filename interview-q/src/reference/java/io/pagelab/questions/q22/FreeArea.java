package io.pagelab.questions.q22;

import io.pagelab.api.error.InvalidArgumentException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Q22 物理内存是如何管理的？怎么分配的？ How is physical memory managed and allocated? (reference solution)
 *
 * <p>One zone's {@code free_area[order].free_list[migratetype]} (include/linux/mmzone.h) and the
 * allocation path of mm/page_alloc.c: {@code __rmqueue_smallest()} and {@code expand()} (Linux
 * 6.8; 6.10+ runs the same loop in {@code page_del_and_expand()}). Allocation searches the
 * requested migratetype's lists from the requested order upwards, takes the first block at the
 * head of the first non-empty list, and splits it: each step keeps the low half and puts the high
 * half at the head of the next lower order's list.
 *
 * <pre>
 *   order-3 block at P, order 0 wanted:
 *   [P ............ P+7]  -&gt; keep [P .. P+3], free [P+4 .. P+7] on order 2
 *   [P .... P+3]          -&gt; keep [P, P+1],   free [P+2, P+3]   on order 1
 *   [P, P+1]              -&gt; keep P,          free P+1          on order 0
 * </pre>
 *
 * <p>Differs from Linux on purpose: blocks are pfns on Java deques instead of struct pages on
 * list_heads, no per-CPU lists, no fallback to other migratetypes (that is {@code __rmqueue()}'s
 * job), and failure returns -1 instead of NULL.
 */
public final class FreeArea {

    /** Largest order (include/linux/mmzone.h, Linux 6.8+): blocks of 1..1024 pages. */
    public static final int MAX_PAGE_ORDER = 10;
    /** MIGRATE_UNMOVABLE .. MIGRATE_ISOLATE. */
    public static final int MIGRATE_TYPES = 6;
    public static final int MIGRATE_UNMOVABLE = 0;
    public static final int MIGRATE_MOVABLE = 1;
    public static final int MIGRATE_RECLAIMABLE = 2;

    private final List<List<ArrayDeque<Long>>> lists = new ArrayList<>();

    public FreeArea() {
        for (int order = 0; order <= MAX_PAGE_ORDER; order++) {
            List<ArrayDeque<Long>> byType = new ArrayList<>();
            for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
                byType.add(new ArrayDeque<>());
            }
            lists.add(byType);
        }
    }

    /** add_to_free_list(): puts a free block at the head of its list. */
    public void addHead(long pfn, int order, int migratetype) {
        checkOrder(order);
        checkType(migratetype);
        InvalidArgumentException.check(pfn >= 0 && (pfn & ((1L << order) - 1)) == 0,
                "pfn %s must be >= 0 and aligned to its order %s block", pfn, order);
        lists.get(order).get(migratetype).addFirst(pfn);
    }

    /** The block pfns on {@code free_list[migratetype]} of this order, head first. */
    public List<Long> list(int order, int migratetype) {
        checkOrder(order);
        checkType(migratetype);
        return List.copyOf(lists.get(order).get(migratetype));
    }

    /** {@code free_area[order].nr_free}: blocks of this order on all migratetype lists. */
    public long nrFree(int order) {
        checkOrder(order);
        long n = 0;
        for (ArrayDeque<Long> list : lists.get(order)) {
            n += list.size();
        }
        return n;
    }

    /**
     * __rmqueue_smallest() + expand(): takes a block of exactly {@code order} for this migratetype,
     * splitting a larger one if needed.
     *
     * @return the first pfn of the allocated block, or -1 if no list of this migratetype at
     *     {@code order} or above has a block
     */
    public long rmqueueSmallest(int order, int migratetype) {
        checkOrder(order);
        checkType(migratetype);
        for (int current = order; current <= MAX_PAGE_ORDER; current++) {
            ArrayDeque<Long> list = lists.get(current).get(migratetype);
            if (list.isEmpty()) {
                continue;
            }
            long pfn = list.pollFirst();
            // expand(): keep the low half, the high half goes to the head of the lower list
            int high = current;
            while (high > order) {
                high--;
                lists.get(high).get(migratetype).addFirst(pfn + (1L << high));
            }
            return pfn;
        }
        return -1;
    }

    private static void checkOrder(int order) {
        InvalidArgumentException.check(order >= 0 && order <= MAX_PAGE_ORDER,
                "order %s is out of range: allowed 0..%s (MAX_PAGE_ORDER)", order, MAX_PAGE_ORDER);
    }

    private static void checkType(int migratetype) {
        InvalidArgumentException.check(migratetype >= 0 && migratetype < MIGRATE_TYPES,
                "migratetype %s is out of range: allowed 0..%s", migratetype, MIGRATE_TYPES - 1);
    }
}
