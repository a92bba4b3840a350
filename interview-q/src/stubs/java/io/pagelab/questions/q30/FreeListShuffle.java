package io.pagelab.questions.q30;

import io.pagelab.exercise.Todo;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Q30 如何降低页面分配的可预测性？ How is page allocation made less predictable?
 *
 * <p>At the end of boot every free page goes into the buddy allocator in address order, so the
 * order-10 free list (4 MiB blocks) hands out memory from low addresses upwards: an attacker can
 * predict where the next big allocation lands. With CONFIG_SHUFFLE_PAGE_ALLOCATOR and
 * {@code page_alloc.shuffle=1}, {@code shuffle_free_memory()} (mm/shuffle.c, since 5.2) shuffles
 * that list once, Fisher–Yates style, so its order no longer follows addresses.
 * 启动后 order-10 空闲链表按地址排序；洗牌后分配顺序不再可预测。
 *
 * <p>Your task: implement {@link #shuffleZone} the way {@code __shuffle_zone()} does it.
 * <ul>
 *   <li>Walk the pfns i of the zone that are multiples of 1024, from the first one at or above
 *       zoneStartPfn up to (not including) zoneStartPfn + spannedPages.</li>
 *   <li>Skip i unless a free order-10 block starts there (it is in {@code freeArea.get(10)}).</li>
 *   <li>Otherwise draw a partner: {@code j = zoneStartPfn + ALIGN_DOWN(r % spannedPages, 1024)}
 *       where r is the next {@code getRandomLong} value, an <em>unsigned</em> 64-bit number. j must
 *       also start a free order-10 block and differ from i; if not, draw again, at most
 *       {@link #SHUFFLE_RETRY} draws in all, after which i stays where it is.</li>
 *   <li>Swap the places of i and j in the order-10 list. No other order's list changes.</li>
 *   <li>Draw only when the rules say so: the grader's random source counts.</li>
 *   <li>Return new lists (the input stays as it was); reject a freeArea that does not have
 *       exactly 11 lists (orders 0..10) and a span that is not positive with an
 *       IllegalArgumentException.</li>
 * </ul>
 *
 * <p>Run {@code ./pagelab grade q30} to check your work.
 */
public final class FreeListShuffle {

    /** SHUFFLE_ORDER = MAX_PAGE_ORDER. */
    public static final int SHUFFLE_ORDER = 10;
    /** SHUFFLE_RETRY of mm/shuffle.c. */
    public static final int SHUFFLE_RETRY = 10;

    private FreeListShuffle() {
    }

    /**
     * The zone's free lists after shuffling its order-10 list.
     *
     * @param zoneStartPfn zone_start_pfn
     * @param spannedPages spanned_pages: the zone covers [zoneStartPfn, zoneStartPfn + spannedPages)
     * @param freeArea the free lists, index = order 0..10, each the pfns of its free blocks in list order
     * @param getRandomLong get_random_long(): each call returns the next 64 random bits
     * @return the free lists afterwards, index = order
     */
    public static List<List<Long>> shuffleZone(long zoneStartPfn, long spannedPages, List<List<Long>> freeArea,
            LongSupplier getRandomLong) {
        throw new Todo("q30/FreeListShuffle.java");
    }
}
