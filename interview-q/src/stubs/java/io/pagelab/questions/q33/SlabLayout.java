package io.pagelab.questions.q33;

import io.pagelab.exercise.Todo;

/**
 * Q33 小块内存空间如何分配管理？ How are small blocks of memory allocated and managed?
 *
 * <p>The page allocator hands out whole pages; the kernel mostly needs small objects (a 64-byte
 * structure, a 200-byte buffer). The slab allocator (today SLUB) keeps one cache per object kind
 * or size: it takes a block of 2^order pages from the page allocator (a "slab"), cuts it into
 * equal slots and hands them out one by one. A free slot stores the address of the next free slot
 * inside itself, so the free list costs no extra memory. 从伙伴系统拿一整块页（slab），切成等大的对象逐个分配；
 * 空闲对象内部保存下一个空闲对象的地址。
 *
 * <p>Two questions decide a cache's shape, and you answer both, for a cache without debugging,
 * constructor or RCU (mm/slub.c, Linux 6.7+: calculate_sizes() and calculate_order()):
 * <ul>
 *   <li>{@link #calculateSizes}: the slot. Round the object size up to a multiple of the word
 *       (8 bytes), then up to the alignment: that is {@code size}. The free pointer is stored in
 *       the middle of the free object, at {@code offset} = (object size / 2) rounded DOWN to a
 *       multiple of 8, so that a small overflow from the neighbouring object does not hit it.
 *       Then the slab order (below) and the objects per slab, (4096 &lt;&lt; order) / size.</li>
 *   <li>{@link #calculateOrder}: the slab's order. More CPUs want bigger slabs (fewer trips to the
 *       shared lists): the cache wants at least min_objects = 4 * (fls(nrCpus) + 1) objects per
 *       slab, where fls(x) is the position of x's highest set bit counting from 1 (fls(4) = 3). But
 *       never more than fit in a slab of the largest order, 3: min_objects = min(min_objects,
 *       max(order_objects(3), 1)). Start at min_order = the smallest order whose slab holds
 *       min_objects * size bytes (get_order). Then, for fraction = 16, 8, 4, 2 in turn, look for
 *       the first order from min_order to 3 whose leftover ({@code slabBytes % size}) is at most
 *       {@code slabBytes / fraction}; return the first order found. If none up to order 3 works
 *       even with 2 (the object is bigger than an order-3 slab), return get_order(size): one object
 *       per slab.</li>
 * </ul>
 *
 * <p>Run {@code ./pagelab grade q33} to check your work.
 */
public final class SlabLayout {

    /** The page size. */
    public static final int PAGE_SIZE = 4096;
    /** slub_max_order: PAGE_ALLOC_COSTLY_ORDER. */
    public static final int SLUB_MAX_ORDER = 3;

    private SlabLayout() {
    }

    /**
     * A cache's shape (given complete, no need to edit).
     *
     * @param size s->size: the slot each object takes, the objsize column of /proc/slabinfo
     * @param offset s->offset: where in a free object the next-free pointer is stored
     * @param order the slab order: a slab is 2^order pages (pagesperslab = 2^order)
     * @param objects objects per slab (objperslab)
     */
    public record Layout(int size, int offset, int order, int objects) {
    }

    /**
     * calculate_order(): the slab order for slots of {@code size} bytes on a machine with
     * {@code nrCpus} CPUs (slab_min_order 0, slab_max_order 3, slab_min_objects not set).
     */
    public static int calculateOrder(int size, int nrCpus) {
        throw new Todo("q33/SlabLayout.java");
    }

    /**
     * calculate_sizes(): the shape of a cache of {@code objectSize}-byte objects.
     *
     * @param objectSize what the cache's user asked for, at least 1
     * @param align the cache's alignment, a power of two, at least 8
     * @param nrCpus the number of CPUs, at least 1
     */
    public static Layout calculateSizes(int objectSize, int align, int nrCpus) {
        throw new Todo("q33/SlabLayout.java");
    }
}
