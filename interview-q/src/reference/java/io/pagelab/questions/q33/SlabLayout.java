package io.pagelab.questions.q33;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Q33 小块内存空间如何分配管理？ How are small blocks of memory allocated and managed? (reference solution)
 *
 * <p>Models mm/slub.c (Linux 6.7+): calculate_sizes() for a cache without debug flags,
 * constructor or SLAB_TYPESAFE_BY_RCU, and calculate_order() / calc_slab_order().
 *
 * <pre>
 *  one slab, 2^order pages                                            leftover
 *  | slot 0 (size) | slot 1 | slot 2 | ...                 | slot n-1 |  &lt;- rem -&gt; |
 *     |&lt;-- object_size --&gt;|pad|          n = (PAGE_SIZE &lt;&lt; order) / size
 *              ^ offset = ALIGN_DOWN(object_size / 2, 8): the free pointer, inside the free object
 *
 *  kmalloc-1k, 4 CPUs: min_objects = 4 * (fls(4) + 1) = 16, get_order(16 * 1024) = 2,
 *                      order 2: 16384 % 1024 = 0 &lt;= 16384 / 16  -&gt;  16 objects, 4 pages
 * </pre>
 *
 * <p>Differs from Linux on purpose: the CPU count is given (the kernel uses num_present_cpus(),
 * or nr_cpu_ids when only one CPU is present), the boot parameters slab_min_order,
 * slab_max_order and slab_min_objects keep their defaults, and the MAX_OBJS_PER_PAGE clamp is
 * left out (no slot of 8 bytes or more reaches 32767 objects below order 4).
 */
public final class SlabLayout {

    /** The page size. */
    public static final int PAGE_SIZE = 4096;
    /** slub_max_order: PAGE_ALLOC_COSTLY_ORDER. */
    public static final int SLUB_MAX_ORDER = 3;

    private static final int WORD = 8;

    private SlabLayout() {
    }

    /** A cache's shape. */
    public record Layout(int size, int offset, int order, int objects) {
    }

    /** calculate_order() with slub_min_order 0, slub_max_order 3, slub_min_objects 0. */
    public static int calculateOrder(int size, int nrCpus) {
        checkArgument(size > 0, "slot size %s must be positive", size);
        checkArgument(nrCpus >= 1, "CPU count %s must be at least 1", nrCpus);
        int minObjects = 4 * (fls(nrCpus) + 1);
        int maxObjects = Math.max(orderObjects(SLUB_MAX_ORDER, size), 1);
        minObjects = Math.min(minObjects, maxObjects);
        int minOrder = getOrder((long) minObjects * size);
        for (int fraction = 16; fraction >= 2; fraction /= 2) {
            int order = calcSlabOrder(size, minOrder, fraction);
            if (order <= SLUB_MAX_ORDER) {
                return order;
            }
        }
        return getOrder(size);
    }

    /** calculate_sizes() without debug flags, constructor or RCU. */
    public static Layout calculateSizes(int objectSize, int align, int nrCpus) {
        checkArgument(objectSize >= 1, "object size %s must be at least 1", objectSize);
        checkArgument(align >= WORD && Integer.bitCount(align) == 1, "alignment %s must be a power of two >= 8", align);
        int size = alignUp(objectSize, WORD);
        int offset = (objectSize / 2) & -WORD;
        size = alignUp(size, align);
        int order = calculateOrder(size, nrCpus);
        return new Layout(size, offset, order, orderObjects(order, size));
    }

    /** calc_slab_order(): the first order from minOrder to 3 wasting at most 1/fraction; 4 if none. */
    private static int calcSlabOrder(int size, int minOrder, int fraction) {
        int order;
        for (order = minOrder; order <= SLUB_MAX_ORDER; order++) {
            long slabSize = (long) PAGE_SIZE << order;
            if (slabSize % size <= slabSize / fraction) {
                break;
            }
        }
        return order;
    }

    private static int orderObjects(int order, int size) {
        return (int) (((long) PAGE_SIZE << order) / size);
    }

    private static int getOrder(long size) {
        return fls((size - 1) >>> 12);
    }

    private static int fls(long x) {
        return 64 - Long.numberOfLeadingZeros(x);
    }

    private static int alignUp(int x, int a) {
        return (x + a - 1) & -a;
    }
}
