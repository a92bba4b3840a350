package io.pagelab.kernel.buddy;

import static io.pagelab.kernel.page.MemMap.PAGEBLOCK_NR_PAGES;
import static io.pagelab.kernel.zone.MigrateType.MIGRATE_ISOLATE;

import io.pagelab.api.Gfp;
import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.api.error.OutOfMemoryException;
import io.pagelab.kernel.page.FrameState;
import io.pagelab.kernel.page.MemMap;
import io.pagelab.kernel.printk.Vsprintf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pageblock isolation and {@code alloc_contig_range()}: mm/page_isolation.c
 * ({@code start_isolate_page_range()}, {@code set_migratetype_isolate()},
 * {@code undo_isolate_page_range()}, {@code test_pages_isolated()}) and the mm/page_alloc.c
 * function that uses them, Linux 6.13.
 *
 * <pre>
 *  alloc_contig_range(start, end):
 *    isolate every pageblock touching [start, end): refuse (-EBUSY) when one holds a page that cannot
 *      move; a free block straddling the outer edges is split at the pageblock boundary first;
 *      the pageblock becomes MIGRATE_ISOLATE, its free blocks move to the isolate lists and leave
 *      NR_FREE_PAGES (allocations can no longer take them)
 *    drain the per-cpu lists (their pages of isolated blocks land on the isolate lists)
 *    migrate every movable allocated block of [start, end) to a page allocated elsewhere
 *    test_pages_isolated(): every page of [start, end) is free now
 *    isolate_freepages_range(): take the free blocks, give back what sticks out of [start, end)
 *    undo_isolate_page_range(): pageblocks back to their type, free blocks back to their lists
 * </pre>
 *
 * <p>Differs from Linux on purpose: one pass, no retries (a page that cannot move fails at once);
 * "movable" means allocated by a {@code __GFP_MOVABLE} request ({@link BuddyAllocator#pageMovable});
 * migration targets come from {@code GFP_HIGHUSER_MOVABLE} allocations on node 0.
 */
final class PageIsolation {
    private static final Logger LOG = LoggerFactory.getLogger(PageIsolation.class);

    private PageIsolation() {
    }

    static void allocContigRange(BuddyAllocator a, long start, long end) {
        MemMap mm = a.memMap();
        InvalidArgumentException.check(start >= 0 && end > start, "alloc_contig_range(%s, %s): need 0 <= start < end",
                start, end);
        Zone zone = a.zoneOf(start);
        InvalidArgumentException.check(zone.spans(end - 1) && a.zoneOfOrNull(end - 1) == zone,
                "alloc_contig_range: pfns %s..%s must lie in one zone", start, end - 1);
        long outerStart = start & -PAGEBLOCK_NR_PAGES;
        long outerEnd = (end + PAGEBLOCK_NR_PAGES - 1) & -PAGEBLOCK_NR_PAGES;
        InvalidArgumentException.check(zone.spans(outerStart) && zone.spans(outerEnd - 1),
                "alloc_contig_range: the pageblocks around pfns %s..%s stick out of the zone", start, end - 1);
        // has_unmovable_pages() for the whole range first, so that a refusal changes nothing
        for (long p = outerStart; p < outerEnd; p++) {
            if (!mm.pfnValid(p)) {
                throw busy(start, end, p, "a hole");
            }
            int s = mm.state(p);
            int kind = FrameState.kind(s);
            if (kind == FrameState.RESERVED) {
                throw busy(start, end, p, "reserved");
            }
            if (kind == FrameState.ALLOCATED && !FrameState.isPcp(s)) {
                if (p >= start && p < end && !a.pageMovable(p)) {
                    throw busy(start, end, p, "an unmovable allocation");
                }
                if ((p < start || p >= end) && (p + (1L << FrameState.order(s)) > start && p < end)) {
                    throw busy(start, end, p, "a block crossing the range edge");
                }
            }
        }
        int[] savedTypes = new int[(int) ((outerEnd - outerStart) / PAGEBLOCK_NR_PAGES)];
        splitStraddling(zone, mm, outerStart);
        if (zone.spans(outerEnd)) {
            splitStraddling(zone, mm, outerEnd);
        }
        for (int i = 0; i < savedTypes.length; i++) {
            long pb = outerStart + (long) i * PAGEBLOCK_NR_PAGES;
            savedTypes[i] = mm.pageblockMigratetype(pb);
            isolate(zone, mm, pb, savedTypes[i]);
        }
        a.drainAllPages();
        try {
            for (long p = start; p < end; p++) {
                int s = mm.state(p);
                if (FrameState.kind(s) == FrameState.ALLOCATED) {
                    int order = FrameState.order(s);
                    a.migratePage(p, o -> a.allocPagesNode(0, (int) o, Gfp.GFP_HIGHUSER_MOVABLE | Gfp.__GFP_NOWARN));
                    p += (1L << order) - 1;
                }
            }
        } catch (OutOfMemoryException e) {
            undo(zone, mm, outerStart, savedTypes);
            throw new OutOfMemoryException(4096L * (end - start), "alloc_contig_range: [" + Long.toHexString(start)
                    + ", " + Long.toHexString(end) + ") PFNs busy: no page left to migrate to (" + e.getMessage() + ")");
        }
        // isolate_freepages_range(): take the free blocks covering [start, end)
        long p = outerStart;
        while (p < outerEnd) {
            int s = mm.state(p);
            int kind = FrameState.kind(s);
            int order = FrameState.order(s);
            long n = 1L << order;
            boolean overlaps = p + n > start && p < end;
            if (kind != FrameState.BUDDY && (kind != FrameState.ALLOCATED || overlaps)) {
                throw new IllegalStateException("test_pages_isolated: pfn " + Vsprintf.hex(p) + " is "
                        + FrameState.describe(s) + " after migration");
            }
            if (!overlaps || kind != FrameState.BUDDY) {
                p += n;
                continue;
            }
            zone.delFromFreeList(p, order);
            for (long q = p; q < p + n; q++) {
                if (q >= start && q < end) {
                    mm.setState(q, FrameState.allocated(0));
                    mm.setRefcount(q, 1);
                } else {
                    mm.setState(q, FrameState.TAIL);
                }
            }
            // give back what sticks out, in naturally aligned pieces, to the (isolate) lists
            freeOutside(zone, mm, p, Math.min(p + n, start));
            freeOutside(zone, mm, Math.max(p, end), p + n);
            p += n;
        }
        undo(zone, mm, outerStart, savedTypes);
        LOG.debug("alloc_contig_range: pfns {}..{} taken", Vsprintf.hex(start), Vsprintf.hex(end - 1));
    }

    private static void freeOutside(Zone zone, MemMap mm, long from, long to) {
        while (from < to) {
            int order = Math.min(BuddyAllocator.MAX_PAGE_ORDER, Long.numberOfTrailingZeros(from));
            while (from + (1L << order) > to) {
                order--;
            }
            zone.freeOnePage(from, order, mm.pageblockMigratetype(from), false);
            from += 1L << order;
        }
    }

    private static OutOfMemoryException busy(long start, long end, long pfn, String what) {
        return new OutOfMemoryException(4096L * (end - start), "alloc_contig_range: [" + Long.toHexString(start) + ", "
                + Long.toHexString(end) + ") PFNs busy: pfn " + Vsprintf.hex(pfn) + " is " + what
                + " and cannot be migrated");
    }

    /** A free block of more than a pageblock that starts before {@code pfn} is cut into pageblocks. */
    private static void splitStraddling(Zone zone, MemMap mm, long pfn) {
        for (int k = MemMap.PAGEBLOCK_ORDER + 1; k <= BuddyAllocator.MAX_PAGE_ORDER; k++) {
            long head = pfn & -(1L << k);
            if (head == pfn || !zone.spans(head)) {
                continue;
            }
            int s = mm.state(head);
            if (FrameState.kind(s) == FrameState.BUDDY && FrameState.order(s) >= k) {
                int order = FrameState.order(s);
                zone.delFromFreeList(head, order);
                for (long q = head; q < head + (1L << order); q += PAGEBLOCK_NR_PAGES) {
                    mm.setState(q, FrameState.buddy(MemMap.PAGEBLOCK_ORDER));
                    zone.addToFreeList(q, MemMap.PAGEBLOCK_ORDER, mm.pageblockMigratetype(q), false);
                }
                return;
            }
        }
    }

    /** {@code set_migratetype_isolate()} for one pageblock. */
    private static void isolate(Zone zone, MemMap mm, long pb, int oldType) {
        mm.setPageblockMigratetype(pb, MIGRATE_ISOLATE);
        long moved = zone.moveFreepagesBlock(pb, MIGRATE_ISOLATE);
        zone.modFreepageState(-moved, oldType);
    }

    /** {@code undo_isolate_page_range()}. */
    private static void undo(Zone zone, MemMap mm, long outerStart, int[] savedTypes) {
        for (int i = 0; i < savedTypes.length; i++) {
            long pb = outerStart + (long) i * PAGEBLOCK_NR_PAGES;
            mm.setPageblockMigratetype(pb, savedTypes[i]);
            long moved = zone.moveFreepagesBlock(pb, savedTypes[i]);
            zone.modFreepageState(moved, savedTypes[i]);
        }
    }
}
