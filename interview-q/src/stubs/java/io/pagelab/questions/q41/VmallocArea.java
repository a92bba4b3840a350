package io.pagelab.questions.q41;

import io.pagelab.api.PageTable;
import io.pagelab.exercise.Todo;
import java.util.List;

/**
 * Q41 支离破碎的内存如何得到大块连续内存？ How do you get a large contiguous area out of fragmented memory?
 *
 * <p>vmalloc (mm/vmalloc.c). Physical memory may have no free block of two adjacent pages left, yet
 * vmalloc(64 pages) still succeeds: it takes 64 single pages from wherever they are, reserves 64
 * consecutive pages of <em>virtual</em> addresses in the vmalloc range (VMALLOC_START =
 * 0xffffc90000000000 on x86-64), and writes one page-table entry per page. The area is contiguous
 * only through the page table.
 * 物理页零散也没关系：vmalloc 逐页分配物理页，在 vmalloc 区找一段连续的虚拟地址，再逐页建立页表映射。
 *
 * <p>Two details the kernel adds: {@code __get_vm_area_node()} rounds the size up to whole pages and
 * adds one unmapped <b>guard page</b> after the area (unless VM_NO_GUARD), so running off the end
 * faults instead of scribbling over the next area; and {@code find_vmap_lowest_match()} places the
 * area in the <b>lowest</b> free gap of the vmalloc range that is big enough (first fit by address).
 *
 * <p>Your task: implement the three methods. Run {@code ./pagelab grade q41} to check your work.
 */
public final class VmallocArea {

    public static final long PAGE_SIZE = 4096;

    private VmallocArea() {
    }

    /**
     * The bytes of virtual space an allocation of {@code size} bytes reserves: whole pages, plus one
     * guard page unless {@code noGuard}.
     */
    public static long areaSize(long size, boolean noGuard) {
        throw new Todo("q41/VmallocArea.java");
    }

    /**
     * Where the next area of {@code areaSize} bytes goes: the lowest address in
     * [{@code start}, {@code end}) not covered by any busy area and followed by {@code areaSize} free
     * bytes.
     *
     * @param busy the areas in use, each {@code {va_start, va_end}} (guard page included), in any order
     * @throws io.pagelab.api.error.OutOfMemoryException "vmap allocation for size N failed: ..." when
     *     no gap is big enough
     */
    public static long lowestFit(long start, long end, List<long[]> busy, long areaSize) {
        throw new Todo("q41/VmallocArea.java");
    }

    /**
     * Maps the pages of an area: page {@code i} at {@code addr + i * 4096} to {@code pfns[i]}, with
     * PAGE_KERNEL rights (kernel, read/write, not executable). The guard page stays unmapped.
     */
    public static void mapArea(PageTable pageTable, long addr, long[] pfns) {
        throw new Todo("q41/VmallocArea.java");
    }
}
