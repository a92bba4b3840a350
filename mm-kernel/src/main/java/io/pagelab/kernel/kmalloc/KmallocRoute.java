package io.pagelab.kernel.kmalloc;

/**
 * Where kmalloc(size) goes, as __do_kmalloc_node() decides (mm/slab_common.c, Linux 6.x).
 */
public sealed interface KmallocRoute {

    /** size 0: kmalloc returns ZERO_SIZE_PTR (0x10), which kfree accepts and ignores. */
    record ZeroSize() implements KmallocRoute {
    }

    /**
     * 1 .. KMALLOC_MAX_CACHE_SIZE: the kmalloc cache at this index.
     *
     * @param index kmalloc_caches[] index: 1 = kmalloc-96, 2 = kmalloc-192, else log2 of the size
     * @param cacheSize the cache's object size (what ksize() reports without debugging)
     * @param name the cache's name ("kmalloc-128", "dma-kmalloc-1k")
     */
    record SlabCache(int index, int cacheSize, String name) implements KmallocRoute {
    }

    /**
     * KMALLOC_MAX_CACHE_SIZE &lt; size &lt;= KMALLOC_MAX_SIZE: kmalloc_large, a compound page block
     * of this order straight from the page allocator.
     */
    record PageAllocator(int order) implements KmallocRoute {
    }

    /** size &gt; KMALLOC_MAX_SIZE: no block is that large; kmalloc returns NULL (and warns). */
    record TooLarge(long size) implements KmallocRoute {
    }
}
