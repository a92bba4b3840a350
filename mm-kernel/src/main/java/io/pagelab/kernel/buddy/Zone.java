package io.pagelab.kernel.buddy;

import static io.pagelab.kernel.buddy.AllocFlags.ALLOC_CMA;
import static io.pagelab.kernel.buddy.AllocFlags.ALLOC_HIGHATOMIC;
import static io.pagelab.kernel.buddy.AllocFlags.ALLOC_KSWAPD;
import static io.pagelab.kernel.buddy.AllocFlags.ALLOC_MIN_RESERVE;
import static io.pagelab.kernel.buddy.AllocFlags.ALLOC_NOFRAGMENT;
import static io.pagelab.kernel.buddy.AllocFlags.ALLOC_NON_BLOCK;
import static io.pagelab.kernel.buddy.AllocFlags.ALLOC_OOM;
import static io.pagelab.kernel.buddy.AllocFlags.ALLOC_RESERVES;
import static io.pagelab.kernel.buddy.AllocFlags.ALLOC_WMARK_MASK;
import static io.pagelab.kernel.buddy.AllocFlags.ALLOC_WMARK_MIN;
import static io.pagelab.kernel.buddy.BuddyAllocator.MAX_PAGE_ORDER;
import static io.pagelab.kernel.buddy.FreeArea.EMPTY;
import static io.pagelab.kernel.page.MemMap.PAGEBLOCK_NR_PAGES;
import static io.pagelab.kernel.page.MemMap.PAGEBLOCK_ORDER;
import static io.pagelab.kernel.zone.MigrateType.MIGRATE_CMA;
import static io.pagelab.kernel.zone.MigrateType.MIGRATE_HIGHATOMIC;
import static io.pagelab.kernel.zone.MigrateType.MIGRATE_ISOLATE;
import static io.pagelab.kernel.zone.MigrateType.MIGRATE_MOVABLE;
import static io.pagelab.kernel.zone.MigrateType.MIGRATE_PCPTYPES;
import static io.pagelab.kernel.zone.MigrateType.MIGRATE_RECLAIMABLE;
import static io.pagelab.kernel.zone.MigrateType.MIGRATE_TYPES;
import static io.pagelab.kernel.zone.MigrateType.MIGRATE_UNMOVABLE;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.kernel.page.FrameState;
import io.pagelab.kernel.page.MemMap;
import io.pagelab.kernel.page.PageFlags;
import io.pagelab.kernel.printk.Vsprintf;
import io.pagelab.kernel.zone.MigrateType;
import io.pagelab.kernel.zone.Watermarks;
import io.pagelab.kernel.zone.ZoneType;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One zone of one node, {@code struct zone} (include/linux/mmzone.h) with the buddy algorithm of
 * mm/page_alloc.c that works on it, as in Linux 6.6 (MAX_PAGE_ORDER naming of 6.8): the free lists,
 * {@code __rmqueue_smallest()} with {@code expand()}, {@code __free_one_page()} with the
 * tail-placement rule, {@code __rmqueue_fallback()} with whole-block stealing, the high-atomic
 * reserve and {@code __zone_watermark_ok()}.
 *
 * <pre>
 *  split (expand): an order-3 block at P serves an order-0 request
 *    [P ............................ P+7]   take P+4..P+7 -&gt; free_area[2]  (head of list)
 *    [P ........... P+3]                    take P+2..P+3 -&gt; free_area[1]
 *    [P .. P+1]                             take P+1      -&gt; free_area[0]
 *    [P]                                    returned: the LOW half is always kept
 *
 *  merge (__free_one_page): buddy of the order-k block at p is p ^ (1 &lt;&lt; k); while it is a free
 *  block of exactly order k, unlink it and continue with the pair at (p &amp; buddy), order k + 1.
 *  The final block goes to the TAIL of its list when the buddy of its order+1 parent is free
 *  (buddy_merge_likely): it should stay free a little longer, to merge soon.
 * </pre>
 *
 * <p>Readers see the zone through the public methods; the algorithm is package-private and driven
 * by {@link BuddyAllocator}. Turn on DEBUG for {@code io.pagelab.kernel.buddy} to see every split,
 * merge and steal.
 *
 * <p>Differs from Linux on purpose: no zone lock, no per-cpu page lists (every order-0 request goes
 * to the free lists as rmqueue_buddy() does), no page reporting, shuffling or guard pages; waking
 * kswapd only counts the wake-up and drops the watermark boost, as a kswapd pass that finds nothing
 * to reclaim would.
 */
public final class Zone {
    private static final Logger LOG = LoggerFactory.getLogger(Zone.class);

    /** {@code watermark_boost_factor} default. */
    static final int WATERMARK_BOOST_FACTOR = 15000;

    private final BuddyAllocator owner;
    private final MemMap memMap;
    private final int nid;
    private final ZoneType type;
    private final long startPfn;
    private final long spannedPages;
    private final long presentPages;
    final FreeArea area = new FreeArea();

    long managedPages;
    long nrFreePages;
    long nrFreeCmaPages;
    /** {@code zone->cma_pages}: pages of CMA areas in the zone. */
    long cmaPages;
    long nrReservedHighatomic;
    long watermarkBoost;
    Watermarks watermarks = Watermarks.NONE;
    long[] lowmemReserve;
    boolean boostedWatermark;
    long kswapdWakeups;
    /** {@code zone->per_cpu_pageset}, or null without per-cpu lists. */
    PerCpuPages pcp;
    /** {@code shuffle_pick_tail()} for order-10 frees, or null without page_alloc.shuffle. */
    ShuffleState shuffle;

    // second results of helpers (single-threaded, like the zone lock holder)
    private boolean lastCanSteal;
    private int lastMovablePages;
    int lastTakenMigratetype;

    Zone(BuddyAllocator owner, MemMap memMap, int nid, ZoneType type, long startPfn, long spannedPages,
            long presentPages, int nrZoneTypes) {
        this.owner = owner;
        this.memMap = memMap;
        this.nid = nid;
        this.type = type;
        this.startPfn = startPfn;
        this.spannedPages = spannedPages;
        this.presentPages = presentPages;
        this.lowmemReserve = new long[nrZoneTypes];
        InvalidArgumentException.check(spannedPages >= 0 && spannedPages < Integer.MAX_VALUE,
                "zone spans %s pages: pagelab links free blocks by 31-bit zone offsets, so a zone spans at most"
                        + " %s pages (8 TiB)", spannedPages, Integer.MAX_VALUE - 1);
    }

    // ================================================================== read-only view

    /** The node of the zone. */
    public int nid() {
        return nid;
    }

    /** DMA, DMA32, Normal, Movable or Device. */
    public ZoneType type() {
        return type;
    }

    /** The name /proc prints ("DMA32"). */
    public String name() {
        return type.zoneName();
    }

    /** {@code zone_start_pfn}. */
    public long startPfn() {
        return startPfn;
    }

    /** {@code zone_end_pfn()}: one past the last pfn spanned. */
    public long endPfn() {
        return startPfn + spannedPages;
    }

    /** {@code spanned_pages}: pfns from start to end, holes included. */
    public long spannedPages() {
        return spannedPages;
    }

    /** {@code present_pages}: spanned minus holes. */
    public long presentPages() {
        return presentPages;
    }

    /** {@code managed_pages}: present minus what memblock kept; the pages the buddy allocator owns. */
    public long managedPages() {
        return managedPages;
    }

    /** {@code populated_zone()}. */
    public boolean populated() {
        return presentPages != 0;
    }

    /** {@code zone_spans_pfn()}. */
    public boolean spans(long pfn) {
        return pfn >= startPfn && pfn < startPfn + spannedPages;
    }

    /** {@code NR_FREE_PAGES}. */
    public long freePages() {
        return nrFreePages;
    }

    /** {@code NR_FREE_CMA_PAGES}. */
    public long freeCmaPages() {
        return nrFreeCmaPages;
    }

    /** {@code zone->cma_pages}: pages of activated CMA areas ("cma" in /proc/zoneinfo). */
    public long cmaPages() {
        return cmaPages;
    }

    /** {@code free_area[order].nr_free}: free blocks of this order, all migratetypes. */
    public long nrFree(int order) {
        BuddyAllocator.checkOrder(order);
        return area.nrFree[order];
    }

    /** The pfns of the blocks on {@code free_area[order].free_list[migratetype]}, head first. */
    public long[] freeList(int order, MigrateType migratetype) {
        BuddyAllocator.checkOrder(order);
        int id = FreeArea.listId(order, migratetype.id());
        long[] out = new long[16];
        int n = 0;
        int idx = area.head[id];
        while (idx != EMPTY) {
            if (n == out.length) {
                out = Arrays.copyOf(out, n * 2);
            }
            long pfn = startPfn + idx;
            out[n++] = pfn;
            int next = nextOf(memMap.pairLinks(pfn));
            idx = next < 0 ? EMPTY : next;
        }
        return Arrays.copyOf(out, n);
    }

    /**
     * Blocks on one free list, counted by walking it as /proc/pagetypeinfo does
     * ({@code pagetypeinfo_showfree_print()}), stopping at {@code limit}.
     */
    public long countFreeList(int order, MigrateType migratetype, long limit) {
        BuddyAllocator.checkOrder(order);
        int idx = area.head[FreeArea.listId(order, migratetype.id())];
        long n = 0;
        while (idx != EMPTY && n < limit) {
            n++;
            int next = nextOf(memMap.pairLinks(startPfn + idx));
            idx = next < 0 ? EMPTY : next;
        }
        return n;
    }

    /** {@code zone->_watermark[]} without the boost. */
    public Watermarks watermarks() {
        return watermarks;
    }

    /** {@code zone->watermark_boost}. */
    public long watermarkBoost() {
        return watermarkBoost;
    }

    /** {@code min_wmark_pages()}, {@code low_wmark_pages()}, {@code high_wmark_pages()}: the mark plus the boost. */
    public long wmarkPages(int wmark) {
        return watermarks.get(wmark) + watermarkBoost;
    }

    /** {@code zone->lowmem_reserve[]}, indexed by the zone index of the allocation ("protection:"). */
    public long[] lowmemReserve() {
        return lowmemReserve.clone();
    }

    /** {@code zone->nr_reserved_highatomic}. */
    public long reservedHighatomic() {
        return nrReservedHighatomic;
    }

    /** How often kswapd was woken for this zone. */
    public long kswapdWakeups() {
        return kswapdWakeups;
    }

    @Override
    public String toString() {
        return "Node " + nid + ", zone " + name() + " [" + Vsprintf.hex(startPfn) + "-" + Vsprintf.hex(endPfn())
                + ") managed " + managedPages + " free " + nrFreePages;
    }

    // ================================================================== free lists

    private static int prevOf(long links) {
        return (int) (links >> 32);
    }

    private static int nextOf(long links) {
        return (int) links;
    }

    private static long pack(int prev, int next) {
        return ((long) prev << 32) | (next & 0xffffffffL);
    }

    private long pfnOf(int idx) {
        return startPfn + idx;
    }

    private void setPrev(long pfn, int prev) {
        memMap.setPairPrev(pfn, prev);
    }

    private void setNext(long pfn, int next) {
        memMap.setPairNext(pfn, next);
    }

    /** {@code add_to_free_list()} ({@code list_add}) or {@code add_to_free_list_tail()}. */
    void addToFreeList(long pfn, int order, int mt, boolean toTail) {
        assert pairFree(pfn) : "pfn " + Long.toHexString(pfn) + " shares its link slot with a free block";
        int id = FreeArea.listId(order, mt);
        int idx = (int) (pfn - startPfn);
        int end = ~id;
        if (area.head[id] == EMPTY) {
            memMap.setPairLinks(pfn, pack(end, end));
            area.head[id] = idx;
            area.tail[id] = idx;
        } else if (toTail) {
            int t = area.tail[id];
            setNext(pfnOf(t), idx);
            memMap.setPairLinks(pfn, pack(t, end));
            area.tail[id] = idx;
        } else {
            int h = area.head[id];
            setPrev(pfnOf(h), idx);
            memMap.setPairLinks(pfn, pack(end, h));
            area.head[id] = idx;
        }
        area.nrFree[order]++;
    }

    /** The other frame of pfn's pair is not a free block head (the link slot is free for pfn). */
    private boolean pairFree(long pfn) {
        long other = pfn ^ 1;
        return !spans(other) || FrameState.kind(memMap.state(other)) != FrameState.BUDDY;
    }

    /** {@code list_del()} and {@code nr_free--} of {@code del_page_from_free_list()}; the caller clears PageBuddy. */
    void delFromFreeList(long pfn, int order) {
        long links = memMap.pairLinks(pfn);
        int prev = prevOf(links);
        int next = nextOf(links);
        if (prev < 0) {
            area.head[~prev] = next < 0 ? EMPTY : next;
        } else {
            setNext(pfnOf(prev), next);
        }
        if (next < 0) {
            area.tail[~next] = prev < 0 ? EMPTY : prev;
        } else {
            setPrev(pfnOf(next), prev);
        }
        area.nrFree[order]--;
    }

    /** {@code move_to_free_list()}: {@code list_move_tail} to another migratetype's list. */
    void moveToFreeListTail(long pfn, int order, int mt) {
        delFromFreeList(pfn, order);
        addToFreeList(pfn, order, mt, true);
    }

    /** {@code __mod_zone_freepage_state()}. */
    void modFreepageState(long nrPages, int mt) {
        nrFreePages += nrPages;
        if (mt == MIGRATE_CMA) {
            nrFreeCmaPages += nrPages;
        }
    }

    /** {@code page_is_buddy()}: a free block of exactly this order, in this zone, heads at {@code pfn}. */
    boolean pageIsBuddy(long pfn, int order) {
        return spans(pfn) && memMap.state(pfn) == FrameState.buddy(order);
    }

    /** {@code set_pageblock_migratetype()}, with the page_group_by_mobility_disabled rule. */
    void setPageblockMigratetype(long pfn, int mt) {
        if (owner.mobilityGroupingDisabled() && mt < MIGRATE_PCPTYPES) {
            mt = MIGRATE_UNMOVABLE;
        }
        memMap.setPageblockMigratetype(pfn, mt);
    }

    // ================================================================== allocation

    /**
     * {@code __rmqueue_smallest()}: the first block at the head of the {@code mt} list of the
     * smallest order that has one, split down to {@code order}.
     *
     * @return the pfn, or -1
     */
    long rmqueueSmallest(int order, int mt) {
        for (int current = order; current <= MAX_PAGE_ORDER; current++) {
            int idx = area.head[FreeArea.listId(current, mt)];
            if (idx == EMPTY) {
                continue;
            }
            long pfn = pfnOf(idx);
            delFromFreeList(pfn, current);
            memMap.setState(pfn, FrameState.TAIL);
            expand(pfn, order, current, mt);
            lastTakenMigratetype = mt;
            return pfn;
        }
        return -1;
    }

    /** {@code expand()}: halve the block until it has the requested order, freeing each upper half. */
    void expand(long pfn, int low, int high, int mt) {
        long size = 1L << high;
        while (high > low) {
            high--;
            size >>= 1;
            long upper = pfn + size;
            addToFreeList(upper, high, mt, false);
            memMap.setState(upper, FrameState.buddy(high));
            if (LOG.isDebugEnabled()) {
                LOG.debug("split order {} block at pfn {} \u2192 keep {}, free {} to order {}", high + 1,
                        Vsprintf.hex(pfn), Vsprintf.hex(pfn), Vsprintf.hex(upper), high);
            }
        }
    }

    /**
     * {@code __rmqueue()}: the preferred list, then CMA for movable requests, then steal from a
     * fallback migratetype and retry.
     */
    long rmqueue(int order, int mt, int allocFlags) {
        if ((allocFlags & ALLOC_CMA) != 0 && nrFreeCmaPages > nrFreePages / 2) {
            // balance movable allocations between regular and CMA areas
            long pfn = rmqueueSmallest(order, MIGRATE_CMA);
            if (pfn >= 0) {
                return pfn;
            }
        }
        while (true) {
            long pfn = rmqueueSmallest(order, mt);
            if (pfn >= 0) {
                return pfn;
            }
            if ((allocFlags & ALLOC_CMA) != 0) {
                pfn = rmqueueSmallest(order, MIGRATE_CMA);
                if (pfn >= 0) {
                    return pfn;
                }
            }
            if (!rmqueueFallback(order, mt, allocFlags)) {
                return -1;
            }
        }
    }

    /**
     * {@code rmqueue_buddy()}: high-order atomic requests try the HighAtomic reserve first; the
     * free page count drops by the block; a boosted watermark wakes kswapd.
     */
    long rmqueueBuddy(int order, int mt, int allocFlags) {
        long pfn = -1;
        if ((allocFlags & ALLOC_HIGHATOMIC) != 0) {
            pfn = rmqueueSmallest(order, MIGRATE_HIGHATOMIC);
        }
        if (pfn < 0) {
            pfn = rmqueue(order, mt, allocFlags);
            if (pfn < 0 && (allocFlags & ALLOC_OOM) != 0) {
                pfn = rmqueueSmallest(order, MIGRATE_HIGHATOMIC);
            }
            if (pfn < 0) {
                return -1;
            }
        }
        modFreepageState(-(1L << order), lastTakenMigratetype);
        if (boostedWatermark) {
            boostedWatermark = false;
            wakeupKswapd(order);
        }
        return pfn;
    }

    /**
     * {@code rmqueue()}: orders up to PAGE_ALLOC_COSTLY_ORDER from the per-cpu list of {@code cpu},
     * falling back to {@code rmqueue_buddy()}.
     */
    long rmqueueCpu(int cpu, int order, int mt, int allocFlags) {
        if (pcp != null && order <= BuddyAllocator.PAGE_ALLOC_COSTLY_ORDER) {
            long pfn = pcp.rmqueuePcplist(cpu, order, mt, allocFlags);
            if (pfn >= 0) {
                if (boostedWatermark) {
                    boostedWatermark = false;
                    wakeupKswapd(order);
                }
                return pfn;
            }
        }
        return rmqueueBuddy(order, mt, allocFlags);
    }

    /** The per-cpu page lists of the zone, or null when the machine runs without them. */
    public PerCpuPages perCpuPages() {
        return pcp;
    }

    /** {@code wakeup_kswapd()}: counted; with nothing to reclaim the pass ends and the boost is dropped. */
    void wakeupKswapd(int order) {
        kswapdWakeups++;
        if (LOG.isDebugEnabled()) {
            LOG.debug("wakeup_kswapd: node {} zone {} order {} (pagelab has no reclaim yet: boost {} dropped)", nid,
                    name(), order, watermarkBoost);
        }
        watermarkBoost = 0;
    }

    // ================================================================== fallback and stealing

    /** {@code can_steal_fallback()}. */
    boolean canStealFallback(int order, int startMt) {
        if (order >= PAGEBLOCK_ORDER) {
            return true;
        }
        return order >= PAGEBLOCK_ORDER / 2 || startMt == MIGRATE_RECLAIMABLE || startMt == MIGRATE_UNMOVABLE
                || owner.mobilityGroupingDisabled();
    }

    /**
     * {@code find_suitable_fallback()}: the first type of {@code fallbacks[mt]} with a free block of
     * this order, or -1; sets {@link #lastCanSteal}.
     */
    int findSuitableFallback(int order, int mt, boolean onlyStealable) {
        if (area.nrFree[order] == 0) {
            return -1;
        }
        lastCanSteal = false;
        for (int i = 0;; i++) {
            int fallbackMt = MigrateType.fallback(mt, i);
            if (fallbackMt == MIGRATE_TYPES) {
                break;
            }
            if (area.empty(order, fallbackMt)) {
                continue;
            }
            if (canStealFallback(order, mt)) {
                lastCanSteal = true;
            }
            if (!onlyStealable || lastCanSteal) {
                return fallbackMt;
            }
        }
        return -1;
    }

    /**
     * {@code __rmqueue_fallback()}: find the largest block of a fallback type (the smallest instead
     * when a movable request could not take the whole block), and steal it for {@code startMt}.
     *
     * @return true when a block moved to a {@code startMt} list
     */
    boolean rmqueueFallback(int order, int startMt, int allocFlags) {
        int minOrder = (allocFlags & ALLOC_NOFRAGMENT) != 0 ? PAGEBLOCK_ORDER : order;
        int current;
        int fallbackMt = -1;
        boolean findSmallest = false;
        for (current = MAX_PAGE_ORDER; current >= minOrder; current--) {
            fallbackMt = findSuitableFallback(current, startMt, false);
            if (fallbackMt == -1) {
                continue;
            }
            if (!lastCanSteal && startMt == MIGRATE_MOVABLE && current > order) {
                findSmallest = true;
            }
            break;
        }
        if (fallbackMt == -1) {
            return false;
        }
        if (findSmallest) {
            for (current = order; current <= MAX_PAGE_ORDER; current++) {
                fallbackMt = findSuitableFallback(current, startMt, false);
                if (fallbackMt != -1) {
                    break;
                }
            }
        }
        long pfn = pfnOf(area.head[FreeArea.listId(current, fallbackMt)]);
        if (LOG.isDebugEnabled()) {
            LOG.debug("fallback: {} order {} request takes order {} block at pfn {} from {} (can steal: {})",
                    MigrateType.nameOf(startMt), order, current, Vsprintf.hex(pfn), MigrateType.nameOf(fallbackMt),
                    lastCanSteal);
        }
        stealSuitableFallback(pfn, allocFlags, startMt, lastCanSteal);
        return true;
    }

    /**
     * {@code steal_suitable_fallback()}: a block of pageblock order or more changes its pageblocks'
     * type; a smaller one pulls every free block of its pageblock to {@code startType} and claims
     * the pageblock when at least half of it is free or alike; otherwise only the block moves.
     */
    void stealSuitableFallback(long pfn, int allocFlags, int startType, boolean wholeBlock) {
        int currentOrder = FrameState.order(memMap.state(pfn));
        int oldBlockType = memMap.pageblockMigratetype(pfn);
        if (oldBlockType == MIGRATE_HIGHATOMIC) {
            moveToFreeListTail(pfn, currentOrder, startType);
            return;
        }
        if (currentOrder >= PAGEBLOCK_ORDER) {
            changePageblockRange(pfn, currentOrder, startType);
            moveToFreeListTail(pfn, currentOrder, startType);
            return;
        }
        if (boostWatermark() && (allocFlags & ALLOC_KSWAPD) != 0) {
            boostedWatermark = true;
        }
        if (!wholeBlock) {
            moveToFreeListTail(pfn, currentOrder, startType);
            return;
        }
        long freePages = moveFreepagesBlock(pfn, startType);
        int movablePages = lastMovablePages;
        long alikePages;
        if (startType == MIGRATE_MOVABLE) {
            alikePages = movablePages;
        } else {
            alikePages = oldBlockType == MIGRATE_MOVABLE ? PAGEBLOCK_NR_PAGES - (freePages + movablePages) : 0;
        }
        if (freePages == 0) {
            moveToFreeListTail(pfn, currentOrder, startType);
            return;
        }
        if (freePages + alikePages >= (1 << (PAGEBLOCK_ORDER - 1)) || owner.mobilityGroupingDisabled()) {
            setPageblockMigratetype(pfn, startType);
            if (LOG.isDebugEnabled()) {
                LOG.debug("steal: pageblock at pfn {} becomes {} ({} free + {} alike pages of {})",
                        Vsprintf.hex(pfn & -PAGEBLOCK_NR_PAGES), MigrateType.nameOf(startType), freePages, alikePages,
                        PAGEBLOCK_NR_PAGES);
            }
        }
    }

    /** {@code change_pageblock_range()}. */
    void changePageblockRange(long pfn, int order, int mt) {
        int nr = 1 << (order - PAGEBLOCK_ORDER);
        for (int i = 0; i < nr; i++) {
            setPageblockMigratetype(pfn + (long) i * PAGEBLOCK_NR_PAGES, mt);
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("steal: {} pageblock(s) from pfn {} become {}", nr, Vsprintf.hex(pfn), MigrateType.nameOf(mt));
        }
    }

    /**
     * {@code move_freepages_block()}: every free block of the pageblock of {@code pfn} to the tail
     * of the {@code mt} lists; counts allocated LRU pages into {@link #lastMovablePages}.
     *
     * @return pages moved (0 when the pageblock sticks out of the zone)
     */
    long moveFreepagesBlock(long pfn, int mt) {
        lastMovablePages = 0;
        long start = pfn & -PAGEBLOCK_NR_PAGES;
        long end = start + PAGEBLOCK_NR_PAGES - 1;
        if (!spans(start)) {
            start = pfn;
        }
        if (!spans(end)) {
            return 0;
        }
        long moved = 0;
        long p = start;
        while (p <= end) {
            int s = memMap.state(p);
            if (FrameState.kind(s) != FrameState.BUDDY) {
                if ((memMap.flags(p) & PageFlags.PG_LRU) != 0) {
                    lastMovablePages++;
                }
                p++;
                continue;
            }
            int order = FrameState.order(s);
            moveToFreeListTail(p, order, mt);
            p += 1L << order;
            moved += 1L << order;
        }
        return moved;
    }

    /** {@code boost_watermark()}. */
    boolean boostWatermark() {
        if ((long) PAGEBLOCK_NR_PAGES * 4 > managedPages) {
            return false;
        }
        long maxBoost = multFrac(watermarks.high(), WATERMARK_BOOST_FACTOR, 10000);
        if (maxBoost == 0) {
            return false;
        }
        maxBoost = Math.max(PAGEBLOCK_NR_PAGES, maxBoost);
        watermarkBoost = Math.min(watermarkBoost + PAGEBLOCK_NR_PAGES, maxBoost);
        return true;
    }

    private static long multFrac(long x, long n, long d) {
        return (x / d) * n + (x % d) * n / d;
    }

    /** {@code reserve_highatomic_pageblock()}: at most 1% of the zone plus one pageblock. */
    void reserveHighatomicPageblock(long pfn) {
        long maxManaged = managedPages / 100 + PAGEBLOCK_NR_PAGES;
        if (nrReservedHighatomic >= maxManaged) {
            return;
        }
        int mt = memMap.pageblockMigratetype(pfn);
        if (MigrateType.isMergeable(mt)) {
            nrReservedHighatomic += PAGEBLOCK_NR_PAGES;
            setPageblockMigratetype(pfn, MIGRATE_HIGHATOMIC);
            moveFreepagesBlock(pfn, MIGRATE_HIGHATOMIC);
            if (LOG.isDebugEnabled()) {
                LOG.debug("highatomic: pageblock at pfn {} reserved ({} pages reserved)",
                        Vsprintf.hex(pfn & -PAGEBLOCK_NR_PAGES), nrReservedHighatomic);
            }
        }
    }

    /**
     * One zone's part of {@code unreserve_highatomic_pageblock()}: the first HighAtomic free block
     * found gives its pageblock to {@code mt}.
     */
    boolean unreserveHighatomicPageblock(int mt, boolean force) {
        if (!force && nrReservedHighatomic <= PAGEBLOCK_NR_PAGES) {
            return false;
        }
        for (int order = 0; order <= MAX_PAGE_ORDER; order++) {
            int idx = area.head[FreeArea.listId(order, MIGRATE_HIGHATOMIC)];
            if (idx == EMPTY) {
                continue;
            }
            long pfn = pfnOf(idx);
            if (memMap.pageblockMigratetype(pfn) == MIGRATE_HIGHATOMIC) {
                nrReservedHighatomic -= Math.min(PAGEBLOCK_NR_PAGES, nrReservedHighatomic);
            }
            setPageblockMigratetype(pfn, mt);
            if (moveFreepagesBlock(pfn, mt) != 0) {
                return true;
            }
        }
        return false;
    }

    // ================================================================== freeing

    /**
     * {@code __free_one_page()}: merge the freed block with free buddies up to MAX_PAGE_ORDER and put
     * the result on a free list (the tail when {@code fpiToTail} or when a merge is likely).
     */
    void freeOnePage(long pfn, int order, int mt, boolean fpiToTail) {
        if (mt != MIGRATE_ISOLATE) {
            modFreepageState(1L << order, mt);
        }
        long buddyPfn = pfn ^ (1L << order);
        while (order < MAX_PAGE_ORDER) {
            buddyPfn = pfn ^ (1L << order);
            if (!pageIsBuddy(buddyPfn, order)) {
                break;
            }
            if (order >= PAGEBLOCK_ORDER) {
                // no merging across pageblocks of a type without fallbacks (HighAtomic, CMA, Isolate)
                int buddyMt = memMap.pageblockMigratetype(buddyPfn);
                if (mt != buddyMt && (!MigrateType.isMergeable(mt) || !MigrateType.isMergeable(buddyMt))) {
                    break;
                }
            }
            delFromFreeList(buddyPfn, order);
            memMap.setState(buddyPfn, FrameState.TAIL);
            long combined = buddyPfn & pfn;
            if (combined != pfn) {
                memMap.setState(pfn, FrameState.TAIL);
            }
            if (LOG.isDebugEnabled()) {
                LOG.debug("merge order {} block at pfn {} with buddy {} \u2192 order {} block at {}", order,
                        Vsprintf.hex(pfn), Vsprintf.hex(buddyPfn), order + 1, Vsprintf.hex(combined));
            }
            pfn = combined;
            order++;
        }
        memMap.setState(pfn, FrameState.buddy(order));
        boolean toTail;
        if (fpiToTail) {
            toTail = true;
        } else if (shuffle != null && order >= ShuffleState.SHUFFLE_ORDER) {
            toTail = shuffle.pickTail();
        } else {
            toTail = buddyMergeLikely(pfn, buddyPfn, order);
        }
        addToFreeList(pfn, order, mt, toTail);
        if (LOG.isDebugEnabled()) {
            LOG.debug("free order {} block at pfn {} to the {} of free_area[{}][{}]", order, Vsprintf.hex(pfn),
                    toTail ? "tail" : "head", order, MigrateType.nameOf(mt));
        }
    }

    /**
     * {@code buddy_merge_likely()}: below order MAX_PAGE_ORDER - 1, is the buddy of the order+1
     * parent a free block of order+1? Then this block's buddy is probably being freed soon too.
     */
    boolean buddyMergeLikely(long pfn, long buddyPfn, int order) {
        if (order >= MAX_PAGE_ORDER - 1) {
            return false;
        }
        long higherPfn = buddyPfn & pfn;
        return pageIsBuddy(higherPfn ^ (1L << (order + 1)), order + 1);
    }

    // ================================================================== watermarks

    /** {@code __zone_watermark_unusable_free()}. */
    long unusableFree(int order, int allocFlags) {
        long unusable = (1L << order) - 1;
        if ((allocFlags & ALLOC_RESERVES) == 0) {
            unusable += nrReservedHighatomic;
        }
        if ((allocFlags & ALLOC_CMA) == 0) {
            unusable += nrFreeCmaPages;
        }
        return unusable;
    }

    /**
     * {@code __zone_watermark_ok()}: would {@code freePages} stay above {@code mark} (lowered for
     * reserve users) plus the lowmem reserve against {@code highestZoneIdx}, and is there a free
     * block of at least {@code order} that this allocation may use?
     */
    public boolean zoneWatermarkOk(int order, long mark, int highestZoneIdx, int allocFlags, long freePages) {
        BuddyAllocator.checkOrder(order);
        long min = mark;
        freePages -= unusableFree(order, allocFlags);
        if ((allocFlags & ALLOC_RESERVES) != 0) {
            if ((allocFlags & ALLOC_MIN_RESERVE) != 0) {
                min -= min / 2;
                if ((allocFlags & ALLOC_NON_BLOCK) != 0) {
                    min -= min / 4;
                }
            }
            if ((allocFlags & ALLOC_OOM) != 0) {
                min -= min / 2;
            }
        }
        if (freePages <= min + lowmemReserve[highestZoneIdx]) {
            return false;
        }
        if (order == 0) {
            return true;
        }
        for (int o = order; o <= MAX_PAGE_ORDER; o++) {
            if (area.nrFree[o] == 0) {
                continue;
            }
            for (int mt = 0; mt < MIGRATE_PCPTYPES; mt++) {
                if (!area.empty(o, mt)) {
                    return true;
                }
            }
            if ((allocFlags & ALLOC_CMA) != 0 && !area.empty(o, MIGRATE_CMA)) {
                return true;
            }
            if ((allocFlags & (ALLOC_HIGHATOMIC | ALLOC_OOM)) != 0 && !area.empty(o, MIGRATE_HIGHATOMIC)) {
                return true;
            }
        }
        return false;
    }

    /** {@code zone_watermark_fast()}: the order-0 shortcut, then the full check. */
    boolean zoneWatermarkFast(int order, long mark, int highestZoneIdx, int allocFlags) {
        long free = nrFreePages;
        if (order == 0) {
            long usable = free - Math.min(free, unusableFree(0, allocFlags));
            if (usable > mark + lowmemReserve[highestZoneIdx]) {
                return true;
            }
        }
        if (zoneWatermarkOk(order, mark, highestZoneIdx, allocFlags, free)) {
            return true;
        }
        if (order == 0 && (allocFlags & ALLOC_MIN_RESERVE) != 0 && watermarkBoost != 0
                && (allocFlags & ALLOC_WMARK_MASK) == ALLOC_WMARK_MIN) {
            // GFP_ATOMIC ignores the boost at the min watermark
            return zoneWatermarkOk(order, watermarks.min(), highestZoneIdx, allocFlags, free);
        }
        return false;
    }
}
