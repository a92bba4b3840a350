package io.pagelab.lessons.buddy;

import io.pagelab.kernel.buddy.BuddyAllocator;
import io.pagelab.kernel.buddy.Zone;
import io.pagelab.kernel.zone.MigrateType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A snapshot of one zone's free blocks, read through the public {@link Zone#freeList} getters:
 * which pfn heads a free block of which order, and the lists in their order (head first). The
 * lessons compare two snapshots to tell the learner what an allocation or a free changed.
 *
 * <p>Models nothing of its own: it is the picture of {@code zone->free_area[order].free_list[mt]}
 * (mm/page_alloc.c) a learner would draw on paper.
 */
final class FreeBlocks {

    private final Map<Long, Integer> orderOfHead;
    private final List<List<Long>> lists;

    private FreeBlocks(Map<Long, Integer> orderOfHead, List<List<Long>> lists) {
        this.orderOfHead = orderOfHead;
        this.lists = lists;
    }

    /** The free blocks of every migratetype in {@code zone}, as they are now. */
    static FreeBlocks of(Zone zone) {
        Map<Long, Integer> heads = new TreeMap<>();
        List<List<Long>> lists = new ArrayList<>();
        for (int order = 0; order <= BuddyAllocator.MAX_PAGE_ORDER; order++) {
            List<Long> list = new ArrayList<>();
            for (MigrateType mt : MigrateType.values()) {
                for (long pfn : zone.freeList(order, mt)) {
                    list.add(pfn);
                    heads.put(pfn, order);
                }
            }
            lists.add(Collections.unmodifiableList(list));
        }
        return new FreeBlocks(Collections.unmodifiableMap(heads), Collections.unmodifiableList(lists));
    }

    /** Is {@code pfn} the head of a free block of exactly {@code order} (the kernel's page_is_buddy)? */
    boolean isFree(long pfn, int order) {
        Integer o = orderOfHead.get(pfn);
        return o != null && o == order;
    }

    /** The order of the free block {@code pfn} heads, or -1. */
    int orderAt(long pfn) {
        Integer o = orderOfHead.get(pfn);
        return o == null ? -1 : o;
    }

    /** The free list of one order, all migratetypes, head first. */
    List<Long> list(int order) {
        return lists.get(order);
    }

    /** Heads (pfn → order) free here but not in {@code before}. */
    Map<Long, Integer> added(FreeBlocks before) {
        Map<Long, Integer> out = new TreeMap<>();
        for (Map.Entry<Long, Integer> e : orderOfHead.entrySet()) {
            if (!before.isFree(e.getKey(), e.getValue())) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /** Heads free in {@code before} but gone now. */
    Map<Long, Integer> removed(FreeBlocks before) {
        return before.added(this);
    }

    /**
     * One character per frame from {@code from} (inclusive) to {@code to} (exclusive): a free block
     * of order n is the digit n then '─' for its other frames; frames in {@code ours} (allocated in
     * the lesson) show their letter; anything else is '#' (in use or reserved).
     */
    String strip(long from, long to, Map<Long, Integer> ours, Map<Long, Character> letters) {
        StringBuilder sb = new StringBuilder();
        long pfn = from;
        while (pfn < to) {
            int order = orderAt(pfn);
            if (order >= 0) {
                long n = Math.min(1L << order, to - pfn);
                sb.append(order == 10 ? 'X' : (char) ('0' + order));
                for (long i = 1; i < n; i++) {
                    sb.append('─');
                }
                pfn += n;
            } else if (ours.containsKey(pfn)) {
                long n = Math.min(1L << ours.get(pfn), to - pfn);
                char letter = letters.get(pfn);
                for (long i = 0; i < n; i++) {
                    sb.append(letter);
                }
                pfn += n;
            } else {
                sb.append('#');
                pfn++;
            }
        }
        return sb.toString();
    }

    /** Rows "order size nr_free blocks..." for orders 0..10, at most {@code maxShown} pfns per row. */
    List<String> table(int maxShown) {
        List<String> rows = new ArrayList<>();
        rows.add("order  block    nr_free  free list, head first (pfn)");
        for (int order = 0; order <= BuddyAllocator.MAX_PAGE_ORDER; order++) {
            List<Long> list = list(order);
            StringBuilder pfns = new StringBuilder();
            for (int i = 0; i < Math.min(maxShown, list.size()); i++) {
                pfns.append(i == 0 ? "" : " ").append(hex(list.get(i)));
            }
            if (list.size() > maxShown) {
                pfns.append(" … ").append(hex(list.get(list.size() - 1)));
            }
            rows.add(String.format(Locale.ROOT, "%4d   %-7s  %6d   %s", order, size(order), list.size(), pfns));
        }
        return rows;
    }

    /** All heads, pfn → order. */
    Set<Map.Entry<Long, Integer>> heads() {
        return orderOfHead.entrySet();
    }

    static String hex(long value) {
        return String.format(Locale.ROOT, "%#x", value);
    }

    /** The size of a block of {@code order} pages of 4 KiB: "4 KiB" .. "4 MiB". */
    static String size(int order) {
        long kib = 4L << order;
        return kib >= 1024 ? (kib / 1024) + " MiB" : kib + " KiB";
    }
}
