package io.pagelab.questions.q30;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Q30 如何降低页面分配的可预测性？ How is page allocation made less predictable? (reference solution)
 *
 * <p>Models mm/shuffle.c (Linux 6.6, CONFIG_SHUFFLE_PAGE_ALLOCATOR, boot parameter
 * {@code page_alloc.shuffle=1}): {@code __shuffle_zone()} and {@code shuffle_valid_page()}. After
 * boot has freed all memory into the buddy allocator, the free list of order SHUFFLE_ORDER (10,
 * 4 MiB blocks) comes out in address order. __shuffle_zone walks the zone's 1024-aligned pfns; for
 * every pfn i that heads a free order-10 block it draws
 * {@code j = zone_start_pfn + ALIGN_DOWN(get_random_long() % spanned_pages, 1024)} until j also
 * heads a free order-10 block other than i (at most SHUFFLE_RETRY = 10 draws, else i is left
 * alone), then {@code list_swap()}s the two blocks' places in the free list.
 *
 * <pre>
 *   free_area[10]:  0 -> 1024 -> 2048 -> 4096        i = 0, draw 5000: j = ALIGN_DOWN(5000, 1024) = 4096
 *   after swap:  4096 -> 1024 -> 2048 -> 0
 * </pre>
 *
 * <p>Differs from Linux on purpose: the free lists are lists of pfns, one per order, and a copy is
 * returned; the pageblock migratetype check (both blocks must have the same one) is left out since
 * these lists carry no migratetype; no lock is dropped every 100 blocks.
 */
public final class FreeListShuffle {

    /** SHUFFLE_ORDER = MAX_PAGE_ORDER. */
    public static final int SHUFFLE_ORDER = 10;
    /** SHUFFLE_RETRY of mm/shuffle.c. */
    public static final int SHUFFLE_RETRY = 10;

    private FreeListShuffle() {
    }

    /** __shuffle_zone(): the free lists after shuffling the order-10 list of one zone. */
    public static List<List<Long>> shuffleZone(long zoneStartPfn, long spannedPages, List<List<Long>> freeArea,
            LongSupplier getRandomLong) {
        if (freeArea == null || freeArea.size() != SHUFFLE_ORDER + 1) {
            throw new IllegalArgumentException("freeArea needs one list per order 0.." + SHUFFLE_ORDER + ", got "
                    + (freeArea == null ? "null" : freeArea.size() + " lists"));
        }
        if (spannedPages <= 0 || zoneStartPfn < 0) {
            throw new IllegalArgumentException("zone start " + zoneStartPfn + " and span " + spannedPages
                    + " must be >= 0 and > 0");
        }
        List<List<Long>> result = new ArrayList<>();
        for (List<Long> list : freeArea) {
            result.add(new ArrayList<>(list));
        }
        List<Long> list = result.get(SHUFFLE_ORDER);
        long orderPages = 1L << SHUFFLE_ORDER;
        long end = zoneStartPfn + spannedPages;
        long start = (zoneStartPfn + orderPages - 1) / orderPages * orderPages;
        for (long i = start; i < end; i += orderPages) {
            if (!list.contains(i)) {
                continue;
            }
            long j = -1;
            int retry;
            for (retry = 0; retry < SHUFFLE_RETRY; retry++) {
                long r = Long.remainderUnsigned(getRandomLong.getAsLong(), spannedPages);
                j = zoneStartPfn + r / orderPages * orderPages;
                if (j != i && list.contains(j)) {
                    break;
                }
            }
            if (retry >= SHUFFLE_RETRY) {
                continue;
            }
            int pi = list.indexOf(i);
            int pj = list.indexOf(j);
            list.set(pi, j);
            list.set(pj, i);
        }
        List<List<Long>> frozen = new ArrayList<>();
        for (List<Long> l : result) {
            frozen.add(List.copyOf(l));
        }
        return List.copyOf(frozen);
    }
}
