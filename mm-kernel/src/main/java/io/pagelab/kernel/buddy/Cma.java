package io.pagelab.kernel.buddy;

import static java.util.Objects.requireNonNull;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.api.error.OutOfMemoryException;
import io.pagelab.kernel.memblock.Memblock;
import io.pagelab.kernel.memblock.MemblockAllocationException;
import io.pagelab.kernel.page.FrameState;
import io.pagelab.kernel.page.MemMap;
import io.pagelab.kernel.printk.Vsprintf;
import io.pagelab.kernel.zone.MigrateType;
import java.util.BitSet;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One contiguous memory area, {@code struct cma} of mm/cma.c (Linux 6.13).
 *
 * <pre>
 *  boot:  cma_declare_contiguous()   memblock reserves size (aligned to a pageblock, 2 MiB); on x86-64
 *                                    bottom-up from 4 GiB first, else top-down   "cma: Reserved N MiB at %pa on node -1"
 *         mem_init_print_info()      "... NK cma-reserved" (the area is not managed yet)
 *         cma_activate_area()        init_cma_reserved_pageblock(): each pageblock becomes MIGRATE_CMA
 *                                    and is freed to the buddy allocator (managed += 512)
 *  run:   only movable allocations (ALLOC_CMA) take CMA pages; unmovable ones never do
 *         cma_alloc(count, align)    first free aligned run in the bitmap -&gt; alloc_contig_range()
 *                                    (movable pages there are migrated out); busy -&gt; next run
 *         cma_release(pfn, count)    free_contig_range(), bitmap cleared
 * </pre>
 *
 * <p>Differs from Linux on purpose: order_per_bit is 0 (one bitmap bit per page), one range per
 * area, no debugfs, no per-node areas; a failed {@link #alloc} throws instead of returning NULL.
 */
public final class Cma {
    private static final Logger LOG = LoggerFactory.getLogger(Cma.class);

    /** {@code CMA_MIN_ALIGNMENT_BYTES}: a pageblock, 2 MiB. */
    public static final long CMA_MIN_ALIGNMENT_BYTES = (long) MemMap.PAGEBLOCK_NR_PAGES << 12;
    private static final long SZ_4G = 1L << 32;
    private static final long SZ_1M = 1L << 20;

    private final String name;
    private final long basePfn;
    private final long count;
    private final BitSet bitmap = new BitSet();
    private BuddyAllocator allocator;

    private Cma(String name, long basePfn, long count) {
        this.name = name;
        this.basePfn = basePfn;
        this.count = count;
    }

    /**
     * {@code cma_declare_contiguous(0, size, 0, 0, 0, false, name)}: reserves {@code size} bytes
     * (rounded up to 2 MiB) in memblock, as the {@code cma=} command line option asks.
     *
     * @throws InvalidArgumentException when the size is not positive or memblock has no room
     */
    public static Cma declareContiguous(Memblock memblock, long size, String name) {
        requireNonNull(memblock, "memblock");
        requireNonNull(name, "name");
        InvalidArgumentException.check(size > 0, "cma size %s must be positive", size);
        long alignment = CMA_MIN_ALIGNMENT_BYTES;
        size = (size + alignment - 1) & -alignment;
        long limit = memblock.endOfDram();
        long base = 0;
        if (!memblock.bottomUp() && limit >= SZ_4G + size) {
            // x86-64: keep DMA32 free, try bottom-up above 4 GiB first
            memblock.setBottomUp(true);
            try {
                base = memblock.allocRange(size, alignment, SZ_4G, limit);
            } catch (MemblockAllocationException e) {
                base = 0;
            } finally {
                memblock.setBottomUp(false);
            }
        }
        if (base == 0) {
            try {
                base = memblock.allocRange(size, alignment, 0, limit);
            } catch (MemblockAllocationException e) {
                throw new InvalidArgumentException(String.format(Locale.ROOT, "cma: Failed to reserve %d MiB: %s",
                        size / SZ_1M, e.getMessage()));
            }
        }
        Cma cma = new Cma(name, base >>> 12, size >>> 12);
        LOG.info("{}", cma.reservedLine());
        return cma;
    }

    /**
     * The boot line {@code "cma: Reserved %ld MiB at %pa on node %d"} of
     * cma_declare_contiguous_nid() (mm/cma.c, since Linux 6.6). The default area of the
     * {@code cma=} option is declared for NUMA_NO_NODE, so a real x86-64 boot prints
     * {@code on node -1}.
     */
    public String reservedLine() {
        return String.format(Locale.ROOT, "cma: Reserved %d MiB at %s on node -1", (count << 12) / SZ_1M,
                Vsprintf.pa(basePfn << 12));
    }

    /** The area's name ("reserved" for the default area of the {@code cma=} option). */
    public String name() {
        return name;
    }

    /** First pfn. */
    public long basePfn() {
        return basePfn;
    }

    /** Pages in the area. */
    public long count() {
        return count;
    }

    /** Pages handed out by {@link #alloc} and not released. */
    public long usedPages() {
        return bitmap.cardinality();
    }

    /**
     * {@code cma_activate_area()}: every pageblock becomes MIGRATE_CMA and goes to the buddy
     * allocator ({@code init_cma_reserved_pageblock()}).
     */
    void activate(BuddyAllocator buddy) {
        InvalidArgumentException.check(allocator == null, "cma area at pfn %s is active already", basePfn);
        MemMap mm = buddy.memMap();
        for (long pfn = basePfn; pfn < basePfn + count; pfn += MemMap.PAGEBLOCK_NR_PAGES) {
            Zone zone = buddy.zoneOf(pfn);
            mm.releaseToBuddy(pfn, MemMap.PAGEBLOCK_NR_PAGES);
            mm.setPageblockMigratetype(pfn, MigrateType.MIGRATE_CMA);
            zone.managedPages += MemMap.PAGEBLOCK_NR_PAGES;
            zone.cmaPages += MemMap.PAGEBLOCK_NR_PAGES;
            zone.freeOnePage(pfn, MemMap.PAGEBLOCK_ORDER, MigrateType.MIGRATE_CMA, false);
        }
        this.allocator = buddy;
    }

    /**
     * {@code cma_alloc(cma, count, align, false)}: {@code count} contiguous pages starting at a
     * multiple of {@code 1 << align} pages inside the area, migrating movable pages out of the way.
     *
     * @return the first pfn; every page is an allocated order-0 page
     * @throws OutOfMemoryException when no aligned free run of the bitmap can be taken
     */
    public long alloc(long nrPages, int align) {
        InvalidArgumentException.check(allocator != null, "cma area at pfn %s is not active (boot not finished)",
                basePfn);
        InvalidArgumentException.check(nrPages > 0 && nrPages <= count, "cma_alloc of %s pages: allowed 1..%s",
                nrPages, count);
        InvalidArgumentException.check(align >= 0 && align <= BuddyAllocator.MAX_PAGE_ORDER,
                "cma_alloc align %s outside 0..MAX_PAGE_ORDER", align);
        long mask = (1L << align) - 1;
        long offset = ((basePfn + mask) & ~mask) - basePfn;
        String last = "no aligned free run of the bitmap";
        for (long start = offset; start + nrPages <= count; start += mask + 1) {
            int clear = bitmap.nextSetBit((int) start);
            if (clear >= 0 && clear < start + nrPages) {
                continue;
            }
            long pfn = basePfn + start;
            try {
                allocator.allocContigRange(pfn, pfn + nrPages);
            } catch (OutOfMemoryException e) {
                last = e.getMessage();
                LOG.debug("cma: {}: range at {} busy, trying the next one", name, Vsprintf.hex(pfn));
                continue;
            }
            bitmap.set((int) start, (int) (start + nrPages));
            LOG.debug("cma: {}: {} pages at pfn {}", name, nrPages, Vsprintf.hex(pfn));
            return pfn;
        }
        throw new OutOfMemoryException(nrPages << 12, String.format(Locale.ROOT,
                "cma: %s: alloc failed, req-size: %d pages, ret: %d (%s)", name, nrPages, -16, last));
    }

    /**
     * {@code cma_release()}: gives back pages that {@link #alloc} returned.
     *
     * @return false when the pages are not in this area (as Linux returns false)
     * @throws InvalidArgumentException when they are in the area but were not allocated from it
     */
    public boolean release(long pfn, long nrPages) {
        if (allocator == null || pfn < basePfn || pfn + nrPages > basePfn + count || nrPages <= 0) {
            return false;
        }
        int from = (int) (pfn - basePfn);
        int free = bitmap.nextClearBit(from);
        InvalidArgumentException.check(free >= from + nrPages, "cma_release: pfn %s was not allocated from area"
                + " at pfn %s", basePfn + free, basePfn);
        for (long p = pfn; p < pfn + nrPages; p++) {
            if (FrameState.kind(allocator.memMap().state(p)) != FrameState.ALLOCATED) {
                throw new InvalidArgumentException("cma_release: pfn " + Vsprintf.hex(p) + " is not allocated");
            }
        }
        allocator.freeContigRange(pfn, nrPages);
        bitmap.clear(from, (int) (from + nrPages));
        return true;
    }
}
