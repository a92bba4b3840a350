package io.pagelab.kernel.buddy;

import static io.pagelab.kernel.page.MemMap.PAGEBLOCK_NR_PAGES;

import io.pagelab.kernel.page.FrameState;
import io.pagelab.kernel.page.MemMap;
import io.pagelab.kernel.printk.Vsprintf;
import io.pagelab.kernel.zone.MigrateType;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code struct compact_control} and the scanners of mm/compaction.c (Linux 6.6; free-page lists
 * kept per order as since 6.9): {@code compact_zone()}, {@code isolate_migratepages()} /
 * {@code isolate_migratepages_block()}, {@code isolate_freepages()} /
 * {@code isolate_freepages_block()}, {@code compaction_alloc()}, {@code release_free_list()},
 * {@code compact_finished()} / {@code __compact_finished()}.
 *
 * <pre>
 *  migrate_pfn = zone start, free_pfn = pageblock_start_pfn(zone end - 1)     (whole_zone)
 *  while compact_finished() == CONTINUE:
 *     isolate_migratepages: ONE pageblock upward from migrate_pfn (only blocks wholly below
 *        free_pfn), every movable in-use block, at most COMPACT_CLUSTER_MAX (32) pages
 *     migrate each: compaction_alloc() takes a free block of its order from the isolated free
 *        pages (splitting a bigger one, lower half used); when none is left, isolate_freepages
 *        walks pageblocks DOWNWARD from free_pfn (each block upward inside), in MOVABLE/CMA blocks
 *        whose first page is not already a free block of the requested order, until it has as
 *        many free pages as pages wait to migrate
 *     once the migrate scanner has left the order-aligned block it last migrated from: drain the
 *        per-cpu lists so the freed pages merge
 *  __compact_finished: scanners met (free_pfn &gt;&gt; 9 &lt;= migrate_pfn &gt;&gt; 9) -&gt; COMPLETE;
 *     migrate_pfn not pageblock aligned -&gt; CONTINUE (always finish a pageblock);
 *     a free block of order..MAX on the migratetype's list, on CMA for movable, or a fallback
 *     list (any for movable) -&gt; SUCCESS
 *  leftover isolated free pages go back to the buddy lists
 * </pre>
 *
 * <p>Differs from Linux on purpose: MIGRATE_SYNC and whole-zone only; no fast paths
 * ({@code fast_isolate_freepages}, {@code fast_find_migrateblock}), no pageblock skip bits, no
 * cached scanner positions, deferral or contention; "movable" is {@link BuddyAllocator#pageMovable}
 * (no LRU), and an isolated page that finds no target stays where it is (putback). The per-cpu
 * drain empties every CPU's lists ({@code drain_local_pages} empties the current one).
 */
final class ZoneCompactor {
    private static final Logger LOG = LoggerFactory.getLogger(ZoneCompactor.class);

    /** {@code COMPACT_CLUSTER_MAX = SWAP_CLUSTER_MAX}: pages isolated per migration batch. */
    static final int COMPACT_CLUSTER_MAX = 32;

    private final BuddyAllocator a;
    private final Zone zone;
    private final MemMap mm;
    private final int order;
    private final int migratetype;

    private long migratePfn;
    private long freePfn;
    private final List<Long> migratepages = new ArrayList<>();
    /** Pages still waiting for a target in the current batch ({@code cc->nr_migratepages}). */
    private long nrMigratepages;
    @SuppressWarnings("unchecked")
    private final ArrayDeque<Long>[] freepages = new ArrayDeque[BuddyAllocator.MAX_PAGE_ORDER + 1];
    private long nrFreepages;

    private long migrateScanned;
    private long freeScanned;
    private long isolated;
    private long migrated;
    private long migrateFailed;
    private final List<MigratedPage> moves = new ArrayList<>();

    ZoneCompactor(BuddyAllocator a, Zone zone, int order, int migratetype) {
        this.a = a;
        this.zone = zone;
        this.mm = a.memMap();
        this.order = order;
        this.migratetype = migratetype;
        for (int o = 0; o < freepages.length; o++) {
            freepages[o] = new ArrayDeque<>();
        }
    }

    /** {@code compact_zone()} from the zone edges. */
    CompactZoneStats run() {
        migratePfn = zone.startPfn();
        freePfn = pageblockStart(zone.endPfn() - 1);
        long lastMigratedPfn = -1;
        int status;
        LOG.debug("compact_zone: node {} zone {} order {} migrate_pfn {} free_pfn {}", zone.nid(), zone.name(), order,
                Vsprintf.hex(migratePfn), Vsprintf.hex(freePfn));
        while ((status = compactFinished()) == CONTINUE) {
            long isoStart = migratePfn;
            if (isolateMigratepages()) {
                migratePages();
                lastMigratedPfn = isoStart;
            }
            // check_drain: flush the freed pages once the scanner left the order-aligned block
            if (order > 0 && lastMigratedPfn >= 0) {
                long currentBlockStart = migratePfn & -(1L << order);
                if (lastMigratedPfn < currentBlockStart) {
                    a.drainAllPages();
                    lastMigratedPfn = -1;
                }
            }
        }
        releaseFreeList();
        LOG.debug("compact_zone: node {} zone {} order {} -> {} (migrate_pfn {} free_pfn {}, {} pages moved)",
                zone.nid(), zone.name(), order, status == SUCCESS ? "COMPACT_SUCCESS" : "COMPACT_COMPLETE",
                Vsprintf.hex(migratePfn), Vsprintf.hex(freePfn), migrated);
        return new CompactZoneStats(status == SUCCESS, migrateScanned, freeScanned, isolated, migrated, migrateFailed,
                moves, migratePfn, freePfn);
    }

    private static final int CONTINUE = 0;
    private static final int SUCCESS = 1;
    private static final int COMPLETE = 2;

    private static long pageblockStart(long pfn) {
        return pfn & -PAGEBLOCK_NR_PAGES;
    }

    /** {@code compact_scanners_met()}: the scanners are in the same pageblock or have crossed. */
    private boolean scannersMet() {
        return (freePfn >> MemMap.PAGEBLOCK_ORDER) <= (migratePfn >> MemMap.PAGEBLOCK_ORDER);
    }

    /** {@code __compact_finished()}, with COMPACT_NO_SUITABLE_PAGE folded into CONTINUE. */
    private int compactFinished() {
        if (scannersMet()) {
            return COMPLETE;
        }
        if ((migratePfn & (PAGEBLOCK_NR_PAGES - 1)) != 0) {
            return CONTINUE;
        }
        for (int o = order; o <= BuddyAllocator.MAX_PAGE_ORDER; o++) {
            if (zone.countFreeList(o, MigrateType.of(migratetype), 1) > 0) {
                return SUCCESS;
            }
            if (migratetype == MigrateType.MIGRATE_MOVABLE
                    && zone.countFreeList(o, MigrateType.CMA, 1) > 0) {
                return SUCCESS;
            }
            if (zone.findSuitableFallback(o, migratetype, true) != -1) {
                // movable pages are fine in any pageblock; others want a whole pageblock, which the
                // aligned migrate_pfn above already guarantees in MIGRATE_SYNC mode
                return SUCCESS;
            }
        }
        return CONTINUE;
    }

    /** Is pageblock [start, end) wholly in this zone ({@code pageblock_pfn_to_page()})? */
    private boolean blockInZone(long start, long end) {
        return zone.spans(start) && zone.spans(end - 1) && mm.pfnValid(start) && mm.pfnValid(end - 1)
                && a.zoneOfOrNull(start) == zone && a.zoneOfOrNull(end - 1) == zone;
    }

    /** {@code isolate_migratepages()}: one pageblock from migrate_pfn; true when pages were isolated. */
    private boolean isolateMigratepages() {
        long low = migratePfn;
        long blockEnd = pageblockStart(low) + PAGEBLOCK_NR_PAGES;
        long blockStart = Math.max(pageblockStart(low), zone.startPfn());
        for (; blockEnd <= freePfn; low = blockEnd, blockStart = blockEnd, blockEnd += PAGEBLOCK_NR_PAGES) {
            long end = Math.min(blockEnd, zone.endPfn());
            if (!blockInZone(blockStart, end)) {
                continue;
            }
            low = isolateMigratepagesBlock(low, end);
            break;
        }
        migratePfn = low;
        return !migratepages.isEmpty();
    }

    /** {@code isolate_migratepages_block()}: returns the pfn the scan stopped at. */
    private long isolateMigratepagesBlock(long low, long end) {
        long pfn = low;
        long nrIsolated = 0;
        long scannedBefore = migrateScanned;
        while (pfn < end) {
            int s = mm.state(pfn);
            int kind = FrameState.kind(s);
            long n = (kind == FrameState.BUDDY || kind == FrameState.ALLOCATED) ? 1L << FrameState.order(s) : 1;
            n = Math.min(n, end - pfn);
            migrateScanned += n;
            boolean movableInUse = kind == FrameState.ALLOCATED && !FrameState.isPcp(s) && a.pageMovable(pfn);
            pfn += n;
            if (movableInUse) {
                migratepages.add(pfn - n);
                nrMigratepages += n;
                nrIsolated += n;
                if (nrMigratepages >= COMPACT_CLUSTER_MAX) {
                    break;
                }
            }
        }
        isolated += nrIsolated;
        LOG.trace("isolate_migratepages_block: {}..{} scanned {} isolated {}", Vsprintf.hex(low), Vsprintf.hex(pfn),
                migrateScanned - scannedBefore, nrIsolated);
        return pfn;
    }

    /** {@code migrate_pages()} for the batch; on the first page without a target the rest is put back. */
    private void migratePages() {
        for (int i = 0; i < migratepages.size(); i++) {
            long pfn = migratepages.get(i);
            int pageOrder = FrameState.order(mm.state(pfn));
            long target = compactionAlloc(pageOrder);
            if (target < 0) {
                for (int j = i; j < migratepages.size(); j++) {
                    migrateFailed += 1L << FrameState.order(mm.state(migratepages.get(j)));
                }
                break;
            }
            long newPfn = a.migratePage(pfn, o -> target);
            moves.add(new MigratedPage(pfn, newPfn, pageOrder));
            migrated += 1L << pageOrder;
        }
        migratepages.clear();
        nrMigratepages = 0;
    }

    /** {@code compaction_alloc()}: a block of {@code o} from the isolated free pages, or -1. */
    private long compactionAlloc(int o) {
        boolean triedIsolate = false;
        while (true) {
            int start = o;
            while (start <= BuddyAllocator.MAX_PAGE_ORDER && freepages[start].isEmpty()) {
                start++;
            }
            if (start > BuddyAllocator.MAX_PAGE_ORDER) {
                if (triedIsolate) {
                    return -1;
                }
                isolateFreepages();
                triedIsolate = true;
                continue;
            }
            long pfn = freepages[start].pollFirst();
            while (start > o) {
                start--;
                long upper = pfn + (1L << start);
                mm.setState(upper, FrameState.allocated(start));
                freepages[start].addFirst(upper);
            }
            nrFreepages -= 1L << o;
            nrMigratepages -= 1L << o;
            return pfn;
        }
    }

    /** {@code isolate_freepages()}: pageblocks downward from free_pfn, never into the migrate scanner's block. */
    private void isolateFreepages() {
        long lowPfn = pageblockStart(migratePfn) + PAGEBLOCK_NR_PAGES;
        long blockStart = pageblockStart(freePfn);
        long isolateStart = freePfn;
        for (; blockStart >= lowPfn; blockStart -= PAGEBLOCK_NR_PAGES, isolateStart = blockStart) {
            long blockEnd = Math.min(blockStart + PAGEBLOCK_NR_PAGES, zone.endPfn());
            if (!blockInZone(blockStart, blockEnd) || !suitableMigrationTarget(blockStart)) {
                continue;
            }
            isolateStart = isolateFreepagesBlock(isolateStart, blockEnd);
            if (nrFreepages >= nrMigratepages) {
                if (isolateStart >= blockEnd) {
                    // this block is done: start from the one below next time
                    isolateStart = blockStart - PAGEBLOCK_NR_PAGES;
                }
                break;
            }
        }
        freePfn = isolateStart;
    }

    /** {@code suitable_migration_target()}: MOVABLE or CMA pageblocks not already a free block of the order. */
    private boolean suitableMigrationTarget(long blockStart) {
        int s = mm.state(blockStart);
        if (FrameState.kind(s) == FrameState.BUDDY) {
            int want = order > 0 ? order : MemMap.PAGEBLOCK_ORDER;
            if (FrameState.order(s) >= want) {
                return false;
            }
        }
        int mt = mm.pageblockMigratetype(blockStart);
        return mt == MigrateType.MIGRATE_MOVABLE || mt == MigrateType.MIGRATE_CMA;
    }

    /** {@code isolate_freepages_block()} (not strict, stride 1): returns where the scan stopped. */
    private long isolateFreepagesBlock(long pfn, long end) {
        long totalIsolated = 0;
        while (pfn < end) {
            int s = mm.state(pfn);
            int kind = FrameState.kind(s);
            if (kind != FrameState.BUDDY) {
                long n = kind == FrameState.ALLOCATED ? Math.min(1L << FrameState.order(s), end - pfn) : 1;
                freeScanned += n;
                pfn += n;
                continue;
            }
            int o = FrameState.order(s);
            long n = 1L << o;
            if (!isolateFreePage(pfn, o)) {
                freeScanned++;
                pfn++;
                break;
            }
            freeScanned += n;
            totalIsolated += n;
            nrFreepages += n;
            freepages[o].addLast(pfn);
            pfn += n;
            if (nrMigratepages <= nrFreepages) {
                break;
            }
        }
        isolated += totalIsolated;
        return pfn;
    }

    /**
     * {@code __isolate_free_page()}: off the free list unless that would take the zone below its min
     * watermark plus the block.
     */
    private boolean isolateFreePage(long pfn, int o) {
        long mark = zone.wmarkPages(0) + (1L << o);
        if (!zone.zoneWatermarkOk(0, mark, 0, AllocFlags.ALLOC_CMA, zone.freePages())) {
            return false;
        }
        int mt = mm.pageblockMigratetype(pfn);
        zone.delFromFreeList(pfn, o);
        zone.modFreepageState(-(1L << o), mt);
        mm.setState(pfn, FrameState.allocated(o));
        return true;
    }

    /** {@code release_free_list()}: isolated free pages that were not used go back to the buddy lists. */
    private void releaseFreeList() {
        for (int o = 0; o < freepages.length; o++) {
            for (long pfn : freepages[o]) {
                zone.freeOnePage(pfn, o, mm.pageblockMigratetype(pfn), false);
            }
            freepages[o].clear();
        }
        nrFreepages = 0;
    }
}
