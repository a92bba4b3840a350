package io.pagelab.kernel.kmalloc;

import io.pagelab.api.Pages;
import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.kernel.slub.SlabSizing;

/**
 * kmalloc's size classes on x86-64 with 4 KiB pages and SLUB (include/linux/slab.h,
 * mm/slab_common.c: kmalloc_slab(), __kmalloc_index(), kmalloc_size_roundup(), Linux 6.x).
 *
 * <pre>
 *  index: 1    2     3 4  5  6  7   8   9   10  11  12  13
 *  size:  96   192   8 16 32 64 128 256 512 1k  2k  4k  8k      (index 0: none)
 *
 *  size 0                  -&gt; ZERO_SIZE_PTR (0x10)
 *  1 .. 192                -&gt; size_index[(size - 1) / 8]   (the 24-entry table: 96 and 192 live here)
 *  193 .. 8192             -&gt; fls(size - 1)                 (257..512 -&gt; 9 = kmalloc-512)
 *  8193 .. 4 MiB           -&gt; page allocator, order get_order(size)   (8193 -&gt; order 2)
 *  above 4 MiB             -&gt; NULL
 * </pre>
 *
 * KMALLOC_SHIFT_HIGH = PAGE_SHIFT + 1 = 13 (so the biggest cache is 8 KiB) and KMALLOC_SHIFT_MAX =
 * MAX_PAGE_ORDER + PAGE_SHIFT = 22 (4 MiB). Older texts quoting 128 KiB or 32-byte minimums describe
 * SLAB; the 14/12 shift values some quote are for other configurations (seed-digest Appendix E
 * errata 13 and 14).
 */
public final class Kmalloc {
    /** KMALLOC_SHIFT_LOW: the smallest cache is 2^3 = 8 bytes (ARCH_KMALLOC_MINALIGN 8 on x86). */
    public static final int KMALLOC_SHIFT_LOW = 3;
    /** KMALLOC_MIN_SIZE = 8. */
    public static final int KMALLOC_MIN_SIZE = 1 << KMALLOC_SHIFT_LOW;
    /** KMALLOC_SHIFT_HIGH = PAGE_SHIFT + 1 = 13. */
    public static final int KMALLOC_SHIFT_HIGH = Pages.PAGE_SHIFT + 1;
    /** KMALLOC_MAX_CACHE_SIZE = 8192: larger requests go to the page allocator. */
    public static final int KMALLOC_MAX_CACHE_SIZE = 1 << KMALLOC_SHIFT_HIGH;
    /** KMALLOC_SHIFT_MAX = MAX_PAGE_ORDER + PAGE_SHIFT = 22. */
    public static final int KMALLOC_SHIFT_MAX = 10 + Pages.PAGE_SHIFT;
    /** KMALLOC_MAX_SIZE = 4 MiB: the largest kmalloc. */
    public static final int KMALLOC_MAX_SIZE = 1 << KMALLOC_SHIFT_MAX;
    /** ZERO_SIZE_PTR = ((void *)16): what kmalloc(0) returns; dereferencing it faults. */
    public static final long ZERO_SIZE_PTR = 16;

    /** size_index[24] for sizes 1..192, indexed by (size - 1) / 8 (mm/slab_common.c). */
    private static final byte[] SIZE_INDEX = {
        3, // 8
        4, // 16
        5, // 24
        5, // 32
        6, // 40
        6, // 48
        6, // 56
        6, // 64
        1, // 72
        1, // 80
        1, // 88
        1, // 96
        7, // 104
        7, // 112
        7, // 120
        7, // 128
        2, // 136
        2, // 144
        2, // 152
        2, // 160
        2, // 168
        2, // 176
        2, // 184
        2, // 192
    };

    private Kmalloc() {
    }

    /** ZERO_OR_NULL_PTR(x): true for NULL and ZERO_SIZE_PTR, the pointers kfree ignores. */
    public static boolean isZeroOrNull(long ptr) {
        return Long.compareUnsigned(ptr, ZERO_SIZE_PTR) <= 0;
    }

    /** size_index_elem(bytes) = (bytes - 1) / 8, for 1..192. */
    public static int sizeIndexElem(int bytes) {
        InvalidArgumentException.check(bytes >= 1 && bytes <= 192,
                "size_index_elem(%s) is only defined for 1..192", bytes);
        return (bytes - 1) / 8;
    }

    /** size_index[elem], elem 0..23. */
    public static int sizeIndex(int elem) {
        InvalidArgumentException.check(elem >= 0 && elem < SIZE_INDEX.length,
                "size_index[%s] is outside the table: 0..23", elem);
        return SIZE_INDEX[elem];
    }

    /**
     * The kmalloc_caches[] index kmalloc_slab() picks for 1..KMALLOC_MAX_CACHE_SIZE bytes:
     * size_index for up to 192 bytes, fls(size - 1) above.
     */
    public static int kmallocSlabIndex(long size) {
        if (size < 1 || size > KMALLOC_MAX_CACHE_SIZE) { // not check(..., size): no boxing on the kmalloc path
            throw new InvalidArgumentException("kmalloc_slab(" + size + "): only sizes 1.." + KMALLOC_MAX_CACHE_SIZE
                    + " come from a kmalloc cache");
        }
        if (size <= 192) {
            return SIZE_INDEX[sizeIndexElem((int) size)];
        }
        return SlabSizing.fls(size - 1);
    }

    /**
     * __kmalloc_index(size): the same answer the compiler computes for a constant size, by the
     * kernel's ladder of comparisons (0 for size 0; 1 for 65..96; 2 for 129..192; else the
     * smallest power of two, as a shift). Defined up to KMALLOC_MAX_SIZE.
     */
    public static int kmallocIndex(long size) {
        InvalidArgumentException.check(size >= 0 && size <= KMALLOC_MAX_SIZE,
                "kmalloc_index(%s) is only defined for 0..%s (KMALLOC_MAX_SIZE)", size, KMALLOC_MAX_SIZE);
        if (size == 0) {
            return 0;
        }
        if (size <= KMALLOC_MIN_SIZE) {
            return KMALLOC_SHIFT_LOW;
        }
        if (size > 64 && size <= 96) {
            return 1;
        }
        if (size > 128 && size <= 192) {
            return 2;
        }
        for (int shift = 3; shift <= KMALLOC_SHIFT_MAX; shift++) {
            if (size <= 1L << shift) {
                return shift;
            }
        }
        throw new AssertionError("unreachable: size " + size + " checked against KMALLOC_MAX_SIZE");
    }

    /** kmalloc_size(index): the object size of kmalloc_caches[index]: 96, 192 or 1 &lt;&lt; index. */
    public static int kmallocSize(int index) {
        if (index == 1) {
            return 96;
        }
        if (index == 2) {
            return 192;
        }
        InvalidArgumentException.check(index >= KMALLOC_SHIFT_LOW && index <= KMALLOC_SHIFT_HIGH,
                "kmalloc cache index %s does not exist: 1 (96), 2 (192) or %s..%s", index, KMALLOC_SHIFT_LOW,
                KMALLOC_SHIFT_HIGH);
        return 1 << index;
    }

    /**
     * The cache's name as kmalloc_cache_name() / kmalloc_info[] spell it: the type's prefix, then the
     * size, divided by 1024 while it stays whole, with the unit k or M: "kmalloc-96", "kmalloc-1k",
     * "dma-kmalloc-8k", "kmalloc-rcl-64".
     */
    public static String kmallocCacheName(KmallocType type, int index) {
        int size = kmallocSize(index);
        String units = "kM";
        int unit = -1;
        while (size >= 1024 && size % 1024 == 0 && unit < units.length() - 1) {
            size /= 1024;
            unit++;
        }
        return type.prefix() + size + (unit < 0 ? "" : String.valueOf(units.charAt(unit)));
    }

    /** Where kmalloc(size) goes for a normal (GFP_KERNEL) request. */
    public static KmallocRoute route(long size) {
        return route(size, KmallocType.KMALLOC_NORMAL);
    }

    /** Where kmalloc(size) goes for a request of this cache family. */
    public static KmallocRoute route(long size, KmallocType type) {
        InvalidArgumentException.check(size >= 0, "kmalloc size %s is negative (size_t is unsigned)", size);
        if (size == 0) {
            return new KmallocRoute.ZeroSize();
        }
        if (size <= KMALLOC_MAX_CACHE_SIZE) {
            int index = kmallocSlabIndex(size);
            return new KmallocRoute.SlabCache(index, kmallocSize(index), kmallocCacheName(type, index));
        }
        if (size <= KMALLOC_MAX_SIZE) {
            return new KmallocRoute.PageAllocator(SlabSizing.getOrder(size));
        }
        return new KmallocRoute.TooLarge(size);
    }

    /**
     * kmalloc_size_roundup(size): the bytes a kmalloc of this size really gets without debugging:
     * the cache size up to 8 KiB, whole page blocks up to 4 MiB, and {@code size} itself for 0 and
     * beyond 4 MiB (kmalloc(0) gives ZERO_SIZE_PTR, too large a kmalloc fails).
     */
    public static long kmallocSizeRoundup(long size) {
        InvalidArgumentException.check(size >= 0, "size %s is negative (size_t is unsigned)", size);
        if (size > 0 && size <= KMALLOC_MAX_CACHE_SIZE) {
            return kmallocSize(kmallocSlabIndex(size));
        }
        if (size > 0 && size <= KMALLOC_MAX_SIZE) {
            return Pages.PAGE_SIZE << SlabSizing.getOrder(size);
        }
        return size;
    }
}
