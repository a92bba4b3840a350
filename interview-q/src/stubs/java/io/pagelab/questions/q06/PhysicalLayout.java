package io.pagelab.questions.q06;

import static com.google.common.base.Preconditions.checkArgument;

import io.pagelab.exercise.Todo;
import io.pagelab.hardware.firmware.E820Entry;
import java.util.List;

/**
 * Q6 内存是连续的吗？ Is memory contiguous?
 *
 * <p>No. Even on a small PC the e820 table leaves stretches of the physical address space that
 * nothing describes: the legacy VGA window and option ROMs after 640 KiB, the "PCI hole" between
 * the top of low RAM and 4 GiB where devices get their MMIO addresses. The kernel looks for these
 * gaps in arch/x86/kernel/e820.c: e820_search_gap(). Because RAM comes in islands, x86-64 uses
 * SPARSEMEM: physical memory is cut into 128 MiB sections (SECTION_SIZE_BITS = 27) and only
 * sections that hold RAM get their struct pages (mm/sparse.c: memblocks_present()).
 * 物理地址空间有空洞；稀疏内存模型只为含有内存的 128 MiB 段建立页描述符。
 *
 * <p>Your task: implement both methods.
 * <ul>
 *   <li>{@link #holes}: every maximal range below {@code limit} that no entry covers. Entries of any
 *       type count as covering (reserved is not a hole). The input may be unsorted and may
 *       overlap; zero-size entries cover nothing. Return the holes sorted by address.</li>
 *   <li>{@link #presentSections}: for each usable entry ({@code E820Type.RAM}), take its whole page
 *       frames: the first is the start rounded UP to a page (PFN_UP), the end is rounded DOWN
 *       (PFN_DOWN), exactly as memblock's for_each_mem_pfn_range() does; an entry without one whole
 *       page contributes nothing. Each page frame number {@code pfn} lies in section
 *       {@code pfn >> (SECTION_SIZE_BITS - PAGE_SHIFT)}. Return the distinct section numbers,
 *       ascending.</li>
 * </ul>
 *
 * <p>Run {@code ./pagelab grade q06} to check your work.
 */
public final class PhysicalLayout {

    /** log2 of the section size on x86-64 (arch/x86/include/asm/sparsemem.h). */
    public static final int SECTION_SIZE_BITS = 27;
    /** log2 of the page size. */
    public static final int PAGE_SHIFT = 12;

    private PhysicalLayout() {
    }

    /** A physical address range {@code [start, end)} (given complete, no need to edit). */
    public record Range(long start, long end) {
        public Range {
            checkArgument(Long.compareUnsigned(start, end) < 0,
                    "a range needs start < end, got [%s, %s)", Long.toHexString(start), Long.toHexString(end));
        }
    }

    /**
     * The ranges below {@code limit} that no entry covers.
     *
     * @param table e820 entries in any order; they may overlap
     * @param limit the first address not examined (exclusive)
     * @return the holes, sorted by address, each as long as possible
     */
    public static List<Range> holes(List<E820Entry> table, long limit) {
        throw new Todo("q06/PhysicalLayout.java");
    }

    /**
     * The SPARSEMEM sections that hold at least one whole page of usable RAM.
     *
     * @param table a sanitized e820 table (sorted, no overlaps)
     * @return section numbers, ascending, without duplicates
     */
    public static List<Long> presentSections(List<E820Entry> table) {
        throw new Todo("q06/PhysicalLayout.java");
    }
}
