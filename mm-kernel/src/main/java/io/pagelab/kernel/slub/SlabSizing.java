package io.pagelab.kernel.slub;

import io.pagelab.api.Pages;
import io.pagelab.api.error.InvalidArgumentException;

/**
 * How many pages a slab takes and how objects are aligned, as Linux 6.7+ computes it in
 * mm/slub.c: calc_slab_order(), calculate_order(), order_objects(), set_min_partial(),
 * set_cpu_partial(), and mm/slab_common.c: calculate_alignment().
 *
 * <p>calculate_order() wants at least {@code min_objects} objects per slab (more CPUs, more
 * objects: fewer trips to the partial lists), then takes the smallest order from there up to
 * slab_max_order (3) whose leftover is at most 1/16 of the slab; failing that 1/8, 1/4, 1/2.
 *
 * <pre>
 *  kmalloc-1k, 4 CPUs: min_objects = 4*(fls(4)+1) = 16 -&gt; get_order(16*1024) = 2
 *                      order 2: 16384 % 1024 = 0 &lt;= 16384/16  -&gt; order 2, 16 objects, 4 pages
 *  kmalloc-1k, 1 CPU:  min_objects = 8 -&gt; get_order(8192) = 1 -&gt; order 1, 8 objects, 2 pages
 * </pre>
 *
 * Differs from Linux: before 6.7 the loop lowered min_objects step by step with fractions 16, 8,
 * 4; both versions give the same /proc/slabinfo values for the kmalloc caches.
 */
public final class SlabSizing {
    /** page.objects is 15 bits wide: at most 32767 objects per slab (mm/slub.c). */
    public static final int MAX_OBJS_PER_PAGE = 32767;
    /** kmem_cache_order_objects packs the order above the object count: oo = order &lt;&lt; 16 | objects. */
    public static final int OO_SHIFT = 16;
    /** Partial slabs a node keeps at least / at most (mm/slub.c MIN_PARTIAL, MAX_PARTIAL). */
    public static final int MIN_PARTIAL = 5;
    public static final int MAX_PARTIAL = 10;
    /** sizeof(void *) on a 64-bit kernel. */
    public static final int POINTER_SIZE = 8;
    /** ARCH_SLAB_MINALIGN = __alignof__(unsigned long long) on x86-64. */
    public static final int ARCH_SLAB_MINALIGN = 8;

    private SlabSizing() {
    }

    /** fls(x): position of the most significant set bit, counting from 1; fls(0) = 0, fls(4) = 3. */
    public static int fls(long x) {
        return 64 - Long.numberOfLeadingZeros(x);
    }

    /**
     * get_order(size): the smallest order whose block ({@code 4096 << order} bytes) holds size
     * bytes. get_order(1) = get_order(4096) = 0, get_order(4097) = 1, get_order(8193) = 2.
     */
    public static int getOrder(long size) {
        InvalidArgumentException.check(size > 0, "get_order(%s) is undefined: size must be at least 1", size);
        return fls((size - 1) >>> Pages.PAGE_SHIFT);
    }

    /** order_objects(): how many objects of {@code size} bytes fit a slab of this order. */
    public static int orderObjects(int order, int size) {
        InvalidArgumentException.check(size > 0, "object size %s must be positive", size);
        return (int) ((Pages.PAGE_SIZE << order) / size);
    }

    /** ALIGN(x, a) for a power-of-two a. */
    public static long align(long x, long a) {
        return (x + a - 1) & -a;
    }

    /** ALIGN_DOWN(x, a) for a power-of-two a. */
    public static long alignDown(long x, long a) {
        return x & -a;
    }

    /**
     * calc_slab_order(): the smallest order in [minOrder, maxOrder] that wastes at most
     * 1/fractLeftover of the slab; {@code maxOrder + 1} when none does.
     */
    public static int calcSlabOrder(int size, int minOrder, int maxOrder, int fractLeftover) {
        int order;
        for (order = minOrder; order <= maxOrder; order++) {
            long slabSize = Pages.PAGE_SIZE << order;
            long rem = slabSize % size;
            if (rem <= slabSize / fractLeftover) {
                break;
            }
        }
        return order;
    }

    /**
     * calculate_order() (Linux 6.7+): the slab order for objects of {@code size} bytes (s-&gt;size,
     * metadata and alignment included).
     *
     * @throws InvalidArgumentException when no order up to MAX_PAGE_ORDER holds one object (the
     *     kernel's -ENOSYS)
     */
    public static int calculateOrder(int size, SlubParams p) {
        InvalidArgumentException.check(size > 0, "object size %s must be positive", size);
        int minObjects = p.minObjects();
        int maxObjects = Math.max(orderObjects(p.slubMaxOrder(), size), 1);
        minObjects = Math.min(minObjects, maxObjects);

        int minOrder = Math.max(p.slubMinOrder(), getOrder((long) minObjects * size));
        if (orderObjects(minOrder, size) > MAX_OBJS_PER_PAGE) {
            return getOrder((long) size * MAX_OBJS_PER_PAGE) - 1;
        }
        for (int fraction = 16; fraction > 1; fraction /= 2) {
            int order = calcSlabOrder(size, minOrder, p.slubMaxOrder(), fraction);
            if (order <= p.slubMaxOrder()) {
                return order;
            }
        }
        int order = getOrder(size);
        if (order <= SlubParams.MAX_PAGE_ORDER) {
            return order;
        }
        throw new InvalidArgumentException("calculate_order(" + size + ") failed (-ENOSYS): one object needs order "
                + order + ", above MAX_PAGE_ORDER " + SlubParams.MAX_PAGE_ORDER);
    }

    /**
     * calculate_alignment() (mm/slab_common.c): SLAB_HWCACHE_ALIGN aligns to the cache line, or to
     * the smallest half, quarter... of it that still holds the object (a 20-byte object gets 32);
     * never less than the caller's align or ARCH_SLAB_MINALIGN; always a multiple of a pointer.
     *
     * @param align the alignment the caller asked for (0: none)
     */
    public static int calculateAlignment(int flags, int align, int size, int cacheLineSize) {
        InvalidArgumentException.check(align >= 0 && (align == 0 || Integer.bitCount(align) == 1),
                "alignment %s is not allowed: 0 or a power of two", align);
        if ((flags & SlabFlags.SLAB_HWCACHE_ALIGN) != 0) {
            int ralign = cacheLineSize;
            while (size <= ralign / 2) {
                ralign /= 2;
            }
            align = Math.max(align, ralign);
        }
        align = Math.max(align, ARCH_SLAB_MINALIGN);
        return (int) align(align, POINTER_SIZE);
    }

    /**
     * set_min_partial(): how many partial slabs a node keeps even when empty,
     * clamp(ilog2(size) / 2, MIN_PARTIAL, MAX_PARTIAL).
     */
    public static int minPartial(int size) {
        int ilog2 = fls(size) - 1;
        return Math.max(MIN_PARTIAL, Math.min(MAX_PARTIAL, ilog2 / 2));
    }

    /**
     * set_cpu_partial() (CONFIG_SLUB_CPU_PARTIAL, Linux 5.16+): the objects the per-CPU partial
     * list may hold: 0 for debug caches, 6 for size &gt;= PAGE_SIZE, 24 for &gt;= 1024, 52 for &gt;= 256,
     * else 120.
     */
    public static int cpuPartialObjects(int size, boolean debugCache) {
        if (debugCache) {
            return 0;
        } else if (size >= Pages.PAGE_SIZE) {
            return 6;
        } else if (size >= 1024) {
            return 24;
        } else if (size >= 256) {
            return 52;
        }
        return 120;
    }

    /**
     * slub_set_cpu_partial(): the per-CPU partial list is limited in slabs, assuming them half
     * full: DIV_ROUND_UP(nr_objects * 2, objects per slab).
     */
    public static int cpuPartialSlabs(int cpuPartialObjects, int objectsPerSlab) {
        return (cpuPartialObjects * 2 + objectsPerSlab - 1) / objectsPerSlab;
    }
}
