package io.pagelab.kernel.slub;

import io.pagelab.api.error.InvalidArgumentException;

/**
 * The machine and boot parameters SLUB sizes its caches from (mm/slub.c, Linux 6.x): the
 * {@code slab_min_order=}, {@code slab_max_order=}, {@code slab_min_objects=} and
 * {@code slab_debug=} boot parameters (old names {@code slub_*}), the CPU counts
 * calculate_order() reads, and the cache line size calculate_alignment() reads.
 *
 * @param slubMinOrder smallest slab order (default 0)
 * @param slubMaxOrder largest order calculate_order() prefers (default PAGE_ALLOC_COSTLY_ORDER = 3)
 * @param slubMinObjects objects a slab should hold at least; 0 (the default) derives it from the
 *     CPU count: 4 * (fls(nr_cpus) + 1)
 * @param presentCpus num_present_cpus()
 * @param nrCpuIds nr_cpu_ids (possible CPUs); used instead of presentCpus when that is 1 or less
 * @param cacheLineSize cache_line_size(): 64 on x86-64
 * @param slubDebug the slab_debug= flags applied to every cache (0: debugging off)
 */
public record SlubParams(int slubMinOrder, int slubMaxOrder, int slubMinObjects, int presentCpus, int nrCpuIds,
        int cacheLineSize, int slubDebug) {

    /** PAGE_ALLOC_COSTLY_ORDER (include/linux/mmzone.h): the default slab_max_order. */
    public static final int PAGE_ALLOC_COSTLY_ORDER = 3;
    /** MAX_PAGE_ORDER on x86-64 with 4 KiB pages (Linux 6.4+; MAX_ORDER - 1 before). */
    public static final int MAX_PAGE_ORDER = 10;
    /** L1_CACHE_BYTES on x86-64. */
    public static final int X86_64_CACHE_LINE = 64;

    public SlubParams {
        InvalidArgumentException.check(slubMaxOrder >= 0 && slubMaxOrder <= MAX_PAGE_ORDER,
                "slab_max_order %s is not allowed: expected 0..%s (MAX_PAGE_ORDER)", slubMaxOrder, MAX_PAGE_ORDER);
        InvalidArgumentException.check(slubMinOrder >= 0 && slubMinOrder <= slubMaxOrder,
                "slab_min_order %s is not allowed: expected 0..slab_max_order %s", slubMinOrder, slubMaxOrder);
        InvalidArgumentException.check(slubMinObjects >= 0 && slubMinObjects <= SlabSizing.MAX_OBJS_PER_PAGE,
                "slab_min_objects %s is not allowed: expected 0 (derive from CPUs) .. %s", slubMinObjects,
                SlabSizing.MAX_OBJS_PER_PAGE);
        InvalidArgumentException.check(presentCpus >= 0 && nrCpuIds >= 1 && presentCpus <= nrCpuIds,
                "CPU counts present %s, possible %s are not allowed: need 1 <= possible and present <= possible",
                presentCpus, nrCpuIds);
        InvalidArgumentException.check(cacheLineSize >= 8 && Integer.bitCount(cacheLineSize) == 1,
                "cache line size %s is not allowed: a power of two >= 8", cacheLineSize);
        InvalidArgumentException.check((slubDebug & ~SlabFlags.SLAB_DEBUG_FLAGS) == 0,
                "slab_debug flags %s are not allowed: only SLAB_CONSISTENCY_CHECKS, SLAB_RED_ZONE, SLAB_POISON,"
                        + " SLAB_STORE_USER, SLAB_TRACE", slubDebug);
    }

    /** Default boot parameters on an x86-64 machine with {@code cpus} CPUs, all present. */
    public static SlubParams defaults(int cpus) {
        return new SlubParams(0, PAGE_ALLOC_COSTLY_ORDER, 0, cpus, cpus, X86_64_CACHE_LINE, 0);
    }

    /** The same parameters with {@code slab_debug=} set to these flags. */
    public SlubParams withSlubDebug(int debugFlags) {
        return new SlubParams(slubMinOrder, slubMaxOrder, slubMinObjects, presentCpus, nrCpuIds, cacheLineSize,
                debugFlags);
    }

    /**
     * The minimum number of objects per slab calculate_order() aims for: slab_min_objects if set,
     * else 4 * (fls(nr_cpus) + 1) where nr_cpus is num_present_cpus(), or nr_cpu_ids when at most
     * one CPU is present (some architectures only mark CPUs present as they come online).
     * 1 CPU: 8; 2-3: 12; 4-7: 16; 8-15: 20; 16-31: 24.
     */
    public int minObjects() {
        if (slubMinObjects != 0) {
            return slubMinObjects;
        }
        int nrCpus = presentCpus <= 1 ? nrCpuIds : presentCpus;
        return 4 * (SlabSizing.fls(nrCpus) + 1);
    }

    /**
     * kmem_cache_flags(): the flags a cache really gets, with the slab_debug= flags added unless
     * the cache opts out (SLAB_NO_USER_FLAGS); SLAB_NOLEAKTRACE caches do not get SLAB_STORE_USER.
     */
    public int kmemCacheFlags(int flags) {
        if ((flags & SlabFlags.SLAB_NO_USER_FLAGS) != 0) {
            return flags;
        }
        int debug = slubDebug;
        if ((flags & SlabFlags.SLAB_NOLEAKTRACE) != 0) {
            debug &= ~SlabFlags.SLAB_STORE_USER;
        }
        return flags | debug;
    }
}
