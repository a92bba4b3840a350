package io.pagelab.kernel.pgtable;

import static com.google.common.base.Preconditions.checkArgument;

import io.pagelab.kernel.memblock.MemblockType;
import io.pagelab.kernel.memblock.MemblockView;
import io.pagelab.kernel.printk.Vsprintf;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts a physical range into pieces that can each be mapped with one page size, the largest their
 * alignment allows, as arch/x86/mm/init.c: split_mem_range() does on x86-64 (Linux 6.x):
 *
 * <pre>
 *  start                                                                              end
 *  |-- 4K head --|---- 2M ----|============ 1G ============|---- 2M ----|-- 4K tail --|
 *     up to the    up to the    whole 1 GiB units            whole 2 MiB   what is left
 *     first 2 MiB  first 1 GiB  (only if the CPU has          units
 *     boundary     boundary      gbpages; else 2M)
 * </pre>
 *
 * At most {@link #NR_RANGE_MR} (5) pieces come out. Then adjust_range_page_size_mask() gives a 4K
 * (or 2M) piece the bigger page size when the whole 2 MiB (1 GiB) block around it is RAM in
 * memblock, and neighbouring pieces with the same page size are merged.
 *
 * <p>Differs from Linux: nothing on x86-64; the 32-bit rules (no large page in the first 2/4 MiB,
 * max_low_pfn) are not modelled.
 */
public final class SplitMemRange {
    private static final Logger log = LoggerFactory.getLogger(SplitMemRange.class);

    /** {@code NR_RANGE_MR} on x86-64. */
    public static final int NR_RANGE_MR = 5;
    static final int PAGE_SHIFT = 12;
    static final long PMD_SIZE = 1L << 21;
    static final long PUD_SIZE = 1L << 30;
    private static final long PMD_PFNS = PMD_SIZE >>> PAGE_SHIFT;
    private static final long PUD_PFNS = PUD_SIZE >>> PAGE_SHIFT;

    private SplitMemRange() {
    }

    /**
     * {@code split_mem_range(mr, 0, start, end)} during boot ({@code after_bootmem} = 0).
     *
     * @param start first byte (rounded down to a page, as PFN_DOWN does)
     * @param end one past the last byte (rounded down to a page)
     * @param pageSizeMask what the CPU allows: {@link MapRange#MASK_2M} (PSE), plus {@link MapRange#MASK_1G}
     *     with gbpages
     * @param memblock memblock.memory decides whether a small piece may use a bigger page
     * @return the pieces in address order, merged
     */
    public static List<MapRange> split(long start, long end, int pageSizeMask, MemblockView memblock) {
        checkArgument(start >= 0 && start < end, "range [%s, %s) must be non-empty and below 2^63",
                Vsprintf.hex(start), Vsprintf.hex(end));
        List<MapRange> mr = new ArrayList<>(NR_RANGE_MR);
        long limitPfn = end >>> PAGE_SHIFT;

        // head: up to the first 2 MiB boundary, 4K pages
        long startPfn = start >>> PAGE_SHIFT;
        long pfn = startPfn;
        long endPfn = Math.min(roundUp(pfn, PMD_PFNS), limitPfn);
        if (startPfn < endPfn) {
            save(mr, startPfn, endPfn, 0);
            pfn = endPfn;
        }

        // 2M pages up to the first 1 GiB boundary
        startPfn = roundUp(pfn, PMD_PFNS);
        endPfn = Math.min(roundUp(pfn, PUD_PFNS), roundDown(limitPfn, PMD_PFNS));
        if (startPfn < endPfn) {
            save(mr, startPfn, endPfn, pageSizeMask & MapRange.MASK_2M);
            pfn = endPfn;
        }

        // whole 1 GiB units
        startPfn = roundUp(pfn, PUD_PFNS);
        endPfn = roundDown(limitPfn, PUD_PFNS);
        if (startPfn < endPfn) {
            save(mr, startPfn, endPfn, pageSizeMask & (MapRange.MASK_2M | MapRange.MASK_1G));
            pfn = endPfn;
        }

        // 2M tail
        startPfn = roundUp(pfn, PMD_PFNS);
        endPfn = roundDown(limitPfn, PMD_PFNS);
        if (startPfn < endPfn) {
            save(mr, startPfn, endPfn, pageSizeMask & MapRange.MASK_2M);
            pfn = endPfn;
        }

        // 4K tail
        save(mr, pfn, limitPfn, 0);

        adjustRangePageSizeMask(mr, pageSizeMask, memblock);
        merge(mr);
        if (log.isDebugEnabled()) {
            for (MapRange r : mr) {
                log.debug("{}", r.line());
            }
        }
        return List.copyOf(mr);
    }

    /** {@code save_mr()}: keeps non-empty pieces; a sixth piece is the kernel's panic. */
    private static void save(List<MapRange> mr, long startPfn, long endPfn, int mask) {
        if (startPfn < endPfn) {
            if (mr.size() >= NR_RANGE_MR) {
                throw new IllegalStateException("run out of range for init_memory_mapping: more than "
                        + NR_RANGE_MR + " pieces (NR_RANGE_MR)");
            }
            mr.add(new MapRange(startPfn << PAGE_SHIFT, endPfn << PAGE_SHIFT, mask));
        }
    }

    /**
     * {@code adjust_range_page_size_mask()}: a piece without 2M (1G) gets it when the 2 MiB (1 GiB)
     * block containing it lies inside one memblock memory region.
     */
    private static void adjustRangePageSizeMask(List<MapRange> mr, int pageSizeMask, MemblockView memblock) {
        for (int i = 0; i < mr.size(); i++) {
            MapRange r = mr.get(i);
            int mask = r.pageSizeMask();
            if ((pageSizeMask & MapRange.MASK_2M) != 0 && (mask & MapRange.MASK_2M) == 0) {
                long s = roundDown(r.start(), PMD_SIZE);
                long e = roundUp(r.end(), PMD_SIZE);
                if (isRegionMemory(memblock, s, e - s)) {
                    mask |= MapRange.MASK_2M;
                }
            }
            if ((pageSizeMask & MapRange.MASK_1G) != 0 && (mask & MapRange.MASK_1G) == 0) {
                long s = roundDown(r.start(), PUD_SIZE);
                long e = roundUp(r.end(), PUD_SIZE);
                if (isRegionMemory(memblock, s, e - s)) {
                    mask |= MapRange.MASK_1G;
                }
            }
            if (mask != r.pageSizeMask()) {
                mr.set(i, new MapRange(r.start(), r.end(), mask));
            }
        }
    }

    /** "try to merge same page size and continuous". */
    private static void merge(List<MapRange> mr) {
        for (int i = 0; mr.size() > 1 && i < mr.size() - 1; i++) {
            MapRange a = mr.get(i);
            MapRange b = mr.get(i + 1);
            if (a.end() != b.start() || a.pageSizeMask() != b.pageSizeMask()) {
                continue;
            }
            mr.set(i, new MapRange(a.start(), b.end(), a.pageSizeMask()));
            mr.remove(i + 1);
            i--;
        }
    }

    /** {@code memblock_is_region_memory()}: one memory region holds all of {@code [base, base + size)}. */
    static boolean isRegionMemory(MemblockView memblock, long base, long size) {
        MemblockType memory = memblock.memory();
        int idx = memory.search(base);
        return idx != -1 && Long.compareUnsigned(memory.end(idx), base + size) >= 0;
    }

    static long roundUp(long x, long unit) {
        return (x + unit - 1) & -unit;
    }

    static long roundDown(long x, long unit) {
        return x & -unit;
    }
}
