package io.pagelab.kernel.slub;

import io.pagelab.api.PageAllocator;
import io.pagelab.api.Pages;
import io.pagelab.api.error.BadAddressException;
import io.pagelab.api.error.InvalidArgumentException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every SLUB cache of one machine over its page allocator: the slab_caches list and the address
 * lookups of mm/slab_common.c and mm/slab.h (Linux 6.x): kmem_cache_create(), virt_to_slab(),
 * virt_to_cache(), cache_from_obj() with its "Wrong slab cache" check, kmem_cache_free(),
 * kmem_cache_shrink() of all caches and /proc/slabinfo.
 *
 * <pre>
 *  kmem_cache_create("foo", ...) --&gt; SlubCache --&gt; slab pages: alloc_pages(s-&gt;allocflags | __GFP_COMP, order)
 *  address --&gt; pfn --&gt; page-&gt;slab_cache (here: a pfn map filled as slabs are made, emptied as they go back)
 * </pre>
 *
 * <p>Differs from Linux: struct slab overlays struct page in the kernel, so virt_to_slab() reads
 * the page's own fields; pagelab keeps a pfn-to-cache map ({@link PfnMap}, primitive keys) beside the page allocator instead (the
 * buddy allocator's memmap is not extended with slab fields). On a free to the wrong cache Linux
 * warns and frees the object to the cache it really belongs to; pagelab reports the same warning
 * and refuses the free, leaving both caches untouched, so the bug stays visible.
 */
public final class SlabCaches {
    private static final Logger log = LoggerFactory.getLogger(SlabCaches.class);

    private final PageAllocator pageAllocator;
    private final DirectMap directMap;
    private final SlubParams params;
    private final SlubConfig config;
    private final KernelRandom rng;
    private final SlubDebug debug;
    private final int nrCpus;
    private final boolean strictDoubleFree;
    private final List<SlubCache> caches = new ArrayList<>();
    private final PfnMap<SlubCache> cacheByPfn = new PfnMap<>();

    /**
     * The caches of a machine with {@code nrCpus} CPUs whose slabs come from {@code pageAllocator}
     * (the buddy allocator) and whose objects live in {@code directMap}'s memory.
     *
     * @param strictDoubleFree see {@link SlubCache}: true makes every double free throw
     */
    public SlabCaches(PageAllocator pageAllocator, DirectMap directMap, SlubParams params, SlubConfig config,
            KernelRandom rng, int nrCpus, boolean strictDoubleFree) {
        this.pageAllocator = Objects.requireNonNull(pageAllocator, "pageAllocator");
        this.directMap = Objects.requireNonNull(directMap, "directMap");
        this.params = Objects.requireNonNull(params, "params");
        this.config = Objects.requireNonNull(config, "config");
        this.rng = Objects.requireNonNull(rng, "rng");
        InvalidArgumentException.check(nrCpus >= 1 && nrCpus <= 8192, "CPU count %s is not allowed: 1..8192", nrCpus);
        this.nrCpus = nrCpus;
        this.strictDoubleFree = strictDoubleFree;
        this.debug = new SlubDebug();
    }

    /** The page allocator slabs come from. */
    public PageAllocator pageAllocator() {
        return pageAllocator;
    }

    /** The direct map objects live in. */
    public DirectMap directMap() {
        return directMap;
    }

    /** The boot parameters caches are sized with. */
    public SlubParams params() {
        return params;
    }

    /** The kernel log and taint state shared by every cache. */
    public SlubDebug debug() {
        return debug;
    }

    /**
     * kmem_cache_create(): a new cache, added to the slab_caches list.
     *
     * @throws InvalidArgumentException when a cache of that name exists already (pagelab does not
     *     merge caches, so names must be unique to keep /proc/slabinfo unambiguous)
     */
    public SlubCache create(KmemCacheArgs args) {
        Objects.requireNonNull(args, "args");
        for (SlubCache c : caches) {
            if (c.name().equals(args.name())) {
                throw new InvalidArgumentException("kmem_cache_create(" + args.name()
                        + "): a cache of that name exists already; names must be unique");
            }
        }
        KmemCache core = KmemCache.create(args, params, config, rng, directMap, debug);
        SlubCache[] self = new SlubCache[1];
        SlabPageSource source = new SlabPageSource() {
            private final SlabPageSource buddy = SlabPageSource.of(pageAllocator);

            @Override
            public long allocPages(int order, int gfp) {
                long pa = buddy.allocPages(order, gfp);
                long pfn = Pages.pfnDown(pa);
                for (long i = 0; i < (1L << order); i++) {
                    cacheByPfn.put(pfn + i, self[0]);
                }
                return pa;
            }

            @Override
            public void freePages(long physAddress, int order) {
                long pfn = Pages.pfnDown(physAddress);
                buddy.freePages(physAddress, order);
                for (long i = 0; i < (1L << order); i++) {
                    cacheByPfn.remove(pfn + i);
                }
            }
        };
        SlubCache cache = new SlubCache(core, source, nrCpus, strictDoubleFree);
        self[0] = cache;
        caches.add(cache);
        log.debug("kmem_cache_create {}: size {} objperslab {} order {}", cache.name(), core.layout().size(),
                core.layout().objects(), core.layout().order());
        return cache;
    }

    /** The caches, oldest first. */
    public List<SlubCache> caches() {
        return Collections.unmodifiableList(caches);
    }

    /** The cache of this name, if any. */
    public Optional<SlubCache> find(String name) {
        for (SlubCache c : caches) {
            if (c.name().equals(name)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    private long pfnOf(long address) {
        return (address - directMap.pageOffset()) >>> Pages.PAGE_SHIFT;
    }

    /** virt_to_cache(): the cache whose slab holds this address (page-&gt;slab_cache), if any. */
    public Optional<SlubCache> virtToCache(long address) {
        return Optional.ofNullable(cacheByPfn.get(pfnOf(address)));
    }

    /** virt_to_cache() without the Optional, for the free paths: null when no slab holds the address. */
    public SlubCache cacheOrNull(long address) {
        return cacheByPfn.get(pfnOf(address));
    }

    /** virt_to_slab(): the slab whose pages hold this address, if any (NULL when it is no slab page). */
    public Optional<Slab> virtToSlab(long address) {
        SlubCache c = cacheByPfn.get(pfnOf(address));
        return c == null ? Optional.empty() : c.virtToSlab(address);
    }

    /**
     * kmem_cache_free(s, x) with cache_from_obj(): the object must belong to a slab of {@code s}.
     *
     * @throws BadAddressException when no slab holds the address (virt_to_cache()'s "Object is not
     *     a Slab page!"), or the address is not an object start
     * @throws InvalidArgumentException when the object belongs to another cache, with the kernel's
     *     "Wrong slab cache" warning; nothing is freed
     * @throws io.pagelab.api.error.DoubleFreeException when the object is already free
     */
    public void kmemCacheFree(SlubCache s, long x) {
        Objects.requireNonNull(s, "cache");
        SlubCache owner = cacheByPfn.get(pfnOf(x));
        if (owner == null) {
            throw new BadAddressException(x, "WARNING: virt_to_cache: Object is not a Slab page!\n"
                    + "kmem_cache_free(" + s.name() + ", " + SlubDebug.ptr(x) + "): no slab holds this address; free"
                    + " only what kmem_cache_alloc() returned");
        }
        if (owner != s) {
            throw new InvalidArgumentException("WARNING: cache_from_obj: Wrong slab cache. " + s.name()
                    + " but object is from " + owner.name() + "\n(" + SlubDebug.ptr(x) + " was allocated from "
                    + owner.name() + "; free it to that cache. Linux frees it there after the warning; pagelab"
                    + " refuses and changes nothing)");
        }
        s.free(x);
    }

    /**
     * kmem_cache_shrink() on every cache: flushes the per-CPU slabs and returns every empty slab to
     * the page allocator.
     *
     * @return the number of slabs returned
     */
    public int shrinkAll() {
        int freed = 0;
        for (SlubCache c : caches) {
            freed += c.shrink();
        }
        return freed;
    }

    /** The slab pages every cache holds now. */
    public long slabPages() {
        return cacheByPfn.size();
    }

    /** The /proc/slabinfo rows, newest cache first as the kernel walks slab_caches. */
    public List<SlabinfoRow> slabinfoRows() {
        List<SlabinfoRow> rows = new ArrayList<>(caches.size());
        for (int i = caches.size() - 1; i >= 0; i--) {
            rows.add(caches.get(i).slabinfo());
        }
        return rows;
    }

    /** /proc/slabinfo of the live caches. */
    public String procSlabinfo() {
        return ProcSlabinfo.render(slabinfoRows());
    }

    @Override
    public String toString() {
        return "SlabCaches(" + caches.size() + " caches, " + cacheByPfn.size() + " slab pages)";
    }
}
