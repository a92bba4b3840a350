package io.pagelab.kernel.kmalloc;

import io.pagelab.api.Gfp;

/**
 * The kmalloc cache families of include/linux/slab.h {@code enum kmalloc_cache_type} (Linux 6.x),
 * each a full set of kmalloc-8 ... kmalloc-8k with its own name prefix.
 *
 * <p>Differs from Linux: the CONFIG_RANDOM_KMALLOC_CACHES copies (kmalloc-rnd-01-N ...) are not
 * modelled.
 */
public enum KmallocType {
    /** GFP_KERNEL and friends: "kmalloc-N". */
    KMALLOC_NORMAL("kmalloc-"),
    /** __GFP_RECLAIMABLE: "kmalloc-rcl-N". */
    KMALLOC_RECLAIM("kmalloc-rcl-"),
    /** __GFP_DMA: "dma-kmalloc-N". */
    KMALLOC_DMA("dma-kmalloc-"),
    /** __GFP_ACCOUNT (memcg accounted, 5.14+): "kmalloc-cg-N". */
    KMALLOC_CGROUP("kmalloc-cg-");

    private final String prefix;

    KmallocType(String prefix) {
        this.prefix = prefix;
    }

    /** The name prefix: "kmalloc-", "kmalloc-rcl-", "dma-kmalloc-", "kmalloc-cg-". */
    public String prefix() {
        return prefix;
    }

    /**
     * kmalloc_type(): the family a request with these {@link Gfp} flags uses. No special bit: NORMAL;
     * __GFP_DMA wins, then __GFP_RECLAIMABLE, then __GFP_ACCOUNT (CONFIG_ZONE_DMA and CONFIG_MEMCG on).
     */
    public static KmallocType of(int gfp) {
        if ((gfp & (Gfp.__GFP_DMA | Gfp.__GFP_RECLAIMABLE | Gfp.__GFP_ACCOUNT)) == 0) {
            return KMALLOC_NORMAL;
        }
        if ((gfp & Gfp.__GFP_DMA) != 0) {
            return KMALLOC_DMA;
        }
        if ((gfp & Gfp.__GFP_RECLAIMABLE) != 0) {
            return KMALLOC_RECLAIM;
        }
        return KMALLOC_CGROUP;
    }
}
