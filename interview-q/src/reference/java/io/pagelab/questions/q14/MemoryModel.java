package io.pagelab.questions.q14;

import io.pagelab.api.error.InvalidArgumentException;

/**
 * Q14 面对NUMA等复杂内存环境如何处理？ How does the kernel cope with NUMA? (reference solution)
 *
 * <p>{@code pfn_to_page()} under two memory models (include/asm-generic/memory_model.h, Linux 6.x):
 * <ul>
 *   <li>FLATMEM: one array {@code mem_map} for all of RAM:
 *       {@code mem_map + (pfn - ARCH_PFN_OFFSET)}.</li>
 *   <li>SPARSEMEM_VMEMMAP (x86-64): RAM is cut in sections of 2^SECTION_SIZE_BITS = 128 MiB
 *       (arch/x86/include/asm/sparsemem.h: 27), so a pfn's section is
 *       {@code pfn >> PFN_SECTION_SHIFT} (27 - 12 = 15). The struct pages of present sections are
 *       mapped into one virtual array at {@code vmemmap} (0xffffea0000000000 without KASLR), so
 *       {@code pfn_to_page(pfn) = vmemmap + pfn} and {@code page_to_pfn(page) = page - vmemmap},
 *       in units of {@code sizeof(struct page)} = 64 bytes.</li>
 * </ul>
 * Addresses are returned as {@code long} bit patterns (kernel addresses are negative in Java).
 *
 * <p>Differs from Linux on purpose: bad input is refused with a message (a pfn below
 * ARCH_PFN_OFFSET, a pfn beyond MAX_PHYSMEM_BITS = 46, an address that is not a struct page in the
 * vmemmap), where the kernel simply computes a wrong pointer.
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
        InvalidArgumentException.check(archPfnOffset >= 0 && pfn >= archPfnOffset,
                "pfn %s is below ARCH_PFN_OFFSET %s: FLATMEM's mem_map starts at the first pfn of RAM",
                pfn, archPfnOffset);
        return memMap + (pfn - archPfnOffset) * STRUCT_PAGE_SIZE;
    }

    /** pfn_to_section_nr(): the 128 MiB section holding {@code pfn}. */
    public static long sectionNr(long pfn) {
        checkPfn(pfn);
        return pfn >>> PFN_SECTION_SHIFT;
    }

    /** SPARSEMEM_VMEMMAP pfn_to_page(): the address of {@code pfn}'s struct page. */
    public static long vmemmapPfnToPage(long pfn) {
        checkPfn(pfn);
        return VMEMMAP_BASE + pfn * STRUCT_PAGE_SIZE;
    }

    /** SPARSEMEM_VMEMMAP page_to_pfn(): the pfn whose struct page is at {@code page}. */
    public static long vmemmapPageToPfn(long page) {
        long offset = page - VMEMMAP_BASE;
        if (offset < 0 || offset >= (STRUCT_PAGE_SIZE << MAX_PFN_BITS) || offset % STRUCT_PAGE_SIZE != 0) {
            throw new InvalidArgumentException(String.format("0x%x is not a struct page in the vmemmap: "
                    + "allowed 0x%x + n * 64 for n below 2^%d", page, VMEMMAP_BASE, MAX_PFN_BITS));
        }
        return offset / STRUCT_PAGE_SIZE;
    }

    private static void checkPfn(long pfn) {
        InvalidArgumentException.check(pfn >= 0 && pfn < (1L << MAX_PFN_BITS),
                "pfn %s is out of range: allowed 0..2^34-1 (MAX_PHYSMEM_BITS 46)", pfn);
    }
}
