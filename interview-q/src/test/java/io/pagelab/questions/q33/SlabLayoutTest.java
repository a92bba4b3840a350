package io.pagelab.questions.q33;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import io.pagelab.questions.q33.SlabLayout.Layout;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q33 小块内存空间如何分配管理？ How are small blocks of memory allocated and managed?
 *
 * <p>Objects per slab and pages per slab of the kmalloc caches are real /proc/slabinfo values
 * (reference linux-reference.md §4.3 and §4.7): a 6.x machine with 4 or more CPUs and a
 * single-CPU QEMU guest. Free pointer offsets are §4.2's examples. The other cases are worked by
 * hand with calculate_order() (mm/slub.c, Linux 6.7+) in the comments.
 */
@Grader(id = "q33")
@DisplayName("Q33 SLUB cache layout: calculate_sizes and calculate_order")
class SlabLayoutTest {

    /** {object size, objperslab, pagesperslab} of a real /proc/slabinfo, 4+ CPUs (§4.7). */
    static final int[][] KMALLOC_4_CPUS = {
        {8, 512, 1}, {16, 256, 1}, {32, 128, 1}, {64, 64, 1}, {96, 42, 1}, {128, 32, 1}, {192, 21, 1},
        {256, 16, 1}, {512, 16, 2}, {1024, 16, 4}, {2048, 16, 8}, {4096, 8, 8}, {8192, 4, 8},
    };

    static void assertShape(Layout layout, String cache, int objperslab, int pagesperslab) {
        assertThat(layout.objects()).as("objperslab of %s", cache).isEqualTo(objperslab);
        assertThat(1 << layout.order()).as("pagesperslab of %s", cache).isEqualTo(pagesperslab);
    }

    @Test
    @Points(3)
    @Hint("calculate_order(): min_objects = 4 * (fls(nr_cpus) + 1) = 16 for 4 CPUs; start at the order "
            + "that holds min_objects slots, then take the first order whose leftover is at most 1/16.")
    void kmallocCachesOnFourCpusMatchARealProcSlabinfo() {
        for (int[] k : KMALLOC_4_CPUS) {
            Layout layout = SlabLayout.calculateSizes(k[0], 8, 4);
            assertThat(layout.size()).as("objsize of kmalloc-%d", k[0]).isEqualTo(k[0]);
            assertShape(layout, "kmalloc-" + k[0], k[1], k[2]);
        }
        // kmem_cache itself: 448-byte slots, "kmem_cache 3068 3096 448 18 2" in the same sample
        assertShape(SlabLayout.calculateSizes(448, 64, 4), "kmem_cache", 18, 2);
    }

    @Test
    @Points(3)
    @Hint("With one CPU min_objects is 4 * (fls(1) + 1) = 8, so slabs are smaller: kmalloc-1k fits 8 "
            + "objects in order 1.")
    void kmallocCachesOnOneCpuMatchTheQemuSample() {
        // single-CPU QEMU /proc/slabinfo (§4.3): kmalloc-512 8/1, -1k 8/2, -2k 8/4, -4k 8/8, -8k 4/8
        assertShape(SlabLayout.calculateSizes(512, 8, 1), "kmalloc-512 (1 CPU)", 8, 1);
        assertShape(SlabLayout.calculateSizes(1024, 8, 1), "kmalloc-1k (1 CPU)", 8, 2);
        assertShape(SlabLayout.calculateSizes(2048, 8, 1), "kmalloc-2k (1 CPU)", 8, 4);
        assertShape(SlabLayout.calculateSizes(4096, 8, 1), "kmalloc-4k (1 CPU)", 8, 8);
        assertShape(SlabLayout.calculateSizes(8192, 8, 1), "kmalloc-8k (1 CPU)", 4, 8);
        // kmalloc-256: 8 * 256 = 2048 fits order 0, which wastes nothing: 16 objects in 1 page
        assertShape(SlabLayout.calculateSizes(256, 8, 1), "kmalloc-256 (1 CPU)", 16, 1);
    }

    @Test
    @Points(2)
    @Hint("fls(8) = 4, so 8 CPUs want 4 * 5 = 20 objects per slab, but never more than an order-3 "
            + "slab holds.")
    void eightCpusWantTwentyObjectsPerSlab() {
        // kmalloc-256: get_order(20 * 256 = 5120) = 1; 8192 % 256 = 0 -> order 1, 32 objects
        assertThat(SlabLayout.calculateOrder(256, 8)).as("order of kmalloc-256 on 8 CPUs").isEqualTo(1);
        // kmalloc-1k: get_order(20 * 1024) = 3 -> order 3, 32 objects
        assertThat(SlabLayout.calculateOrder(1024, 8)).as("order of kmalloc-1k on 8 CPUs").isEqualTo(3);
        // kmalloc-2k: an order-3 slab holds only 16, so min_objects = 16, get_order(32768) = 3
        assertShape(SlabLayout.calculateSizes(2048, 8, 8), "kmalloc-2k (8 CPUs)", 16, 8);
        assertShape(SlabLayout.calculateSizes(512, 8, 8), "kmalloc-512 (8 CPUs)", 32, 4);
    }

    @Test
    @Points(2)
    @Hint("Without a constructor, poisoning or RCU the free pointer goes in the middle of the object: "
            + "offset = ALIGN_DOWN(object_size / 2, sizeof(void *)).")
    void theFreePointerSitsInTheMiddleOfTheObject() {
        // linux-reference.md §4.2: kmalloc-8 -> 0 (8/2 = 4, down to 0), -16 -> 8, -64 -> 32, -96 -> 48, -192 -> 96
        assertThat(SlabLayout.calculateSizes(8, 8, 4).offset()).as("offset in kmalloc-8").isZero();
        assertThat(SlabLayout.calculateSizes(16, 8, 4).offset()).as("offset in kmalloc-16").isEqualTo(8);
        assertThat(SlabLayout.calculateSizes(64, 8, 4).offset()).as("offset in kmalloc-64").isEqualTo(32);
        assertThat(SlabLayout.calculateSizes(96, 8, 4).offset()).as("offset in kmalloc-96").isEqualTo(48);
        assertThat(SlabLayout.calculateSizes(192, 8, 4).offset()).as("offset in kmalloc-192").isEqualTo(96);
    }

    @Test
    @Points(2)
    @Hint("The slot is the object size rounded up to a word (8 bytes), then up to the cache's alignment; "
            + "the free pointer offset uses the object size, not the slot.")
    void theSlotIsRoundedUpToTheWordAndTheAlignment() {
        // 20 bytes: slot ALIGN(20, 8) = 24, offset ALIGN_DOWN(10, 8) = 8;
        // 4 CPUs: get_order(16 * 24) = 0, 4096 % 24 = 16 <= 256 -> order 0, 4096 / 24 = 170 objects
        assertThat(SlabLayout.calculateSizes(20, 8, 4)).as("layout of a 20-byte cache")
                .isEqualTo(new Layout(24, 8, 0, 170));
        // 100 bytes aligned to a 64-byte cache line: slot ALIGN(104, 64) = 128, offset ALIGN_DOWN(50, 8) = 48
        assertThat(SlabLayout.calculateSizes(100, 64, 4)).as("layout of a 100-byte cache-line-aligned cache")
                .isEqualTo(new Layout(128, 48, 0, 32));
    }

    @Test
    @Points(3)
    @Hint("When no order up to 3 wastes at most 1/16 of the slab, try again accepting 1/8, then 1/4, "
            + "then 1/2 (calc_slab_order with a growing fraction).")
    void whenEveryOrderWastesMoreThanOneSixteenthASecondPassAcceptsOneEighth() {
        // 3000-byte slots, 4 CPUs: an order-3 slab holds 32768 / 3000 = 10, so min_objects = 10,
        // get_order(30000) = 3. Order 3 leaves 32768 - 30000 = 2768 > 32768 / 16 = 2048: no order
        // passes 1/16. With 1/8: 2768 <= 4096 -> order 3, 10 objects.
        assertThat(SlabLayout.calculateOrder(3000, 4)).as("order of 3000-byte slots on 4 CPUs").isEqualTo(3);
        assertShape(SlabLayout.calculateSizes(3000, 8, 4), "a 3000-byte cache", 10, 8);
        // 700-byte slots (1 CPU): get_order(8 * 700 = 5600) = 1; 8192 % 700 = 492 <= 512 -> order 1, 11 objects
        assertShape(SlabLayout.calculateSizes(700, 8, 1), "a 700-byte cache (1 CPU)", 11, 2);
        // 4 CPUs: get_order(16 * 700 = 11200) = 2; 16384 % 700 = 284 <= 1024 -> order 2, 23 objects
        assertShape(SlabLayout.calculateSizes(700, 8, 4), "a 700-byte cache (4 CPUs)", 23, 4);
    }

    @Test
    @Points(2)
    @Hint("An object bigger than an order-3 slab (32 KiB) fits no order up to 3: calculate_order then "
            + "falls back to get_order(size), one object per slab.")
    void anObjectLargerThanAnOrderThreeSlabGetsASlabOfItsOwn() {
        // 40000 bytes: get_order(40000) = 4 (65536 bytes) -> 1 object, 16 pages
        assertShape(SlabLayout.calculateSizes(40000, 8, 4), "a 40000-byte cache", 1, 16);
        // 16384 bytes still fits: min_objects = 2 (an order-3 slab holds 2), order 3 wastes nothing
        assertShape(SlabLayout.calculateSizes(16384, 8, 4), "a 16 KiB cache", 2, 8);
    }
}
