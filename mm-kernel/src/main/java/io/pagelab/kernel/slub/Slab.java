package io.pagelab.kernel.slub;

import io.pagelab.api.Pages;
import io.pagelab.api.error.BadAddressException;
import io.pagelab.api.error.DoubleFreeException;
import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.api.error.MemoryCorruptionException;
import io.pagelab.api.error.OutOfMemoryException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One slab: {@code 2^order} pages cut into objects, with its freelist threaded through the free
 * objects' own bytes, as Linux 6.x mm/slub.c builds and uses it (allocate_slab(),
 * shuffle_freelist(), alloc_single_from_partial(), free_to_partial_list() and, for slub_debug
 * caches, alloc_debug_processing() / free_debug_processing()).
 *
 * <pre>
 *  slab_address                                                      (PAGE_SIZE &lt;&lt; order)
 *  | obj0       | obj1       | obj2       | obj3       | ... | objN-1     | leftover |
 *        |                          ^  |                          ^
 *        +-- stored fp -------------+  +-- stored fp -------------+---&gt; ... ---&gt; NULL
 *  slab-&gt;freelist = obj0 (linear) or random_seq[pos] (shuffled); slab-&gt;inuse counts handed-out objects
 * </pre>
 *
 * The head of the list and the counters (struct slab's freelist, inuse, objects) are Java fields;
 * every link is a word in simulated RAM, so corrupting an object's bytes corrupts the list exactly
 * as it would in the kernel. What that leads to depends on the cache:
 * <ul>
 *   <li>plain caches trust the list: a forged link is followed (with hardening it decodes to
 *       garbage and the next access faults); a double free is caught only when the object is
 *       already the head (set_freepointer's BUG_ON), otherwise the list silently gets a cycle;</li>
 *   <li>SLAB_CONSISTENCY_CHECKS (slub_debug=F) caches check the slab, the object's red zones,
 *       poison and padding and its free pointer on every alloc and free, and walk the freelist to
 *       find double frees ("Object already free").</li>
 * </ul>
 *
 * Differs from Linux: a failed check throws ({@link MemoryCorruptionException},
 * {@link DoubleFreeException}) before anything changes, instead of restoring bytes and going on.
 * Freeing an address that is not an object of this slab always throws (Linux checks it only with
 * slub_debug=F), and so does a free to a slab with no object in use (where Linux's counter would
 * underflow after an undetected double free).
 */
public final class Slab {
    private static final Logger log = LoggerFactory.getLogger(Slab.class);

    private final KmemCache cache;
    private final long address;
    private final int order;
    private final int objects;
    private long freelist;
    private int inuse;
    private boolean frozen;
    /** pagelab's own bookkeeping: one bit per object, set while it is handed out. */
    private final long[] allocated;
    // the geometry, resolved once so the fast paths neither chase the layout nor divide
    private final long firstObject;
    private final long bytes;
    private final int size;
    private final long span;
    private final long reciprocal;

    private Slab(KmemCache cache, long address, int order, int objects) {
        this.cache = cache;
        this.address = address;
        this.order = order;
        this.objects = objects;
        this.allocated = new long[(objects + 63) >>> 6];
        KmemCacheLayout s = cache.layout();
        this.firstObject = address + s.redLeftPad();
        this.bytes = Pages.PAGE_SIZE << order;
        this.size = s.size();
        this.span = (long) objects * size;
        this.reciprocal = ((1L << RECIPROCAL_SHIFT) + size - 1) / size;
    }

    /**
     * obj_to_index() divides by multiplying with s-&gt;reciprocal_size (include/linux/reciprocal_div.h);
     * here ceil(2^40 / size): for an offset rel = q * size inside a slab (rel &lt; 2^40), q * size *
     * ceil(2^40 / size) / 2^40 lies in [q, q + rel / 2^40), so the quotient is exact, and an offset
     * that is no multiple of size shows a non-zero remainder. Slabs are at most 2^22 bytes and
     * objects at least 8 bytes, so the product stays below 2^63.
     */
    private static final int RECIPROCAL_SHIFT = 40;

    /** allocate_slab() after the pages were obtained: debug setup and the freelist. */
    static Slab allocate(KmemCache cache, long address, int order, int objects) {
        Slab slab = new Slab(cache, address, order, objects);
        KmemCacheLayout s = cache.layout();
        DirectMap mem = cache.directMap();
        if (s.hasFlag(SlabFlags.SLAB_POISON)) {
            mem.fill(address, Pages.PAGE_SIZE << order, SlubDebug.POISON_INUSE); // setup_slab_debug
        }
        int[] seq = cache.randomSeqShared();
        if (objects >= 2 && seq.length >= 2) {
            int pos = cache.rng().getRandomU32Below(seq.length);
            long[] offsets = FreelistRandom.shuffledOffsets(seq, objects, s.size(), pos);
            long first = slab.firstObject();
            long cur = first + offsets[0];
            slab.setupObject(cur);
            slab.freelist = cur;
            for (int i = 1; i < objects; i++) {
                long next = first + offsets[i];
                slab.setupObject(next);
                cache.setFreepointer(cur, next);
                cur = next;
            }
            cache.setFreepointer(cur, 0);
            if (log.isDebugEnabled()) { // the arguments (hex strings, boxed counters) cost even when not logged
                log.debug("{}: new slab {} order {} shuffled from random_seq[{}]", s.name(), hex(address), order, pos);
            }
        } else {
            long p = slab.firstObject();
            slab.setupObject(p);
            slab.freelist = p;
            for (int i = 0; i < objects - 1; i++) {
                long next = p + s.size();
                slab.setupObject(next);
                cache.setFreepointer(p, next);
                p = next;
            }
            cache.setFreepointer(p, 0);
            if (log.isDebugEnabled()) { // the arguments (hex strings, boxed counters) cost even when not logged
                log.debug("{}: new slab {} order {} in address order", s.name(), hex(address), order);
            }
        }
        return slab;
    }

    /** setup_object() / setup_object_debug(): red zones and poison of a free object, empty tracks. */
    private void setupObject(long object) {
        KmemCacheLayout s = cache.layout();
        if ((s.flags() & (SlabFlags.SLAB_STORE_USER | SlabFlags.SLAB_RED_ZONE | SlabFlags.__OBJECT_POISON)) == 0) {
            return;
        }
        initObject(object, SlubDebug.SLUB_RED_INACTIVE, s.objectSize());
        if (s.hasFlag(SlabFlags.SLAB_STORE_USER)) {
            cache.setTrack(object, false, Track.NONE);
            cache.setTrack(object, true, Track.NONE);
        }
    }

    /**
     * init_object(): left red zone, poison (0x6b ... 0xa5) up to {@code poisonSize}, and red zone
     * from there to inuse; with the kmalloc request size saved, bytes past the request are red zone.
     */
    private void initObject(long p, int val, int poisonSize) {
        KmemCacheLayout s = cache.layout();
        DirectMap mem = cache.directMap();
        if (s.hasFlag(SlabFlags.SLAB_RED_ZONE)) {
            mem.fill(p - s.redLeftPad(), s.redLeftPad(), val);
        }
        if (s.hasFlag(SlabFlags.__OBJECT_POISON)) {
            mem.fill(p, poisonSize - 1, SlubDebug.POISON_FREE);
            mem.fill(p + poisonSize - 1, 1, SlubDebug.POISON_END);
        }
        if (s.hasFlag(SlabFlags.SLAB_RED_ZONE)) {
            mem.fill(p + poisonSize, s.inuse() - poisonSize, val);
        }
    }

    /** The cache this slab belongs to (slab-&gt;slab_cache). */
    public KmemCache cache() {
        return cache;
    }

    /** slab_address(): the direct-map address of the slab's first byte. */
    public long address() {
        return address;
    }

    /** The slab's order (1 &lt;&lt; order pages). */
    public int order() {
        return order;
    }

    /** slab-&gt;objects. */
    public int objects() {
        return objects;
    }

    /** slab-&gt;inuse: objects handed out. */
    public int inuse() {
        return inuse;
    }

    /** slab-&gt;freelist: the first free object (0 when the slab is full). */
    public long freelist() {
        return freelist;
    }

    /** slab-&gt;frozen: the slab is some CPU's active slab or on a per-CPU partial list. */
    public boolean frozen() {
        return frozen;
    }

    void setFrozen(boolean frozen) {
        this.frozen = frozen;
    }

    /**
     * get_freelist() / freeze_slab(): hands the whole freelist to a CPU (slab-&gt;freelist = NULL,
     * inuse = objects: objects on a CPU freelist count as in use) and returns its head.
     */
    long takeFreelist() {
        long head = freelist;
        freelist = 0;
        inuse = objects;
        return head;
    }

    /**
     * deactivate_slab(): the CPU gives back a chain of {@code count} free objects head .. tail; they
     * go in front of the slab's own freelist (objects freed remotely meanwhile).
     */
    void putBackChain(long head, long tail, int count) {
        if (count == 0) {
            return;
        }
        cache.setFreepointer(tail, freelist);
        freelist = head;
        inuse -= count;
    }

    /**
     * The index of the object starting at {@code object}, or -1 when no object of this slab starts
     * there: O(1), one multiplication, no division.
     */
    int indexOf(long object) {
        long rel = object - firstObject;
        if (Long.compareUnsigned(rel, span) >= 0) {
            return -1;
        }
        long q = (rel * reciprocal) >>> RECIPROCAL_SHIFT;
        return rel - q * size == 0 ? (int) q : -1;
    }

    /** pagelab's own bookkeeping of handed-out objects (used by SlubCache's strict double-free check). */
    boolean isAllocated(long object) {
        int index = indexOf(object);
        return index >= 0 && isAllocatedAt(index);
    }

    boolean isAllocatedAt(int index) {
        return (allocated[index >>> 6] & (1L << index)) != 0;
    }

    void markAllocated(long object, boolean value) {
        int index = indexOf(object);
        if (index >= 0) { // a forged freelist can hand out anything; only real objects are tracked
            markAllocatedAt(index, value);
        }
    }

    void markAllocatedAt(int index, boolean value) {
        if (value) {
            allocated[index >>> 6] |= 1L << index;
        } else {
            allocated[index >>> 6] &= ~(1L << index);
        }
    }

    /** The slab's size in bytes: PAGE_SIZE &lt;&lt; order. */
    long bytes() {
        return bytes;
    }

    /** The first object's address: slab_address + red_left_pad (fixup_red_left). */
    public long firstObject() {
        return firstObject;
    }

    /** The address of object {@code index}. */
    public long objectAddress(int index) {
        if (index < 0 || index >= objects) {
            throw new InvalidArgumentException("object index " + index + " is outside slab " + hex(address)
                    + ": 0.." + (objects - 1));
        }
        return firstObject() + (long) index * cache.layout().size();
    }

    /** True when the address lies anywhere inside this slab's pages. */
    public boolean contains(long addr) {
        return Long.compareUnsigned(addr - address, bytes) < 0;
    }

    /**
     * check_valid_pointer(): NULL, or an object start of this slab (inside the objects area, a
     * multiple of s-&gt;size from the first slot).
     */
    public boolean checkValidPointer(long object) {
        return object == 0 || indexOf(object) >= 0;
    }

    /** obj_to_index(): which object of the slab this is. */
    public int objToIndex(long object) {
        checkObjectAddress(object, "object");
        return indexOf(object);
    }

    /** The free objects in list order, following the stored pointers (at most objects + 1 steps). */
    public List<Long> freelistObjects() {
        List<Long> list = new ArrayList<>();
        long p = freelist;
        while (p != 0 && list.size() <= objects) {
            list.add(p);
            if (!checkValidPointer(p)) {
                break;
            }
            p = cache.getFreepointer(p);
        }
        return list;
    }

    /**
     * on_freelist(): whether {@code search} is on the slab's freelist, walking at most objects
     * links and stopping at the first invalid one.
     */
    public boolean onFreelist(long search) {
        long fp = freelist;
        int nr = 0;
        while (fp != 0 && nr <= objects) {
            if (fp == search) {
                return true;
            }
            if (!checkValidPointer(fp)) {
                return false;
            }
            fp = cache.getFreepointer(fp);
            nr++;
        }
        return false;
    }

    /** Allocates one object with no saved request size and no track. */
    public long allocObject() {
        return allocObject(cache.layout().objectSize(), Track.NONE);
    }

    /**
     * Takes the first object off the freelist (object = slab-&gt;freelist; slab-&gt;freelist =
     * get_freepointer(object); inuse++), after alloc_debug_processing() on debug caches: consistency
     * checks (slub_debug=F), then the saved request size, red zones and poison of an allocated
     * object, and the alloc track.
     *
     * @param origSize the kmalloc request size (object_size for kmem_cache_alloc)
     * @param who the caller to record (SLAB_STORE_USER)
     * @throws OutOfMemoryException when the slab is full
     * @throws MemoryCorruptionException when a consistency check fails (the report is the message)
     */
    public long allocObject(int origSize, Track who) {
        KmemCacheLayout s = cache.layout();
        if (freelist == 0) {
            throw new OutOfMemoryException(s.size(), "slab " + hex(address) + " of " + s.name() + " is full: " + objects
                    + " of " + objects + " objects in use");
        }
        long object = freelist;
        if (s.hasFlag(SlabFlags.SLAB_CONSISTENCY_CHECKS)) {
            allocConsistencyChecks(object);
        }
        long next = cache.getFreepointer(object);
        freelist = next;
        inuse++;
        markAllocated(object, true);
        if (s.isDebug()) {
            int poisonSize = s.objectSize();
            if (s.storesOrigSize()) {
                int orig = Math.max(1, Math.min(origSize, s.objectSize()));
                cache.directMap().writeInt(object + s.origSizeOffset(), orig);
                if (s.hasFlag(SlabFlags.SLAB_RED_ZONE)) {
                    poisonSize = orig;
                }
            }
            if ((s.flags() & (SlabFlags.SLAB_RED_ZONE | SlabFlags.__OBJECT_POISON)) != 0) {
                initObject(object, SlubDebug.SLUB_RED_ACTIVE, poisonSize);
            }
            if (s.hasFlag(SlabFlags.SLAB_STORE_USER)) {
                cache.setTrack(object, false, who);
            }
        }
        if (log.isDebugEnabled()) { // the arguments (hex strings, boxed counters) cost even when not logged
            log.debug("{}: alloc {} from slab {} (inuse {}/{}), next free {}", s.name(), hex(object), hex(address),
                    inuse, objects, hex(next));
        }
        return object;
    }

    /** Frees one object with no track. */
    public void freeObject(long object) {
        freeObject(object, Track.NONE);
    }

    /**
     * Puts an object back at the head of the freelist (set_freepointer(object, slab-&gt;freelist);
     * slab-&gt;freelist = object; inuse--), after free_debug_processing() on debug caches:
     * consistency checks (slub_debug=F), the free track, red zones and poison of a free object.
     *
     * @throws BadAddressException when the address is not an object of this slab
     * @throws DoubleFreeException when the object is already free: the naive BUG_ON (hardened) or
     *     "Object already free" (slub_debug=F)
     * @throws MemoryCorruptionException when a consistency check fails
     */
    public void freeObject(long object, Track who) {
        KmemCacheLayout s = cache.layout();
        checkObjectAddress(object, "freed pointer");
        if (s.hasFlag(SlabFlags.SLAB_CONSISTENCY_CHECKS)) {
            freeConsistencyChecks(object);
        }
        if (cache.codec().isHardened() && object == freelist) {
            cache.setFreepointer(object, freelist); // BUG_ON(object == fp): throws, nothing changed
        }
        if (inuse == 0) {
            throw new DoubleFreeException(object, "free of " + hex(object) + " to " + s.name() + ": slab " + hex(address)
                    + " has no object in use (inuse 0): it is freed more often than it was allocated");
        }
        if (s.isDebug()) {
            if (s.hasFlag(SlabFlags.SLAB_STORE_USER)) {
                cache.setTrack(object, true, who);
            }
            if ((s.flags() & (SlabFlags.SLAB_RED_ZONE | SlabFlags.__OBJECT_POISON)) != 0) {
                initObject(object, SlubDebug.SLUB_RED_INACTIVE, s.objectSize());
            }
        }
        cache.setFreepointer(object, freelist);
        freelist = object;
        inuse--;
        markAllocated(object, false);
        if (log.isDebugEnabled()) { // the arguments (hex strings, boxed counters) cost even when not logged
            log.debug("{}: free {} to slab {} (inuse {}/{})", s.name(), hex(object), hex(address), inuse, objects);
        }
    }

    private void checkObjectAddress(long object, String what) {
        if (object == 0 || !checkValidPointer(object)) {
            KmemCacheLayout s = cache.layout();
            throw new BadAddressException(object, "Invalid object pointer " + SlubDebug.ptr(object) + ": " + what
                    + " is not an object of slab " + hex(address) + " of " + s.name() + "; objects start at "
                    + hex(firstObject()) + " every " + s.size() + " bytes, " + objects + " of them");
        }
    }

    /** alloc_consistency_checks(): check_slab, the object pointer, check_object(INACTIVE). */
    private void allocConsistencyChecks(long object) {
        SlubDebug debug = cache.debug();
        checkSlab();
        if (!checkValidPointer(object)) {
            throw new MemoryCorruptionException(object, debug.objectErr(this, object, "Freelist Pointer check fails"));
        }
        checkObject(object, SlubDebug.SLUB_RED_INACTIVE);
    }

    /** free_consistency_checks(): the pointer, on_freelist ("Object already free"), check_object(ACTIVE). */
    private void freeConsistencyChecks(long object) {
        SlubDebug debug = cache.debug();
        if (onFreelist(object)) {
            throw new DoubleFreeException(object, debug.objectErr(this, object, "Object already free"));
        }
        checkObject(object, SlubDebug.SLUB_RED_ACTIVE);
    }

    /** check_slab(): the counters make sense. */
    private void checkSlab() {
        int maxobj = SlabSizing.orderObjects(order, cache.layout().size());
        if (objects > maxobj) {
            throw new MemoryCorruptionException(address, cache.debug().slabErr(this,
                    "objects " + objects + " > max " + maxobj));
        }
        if (inuse > objects) {
            throw new MemoryCorruptionException(address, cache.debug().slabErr(this,
                    "inuse " + inuse + " > max " + objects));
        }
    }

    /**
     * check_object(): red zones (left, right, kmalloc), alignment padding, poison, object padding
     * and the free pointer of an object that should be free ({@code val} = 0xbb) or allocated
     * (0xcc). Throws at the first finding.
     */
    private void checkObject(long p, int val) {
        KmemCacheLayout s = cache.layout();
        DirectMap mem = cache.directMap();
        SlubDebug debug = cache.debug();
        if (s.hasFlag(SlabFlags.SLAB_RED_ZONE)) {
            checkBytes(p, "Left Redzone", p - s.redLeftPad(), val, s.redLeftPad());
            checkBytes(p, "Right Redzone", p + s.objectSize(), val, s.inuse() - s.objectSize());
            if (s.storesOrigSize() && val == SlubDebug.SLUB_RED_ACTIVE) {
                int orig = mem.readInt(p + s.origSizeOffset());
                if (s.objectSize() > orig) {
                    checkBytes(p, "kmalloc Redzone", p + orig, val, s.objectSize() - orig);
                }
            }
        } else if (s.hasFlag(SlabFlags.SLAB_POISON) && s.objectSize() < s.inuse()) {
            checkBytes(p, "Alignment padding", p + s.objectSize(), SlubDebug.POISON_INUSE, s.inuse() - s.objectSize());
        }
        if (s.hasFlag(SlabFlags.SLAB_POISON)) {
            if (val != SlubDebug.SLUB_RED_ACTIVE && s.hasFlag(SlabFlags.__OBJECT_POISON)) {
                checkBytes(p, "Poison", p, SlubDebug.POISON_FREE, s.objectSize() - 1);
                checkBytes(p, "End Poison", p + s.objectSize() - 1, SlubDebug.POISON_END, 1);
            }
            int off = s.paddingOffset();
            if (s.sizeFromObject() != off) {
                checkBytes(p, "Object padding", p + off, SlubDebug.POISON_INUSE, s.sizeFromObject() - off);
            }
        }
        if ((s.freeptrOutsideObject() || val != SlubDebug.SLUB_RED_ACTIVE) && !checkValidPointer(
                cache.getFreepointer(p))) {
            throw new MemoryCorruptionException(cache.freePointerAddress(p), debug.objectErr(this, p,
                    "Freepointer corrupt"));
        }
    }

    private void checkBytes(long object, String what, long start, int value, int bytes) {
        long fault = SlubDebug.firstMismatch(cache.directMap(), start, bytes, value);
        if (fault != -1) {
            throw new MemoryCorruptionException(fault, cache.debug().overwritten(this, object, what, start, bytes, value,
                    fault));
        }
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    @Override
    public String toString() {
        return String.format("slab %#x of %s: order %d, %d/%d in use, freelist %#x", address, cache.name(), order, inuse,
                objects, freelist);
    }
}
