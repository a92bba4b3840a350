package io.pagelab.questions.q41;

import io.pagelab.api.PageTable;
import io.pagelab.api.Prot;
import io.pagelab.api.error.OutOfMemoryException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Q41 支离破碎的内存如何得到大块连续内存？ How do you get a large contiguous area out of fragmented memory?
 * (reference solution)
 *
 * <p>Models mm/vmalloc.c (Linux 6.x): the size arithmetic of __get_vm_area_node() (PAGE_ALIGN, plus
 * a guard page unless VM_NO_GUARD), the lowest-address first fit that find_vmap_lowest_match()
 * returns, and the per-page mapping of __vmalloc_area_node() / vmap_pages_range() with PAGE_KERNEL.
 *
 * <p>Differs from Linux on purpose: the busy list is scanned in address order (O(n)); the kernel
 * searches an augmented rbtree of free blocks with cached subtree_max_size in O(log n) and gets the
 * same lowest block.
 */
public final class VmallocArea {

    public static final long PAGE_SIZE = 4096;

    private VmallocArea() {
    }

    /** PAGE_ALIGN(size) + one guard page unless VM_NO_GUARD. */
    public static long areaSize(long size, boolean noGuard) {
        long aligned = (size + PAGE_SIZE - 1) & -PAGE_SIZE;
        return noGuard ? aligned : aligned + PAGE_SIZE;
    }

    /** The lowest gap of [start, end) between busy areas that holds areaSize bytes. */
    public static long lowestFit(long start, long end, List<long[]> busy, long areaSize) {
        List<long[]> sorted = new ArrayList<>(busy);
        sorted.sort(Comparator.comparing((long[] a) -> a[0], Long::compareUnsigned));
        long cursor = start;
        for (long[] area : sorted) {
            if (Long.compareUnsigned(area[0] - cursor, areaSize) >= 0 && Long.compareUnsigned(area[0], cursor) >= 0) {
                return cursor;
            }
            if (Long.compareUnsigned(area[1], cursor) > 0) {
                cursor = area[1];
            }
        }
        if (Long.compareUnsigned(end - cursor, areaSize) >= 0 && Long.compareUnsigned(end, cursor) >= 0) {
            return cursor;
        }
        throw new OutOfMemoryException(areaSize, "vmap allocation for size " + areaSize
                + " failed: use vmalloc=<size> to increase size");
    }

    /** One PAGE_KERNEL (rw, NX) entry per page; the guard page is left alone. */
    public static void mapArea(PageTable pageTable, long addr, long[] pfns) {
        for (int i = 0; i < pfns.length; i++) {
            pageTable.map(addr + i * PAGE_SIZE, pfns[i], Prot.KERNEL_RW);
        }
    }
}
