package io.pagelab.questions.q14;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.exercise.Todo;

/**
 * Q14 面对NUMA等复杂内存环境如何处理？ How does the kernel cope with NUMA?
 *
 * <p>Every physical page frame has a {@code struct page}; the memory model decides where it lives.
 * FLATMEM keeps one array {@code mem_map} for all RAM, which wastes entries for large holes.
 * SPARSEMEM cuts the physical space into sections (128 MiB on x86-64), gives struct pages only to
 * sections that exist, and on x86-64 maps them all into one virtual array, the vmemmap, so that
 * the lookup is again a single addition. NUMA nodes are then simply ranges of sections.
 * 内存模型决定 struct page 放在哪里：FLATMEM 一个大数组；SPARSEMEM 按 128MiB 分节，只给存在的节分配，
 * x86-64 再把它们映射到虚拟地址 vmemmap 处的一个连续数组。
 *
 * <p>Your task: implement the four methods. A struct page is {@link #STRUCT_PAGE_SIZE} (64) bytes.
 * <ul>
 *   <li>{@link #flatmemPfnToPage}: {@code mem_map} holds pfns from ARCH_PFN_OFFSET on.</li>
 *   <li>{@link #sectionNr}: a section is 2^{@link #PFN_SECTION_SHIFT} pages.</li>
 *   <li>{@link #vmemmapPfnToPage} and its inverse {@link #vmemmapPageToPfn}: the array starts at
 *       {@link #VMEMMAP_BASE}.</li>
 *   <li>Refuse with {@link InvalidArgumentException}: a pfn below ARCH_PFN_OFFSET (FLATMEM), a
 *       pfn outside 0..2^34-1, and an address that is not the start of a struct page in the
 *       vmemmap.</li>
 * </ul>
 *
 * <p>Run {@code ./pagelab grade q14} to check your work.
 */
public final class MemoryModel {

    /** sizeof(struct page) on x86-64. */
    public static final long STRUCT_PAGE_SIZE = 64;
    /** __VMEMMAP_BASE_L4 (arch/x86/include/asm/page_64_types.h). */
    public static final long VMEMMAP_BASE = 0xffffea0000000000L;
    /** SECTION_SIZE_BITS (27) - PAGE_SHIFT (12). */
    public static final int PFN_SECTION_SHIFT = 15;
    /** MAX_PHYSMEM_BITS (46) - PAGE_SHIFT (12): pfns are below 2^34. */
    public static final int MAX_PFN_BITS = 34;

    private MemoryModel() {
    }

    /** FLATMEM pfn_to_page(): the address of {@code pfn}'s struct page in {@code mem_map}. */
    public static long flatmemPfnToPage(long memMap, long archPfnOffset, long pfn) {
        throw new Todo("q14/MemoryModel.java");
    }

    /** pfn_to_section_nr(): the 128 MiB section holding {@code pfn}. */
    public static long sectionNr(long pfn) {
        throw new Todo("q14/MemoryModel.java");
    }

    /** SPARSEMEM_VMEMMAP pfn_to_page(): the address of {@code pfn}'s struct page. */
    public static long vmemmapPfnToPage(long pfn) {
        throw new Todo("q14/MemoryModel.java");
    }

    /** SPARSEMEM_VMEMMAP page_to_pfn(): the pfn whose struct page is at {@code page}. */
    public static long vmemmapPageToPfn(long page) {
        throw new Todo("q14/MemoryModel.java");
    }
}
