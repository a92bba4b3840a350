package io.pagelab.kernel.kmalloc;

import io.pagelab.api.Gfp;
import io.pagelab.api.Pages;
import io.pagelab.api.error.BadAddressException;
import io.pagelab.api.error.DoubleFreeException;
import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.api.error.OutOfMemoryException;
import io.pagelab.kernel.slub.KmemCacheArgs;
import io.pagelab.kernel.slub.PfnMap;
import io.pagelab.kernel.slub.SlabCaches;
import io.pagelab.kernel.slub.SlubCache;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kmalloc() and kfree() over live SLUB caches and the page allocator (mm/slab_common.c:
 * __do_kmalloc_node(), __kmalloc_large_node(), kfree(), free_large_kmalloc(), __ksize(),
 * krealloc(), Linux 6.x).
 *
 * <pre>
 *  kmalloc(0)            -&gt; ZERO_SIZE_PTR (0x10); kfree ignores it and NULL
 *  kmalloc(1 .. 8192)    -&gt; kmalloc_caches[kmalloc_type(gfp)][kmalloc_slab index]   (kmalloc-8 ... kmalloc-8k)
 *  kmalloc(8193 .. 4 MiB)-&gt; alloc_pages(gfp | __GFP_COMP, get_order(size)): a compound page
 *  kfree(p)              -&gt; page of p is a slab page? free to its cache : free_large_kmalloc (the folio's order)
 * </pre>
 *
 * The KMALLOC_NORMAL family is created at construction (create_kmalloc_caches()); the other
 * families the first time a request needs them.
 *
 * <p>Differs from Linux: a large kmalloc's compound page is remembered in a pfn map here (the
 * kernel reads the folio's order and, since 6.16, its PG_large_kmalloc type); kfree of a pointer
 * neither a slab object nor the start of a large kmalloc throws and frees nothing, where Linux
 * warns and may go on to corrupt the page allocator; a request above KMALLOC_MAX_SIZE throws
 * {@link OutOfMemoryException} where kmalloc returns NULL.
 */
public final class KmallocAllocator {
    private static final Logger log = LoggerFactory.getLogger(KmallocAllocator.class);

    /** The largest order a large kmalloc has: KMALLOC_SHIFT_MAX - PAGE_SHIFT. */
    private static final int MAX_LARGE_ORDER = Kmalloc.KMALLOC_SHIFT_MAX - Pages.PAGE_SHIFT;

    private final SlabCaches slabCaches;
    private final Map<KmallocType, SlubCache[]> caches = new EnumMap<>(KmallocType.class);
    /** Large kmalloc blocks by head pfn (the compound page's folio_order is in the value). */
    private final PfnMap<LargeKmalloc> largeKmalloc = new PfnMap<>();

    /** One live large kmalloc: its compound page's head pfn and order. */
    private record LargeKmalloc(long pfn, int order) {
    }

    /** kmalloc on these caches; creates kmalloc-8 ... kmalloc-8k (with 96 and 192) at once. */
    public KmallocAllocator(SlabCaches slabCaches) {
        this.slabCaches = Objects.requireNonNull(slabCaches, "slabCaches");
        family(KmallocType.KMALLOC_NORMAL);
    }

    /** The caches this allocator draws from. */
    public SlabCaches slabCaches() {
        return slabCaches;
    }

    /** new_kmalloc_cache() for every size of one family, in kmalloc_info[] order, once. */
    private SlubCache[] family(KmallocType type) {
        SlubCache[] fam = caches.get(type);
        if (fam == null) {
            fam = new SlubCache[Kmalloc.KMALLOC_SHIFT_HIGH + 1];
            for (int index = 1; index <= Kmalloc.KMALLOC_SHIFT_HIGH; index++) {
                if (index <= 2 || index >= Kmalloc.KMALLOC_SHIFT_LOW) {
                    fam[index] = slabCaches.create(KmemCacheArgs.kmalloc(Kmalloc.kmallocCacheName(type, index),
                            Kmalloc.kmallocSize(index), extraFlags(type)));
                }
            }
            caches.put(type, fam);
        }
        return fam;
    }

    private static int extraFlags(KmallocType type) {
        switch (type) {
            case KMALLOC_DMA:
                return io.pagelab.kernel.slub.SlabFlags.SLAB_CACHE_DMA;
            case KMALLOC_RECLAIM:
                return io.pagelab.kernel.slub.SlabFlags.SLAB_RECLAIM_ACCOUNT;
            case KMALLOC_CGROUP:
                return io.pagelab.kernel.slub.SlabFlags.SLAB_ACCOUNT;
            default:
                return 0;
        }
    }

    /** kmalloc_caches[type][index], creating the family if needed. */
    public SlubCache cache(KmallocType type, int index) {
        Objects.requireNonNull(type, "type");
        Kmalloc.kmallocSize(index); // validates the index
        return family(type)[index];
    }

    /**
     * kmalloc(size, gfp).
     *
     * @return the object's direct-map address, or ZERO_SIZE_PTR for size 0
     * @throws OutOfMemoryException when size is above KMALLOC_MAX_SIZE (Linux returns NULL) or no
     *     memory is left
     */
    public long kmalloc(long size, int gfp) {
        // explicit throws, not check(..., size): the varargs would box size and gfp on every call
        if (size < 0) {
            throw new InvalidArgumentException("kmalloc size " + size + " is negative (size_t is unsigned)");
        }
        if (!Gfp.isValid(gfp)) {
            throw new InvalidArgumentException("gfp flags " + gfp + " have unknown bits");
        }
        if (size == 0) {
            return Kmalloc.ZERO_SIZE_PTR;
        }
        if (size <= Kmalloc.KMALLOC_MAX_CACHE_SIZE) {
            KmallocType type = KmallocType.of(gfp);
            SlubCache[] fam = caches.get(type);
            if (fam == null) {
                fam = family(type);
            }
            return fam[Kmalloc.kmallocSlabIndex(size)].alloc(gfp);
        }
        if (size > Kmalloc.KMALLOC_MAX_SIZE) {
            throw new OutOfMemoryException(size, "kmalloc(" + size + ") returns NULL: above KMALLOC_MAX_SIZE "
                    + Kmalloc.KMALLOC_MAX_SIZE + " (4 MiB, an order-10 block); use vmalloc for larger areas");
        }
        return kmallocLarge(size, gfp);
    }

    /** __kmalloc_large_node(): a compound page of get_order(size) straight from the page allocator. */
    private long kmallocLarge(long size, int gfp) {
        int order = io.pagelab.kernel.slub.SlabSizing.getOrder(size);
        long pfn = slabCaches.pageAllocator().allocPages(order, gfp | Gfp.__GFP_COMP);
        largeKmalloc.put(pfn, new LargeKmalloc(pfn, order));
        long va = slabCaches.directMap().va(Pages.pfnPhys(pfn));
        if ((gfp & Gfp.__GFP_ZERO) != 0) {
            slabCaches.directMap().fill(va, Pages.PAGE_SIZE << order, 0);
        }
        if (log.isDebugEnabled()) { // the arguments (hex strings, boxed counters) cost even when not logged
            log.debug("kmalloc_large({}) order {} at pfn {}", size, order, Long.toHexString(pfn));
        }
        return va;
    }

    /**
     * kfree(p): NULL and ZERO_SIZE_PTR are ignored; a slab object goes back to its cache; the start
     * of a large kmalloc gives its compound page back to the page allocator.
     *
     * @throws BadAddressException for a pointer kmalloc never returned (nothing changes)
     * @throws DoubleFreeException for a slab object that is already free (nothing changes); a large
     *     block freed twice is no live large kmalloc any more and gets the invalid-pointer report
     */
    public void kfree(long p) {
        if (Kmalloc.isZeroOrNull(p)) {
            return;
        }
        SlubCache cache = slabCaches.cacheOrNull(p);
        if (cache != null) {
            cache.free(p); // slab_free(slab->slab_cache, ...)
            return;
        }
        freeLargeKmalloc(p);
    }

    /** free_large_kmalloc(): the folio must be a large kmalloc, freed with its own order. */
    private void freeLargeKmalloc(long p) {
        long pa = p - slabCaches.directMap().pageOffset();
        long pfn = pa >>> Pages.PAGE_SHIFT;
        LargeKmalloc block = (pa & (Pages.PAGE_SIZE - 1)) == 0 ? largeKmalloc.get(pfn) : null;
        if (block == null) {
            String head = findLargeHead(pfn).map(h -> "; it lies inside the large kmalloc at "
                    + ptr(slabCaches.directMap().va(Pages.pfnPhys(h))) + ": kfree that pointer").orElse("");
            throw new BadAddressException(p, "WARNING: free_large_kmalloc: kfree(" + ptr(p) + "): invalid pointer\n"
                    + "page dumped because: Not a kmalloc allocation\n"
                    + "(" + ptr(p) + " is neither an object of a slab page nor the start of a live large kmalloc"
                    + head + "; kfree takes only what kmalloc returned, once)");
        }
        slabCaches.pageAllocator().freePages(pfn, block.order());
        largeKmalloc.remove(pfn);
    }

    /** The large kmalloc covering pfn: buddy blocks are aligned to their size, so its head is pfn rounded down. */
    private Optional<Long> findLargeHead(long pfn) {
        for (int order = 0; order <= MAX_LARGE_ORDER; order++) {
            LargeKmalloc block = largeKmalloc.get(pfn & -(1L << order));
            if (block != null && pfn < block.pfn() + (1L << block.order())) {
                return Optional.of(block.pfn());
            }
        }
        return Optional.empty();
    }

    /**
     * ksize(p) / __ksize(): the bytes the caller may use: slab_ksize() of the object's cache
     * (kmalloc(100) gives 128), {@code PAGE_SIZE << order} for a large kmalloc, 0 for NULL and
     * ZERO_SIZE_PTR.
     *
     * @throws BadAddressException for a pointer kmalloc did not return
     */
    public long ksize(long p) {
        if (Kmalloc.isZeroOrNull(p)) {
            return 0;
        }
        SlubCache cache = slabCaches.cacheOrNull(p);
        if (cache != null) {
            return cache.kmemCache().layout().slabKsize();
        }
        long pa = p - slabCaches.directMap().pageOffset();
        LargeKmalloc block = (pa & (Pages.PAGE_SIZE - 1)) == 0 ? largeKmalloc.get(pa >>> Pages.PAGE_SHIFT) : null;
        if (block == null) {
            throw new BadAddressException(p, "ksize(" + ptr(p) + "): not memory kmalloc returned (no slab page, no"
                    + " large kmalloc starts there)");
        }
        return Pages.PAGE_SIZE << block.order();
    }

    /**
     * krealloc(p, newSize, gfp), without the 6.x tail zeroing: NULL allocates; size 0 frees and
     * returns ZERO_SIZE_PTR; when ksize(p) already holds newSize, p itself comes back; else a new
     * object gets the old bytes (as many as fit) and p is freed.
     */
    public long krealloc(long p, long newSize, int gfp) {
        InvalidArgumentException.check(newSize >= 0, "krealloc size %s is negative (size_t is unsigned)", newSize);
        if (newSize == 0) {
            kfree(p);
            return Kmalloc.ZERO_SIZE_PTR;
        }
        if (Kmalloc.isZeroOrNull(p)) {
            return kmalloc(newSize, gfp);
        }
        long ks = ksize(p);
        if (ks >= newSize) {
            return p;
        }
        long q = kmalloc(newSize, gfp);
        long pa = p - slabCaches.directMap().pageOffset();
        long qa = q - slabCaches.directMap().pageOffset();
        slabCaches.directMap().memory().copy(pa, qa, Math.min(ks, newSize));
        kfree(p);
        return q;
    }

    /** Large kmalloc blocks live now. */
    public int largeAllocations() {
        return largeKmalloc.size();
    }

    private static String ptr(long p) {
        return String.format("0x%016x", p);
    }

    @Override
    public String toString() {
        return "KmallocAllocator(" + caches.keySet() + ", " + largeKmalloc.size() + " large blocks)";
    }
}
