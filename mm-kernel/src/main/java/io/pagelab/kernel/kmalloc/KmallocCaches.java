package io.pagelab.kernel.kmalloc;

import io.pagelab.api.Pages;
import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.kernel.slub.KmemCacheArgs;
import io.pagelab.kernel.slub.KmemCacheLayout;
import io.pagelab.kernel.slub.SlabFlags;
import io.pagelab.kernel.slub.SlubParams;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The layouts of every kmalloc cache on one machine, as create_kmalloc_caches() makes them at
 * boot (mm/slab_common.c, Linux 6.x): for each {@link KmallocType}, kmalloc-8 ... kmalloc-8k plus
 * kmalloc-96 and kmalloc-192, each a SLAB_KMALLOC cache sized by calculate_sizes(). It answers
 * ksize() for a request: the usable size of what kmalloc(size) returns.
 *
 * <p>Differs from Linux: only the layouts (no objects, no memory); DMA caches get SLAB_CACHE_DMA,
 * reclaimable ones SLAB_RECLAIM_ACCOUNT, cgroup ones SLAB_ACCOUNT, as new_kmalloc_cache() sets.
 */
public final class KmallocCaches {
    private final SlubParams params;
    private final Map<KmallocType, KmemCacheLayout[]> caches = new EnumMap<>(KmallocType.class);

    /** The kmalloc caches of a machine booted with these SLUB parameters. */
    public KmallocCaches(SlubParams params) {
        this.params = Objects.requireNonNull(params, "params");
        for (KmallocType type : KmallocType.values()) {
            KmemCacheLayout[] layouts = new KmemCacheLayout[Kmalloc.KMALLOC_SHIFT_HIGH + 1];
            for (int index = 1; index <= Kmalloc.KMALLOC_SHIFT_HIGH; index++) {
                if (index == 1 || index == 2 || index >= Kmalloc.KMALLOC_SHIFT_LOW) {
                    String name = Kmalloc.kmallocCacheName(type, index);
                    layouts[index] = KmemCacheLayout.calculateSizes(
                            KmemCacheArgs.kmalloc(name, Kmalloc.kmallocSize(index), extraFlags(type)), params);
                }
            }
            caches.put(type, layouts);
        }
    }

    private static int extraFlags(KmallocType type) {
        switch (type) {
            case KMALLOC_DMA:
                return SlabFlags.SLAB_CACHE_DMA;
            case KMALLOC_RECLAIM:
                return SlabFlags.SLAB_RECLAIM_ACCOUNT;
            case KMALLOC_CGROUP:
                return SlabFlags.SLAB_ACCOUNT;
            default:
                return 0;
        }
    }

    /** The boot parameters these caches were sized with. */
    public SlubParams params() {
        return params;
    }

    /** The layout of kmalloc_caches[type][index]. */
    public KmemCacheLayout layout(KmallocType type, int index) {
        Kmalloc.kmallocSize(index); // validates the index
        return caches.get(type)[index];
    }

    /** The layout of the cache kmalloc(size) uses, for 1..8192 bytes. */
    public KmemCacheLayout cacheFor(long size, KmallocType type) {
        return layout(type, Kmalloc.kmallocSlabIndex(size));
    }

    /** Every cache of one family, smallest object first (kmalloc-8, -16, -32, -64, -96, -128, -192 ...). */
    public List<KmemCacheLayout> all(KmallocType type) {
        List<KmemCacheLayout> list = new ArrayList<>();
        for (KmemCacheLayout l : caches.get(type)) {
            if (l != null) {
                list.add(l);
            }
        }
        list.sort((a, b) -> Integer.compare(a.objectSize(), b.objectSize()));
        return list;
    }

    /**
     * ksize() of the pointer kmalloc(size) returns: the cache's slab_ksize() for slab objects (the
     * whole slot without debugging: kmalloc(100) gives 128), {@code PAGE_SIZE << order} for
     * kmalloc_large blocks, 0 for kmalloc(0).
     *
     * @throws InvalidArgumentException for sizes kmalloc cannot serve (above KMALLOC_MAX_SIZE)
     */
    public long ksizeOfRequest(long size, KmallocType type) {
        KmallocRoute r = Kmalloc.route(size, type);
        if (r instanceof KmallocRoute.ZeroSize) {
            return 0;
        }
        if (r instanceof KmallocRoute.SlabCache) {
            return layout(type, ((KmallocRoute.SlabCache) r).index()).slabKsize();
        }
        if (r instanceof KmallocRoute.PageAllocator) {
            return Pages.PAGE_SIZE << ((KmallocRoute.PageAllocator) r).order();
        }
        throw new InvalidArgumentException("kmalloc(" + size + ") fails: above KMALLOC_MAX_SIZE "
                + Kmalloc.KMALLOC_MAX_SIZE + ", so there is no object to ask ksize() about");
    }
}
