package io.pagelab.kernel.kmalloc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.Gfp;
import io.pagelab.api.Pages;
import io.pagelab.api.error.BadAddressException;
import io.pagelab.api.error.DoubleFreeException;
import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.api.error.OutOfMemoryException;
import io.pagelab.kernel.slub.KmemCacheArgs;
import io.pagelab.kernel.slub.SlabFlags;
import io.pagelab.kernel.slub.SlabinfoRow;
import io.pagelab.kernel.slub.SlubCache;
import io.pagelab.kernel.slub.SlubParams;
import org.junit.jupiter.api.Test;

class KmallocAllocatorTest {

    @Test
    void bootCreatesTheThirteenKmallocCaches() {
        // linux-reference §4.6: kmalloc-8 ... kmalloc-8k plus kmalloc-96 and kmalloc-192 = 13 caches
        KernelHeap h = KernelHeap.boot(1);
        assertThat(h.slabs.caches()).extracting(SlubCache::name).containsExactlyInAnyOrder("kmalloc-8", "kmalloc-16",
                "kmalloc-32", "kmalloc-64", "kmalloc-96", "kmalloc-128", "kmalloc-192", "kmalloc-256", "kmalloc-512",
                "kmalloc-1k", "kmalloc-2k", "kmalloc-4k", "kmalloc-8k");
    }

    @Test
    void aSlabIsACompoundPageOfTheCacheOrderTakenFromTheBuddyAllocator() {
        // kmalloc-8k with 4+ CPUs: 4 objects in an order-3 slab (linux-reference §4.3) -> 8 pages leave the buddy
        KernelHeap h = KernelHeap.boot(1);
        long before = h.buddy.freePageCount();
        long p = h.kmalloc.kmalloc(8000, Gfp.GFP_KERNEL);
        assertThat(h.buddy.freePageCount()).isEqualTo(before - 8);
        long pfn = (p - h.slabs.directMap().pageOffset()) >>> Pages.PAGE_SHIFT;
        long head = h.buddy.compoundHead(pfn + 7 - (pfn & 7));
        assertThat(head).as("the slab's last page is a tail of the compound head").isEqualTo(pfn & ~7L);
        assertThat(h.slabs.virtToCache(p).orElseThrow().name()).isEqualTo("kmalloc-8k");
        assertThat(h.slabs.virtToSlab(p).orElseThrow().order()).isEqualTo(3);
    }

    @Test
    void shrinkReturnsEmptySlabsToTheBuddyAllocator() {
        KernelHeap h = KernelHeap.boot(2);
        long before = h.buddy.freePageCount();
        long[] p = new long[100];
        for (int i = 0; i < p.length; i++) {
            p[i] = h.kmalloc.kmalloc(100, Gfp.GFP_KERNEL);
        }
        assertThat(h.buddy.freePageCount()).as("100 objects of kmalloc-128 (32 per page) need 4 pages")
                .isEqualTo(before - 4);
        for (long x : p) {
            h.kmalloc.kfree(x);
        }
        h.slabs.shrinkAll();
        assertThat(h.buddy.freePageCount()).isEqualTo(before);
        assertThat(h.slabs.slabPages()).isZero();
    }

    @Test
    void aDmaKmallocTakesItsSlabFromZoneDma() {
        KernelHeap h = KernelHeap.boot(3);
        long p = h.kmalloc.kmalloc(64, Gfp.GFP_KERNEL | Gfp.__GFP_DMA);
        assertThat(h.slabs.virtToCache(p).orElseThrow().name()).isEqualTo("dma-kmalloc-64");
        long pfn = (p - h.slabs.directMap().pageOffset()) >>> Pages.PAGE_SHIFT;
        // ZONE_DMA is the first 16 MiB: pfns below 0x1000
        assertThat(pfn).isLessThan(0x1000);
    }

    @Test
    void kmallocZeroReturnsZeroSizePtrAndKfreeIgnoresIt() {
        KernelHeap h = KernelHeap.boot(1);
        long free = h.buddy.freePageCount();
        assertThat(h.kmalloc.kmalloc(0, Gfp.GFP_KERNEL)).isEqualTo(16L); // ZERO_SIZE_PTR ((void *)16)
        h.kmalloc.kfree(16L);
        h.kmalloc.kfree(0L);
        assertThat(h.buddy.freePageCount()).isEqualTo(free);
    }

    @Test
    void ksizeOfKmalloc100Is128() {
        // linux-reference §4.6: kmalloc(100) -> kmalloc-128, ksize 128
        KernelHeap h = KernelHeap.boot(1);
        assertThat(h.kmalloc.ksize(h.kmalloc.kmalloc(100, Gfp.GFP_KERNEL))).isEqualTo(128);
    }

    @Test
    void aRequestAbove8KibIsACompoundPageOfGetOrderFreedByKfree() {
        // 8193 bytes -> get_order = 2 (4 pages = 16 KiB), linux-reference §4.6
        KernelHeap h = KernelHeap.boot(1);
        long before = h.buddy.freePageCount();
        long p = h.kmalloc.kmalloc(8193, Gfp.GFP_KERNEL);
        assertThat(h.buddy.freePageCount()).isEqualTo(before - 4);
        assertThat(h.kmalloc.ksize(p)).isEqualTo(16384);
        assertThat(p & 0x3fff).as("an order-2 block is 16 KiB aligned").isZero();
        h.kmalloc.kfree(p);
        assertThat(h.buddy.freePageCount()).isEqualTo(before);
    }

    @Test
    void aRequestAbove4MibFails() {
        KernelHeap h = KernelHeap.boot(1);
        assertThatThrownBy(() -> h.kmalloc.kmalloc((4L << 20) + 1, Gfp.GFP_KERNEL))
                .isInstanceOf(OutOfMemoryException.class).hasMessageContaining("KMALLOC_MAX_SIZE");
    }

    @Test
    void kreallocKeepsThePointerWhileKsizeSufficesAndCopiesWhenItGrows() {
        KernelHeap h = KernelHeap.boot(1);
        long p = h.kmalloc.kmalloc(100, Gfp.GFP_KERNEL);
        h.slabs.directMap().writeLong(p, 0x1122334455667788L);
        assertThat(h.kmalloc.krealloc(p, 128, Gfp.GFP_KERNEL)).as("128 still fits kmalloc-128").isEqualTo(p);
        long q = h.kmalloc.krealloc(p, 300, Gfp.GFP_KERNEL);
        assertThat(h.slabs.virtToCache(q).orElseThrow().name()).isEqualTo("kmalloc-512");
        assertThat(h.slabs.directMap().readLong(q)).isEqualTo(0x1122334455667788L);
        assertThat(h.slabs.find("kmalloc-128").orElseThrow().activeObjects()).isZero();
    }

    @Test
    void kfreeOfAPointerKmallocNeverReturnedIsRejectedAndChangesNothing() {
        KernelHeap h = KernelHeap.boot(1);
        long p = h.kmalloc.kmalloc(20000, Gfp.GFP_KERNEL);
        long free = h.buddy.freePageCount();
        assertThatThrownBy(() -> h.kmalloc.kfree(p + 4096)).isInstanceOf(BadAddressException.class)
                .hasMessageContaining("free_large_kmalloc").hasMessageContaining("Not a kmalloc allocation")
                .hasMessageContaining("inside the large kmalloc");
        long stray = h.slabs.directMap().va(0x2000000L); // a page nobody kmalloc'ed
        assertThatThrownBy(() -> h.kmalloc.kfree(stray)).isInstanceOf(BadAddressException.class)
                .hasMessageContaining("invalid pointer");
        assertThat(h.buddy.freePageCount()).isEqualTo(free);
        h.kmalloc.kfree(p);
    }

    @Test
    void kfreeOfAPointerInsideASlabObjectNamesTheObjectGrid() {
        KernelHeap h = KernelHeap.boot(1);
        long p = h.kmalloc.kmalloc(64, Gfp.GFP_KERNEL);
        assertThatThrownBy(() -> h.kmalloc.kfree(p + 8)).isInstanceOf(BadAddressException.class)
                .hasMessageContaining("Invalid object pointer");
        assertThat(h.slabs.find("kmalloc-64").orElseThrow().activeObjects()).isEqualTo(1);
    }

    @Test
    void aDoubleKfreeIsCaughtAndTheCacheStaysUsable() {
        KernelHeap h = KernelHeap.boot(1);
        long p = h.kmalloc.kmalloc(64, Gfp.GFP_KERNEL);
        long q = h.kmalloc.kmalloc(64, Gfp.GFP_KERNEL);
        h.kmalloc.kfree(p);
        assertThatThrownBy(() -> h.kmalloc.kfree(p)).isInstanceOf(DoubleFreeException.class);
        SlubCache c = h.slabs.find("kmalloc-64").orElseThrow();
        assertThat(c.activeObjects()).isEqualTo(1);
        // LIFO fast path: the freed object comes back first, then fresh ones, never q again
        assertThat(h.kmalloc.kmalloc(64, Gfp.GFP_KERNEL)).isEqualTo(p);
        assertThat(h.kmalloc.kmalloc(64, Gfp.GFP_KERNEL)).isNotIn(p, q);
    }

    @Test
    void withoutPagelabsCheckTheHardenedNaiveBugCatchesFreeingTheHeadTwice() {
        // linux-reference §4.4: set_freepointer's BUG_ON(object == fp)
        KernelHeap h = KernelHeap.boot(1, SlubParams.defaults(4), false);
        long p = h.kmalloc.kmalloc(64, Gfp.GFP_KERNEL);
        h.kmalloc.kfree(p);
        assertThatThrownBy(() -> h.kmalloc.kfree(p)).isInstanceOf(DoubleFreeException.class)
                .hasMessageContaining("naive detection of double free or corruption");
    }

    @Test
    void withSlubDebugADoubleFreeReportsObjectAlreadyFree() {
        // slub_debug=F (SLAB_CONSISTENCY_CHECKS): free_consistency_checks -> "Object already free"
        KernelHeap h = KernelHeap.boot(1, SlubParams.defaults(4).withSlubDebug(SlabFlags.SLAB_CONSISTENCY_CHECKS),
                false);
        long p = h.kmalloc.kmalloc(64, Gfp.GFP_KERNEL);
        h.kmalloc.kmalloc(64, Gfp.GFP_KERNEL);
        h.kmalloc.kfree(p);
        assertThatThrownBy(() -> h.kmalloc.kfree(p)).isInstanceOf(DoubleFreeException.class)
                .hasMessageContaining("Object already free");
    }

    @Test
    void freeingToTheWrongCacheGivesTheCacheFromObjWarningAndFreesNothing() {
        KernelHeap h = KernelHeap.boot(1);
        SlubCache foo = h.slabs.create(KmemCacheArgs.of("foo", 64, 8, 0, false));
        long p = h.kmalloc.kmalloc(64, Gfp.GFP_KERNEL);
        // mm/slab.h cache_from_obj: "%s: Wrong slab cache. %s but object is from %s\n", __func__, s->name, cachep->name
        assertThatThrownBy(() -> h.slabs.kmemCacheFree(foo, p)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("cache_from_obj: Wrong slab cache. foo but object is from kmalloc-64");
        assertThat(h.slabs.find("kmalloc-64").orElseThrow().activeObjects()).isEqualTo(1);
        h.slabs.kmemCacheFree(h.slabs.find("kmalloc-64").orElseThrow(), p);
        assertThat(h.slabs.find("kmalloc-64").orElseThrow().activeObjects()).isZero();
    }

    @Test
    void slabinfoCountsLiveObjectsAndSlabs() {
        KernelHeap h = KernelHeap.boot(1);
        for (int i = 0; i < 33; i++) {
            h.kmalloc.kmalloc(128, Gfp.GFP_KERNEL);
        }
        SlabinfoRow row = h.slabs.find("kmalloc-128").orElseThrow().slabinfo();
        // 33 objects of 32 per slab -> 2 slabs, 64 objects; the CPU slab's free objects count as active
        assertThat(row.numSlabs()).isEqualTo(2);
        assertThat(row.numObjs()).isEqualTo(64);
        assertThat(row.activeObjs()).isEqualTo(64);
    }
}
