package io.pagelab.questions.q22;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.exercise.Todo;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Q22 物理内存是如何管理的？怎么分配的？ How is physical memory managed and allocated?
 *
 * <p>After boot, memblock hands the free RAM to the buddy allocator (mm/page_alloc.c). Each zone
 * keeps {@code free_area[order]} for orders 0..10; each order has one free list per migratetype,
 * holding blocks of 2^order pages whose first pfn is a multiple of 2^order. 伙伴系统按阶(order)
 * 管理空闲块：每阶每种迁移类型一个链表；分配时从所需的阶向上找，找到大块后对半拆分，
 * 留下低半部分，高半部分挂回低一阶的链表。
 *
 * <p>Your task: implement {@link #rmqueueSmallest}, the kernel's {@code __rmqueue_smallest()}
 * followed by {@code expand()}. The list helpers are given.
 * <ul>
 *   <li>Look only at the lists of the requested migratetype, from {@code order} up to
 *       {@link #MAX_PAGE_ORDER}. Take the block at the <em>head</em> of the first non-empty list.</li>
 *   <li>While the block is larger than requested, halve it: keep the lower half, and put the
 *       upper half at the head of the list one order lower (same migratetype).</li>
 *   <li>Return the first pfn of the block you kept, or -1 if there is none (change nothing then).</li>
 *   <li>An order outside 0..10 or a migratetype outside 0..5 is refused with
 *       {@link InvalidArgumentException}.</li>
 * </ul>
 *
 * <p>Run {@code ./pagelab grade q22} to check your work.
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
        throw new Todo("q22/FreeArea.java");
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
