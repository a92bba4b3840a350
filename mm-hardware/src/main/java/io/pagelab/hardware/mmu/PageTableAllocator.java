package io.pagelab.hardware.mmu;

/**
 * Where page-table frames come from: one 4 KiB frame for each new table, given back when a table
 * is no longer needed. In Linux 6.x these are pagetable_alloc() / pagetable_free()
 * (include/linux/mm.h) on top of the buddy allocator; in early boot, memblock. The kernel's buddy
 * allocator implements this later; {@link BumpPageTableAllocator} serves tests and lessons.
 *
 * <p>The caller clears a new frame before linking it into the tree (Linux asks for
 * {@code __GFP_ZERO}).
 */
public interface PageTableAllocator {

    /**
     * The pfn of a free frame for a page table.
     *
     * @throws io.pagelab.api.error.OutOfMemoryException when none is left
     */
    long allocPageTable();

    /** Gives back a frame returned by {@link #allocPageTable()} that no table uses any more. */
    void freePageTable(long pfn);
}
