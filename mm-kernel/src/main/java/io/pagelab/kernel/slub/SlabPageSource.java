package io.pagelab.kernel.slub;

import io.pagelab.api.Gfp;
import io.pagelab.api.PageAllocator;
import io.pagelab.api.Pages;
import java.util.Objects;

/**
 * Where slabs come from: blocks of {@code 2^order} physically contiguous pages, as allocate_slab()
 * gets them with alloc_slab_page() (alloc_pages with __GFP_COMP: a compound page) and
 * discard_slab() returns them with __free_pages (mm/slub.c, Linux 6.x).
 *
 * <p>Any {@link PageAllocator} (the buddy allocator) serves through {@link #of(PageAllocator)}.
 */
public interface SlabPageSource {

    /**
     * Allocates {@code 2^order} contiguous pages.
     *
     * @return the physical address of the first page
     * @throws io.pagelab.api.error.OutOfMemoryException when no such block is free (nothing changes)
     */
    long allocPages(int order, int gfp);

    /** Returns a block obtained from {@link #allocPages} with the same order. */
    void freePages(long physAddress, int order);

    /** Slab pages from a page allocator, as compound pages (__GFP_COMP). */
    static SlabPageSource of(PageAllocator allocator) {
        Objects.requireNonNull(allocator, "allocator");
        return new SlabPageSource() {
            @Override
            public long allocPages(int order, int gfp) {
                return Pages.pfnPhys(allocator.allocPages(order, gfp | Gfp.__GFP_COMP));
            }

            @Override
            public void freePages(long physAddress, int order) {
                allocator.freePages(Pages.pfnDown(physAddress), order);
            }

            @Override
            public String toString() {
                return "slab pages from " + allocator;
            }
        };
    }
}
