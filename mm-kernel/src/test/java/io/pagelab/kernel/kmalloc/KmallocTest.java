package io.pagelab.kernel.kmalloc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.Gfp;
import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.kernel.slub.SlabFlags;
import io.pagelab.kernel.slub.SlubParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KmallocTest {

    /**
     * Every boundary of the size → cache map, seed-digest.md Appendix C.4 and linux-reference.md
     * §4.6: 1..8:8, 9..16:16, 17..32:32, 33..64:64, 65..96:96, 97..128:128, 129..192:192,
     * 193..256:256, 257..512:512, 513..1024:1k, 1025..2048:2k, 2049..4096:4k, 4097..8192:8k.
     */
    @ParameterizedTest(name = "kmalloc({0}) uses {2}")
    @CsvSource({
        "1, 3, kmalloc-8", "8, 3, kmalloc-8",
        "9, 4, kmalloc-16", "16, 4, kmalloc-16",
        "17, 5, kmalloc-32", "24, 5, kmalloc-32", "32, 5, kmalloc-32",
        "33, 6, kmalloc-64", "48, 6, kmalloc-64", "64, 6, kmalloc-64",
        "65, 1, kmalloc-96", "72, 1, kmalloc-96", "96, 1, kmalloc-96",
        "97, 7, kmalloc-128", "128, 7, kmalloc-128",
        "129, 2, kmalloc-192", "136, 2, kmalloc-192", "192, 2, kmalloc-192",
        "193, 8, kmalloc-256", "256, 8, kmalloc-256",
        "257, 9, kmalloc-512", "512, 9, kmalloc-512",
        "513, 10, kmalloc-1k", "1024, 10, kmalloc-1k",
        "1025, 11, kmalloc-2k", "2048, 11, kmalloc-2k",
        "2049, 12, kmalloc-4k", "4096, 12, kmalloc-4k",
        "4097, 13, kmalloc-8k", "8192, 13, kmalloc-8k",
    })
    void everySizeBoundaryPicksTheKernelsCache(long size, int index, String name) {
        assertThat(Kmalloc.kmallocSlabIndex(size)).as("kmalloc_slab index of %d", size).isEqualTo(index);
        assertThat(Kmalloc.kmallocIndex(size)).as("__kmalloc_index of %d", size).isEqualTo(index);
        assertThat(Kmalloc.route(size)).isInstanceOf(KmallocRoute.SlabCache.class);
        assertThat(((KmallocRoute.SlabCache) Kmalloc.route(size)).name()).isEqualTo(name);
    }

    @Test
    void theSizeIndexTableAndTheConstantLadderAgreeForEverySlabSize() {
        for (int size = 1; size <= Kmalloc.KMALLOC_MAX_CACHE_SIZE; size++) {
            assertThat(Kmalloc.kmallocSlabIndex(size)).as("size %d", size).isEqualTo(Kmalloc.kmallocIndex(size));
            assertThat(Kmalloc.kmallocSize(Kmalloc.kmallocSlabIndex(size))).as("cache of size %d holds it", size)
                    .isGreaterThanOrEqualTo(size);
        }
    }

    @Test
    void sizeIndexElemOfTheSeedsExampleIsFifteen() {
        // seed-digest §3.3 (kmalloc article, Linux 4.4): size_index_elem(128) = 15, size_index[15] = 7
        assertThat(Kmalloc.sizeIndexElem(128)).isEqualTo(15);
        assertThat(Kmalloc.sizeIndex(15)).isEqualTo(7);
    }

    @Test
    void kmallocOfZeroReturnsZeroSizePtr() {
        assertThat(Kmalloc.route(0)).isEqualTo(new KmallocRoute.ZeroSize());
        assertThat(Kmalloc.ZERO_SIZE_PTR).isEqualTo(16);
        assertThat(Kmalloc.kmallocIndex(0)).isZero();
        // ZERO_OR_NULL_PTR: 0 and 16 are ignored by kfree, 17 is not
        assertThat(Kmalloc.isZeroOrNull(0)).isTrue();
        assertThat(Kmalloc.isZeroOrNull(16)).isTrue();
        assertThat(Kmalloc.isZeroOrNull(17)).isFalse();
        assertThat(Kmalloc.isZeroOrNull(0xffff888000001000L)).as("kernel pointers are huge unsigned").isFalse();
    }

    @Test
    void aboveEightKibTheRequestGoesToThePageAllocator() {
        // seed-digest C.4: 8192 stays in kmalloc-8k; 8193 -> order 2 (16 KiB); 16385 -> order 3
        assertThat(Kmalloc.route(8192)).isInstanceOf(KmallocRoute.SlabCache.class);
        assertThat(Kmalloc.route(8193)).isEqualTo(new KmallocRoute.PageAllocator(2));
        assertThat(Kmalloc.route(16384)).isEqualTo(new KmallocRoute.PageAllocator(2));
        assertThat(Kmalloc.route(16385)).isEqualTo(new KmallocRoute.PageAllocator(3));
        // KMALLOC_MAX_SIZE = 4 MiB = order 10, the last block the buddy allocator has
        assertThat(Kmalloc.route(4 << 20)).isEqualTo(new KmallocRoute.PageAllocator(10));
        assertThat(Kmalloc.route((4 << 20) + 1)).isEqualTo(new KmallocRoute.TooLarge((4 << 20) + 1));
    }

    @Test
    void constantsAreTheX86SlubValues() {
        // linux-reference.md §4.6
        assertThat(Kmalloc.KMALLOC_MIN_SIZE).isEqualTo(8);
        assertThat(Kmalloc.KMALLOC_SHIFT_HIGH).isEqualTo(13);
        assertThat(Kmalloc.KMALLOC_MAX_CACHE_SIZE).isEqualTo(8192);
        assertThat(Kmalloc.KMALLOC_SHIFT_MAX).isEqualTo(22);
        assertThat(Kmalloc.KMALLOC_MAX_SIZE).isEqualTo(4 * 1024 * 1024);
    }

    @Test
    void cacheNamesDivideByKilobytesWhileWhole() {
        assertThat(Kmalloc.kmallocCacheName(KmallocType.KMALLOC_NORMAL, 1)).isEqualTo("kmalloc-96");
        assertThat(Kmalloc.kmallocCacheName(KmallocType.KMALLOC_NORMAL, 9)).isEqualTo("kmalloc-512");
        assertThat(Kmalloc.kmallocCacheName(KmallocType.KMALLOC_NORMAL, 10)).isEqualTo("kmalloc-1k");
        assertThat(Kmalloc.kmallocCacheName(KmallocType.KMALLOC_DMA, 13)).isEqualTo("dma-kmalloc-8k");
        assertThat(Kmalloc.kmallocCacheName(KmallocType.KMALLOC_RECLAIM, 6)).isEqualTo("kmalloc-rcl-64");
        assertThat(Kmalloc.kmallocCacheName(KmallocType.KMALLOC_CGROUP, 2)).isEqualTo("kmalloc-cg-192");
    }

    @Test
    void gfpFlagsPickTheCacheFamily() {
        assertThat(KmallocType.of(Gfp.GFP_KERNEL)).isEqualTo(KmallocType.KMALLOC_NORMAL);
        assertThat(KmallocType.of(Gfp.GFP_KERNEL | Gfp.__GFP_DMA)).isEqualTo(KmallocType.KMALLOC_DMA);
        assertThat(KmallocType.of(Gfp.GFP_KERNEL | Gfp.__GFP_RECLAIMABLE)).isEqualTo(KmallocType.KMALLOC_RECLAIM);
        assertThat(KmallocType.of(Gfp.GFP_KERNEL_ACCOUNT)).isEqualTo(KmallocType.KMALLOC_CGROUP);
        assertThat(KmallocType.of(Gfp.GFP_KERNEL_ACCOUNT | Gfp.__GFP_DMA)).isEqualTo(KmallocType.KMALLOC_DMA);
    }

    @Test
    void sizeRoundupGivesTheCacheOrTheWholeBlock() {
        // linux-reference §4.6: kmalloc(100) -> 128
        assertThat(Kmalloc.kmallocSizeRoundup(100)).isEqualTo(128);
        assertThat(Kmalloc.kmallocSizeRoundup(65)).isEqualTo(96);
        assertThat(Kmalloc.kmallocSizeRoundup(8193)).isEqualTo(16384);
        assertThat(Kmalloc.kmallocSizeRoundup(0)).isZero();
        assertThat(Kmalloc.kmallocSizeRoundup((4 << 20) + 1)).isEqualTo((4 << 20) + 1);
    }

    @Test
    void ksizeIsTheSlotWithoutDebugAndTheObjectSizeWithRedZones() {
        KmallocCaches plain = new KmallocCaches(SlubParams.defaults(4));
        assertThat(plain.ksizeOfRequest(100, KmallocType.KMALLOC_NORMAL)).isEqualTo(128);
        assertThat(plain.ksizeOfRequest(8193, KmallocType.KMALLOC_NORMAL)).isEqualTo(16384);
        assertThat(plain.ksizeOfRequest(0, KmallocType.KMALLOC_NORMAL)).isZero();
        // slub_debug=FZPU: kmalloc-128 slots grow (metadata) but ksize stays object_size = 128
        KmallocCaches debug = new KmallocCaches(SlubParams.defaults(4).withSlubDebug(SlabFlags.DEBUG_DEFAULT_FLAGS));
        assertThat(debug.cacheFor(100, KmallocType.KMALLOC_NORMAL).size()).isGreaterThan(128);
        assertThat(debug.ksizeOfRequest(100, KmallocType.KMALLOC_NORMAL)).isEqualTo(128);
        assertThatThrownBy(() -> plain.ksizeOfRequest(5 << 20, KmallocType.KMALLOC_NORMAL))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("KMALLOC_MAX_SIZE");
    }

    @Test
    void everyFamilyHasThirteenCachesSmallestFirst() {
        KmallocCaches caches = new KmallocCaches(SlubParams.defaults(4));
        assertThat(caches.all(KmallocType.KMALLOC_NORMAL)).extracting(l -> l.name()).containsExactly("kmalloc-8",
                "kmalloc-16", "kmalloc-32", "kmalloc-64", "kmalloc-96", "kmalloc-128", "kmalloc-192", "kmalloc-256",
                "kmalloc-512", "kmalloc-1k", "kmalloc-2k", "kmalloc-4k", "kmalloc-8k");
        assertThat(caches.layout(KmallocType.KMALLOC_DMA, 13).hasFlag(SlabFlags.SLAB_CACHE_DMA)).isTrue();
    }

    @Test
    void outOfRangeQuestionsNameTheAllowedRange() {
        assertThatThrownBy(() -> Kmalloc.kmallocSlabIndex(8193)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("1..8192");
        assertThatThrownBy(() -> Kmalloc.kmallocSize(0)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("index 0");
        assertThatThrownBy(() -> Kmalloc.route(-1)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("negative");
    }
}
