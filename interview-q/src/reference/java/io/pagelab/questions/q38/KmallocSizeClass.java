package io.pagelab.questions.q38;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Q38 kmalloc和kfree如何实现的？ How are kmalloc and kfree implemented? (reference solution)
 *
 * <p>Models mm/slab_common.c (Linux 6.x, x86-64, 4 KiB pages, SLUB): kmalloc_slab() with the
 * size_index[24] table and fls(size - 1), __do_kmalloc_node() sending sizes above
 * KMALLOC_MAX_CACHE_SIZE to kmalloc_large(), kmalloc_cache_name() and kmalloc_size_roundup().
 *
 * <pre>
 *  size      0     1..192                 193..8192        8193..4 MiB          &gt; 4 MiB
 *  goes to   16    size_index[(size-1)/8]  fls(size - 1)    pages, get_order     NULL
 *  index     -     96:1 192:2 else log2    8..13            -                    -
 * </pre>
 *
 * KMALLOC_SHIFT_HIGH = PAGE_SHIFT + 1 = 13, so the largest cache is 8 KiB (not 14 or 12 as some
 * texts say, nor 128 KiB as in the SLAB era: seed-digest Appendix E errata 13 and 14).
 *
 * <p>Differs from Linux on purpose: only the KMALLOC_NORMAL family (no dma-, rcl-, cg- or random
 * copies), and the answer is where the request goes rather than an allocated pointer.
 */
public final class KmallocSizeClass {

    /** ZERO_SIZE_PTR, include/linux/slab.h: ((void *)16). */
    public static final long ZERO_SIZE_PTR = 16;

    private static final int PAGE_SHIFT = 12;
    private static final int KMALLOC_MAX_CACHE_SIZE = 1 << (PAGE_SHIFT + 1);
    private static final int MAX_PAGE_ORDER = 10;

    /** size_index[(size - 1) / 8] for 1..192: the smallest cache each 8-byte step fits. */
    private static final int[] SIZE_INDEX = {
        3, // 1..8     kmalloc-8
        4, // 9..16    kmalloc-16
        5, // 17..24   kmalloc-32 (there is no 24)
        5, // 25..32
        6, 6, 6, 6, // 33..64    kmalloc-64
        1, 1, 1, 1, // 65..96    kmalloc-96
        7, 7, 7, 7, // 97..128   kmalloc-128
        2, 2, 2, 2, 2, 2, 2, 2, // 129..192 kmalloc-192
    };

    private KmallocSizeClass() {
    }

    /** Where a kmalloc request goes. */
    public sealed interface Choice permits ZeroSizePtr, SlabCache, PageAllocator, NullPointer {
    }

    /** Size 0: kmalloc returns ZERO_SIZE_PTR without allocating. */
    public record ZeroSizePtr() implements Choice {
    }

    /** One of the kmalloc caches. */
    public record SlabCache(int index, int objectSize, String name) implements Choice {
    }

    /** A compound block of 2^order pages from the page allocator (kmalloc_large). */
    public record PageAllocator(int order) implements Choice {
    }

    /** Too large for any block: kmalloc returns NULL. */
    public record NullPointer() implements Choice {
    }

    /** __do_kmalloc_node()'s choice for kmalloc(size, GFP_KERNEL). */
    public static Choice kmalloc(long size) {
        checkArgument(size >= 0, "kmalloc size %s is negative: size_t is unsigned", size);
        if (size == 0) {
            return new ZeroSizePtr();
        }
        if (size <= KMALLOC_MAX_CACHE_SIZE) {
            int index = size <= 192 ? SIZE_INDEX[(int) (size - 1) / 8] : fls(size - 1);
            int objectSize = index == 1 ? 96 : index == 2 ? 192 : 1 << index;
            return new SlabCache(index, objectSize, name(objectSize));
        }
        int order = getOrder(size);
        return order <= MAX_PAGE_ORDER ? new PageAllocator(order) : new NullPointer();
    }

    /** kmalloc_size_roundup(). */
    public static long kmallocSizeRoundup(long size) {
        Choice c = kmalloc(size);
        if (c instanceof SlabCache) {
            return ((SlabCache) c).objectSize();
        }
        if (c instanceof PageAllocator) {
            return 4096L << ((PageAllocator) c).order();
        }
        return size;
    }

    /** kmalloc_cache_name(): the size divided by 1024 while it stays whole, with unit k. */
    private static String name(int objectSize) {
        return objectSize >= 1024 && objectSize % 1024 == 0 ? "kmalloc-" + objectSize / 1024 + "k"
                : "kmalloc-" + objectSize;
    }

    /** fls(x): position of the highest set bit, from 1; fls(0) = 0. */
    private static int fls(long x) {
        return 64 - Long.numberOfLeadingZeros(x);
    }

    /** get_order(size): the smallest order whose 4096 &lt;&lt; order bytes hold size. */
    private static int getOrder(long size) {
        return fls((size - 1) >>> PAGE_SHIFT);
    }
}
