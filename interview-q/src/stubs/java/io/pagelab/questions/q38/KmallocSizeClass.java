package io.pagelab.questions.q38;

import io.pagelab.exercise.Todo;

/**
 * Q38 kmalloc和kfree如何实现的？ How are kmalloc and kfree implemented?
 *
 * <p>kmalloc has no allocator of its own. It is a front desk: it looks at the size and sends the
 * request to one of a fixed set of SLUB caches ("kmalloc-8" ... "kmalloc-8k"), or, for anything
 * larger than KMALLOC_MAX_CACHE_SIZE (8 KiB with 4 KiB pages), straight to the page allocator.
 * kfree does the reverse: it finds the slab that owns the address, or frees the pages.
 * kmalloc 本身不分配内存：小于等于 8 KiB 的请求按大小交给对应的 kmalloc-N 缓存，更大的直接向伙伴系统要页。
 *
 * <p>Your task: implement the choice kmalloc makes (mm/slab_common.c: kmalloc_slab() and
 * __do_kmalloc_node(), Linux 6.x, x86-64, 4 KiB pages), and what the caller really gets.
 * <ul>
 *   <li>Size 0 gets no memory at all: kmalloc returns ZERO_SIZE_PTR, the special pointer 16.</li>
 *   <li>The caches are numbered (kmalloc_caches[] index): index 1 is kmalloc-96, index 2 is
 *       kmalloc-192, and index 3 to 13 are the powers of two, kmalloc-2^index (8 to 8192 bytes).
 *       A cache is named "kmalloc-" plus its size, written with a "k" when it is a whole number of
 *       KiB: kmalloc-96, kmalloc-512, kmalloc-2k.</li>
 *   <li>For sizes 1 to 192 the kernel does not compute: it looks up a 24-entry table
 *       size_index[(size - 1) / 8], one entry per 8 bytes, holding the index of the smallest cache
 *       the size fits in (the odd sizes 96 and 192 are only reachable through this table). Build
 *       that table yourself.</li>
 *   <li>From 193 to 8192 bytes, the index is fls(size - 1): the position (counting from 1) of the
 *       highest set bit of size - 1.</li>
 *   <li>Above 8192 bytes, kmalloc takes a block of 2^order pages from the page allocator, with the
 *       smallest order that holds the size (get_order). The largest block is order 10
 *       (MAX_PAGE_ORDER), so anything above 4 MiB fails: kmalloc returns NULL.</li>
 * </ul>
 * {@link #kmallocSizeRoundup} tells how many bytes a request really receives: the cache's object
 * size, or the whole page block. For 0 and for sizes that fail it returns the size unchanged.
 *
 * <p>Run {@code ./pagelab grade q38} to check your work.
 */
public final class KmallocSizeClass {

    /** ZERO_SIZE_PTR, include/linux/slab.h: ((void *)16). */
    public static final long ZERO_SIZE_PTR = 16;

    private KmallocSizeClass() {
    }

    /** Where a kmalloc request goes (given complete, no need to edit). */
    public sealed interface Choice permits ZeroSizePtr, SlabCache, PageAllocator, NullPointer {
    }

    /** Size 0: kmalloc returns ZERO_SIZE_PTR without allocating. */
    public record ZeroSizePtr() implements Choice {
    }

    /**
     * One of the kmalloc caches.
     *
     * @param index kmalloc_caches[] index: 1 (96), 2 (192) or 3..13 (2^index)
     * @param objectSize the cache's object size in bytes
     * @param name the cache's name as /proc/slabinfo shows it, such as "kmalloc-1k"
     */
    public record SlabCache(int index, int objectSize, String name) implements Choice {
    }

    /** A compound block of 2^order pages from the page allocator (kmalloc_large). */
    public record PageAllocator(int order) implements Choice {
    }

    /** Too large for any block: kmalloc returns NULL. */
    public record NullPointer() implements Choice {
    }

    /**
     * Where kmalloc(size, GFP_KERNEL) goes.
     *
     * @param size the requested bytes, at least 0
     */
    public static Choice kmalloc(long size) {
        throw new Todo("q38/KmallocSizeClass.java");
    }

    /**
     * kmalloc_size_roundup(size): the bytes a successful kmalloc(size) really provides (what ksize()
     * reports): the cache's object size, or the page block's bytes; {@code size} itself for 0 and
     * for sizes kmalloc cannot serve.
     */
    public static long kmallocSizeRoundup(long size) {
        throw new Todo("q38/KmallocSizeClass.java");
    }
}
