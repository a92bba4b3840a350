package io.pagelab.questions.q38;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import io.pagelab.questions.q38.KmallocSizeClass.NullPointer;
import io.pagelab.questions.q38.KmallocSizeClass.PageAllocator;
import io.pagelab.questions.q38.KmallocSizeClass.SlabCache;
import io.pagelab.questions.q38.KmallocSizeClass.ZeroSizePtr;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q38 kmalloc和kfree如何实现的？ How are kmalloc and kfree implemented?
 *
 * <p>Expected size classes are the kernel's (reference linux-reference.md §4.6 and seed-digest
 * Appendix C.4, Linux 6.x, x86-64, 4 KiB pages): 1-8 kmalloc-8 (index 3), 9-16 -16 (4), 17-32 -32
 * (5), 33-64 -64 (6), 65-96 -96 (1), 97-128 -128 (7), 129-192 -192 (2), then powers of two up to
 * 4097-8192 kmalloc-8k (13); above 8 KiB the page allocator with get_order(size), up to order 10.
 * Cache names are those of a real /proc/slabinfo (§4.7).
 */
@Grader(id = "q38")
@DisplayName("Q38 kmalloc size classes: size_index, fls, ZERO_SIZE_PTR, large kmalloc")
class KmallocSizeClassTest {

    /** {first size, last size, index, object size} for every cache, from Appendix C.4. */
    static final int[][] CLASSES = {
        {1, 8, 3, 8},
        {9, 16, 4, 16},
        {17, 32, 5, 32},
        {33, 64, 6, 64},
        {65, 96, 1, 96},
        {97, 128, 7, 128},
        {129, 192, 2, 192},
        {193, 256, 8, 256},
        {257, 512, 9, 512},
        {513, 1024, 10, 1024},
        {1025, 2048, 11, 2048},
        {2049, 4096, 12, 4096},
        {4097, 8192, 13, 8192},
    };

    static SlabCache cache(long size) {
        KmallocSizeClass.Choice c = KmallocSizeClass.kmalloc(size);
        assertThat(c).as("where kmalloc(%d) goes", size).isInstanceOf(SlabCache.class);
        return (SlabCache) c;
    }

    @Test
    @Points(2)
    @Hint("kmalloc(0) allocates nothing and returns ZERO_SIZE_PTR (16), which faults if used and "
            + "which kfree accepts. It really gets 0 bytes.")
    void sizeZeroGetsZeroSizePtr() {
        assertThat(KmallocSizeClass.kmalloc(0)).as("kmalloc(0)").isEqualTo(new ZeroSizePtr());
        assertThat(KmallocSizeClass.kmallocSizeRoundup(0)).as("kmalloc_size_roundup(0)").isZero();
    }

    @Test
    @Points(3)
    @Hint("Up to 192 bytes the kernel reads size_index[(size - 1) / 8]: 24 entries, one per 8 bytes, "
            + "each the index of the smallest cache that holds every size of its step.")
    void everySizeUpTo192GoesToTheSmallestCacheThatFits() {
        for (int[] k : CLASSES) {
            for (int size = k[0]; size <= Math.min(k[1], 192); size++) {
                SlabCache c = cache(size);
                assertThat(c.index()).as("kmalloc_caches index for kmalloc(%d)", size).isEqualTo(k[2]);
                assertThat(c.objectSize()).as("object size of the cache for kmalloc(%d)", size).isEqualTo(k[3]);
            }
        }
    }

    @Test
    @Points(2)
    @Hint("kmalloc-96 (index 1) and kmalloc-192 (index 2) sit between the powers of two: 65 to 96 bytes "
            + "and 129 to 192 bytes use them, and only size_index reaches them.")
    void theOddCaches96And192TakeTheirOwnRanges() {
        assertThat(cache(64).objectSize()).as("kmalloc(64)").isEqualTo(64);
        assertThat(cache(65)).as("kmalloc(65)").isEqualTo(new SlabCache(1, 96, "kmalloc-96"));
        assertThat(cache(96)).as("kmalloc(96)").isEqualTo(new SlabCache(1, 96, "kmalloc-96"));
        assertThat(cache(97)).as("kmalloc(97)").isEqualTo(new SlabCache(7, 128, "kmalloc-128"));
        assertThat(cache(129)).as("kmalloc(129)").isEqualTo(new SlabCache(2, 192, "kmalloc-192"));
        assertThat(cache(192)).as("kmalloc(192)").isEqualTo(new SlabCache(2, 192, "kmalloc-192"));
        assertThat(cache(193)).as("kmalloc(193)").isEqualTo(new SlabCache(8, 256, "kmalloc-256"));
    }

    @Test
    @Points(3)
    @Hint("Above 192 bytes the index is fls(size - 1): 256 - 1 = 0xff has its top bit at position 8, "
            + "so kmalloc(256) uses index 8; kmalloc(257) needs index 9.")
    void from193To8192TheIndexIsFlsOfSizeMinusOne() {
        for (int[] k : CLASSES) {
            if (k[1] <= 192) {
                continue;
            }
            for (int size : new int[] {k[0], k[0] + 1, (k[0] + k[1]) / 2, k[1] - 1, k[1]}) {
                SlabCache c = cache(size);
                assertThat(c.index()).as("kmalloc_caches index for kmalloc(%d)", size).isEqualTo(k[2]);
                assertThat(c.objectSize()).as("object size of the cache for kmalloc(%d)", size).isEqualTo(k[3]);
            }
        }
    }

    @Test
    @Points(2)
    @Hint("kmalloc_cache_name(): \"kmalloc-\" and the size, divided by 1024 with a \"k\" when it is a "
            + "whole number of KiB: kmalloc-512, kmalloc-1k.")
    void cacheNamesAreThoseOfProcSlabinfo() {
        // the names of a real 6.x /proc/slabinfo (reference §4.7)
        assertThat(cache(1).name()).as("name for kmalloc(1)").isEqualTo("kmalloc-8");
        assertThat(cache(100).name()).as("name for kmalloc(100)").isEqualTo("kmalloc-128");
        assertThat(cache(500).name()).as("name for kmalloc(500)").isEqualTo("kmalloc-512");
        assertThat(cache(1000).name()).as("name for kmalloc(1000)").isEqualTo("kmalloc-1k");
        assertThat(cache(2048).name()).as("name for kmalloc(2048)").isEqualTo("kmalloc-2k");
        assertThat(cache(3000).name()).as("name for kmalloc(3000)").isEqualTo("kmalloc-4k");
        assertThat(cache(8192).name()).as("name for kmalloc(8192)").isEqualTo("kmalloc-8k");
    }

    @Test
    @Points(3)
    @Hint("Above KMALLOC_MAX_CACHE_SIZE (8192) kmalloc asks the page allocator for get_order(size): "
            + "the smallest order with 4096 << order >= size. Order 10 (4 MiB) is the largest block.")
    void above8KiBThePageAllocatorServesTheSmallestOrderThatHoldsTheSize() {
        // get_order: 8193..16384 bytes need 4 pages (order 2), 16385 needs 8 (order 3)
        assertThat(KmallocSizeClass.kmalloc(8192)).as("kmalloc(8192) still uses a cache")
                .isInstanceOf(SlabCache.class);
        assertThat(KmallocSizeClass.kmalloc(8193)).as("kmalloc(8193)").isEqualTo(new PageAllocator(2));
        assertThat(KmallocSizeClass.kmalloc(12288)).as("kmalloc(12288)").isEqualTo(new PageAllocator(2));
        assertThat(KmallocSizeClass.kmalloc(16384)).as("kmalloc(16384)").isEqualTo(new PageAllocator(2));
        assertThat(KmallocSizeClass.kmalloc(16385)).as("kmalloc(16385)").isEqualTo(new PageAllocator(3));
        assertThat(KmallocSizeClass.kmalloc(65536)).as("kmalloc(64 KiB)").isEqualTo(new PageAllocator(4));
        // KMALLOC_MAX_SIZE = 4 MiB = 1024 pages, order 10 (MAX_PAGE_ORDER); one byte more cannot be served
        assertThat(KmallocSizeClass.kmalloc(4L << 20)).as("kmalloc(4 MiB)").isEqualTo(new PageAllocator(10));
        assertThat(KmallocSizeClass.kmalloc((4L << 20) + 1)).as("kmalloc(4 MiB + 1)").isEqualTo(new NullPointer());
    }

    @Test
    @Points(2)
    @Hint("kmalloc_size_roundup() reports the cache's object size, or 4096 << order for a page block; "
            + "0 and sizes kmalloc cannot serve come back unchanged.")
    void roundupReportsWhatTheCallerReallyGets() {
        assertThat(KmallocSizeClass.kmallocSizeRoundup(1)).as("kmalloc_size_roundup(1)").isEqualTo(8);
        assertThat(KmallocSizeClass.kmallocSizeRoundup(100)).as("kmalloc_size_roundup(100)").isEqualTo(128);
        assertThat(KmallocSizeClass.kmallocSizeRoundup(150)).as("kmalloc_size_roundup(150)").isEqualTo(192);
        assertThat(KmallocSizeClass.kmallocSizeRoundup(5000)).as("kmalloc_size_roundup(5000)").isEqualTo(8192);
        assertThat(KmallocSizeClass.kmallocSizeRoundup(8193)).as("kmalloc_size_roundup(8193)").isEqualTo(16384);
        assertThat(KmallocSizeClass.kmallocSizeRoundup(5L << 20)).as("kmalloc_size_roundup(5 MiB)").isEqualTo(5L << 20);
    }
}
