package io.pagelab.api;

/**
 * One translation held by a {@link PageTable}: the virtual page starting at {@code va}, of
 * {@code pageSize} bytes, maps the physical block starting at frame {@code pfn} with {@code prot}.
 *
 * @param va first virtual address of the page (a multiple of pageSize)
 * @param pfn first physical frame of the page (its address is a multiple of pageSize)
 * @param pageSize bytes in the page: 4 KiB, or a huge page size the table supports
 * @param prot access rights
 */
public record PageMapping(long va, long pfn, long pageSize, Prot prot) {

    /** The physical address {@code va + offset} translates to, for an address inside this page. */
    public long physicalAddress(long virtualAddress) {
        return Pages.pfnPhys(pfn) + (virtualAddress - va);
    }

    /** True when the virtual address falls inside this page. */
    public boolean contains(long virtualAddress) {
        return Long.compareUnsigned(virtualAddress - va, pageSize) < 0;
    }

    @Override
    public String toString() {
        return String.format("PageMapping[va=%#x, pfn=%#x, pageSize=%#x, prot=%s]", va, pfn, pageSize, prot);
    }
}
