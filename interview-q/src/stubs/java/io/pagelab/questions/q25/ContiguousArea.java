package io.pagelab.questions.q25;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.exercise.Todo;
import java.util.Arrays;
import java.util.List;

/**
 * Q25 如何为驱动应用预留大块连续内存？ How is a large contiguous area reserved for drivers?
 *
 * <p>CMA (Contiguous Memory Allocator): at boot a range is reserved (cma=, device tree or Kconfig)
 * but not kept idle: movable allocations may borrow it, and when a driver needs it,
 * {@code cma_alloc()} migrates those tenants out. 房东与租客：只有可迁移的租客才能住进来。
 *
 * <p>Your task: implement the five methods after "the learner's part" (the helpers above it are given).
 * <ul>
 *   <li>{@link #alignSize}: round up to a multiple of 2 MiB (one pageblock); refuse size &lt;= 0 with
 *       InvalidArgumentException.</li>
 *   <li>{@link #declare}: round the size; if {@code dramEnd >= 4 GiB + size}, first try bottom-up:
 *       the lowest 2 MiB-aligned base at or above 4 GiB that fits in one free range (below dramEnd).
 *       Otherwise, or if that fails, top-down: the highest free range (below dramEnd) that holds the
 *       area, base = (range end - size) rounded down to 2 MiB, provided it stays in the range.
 *       Nothing fits: InvalidArgumentException. The line is
 *       {@code "cma: Reserved %d MiB at 0x%016x on node %d"}.</li>
 *   <li>{@link #allocPage}: the lowest free pfn whose pageblock the allocation may use: movable
 *       allocations may use any pageblock but ISOLATE, unmovable ones neither CMA nor ISOLATE. The page
 *       becomes MOVABLE or UNMOVABLE and holds {@code data}; -1 when there is none.</li>
 *   <li>{@link #allocContigRange}: set every pageblock touching [start, end) to MIGRATE_ISOLATE
 *       (remember the old types). If a page in [start, end) is UNMOVABLE or CONTIG, or if there are
 *       fewer free pages usable by a movable allocation than MOVABLE pages in the range, fail with
 *       {@code "alloc_contig_range: [%x, %x) PFNs busy"} (start, end) and change nothing. Otherwise
 *       move each MOVABLE page, in ascending pfn order, to {@code allocPage(MIGRATE_MOVABLE, itsData)}
 *       (the old page becomes FREE, data 0), then mark every page of the range CONTIG. In every case
 *       give the pageblocks their old types back. Refuse an empty range or one outside the zone.</li>
 *   <li>{@link #freeContigRange}: CONTIG pages become FREE; refuse any other page, changing nothing.</li>
 * </ul>
 *
 * <p>Run {@code ./pagelab grade q25} to check your work.
 *
 * <p>Background: this models the Contiguous Memory Allocator in miniature. Boot: {@code cma_declare_contiguous_nid()}
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
        throw new Todo("q25/ContiguousArea.java");
    }

    /**
     * cma_declare_contiguous_nid(0, size, 0, 0, 0, false, name, &amp;cma, nid) on x86-64.
     *
     * @param free memblock's free ranges, ascending and disjoint
     * @param dramEnd memblock_end_of_DRAM()
     */
    public static Reservation declare(List<Range> free, long dramEnd, long size, int nid) {
        throw new Todo("q25/ContiguousArea.java");
    }

    /**
     * The lowest free pfn an allocation of this migratetype may take: {@link #MIGRATE_MOVABLE} may use
     * MOVABLE, UNMOVABLE and CMA pageblocks; {@link #MIGRATE_UNMOVABLE} never a CMA pageblock; nobody an
     * ISOLATE pageblock. Marks the page in use ({@link #MOVABLE} / {@link #UNMOVABLE}) holding
     * {@code data}, or returns -1.
     */
    public long allocPage(int migratetype, long data) {
        throw new Todo("q25/ContiguousArea.java");
    }

    /** alloc_contig_range(start, end): see the class comment. */
    public Outcome allocContigRange(long start, long end) {
        throw new Todo("q25/ContiguousArea.java");
    }

    /** free_contig_range(start, end - start): the pages become free again. */
    public void freeContigRange(long start, long end) {
        throw new Todo("q25/ContiguousArea.java");
    }

    private void checkPfn(long pfn) {
        InvalidArgumentException.check(pfn >= 0 && pfn < state.length,
                "pfn %s is outside the zone: allowed 0..%s", pfn, state.length - 1);
    }
}
