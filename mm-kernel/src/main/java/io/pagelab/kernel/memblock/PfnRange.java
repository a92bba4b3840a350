package io.pagelab.kernel.memblock;

/**
 * One range produced by {@code for_each_mem_pfn_range()}: the whole pages of a memory region,
 * {@code [PFN_UP(base), PFN_DOWN(base + size))}.
 *
 * @param startPfn first page frame
 * @param endPfn   one past the last page frame
 * @param nid      node id of the region
 */
public record PfnRange(long startPfn, long endPfn, int nid) {
    public long pages() {
        return endPfn - startPfn;
    }
}
