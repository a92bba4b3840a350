package io.pagelab.kernel.memmodel;

/**
 * A memory model: the {@code pfn_to_page} / {@code page_to_pfn} / {@code pfn_valid} trio of
 * include/asm-generic/memory_model.h (Linux 6.13). Addresses are kernel virtual addresses of a
 * {@code struct page}, modelled as 64-byte records ({@link #STRUCT_PAGE_SIZE}).
 *
 * <p>pagelab differs on purpose: Linux never checks its argument (a bad pfn gives a wild pointer);
 * here an invalid pfn throws {@link io.pagelab.api.error.InvalidArgumentException} and an address
 * that is not a {@code struct page} throws {@link io.pagelab.api.error.BadAddressException}.
 */
public interface MemoryModel {
    /** {@code sizeof(struct page)} on x86-64 (without debug options). */
    long STRUCT_PAGE_SIZE = 64;

    /** {@code pfn_to_page(pfn)}: the virtual address of the struct page of {@code pfn}. */
    long pfnToPage(long pfn);

    /** {@code page_to_pfn(page)}: the pfn whose struct page lives at {@code page}. */
    long pageToPfn(long page);

    /** {@code pfn_valid(pfn)}: does {@code pfn} have a struct page? */
    boolean pfnValid(long pfn);

    /** The Kconfig name, for example {@code "SPARSEMEM_VMEMMAP"}. */
    String name();
}
