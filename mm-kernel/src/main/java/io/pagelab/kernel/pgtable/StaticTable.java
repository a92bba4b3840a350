package io.pagelab.kernel.pgtable;

import io.pagelab.api.error.OutOfMemoryException;
import io.pagelab.hardware.mmu.PageTableAllocator;

/**
 * Hands out one fixed frame, the top-level table that head_64.S defines as static data
 * (early_top_pgt), and nothing else: the early tables below it are static too and are written
 * entry by entry.
 */
final class StaticTable implements PageTableAllocator {
    private long pfn;

    StaticTable(long pa) {
        this.pfn = pa >>> 12;
    }

    @Override
    public long allocPageTable() {
        if (pfn < 0) {
            throw new OutOfMemoryException(4096, "the early page tables are static data of head_64.S:"
                    + " there is no allocator before memblock, map through the static tables only");
        }
        long p = pfn;
        pfn = -1;
        return p;
    }

    @Override
    public void freePageTable(long freed) {
        throw new UnsupportedOperationException("static page tables are never freed");
    }
}
