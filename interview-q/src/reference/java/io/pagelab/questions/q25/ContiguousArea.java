package io.pagelab.questions.q25;

import io.pagelab.api.error.InvalidArgumentException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Q25 如何为驱动应用预留大块连续内存？ How is a large contiguous area reserved for drivers? (reference solution)
 *
 * <p>The Contiguous Memory Allocator on a small model. Boot: {@code cma_declare_contiguous_nid()}
 * (mm/cma.c, Linux 6.13) rounds the size up to {@code CMA_MIN_ALIGNMENT_BYTES} (one pageblock, 2 MiB)
 * and asks memblock for it: on x86-64, when the end of DRAM is at least 4 GiB + size, bottom-up from
 * 4 GiB first (to spare DMA32), otherwise top-down below the end of DRAM; then prints
 * {@code "Reserved %ld MiB at %pa on node %d"} with {@code pr_fmt "cma: "} (the " on node" part since
 * Linux 6.6). Run time: only movable allocations may use MIGRATE_CMA pageblocks;
 * {@code alloc_contig_range()} (mm/page_alloc.c) isolates the pageblocks covering the range
 * (MIGRATE_ISOLATE), fails with "PFNs busy" when an unmovable page lies in the range (Linux 5.19+
 * checks only the requested part of each pageblock), migrates each in-use movable page to a page
 * outside the isolated pageblocks, hands the whole range out and restores the pageblocks' types.
 *
 * <p>Differs from Linux on purpose: a zone is an array of page states; allocation takes the lowest
 * usable free pfn (no buddy lists, no fallback order, no pcp lists); the busy and no-room checks run
 * before any page moves, so a refused request changes nothing (Linux may have migrated some pages).
 */
public final class ContiguousArea {

    /** Pages per pageblock (pageblock_order 9). */
    public static final int PAGEBLOCK_NR_PAGES = 512;
    /** {@code CMA_MIN_ALIGNMENT_BYTES}: one pageblock, 2 MiB. */
    public static final long CMA_MIN_ALIGNMENT_BYTES = (long) PAGEBLOCK_NR_PAGES << 12;
    /** {@code NUMA_NO_NODE}: the default {@code cma=} area is not tied to a node. */
    public static final int NUMA_NO_NODE = -1;

    public static final int MIGRATE_UNMOVABLE = 0;
    public static final int MIGRATE_MOVABLE = 1;
    public static final int MIGRATE_CMA = 4;
    public static final int MIGRATE_ISOLATE = 5;

    /** A free page. */
    public static final int FREE = 0;
    /** An in-use page that can be migrated (user memory, page cache). */
    public static final int MOVABLE = 1;
    /** An in-use page that cannot move (kernel allocation, pinned page). */
    public static final int UNMOVABLE = 2;
    /** A page handed out by {@link #allocContigRange}. */
    public static final int CONTIG = 3;

    private static final long SZ_1M = 1L << 20;
    private static final long SZ_4G = 1L << 32;

    /** A free memblock range of physical addresses {@code [start, end)}. */
    public record Range(long start, long end) {
        public Range {
            InvalidArgumentException.check(start >= 0 && end > start,
                    "range [%s, %s) must be non-negative and not empty", start, end);
        }
    }

    /** Where {@code cma_declare_contiguous_nid()} put the area. */
    public record Reservation(long base, long size, String line) {
    }

    /** One page moved by {@code alloc_contig_range()}. */
    public record Migration(long fromPfn, long toPfn) {
    }

    /** The outcome of {@link #allocContigRange}: on failure no migration and the kernel's message. */
    public record Outcome(boolean allocated, List<Migration> migrations, String message) {
        public Outcome {
            migrations = List.copyOf(migrations);
        }
    }

    private final int[] state;
    private final long[] content;
    private final int[] pageblockType;

    /** A zone of {@code nrPageblocks} pageblocks starting at pfn 0, all pages free, all MOVABLE. */
    public ContiguousArea(int nrPageblocks) {
        InvalidArgumentException.check(nrPageblocks > 0 && nrPageblocks <= 64,
                "a zone of %s pageblocks: allowed 1..64", nrPageblocks);
        state = new int[nrPageblocks * PAGEBLOCK_NR_PAGES];
        content = new long[state.length];
        pageblockType = new int[nrPageblocks];
        Arrays.fill(pageblockType, MIGRATE_MOVABLE);
    }

    // ---- given helpers ----

    /** Pages in the zone. */
    public long spannedPages() {
        return state.length;
    }

    /** Sets the migratetype of the pageblock holding {@code pfn}. */
    public void setPageblockType(long pfn, int migratetype) {
        checkPfn(pfn);
        InvalidArgumentException.check(migratetype >= 0 && migratetype <= MIGRATE_ISOLATE,
                "migratetype %s: allowed 0..%s", migratetype, MIGRATE_ISOLATE);
        pageblockType[(int) (pfn / PAGEBLOCK_NR_PAGES)] = migratetype;
    }

    /** The migratetype of the pageblock holding {@code pfn}. */
    public int pageblockType(long pfn) {
        checkPfn(pfn);
        return pageblockType[(int) (pfn / PAGEBLOCK_NR_PAGES)];
    }

    /** Puts an in-use page ({@link #MOVABLE} or {@link #UNMOVABLE}) holding {@code data} at a free pfn. */
    public void occupy(long pfn, int kind, long data) {
        checkPfn(pfn);
        InvalidArgumentException.check(kind == MOVABLE || kind == UNMOVABLE,
                "page kind %s: allowed MOVABLE (%s) or UNMOVABLE (%s)", kind, MOVABLE, UNMOVABLE);
        InvalidArgumentException.check(state[(int) pfn] == FREE, "pfn %s is not free (state %s)", pfn,
                state[(int) pfn]);
        state[(int) pfn] = kind;
        content[(int) pfn] = data;
    }

    /** The page's state: {@link #FREE}, {@link #MOVABLE}, {@link #UNMOVABLE} or {@link #CONTIG}. */
    public int state(long pfn) {
        checkPfn(pfn);
        return state[(int) pfn];
    }

    /** What the page holds. */
    public long content(long pfn) {
        checkPfn(pfn);
        return content[(int) pfn];
    }

    // ---- the learner's part ----

    /** {@code size} rounded up to a whole number of pageblocks (2 MiB); refuses size &lt;= 0. */
    public static long alignSize(long size) {
        InvalidArgumentException.check(size > 0, "cma size %s must be positive", size);
        return (size + CMA_MIN_ALIGNMENT_BYTES - 1) & -CMA_MIN_ALIGNMENT_BYTES;
    }

    /**
     * cma_declare_contiguous_nid(0, size, 0, 0, 0, false, name, &amp;cma, nid) on x86-64.
     *
     * @param free memblock's free ranges, ascending and disjoint
     * @param dramEnd memblock_end_of_DRAM()
     */
    public static Reservation declare(List<Range> free, long dramEnd, long size, int nid) {
        long aligned = alignSize(size);
        long base = -1;
        if (dramEnd >= SZ_4G + aligned) {
            base = bottomUp(free, aligned, SZ_4G, dramEnd);
        }
        if (base < 0) {
            base = topDown(free, aligned, 0, dramEnd);
        }
        if (base < 0) {
            throw new InvalidArgumentException(String.format(Locale.ROOT,
                    "cma: Failed to reserve %d MiB on node %d: no free 2 MiB-aligned range below %#x",
                    aligned / SZ_1M, nid, dramEnd));
        }
        String line = String.format(Locale.ROOT, "cma: Reserved %d MiB at 0x%016x on node %d",
                aligned / SZ_1M, base, nid);
        return new Reservation(base, aligned, line);
    }

    /**
     * The lowest free pfn an allocation of this migratetype may take: {@link #MIGRATE_MOVABLE} may use
     * MOVABLE, UNMOVABLE and CMA pageblocks; {@link #MIGRATE_UNMOVABLE} never a CMA pageblock; nobody an
     * ISOLATE pageblock. Marks the page in use ({@link #MOVABLE} / {@link #UNMOVABLE}) holding
     * {@code data}, or returns -1.
     */
    public long allocPage(int migratetype, long data) {
        InvalidArgumentException.check(migratetype == MIGRATE_MOVABLE || migratetype == MIGRATE_UNMOVABLE,
                "migratetype %s: allowed MIGRATE_UNMOVABLE (%s) or MIGRATE_MOVABLE (%s)", migratetype,
                MIGRATE_UNMOVABLE, MIGRATE_MOVABLE);
        long pfn = lowestUsableFree(migratetype);
        if (pfn >= 0) {
            state[(int) pfn] = migratetype == MIGRATE_MOVABLE ? MOVABLE : UNMOVABLE;
            content[(int) pfn] = data;
        }
        return pfn;
    }

    /** alloc_contig_range(start, end): see the class comment. */
    public Outcome allocContigRange(long start, long end) {
        InvalidArgumentException.check(start >= 0 && start < end && end <= state.length,
                "range [%s, %s) must be non-empty and inside the zone's %s pages", start, end, state.length);
        String busy = String.format(Locale.ROOT, "alloc_contig_range: [%x, %x) PFNs busy", start, end);
        int firstBlock = (int) (start / PAGEBLOCK_NR_PAGES);
        int lastBlock = (int) ((end - 1) / PAGEBLOCK_NR_PAGES);
        int[] saved = Arrays.copyOfRange(pageblockType, firstBlock, lastBlock + 1);
        for (int b = firstBlock; b <= lastBlock; b++) {
            pageblockType[b] = MIGRATE_ISOLATE;
        }
        try {
            int movable = 0;
            for (long pfn = start; pfn < end; pfn++) {
                if (state[(int) pfn] == UNMOVABLE || state[(int) pfn] == CONTIG) {
                    return new Outcome(false, List.of(), busy);
                }
                if (state[(int) pfn] == MOVABLE) {
                    movable++;
                }
            }
            if (countUsableFree(MIGRATE_MOVABLE) < movable) {
                return new Outcome(false, List.of(), busy);
            }
            List<Migration> moves = new ArrayList<>();
            for (long pfn = start; pfn < end; pfn++) {
                if (state[(int) pfn] == MOVABLE) {
                    long target = allocPage(MIGRATE_MOVABLE, content[(int) pfn]);
                    state[(int) pfn] = FREE;
                    content[(int) pfn] = 0;
                    moves.add(new Migration(pfn, target));
                }
            }
            for (long pfn = start; pfn < end; pfn++) {
                state[(int) pfn] = CONTIG;
            }
            return new Outcome(true, moves, "");
        } finally {
            System.arraycopy(saved, 0, pageblockType, firstBlock, saved.length);
        }
    }

    /** free_contig_range(start, end - start): the pages become free again. */
    public void freeContigRange(long start, long end) {
        InvalidArgumentException.check(start >= 0 && start < end && end <= state.length,
                "range [%s, %s) must be non-empty and inside the zone's %s pages", start, end, state.length);
        for (long pfn = start; pfn < end; pfn++) {
            InvalidArgumentException.check(state[(int) pfn] == CONTIG,
                    "pfn %s was not handed out by allocContigRange (state %s)", pfn, state[(int) pfn]);
        }
        for (long pfn = start; pfn < end; pfn++) {
            state[(int) pfn] = FREE;
        }
    }

    private long lowestUsableFree(int migratetype) {
        for (int pfn = 0; pfn < state.length; pfn++) {
            if (state[pfn] == FREE && usable(migratetype, pageblockType[pfn / PAGEBLOCK_NR_PAGES])) {
                return pfn;
            }
        }
        return -1;
    }

    private long countUsableFree(int migratetype) {
        long n = 0;
        for (int pfn = 0; pfn < state.length; pfn++) {
            if (state[pfn] == FREE && usable(migratetype, pageblockType[pfn / PAGEBLOCK_NR_PAGES])) {
                n++;
            }
        }
        return n;
    }

    private static boolean usable(int migratetype, int blockType) {
        if (blockType == MIGRATE_ISOLATE) {
            return false;
        }
        return blockType != MIGRATE_CMA || migratetype == MIGRATE_MOVABLE;
    }

    private static long bottomUp(List<Range> free, long size, long min, long max) {
        for (Range r : free) {
            long lo = Math.max(r.start(), min);
            long hi = Math.min(r.end(), max);
            long base = (lo + CMA_MIN_ALIGNMENT_BYTES - 1) & -CMA_MIN_ALIGNMENT_BYTES;
            if (base + size <= hi) {
                return base;
            }
        }
        return -1;
    }

    private static long topDown(List<Range> free, long size, long min, long max) {
        for (int i = free.size() - 1; i >= 0; i--) {
            Range r = free.get(i);
            long lo = Math.max(r.start(), min);
            long hi = Math.min(r.end(), max);
            if (hi - size < lo) {
                continue;
            }
            long base = (hi - size) & -CMA_MIN_ALIGNMENT_BYTES;
            if (base >= lo) {
                return base;
            }
        }
        return -1;
    }

    private void checkPfn(long pfn) {
        InvalidArgumentException.check(pfn >= 0 && pfn < state.length,
                "pfn %s is outside the zone: allowed 0..%s", pfn, state.length - 1);
    }
}
