package io.pagelab.kernel.slub;

/**
 * The SLUB hardening options of a kernel build: CONFIG_SLAB_FREELIST_HARDENED (free pointers
 * stored encoded, and set_freepointer's naive double-free BUG) and CONFIG_SLAB_FREELIST_RANDOM
 * (each new slab's freelist in a shuffled order). Both are on in the kernels of the major
 * distributions; turn them off to watch what they defend against.
 *
 * @param freelistHardened CONFIG_SLAB_FREELIST_HARDENED
 * @param freelistRandom CONFIG_SLAB_FREELIST_RANDOM
 */
public record SlubConfig(boolean freelistHardened, boolean freelistRandom) {
    /** Both hardening options on, as distribution kernels ship. */
    public static final SlubConfig DISTRIBUTION = new SlubConfig(true, true);
    /** Both off: free pointers in clear, freelists in address order. */
    public static final SlubConfig NONE = new SlubConfig(false, false);
}
