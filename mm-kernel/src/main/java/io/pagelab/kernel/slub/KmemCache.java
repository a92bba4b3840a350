package io.pagelab.kernel.slub;

import io.pagelab.api.Pages;
import io.pagelab.api.PhysicalMemory;
import io.pagelab.api.error.BadAddressException;
import io.pagelab.api.error.DoubleFreeException;
import io.pagelab.api.error.InvalidArgumentException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SLUB cache's fixed state, what Linux 6.x mm/slub.c: kmem_cache_open() sets up: the layout
 * ({@link KmemCacheLayout}), the freelist secret s-&gt;random ({@link FreelistCodec}) and the
 * shuffle sequence s-&gt;random_seq ({@link FreelistRandom}); and the two accessors every freelist
 * walk goes through, get_freepointer() and set_freepointer(), which read and write the free pointer
 * in the object's own bytes in simulated RAM.
 *
 * <pre>
 *  free object at p:   [ ... | stored word at p + s-&gt;offset | ... ]
 *                              stored = next ^ s-&gt;random ^ swab(p + s-&gt;offset)   (hardened)
 *  get_freepointer(p) = decode(read(p + offset), p + offset)
 *  set_freepointer(p, next): BUG_ON(p == next), then write(p + offset, encode(next, p + offset))
 * </pre>
 *
 * Slabs of this cache ({@link Slab}) are built on memory the caller provides (later: compound
 * pages from the buddy allocator). The per-CPU and per-node lists are not here.
 *
 * <p>Differs from Linux: the kmem_cache is a Java object, not itself slab-allocated; there is no
 * cache merging; a constructor is only a flag (it changes the layout, nothing is called).
 */
public final class KmemCache {
    private static final Logger log = LoggerFactory.getLogger(KmemCache.class);

    private final KmemCacheLayout layout;
    private final SlubConfig config;
    private final FreelistCodec codec;
    private final int[] randomSeq;
    private final KernelRandom rng;
    private final DirectMap directMap;
    private final SlubDebug debug;
    // resolved once for the fast paths: s->offset, the memory behind the direct map, PAGE_OFFSET
    private final int offset;
    private final boolean hardened;
    private final PhysicalMemory memory;
    private final long pageOffset;
    private long jiffies;

    private KmemCache(KmemCacheLayout layout, SlubConfig config, FreelistCodec codec, int[] randomSeq, KernelRandom rng,
            DirectMap directMap, SlubDebug debug) {
        this.layout = layout;
        this.config = config;
        this.codec = codec;
        this.randomSeq = randomSeq;
        this.rng = rng;
        this.directMap = directMap;
        this.debug = debug;
        this.offset = layout.offset();
        this.hardened = codec.isHardened();
        this.memory = directMap.memory();
        this.pageOffset = directMap.pageOffset();
    }

    /**
     * kmem_cache_create() up to kmem_cache_open(): computes the layout, draws s-&gt;random
     * (CONFIG_SLAB_FREELIST_HARDENED) and builds s-&gt;random_seq (CONFIG_SLAB_FREELIST_RANDOM), both
     * from {@code rng}, in that order.
     *
     * @param debug the kernel log and taint state reports go to (shared by all caches of a machine)
     */
    public static KmemCache create(KmemCacheArgs args, SlubParams params, SlubConfig config, KernelRandom rng,
            DirectMap directMap, SlubDebug debug) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(rng, "rng");
        Objects.requireNonNull(directMap, "directMap");
        Objects.requireNonNull(debug, "debug");
        KmemCacheLayout layout = KmemCacheLayout.calculateSizes(args, params);
        FreelistCodec codec = config.freelistHardened() ? FreelistCodec.hardened(rng.getRandomLong())
                : FreelistCodec.plain();
        int[] seq = config.freelistRandom() ? FreelistRandom.initCacheRandomSeq(layout, rng) : new int[0];
        log.debug("kmem_cache_create {}: size {} objects {} order {} offset {} {}", layout.name(), layout.size(),
                layout.objects(), layout.order(), layout.offset(), codec);
        return new KmemCache(layout, config, codec, seq, rng, directMap, debug);
    }

    /** The cache's layout. */
    public KmemCacheLayout layout() {
        return layout;
    }

    /** The cache's name. */
    public String name() {
        return layout.name();
    }

    /** The hardening options this cache was built with. */
    public SlubConfig config() {
        return config;
    }

    /** The free pointer codec, holding s-&gt;random. */
    public FreelistCodec codec() {
        return codec;
    }

    /** s-&gt;random_seq as byte offsets (a copy; empty when slabs are not shuffled). */
    public int[] randomSeq() {
        return randomSeq.clone();
    }

    int[] randomSeqShared() {
        return randomSeq;
    }

    /** The random source new slabs draw their start position from. */
    KernelRandom rng() {
        return rng;
    }

    /** The memory the cache's objects live in. */
    public DirectMap directMap() {
        return directMap;
    }

    /** Where reports go. */
    public SlubDebug debug() {
        return debug;
    }

    /** The simulated jiffies stamped into tracks. */
    public long jiffies() {
        return jiffies;
    }

    /** Advances the simulated clock (for track ages). */
    public void tick(long jiffiesDelta) {
        InvalidArgumentException.check(jiffiesDelta >= 0, "time runs forward: delta %s is negative", jiffiesDelta);
        jiffies += jiffiesDelta;
    }

    /** The address where object {@code object}'s free pointer is stored: object + s-&gt;offset. */
    public long freePointerAddress(long object) {
        return object + layout.offset();
    }

    /** get_freepointer(): the next free object after {@code object}, decoded from its bytes (0: end). */
    public long getFreepointer(long object) {
        long ptrAddr = freePointerAddress(object);
        return codec.decode(directMap.readLong(ptrAddr), ptrAddr);
    }

    /**
     * set_freepointer(): stores {@code fp} (encoded) as the next free object after {@code object}.
     *
     * @throws DoubleFreeException with CONFIG_SLAB_FREELIST_HARDENED when object == fp: the
     *     kernel's BUG_ON(object == fp), "naive detection of double free or corruption" (an object
     *     freed twice in a row would point at itself)
     */
    public void setFreepointer(long object, long fp) {
        if (codec.isHardened() && object == fp) {
            throw new DoubleFreeException(object, "kernel BUG at mm/slub.c:set_freepointer()!\n"
                    + "BUG_ON(object == fp): naive detection of double free or corruption: object "
                    + SlubDebug.ptr(object) + " of " + name() + " is already the head of the freelist it is being"
                    + " freed to (freed twice in a row); a pointer may be freed once per allocation");
        }
        long ptrAddr = freePointerAddress(object);
        directMap.writeLong(ptrAddr, codec.encode(fp, ptrAddr));
    }

    /**
     * get_freepointer() for an object the caller expects in {@code slab}: when the stored word lies
     * inside the slab's pages (whose mapping newSlab() checked once), it is read from the memory
     * directly; anything else (a forged pointer from a corrupted freelist) goes through the direct
     * map's checks and faults as it would in the kernel.
     */
    long getFreepointer(long object, Slab slab) {
        long ptrAddr = object + offset;
        if (Long.compareUnsigned(ptrAddr - slab.address(), slab.bytes() - Long.BYTES) > 0) {
            return getFreepointer(object);
        }
        return codec.decode(memory.readLong(ptrAddr - pageOffset), ptrAddr);
    }

    /**
     * set_freepointer() of an object of {@code slab} (the caller checked it is one of its objects):
     * the same BUG_ON, then a write straight into the slab's pages.
     */
    void setFreepointer(long object, long fp, Slab slab) {
        long ptrAddr = object + offset;
        if ((hardened && object == fp)
                || Long.compareUnsigned(ptrAddr - slab.address(), slab.bytes() - Long.BYTES) > 0) {
            setFreepointer(object, fp);
            return;
        }
        memory.writeLong(ptrAddr - pageOffset, codec.encode(fp, ptrAddr));
    }

    /** get_track(): the alloc or free track of an object (SLAB_STORE_USER caches). */
    public Track getTrack(long object, boolean free) {
        long t = object + layout.trackOffset(free);
        return new Track(directMap.readLong(t + Track.ADDR), directMap.readInt(t + Track.CPU),
                directMap.readInt(t + Track.PID), directMap.readLong(t + Track.WHEN));
    }

    /** set_track(): records who allocated or freed an object; Track.NONE clears it. */
    void setTrack(long object, boolean free, Track who) {
        long t = object + layout.trackOffset(free);
        directMap.fill(t, KmemCacheLayout.TRACK_SIZE, 0);
        if (who.addr() != 0) {
            directMap.writeLong(t + Track.ADDR, who.addr());
            directMap.writeInt(t + Track.CPU, who.cpu());
            directMap.writeInt(t + Track.PID, who.pid());
            directMap.writeLong(t + Track.WHEN, who.when());
        }
    }

    /**
     * allocate_slab(): turns {@code 2^order} pages at direct-map address {@code slabAddress} into a
     * slab of this cache: poisons it (SLAB_POISON), prepares every object (red zones, poison,
     * tracks) and links all objects into the slab's freelist, shuffled (shuffle_freelist()) or in
     * address order.
     *
     * @param order the cache's preferred order or its fallback (s-&gt;min)
     * @throws BadAddressException when the address is not aligned to the slab size
     */
    public Slab newSlab(long slabAddress, int order) {
        InvalidArgumentException.check(order == layout.order() || order == layout.minOrder(),
                "slab order %s is not allowed: the cache uses order %s (or the fallback %s)", order, layout.order(),
                layout.minOrder());
        long bytes = Pages.PAGE_SIZE << order;
        if ((slabAddress & (bytes - 1)) != 0) {
            throw BadAddressException.misaligned("slab address", slabAddress, bytes);
        }
        int objects = order == layout.order() ? layout.objects() : layout.minObjects();
        directMap.pa(slabAddress, (int) bytes, true); // all of it must be mapped before anything is written
        return Slab.allocate(this, slabAddress, order, objects);
    }
}
