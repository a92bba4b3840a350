package io.pagelab.kernel.slub;

import io.pagelab.api.Pages;
import io.pagelab.api.error.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where everything lives in one object slot of a SLUB cache, as Linux 6.12 mm/slub.c:
 * calculate_sizes() decides it, with the slab order from calculate_order().
 *
 * <pre>
 *  slab_address                                                       one slot = s-&gt;size bytes
 *  |&lt;- red_left_pad -&gt;|&lt;---- object_size ----&gt;|&lt;-- pad --&gt;|&lt;- fp -&gt;|&lt;- track -&gt;|&lt;-orig-&gt;|&lt;-- padding --&gt;|
 *  | left red zone    | the caller's bytes    | right red | free   | alloc,free | kmalloc| one debug word|
 *  | 0xbb free        | free: 0x6b ... 0x6b a5| zone      | pointer| struct     | size   | + ALIGN to    |
 *  | 0xcc allocated   |                       | 0xbb/0xcc | (A)    | track (B,C)| (D)    | s-&gt;align: 0x5a|
 *                     ^ object address        ^ +object_size       ^ +inuse (metadata starts)
 *  objects follow each other: object i = slab_address + red_left_pad + i * size; the slab's
 *  last (PAGE_SIZE &lt;&lt; order) % size bytes are left over.
 *
 *  no debug flags, no ctor, not RCU: size = ALIGN(object_size, 8) rounded to the alignment, and
 *  the free pointer lives INSIDE the free object, at offset = ALIGN_DOWN(object_size / 2, 8)
 *  (kmalloc-64: 32, kmalloc-96: 48, kmalloc-8: 0) away from both edges, so a small overflow from
 *  the neighbour does not hit it.
 * </pre>
 *
 * The free pointer moves after the object (offset = inuse) when the object must survive being
 * free: a constructor, SLAB_TYPESAFE_BY_RCU, SLAB_POISON (the object is filled with 0x6b), or a
 * red zone that could otherwise be too small or extended by the kmalloc request size.
 *
 * <p>Differs from Linux: no KASAN metadata (kasan_cache_create adds nothing here) and no
 * slabobj_ext in the padding. struct track is 32 bytes (64-bit, CONFIG_STACKDEPOT, which
 * CONFIG_SLUB_DEBUG selects on x86-64 since 5.17), and the saved kmalloc request size is an
 * unsigned int (4 bytes) as in 6.2 to 6.17 (later kernels store an unsigned long).
 *
 * @param name the cache's name
 * @param objectSize s-&gt;object_size: what the caller asked for
 * @param align s-&gt;align after calculate_alignment()
 * @param flags the cache's flags after kmem_cache_flags() (slab_debug= added) and with
 *     {@link SlabFlags#__OBJECT_POISON} when the object bytes are poisoned
 * @param ctor whether the cache has a constructor
 * @param inuse s-&gt;inuse: object plus word padding / right red zone; metadata starts here
 * @param offset s-&gt;offset: where the free pointer lives, from the object address
 * @param redLeftPad s-&gt;red_left_pad: left red zone before every object (0 without SLAB_RED_ZONE)
 * @param size s-&gt;size: the slot size, the /proc/slabinfo objsize column
 * @param order slab order from calculate_order() (s-&gt;oo)
 * @param objects objects per slab at that order (oo_objects(s-&gt;oo), objperslab)
 * @param minOrder fallback order when the preferred one cannot be allocated (s-&gt;min)
 * @param minObjects objects per slab at the fallback order
 * @param useroffset hardened usercopy window start, from the object address
 * @param usersize hardened usercopy window size
 */
public record KmemCacheLayout(String name, int objectSize, int align, int flags, boolean ctor, int inuse, int offset,
        int redLeftPad, int size, int order, int objects, int minOrder, int minObjects, int useroffset,
        int usersize) {

    /** sizeof(struct track) on x86-64 with CONFIG_STACKDEPOT: addr 8, handle 4, cpu 4, pid 4, pad 4, when 8. */
    public static final int TRACK_SIZE = 32;
    /** sizeof(unsigned int): the saved kmalloc request size (SLAB_KMALLOC with SLAB_STORE_USER). */
    public static final int ORIG_SIZE_SIZE = 4;
    private static final int WORD = SlabSizing.POINTER_SIZE;

    public KmemCacheLayout {
        Objects.requireNonNull(name, "name");
        InvalidArgumentException.check(objectSize > 0 && inuse >= objectSize && size >= inuse,
                "inconsistent layout: object_size %s, inuse %s, size %s (need 0 < object_size <= inuse <= size)",
                objectSize, inuse, size);
        InvalidArgumentException.check(offset >= 0 && offset + WORD <= size,
                "free pointer offset %s does not fit a slot of %s bytes", offset, size);
        InvalidArgumentException.check(order >= 0 && order <= SlubParams.MAX_PAGE_ORDER && objects >= 1
                        && (long) objects * size <= (Pages.PAGE_SIZE << order),
                "order %s with %s objects of %s bytes does not fit", order, objects, size);
    }

    /**
     * calculate_sizes() for a cache created with these arguments on a machine with these boot
     * parameters: kmem_cache_flags() adds slab_debug=, calculate_alignment() fixes the alignment,
     * then the object layout, the slot size and the slab order.
     */
    public static KmemCacheLayout calculateSizes(KmemCacheArgs args, SlubParams params) {
        int flags = params.kmemCacheFlags(args.flags());
        int objectSize = args.objectSize();
        int align = SlabSizing.calculateAlignment(flags, args.align(), objectSize, params.cacheLineSize());
        boolean rcu = (flags & SlabFlags.SLAB_TYPESAFE_BY_RCU) != 0;
        boolean redZone = (flags & SlabFlags.SLAB_RED_ZONE) != 0;
        boolean poison = (flags & SlabFlags.SLAB_POISON) != 0;
        boolean storeUser = (flags & SlabFlags.SLAB_STORE_USER) != 0;
        boolean origSize = storeUser && (flags & SlabFlags.SLAB_KMALLOC) != 0;

        // Round up to a word: the free pointer can only sit on a word boundary.
        long size = SlabSizing.align(objectSize, WORD);
        if (poison && !rcu && !args.ctor()) {
            flags |= SlabFlags.__OBJECT_POISON;
        } else {
            flags &= ~SlabFlags.__OBJECT_POISON;
        }
        // A red zone needs at least one byte after the object: add a word when padding gave none.
        if (redZone && size == objectSize) {
            size += WORD;
        }
        int inuse = (int) size;

        int offset;
        if ((rcu && args.freeptrOffset().isEmpty()) || poison || args.ctor()
                || (redZone && (objectSize < WORD || origSize))) {
            // The object must keep its bytes while free: the free pointer goes after it.
            offset = (int) size;
            size += WORD;
        } else if (rcu) {
            offset = args.freeptrOffset().getAsInt();
        } else {
            // In the middle, away from the edges a neighbour's small overflow would hit.
            offset = (int) SlabSizing.alignDown(objectSize / 2, WORD);
        }

        if (storeUser) {
            size += 2L * TRACK_SIZE;
            if (origSize) {
                size += ORIG_SIZE_SIZE;
            }
        }
        int redLeftPad = 0;
        if (redZone) {
            // One word of padding so a write before the next object hits padding, not metadata...
            size += WORD;
            // ...and a left red zone before every object, as big as the alignment demands.
            redLeftPad = (int) SlabSizing.align(WORD, align);
            size += redLeftPad;
        }
        size = SlabSizing.align(size, align);
        InvalidArgumentException.check(size <= Integer.MAX_VALUE, "slot size %s too large", size);
        int slot = (int) size;

        int order = SlabSizing.calculateOrder(slot, params);
        int objects = Math.min(SlabSizing.orderObjects(order, slot), SlabSizing.MAX_OBJS_PER_PAGE);
        int minOrder = SlabSizing.getOrder(slot);
        int minObjects = Math.min(SlabSizing.orderObjects(minOrder, slot), SlabSizing.MAX_OBJS_PER_PAGE);
        return new KmemCacheLayout(args.name(), objectSize, align, flags, args.ctor(), inuse, offset, redLeftPad, slot,
                order, objects, minOrder, minObjects, args.useroffset(), args.usersize());
    }

    /** True when every bit of {@code flag} is set. */
    public boolean hasFlag(int flag) {
        return (flags & flag) == flag;
    }

    /** kmem_cache_debug(): any slub_debug flag makes the cache take the slow, checked paths. */
    public boolean isDebug() {
        return (flags & SlabFlags.SLAB_DEBUG_FLAGS) != 0;
    }

    /** freeptr_outside_object(): the free pointer sits after the object, not inside it. */
    public boolean freeptrOutsideObject() {
        return offset >= inuse;
    }

    /** get_info_end(): where the tracking data starts, from the object address. */
    public int infoEnd() {
        return freeptrOutsideObject() ? inuse + WORD : inuse;
    }

    /** slub_debug_orig_size(): a kmalloc cache with SLAB_STORE_USER saves the requested size. */
    public boolean storesOrigSize() {
        return hasFlag(SlabFlags.SLAB_STORE_USER) && hasFlag(SlabFlags.SLAB_KMALLOC);
    }

    /** get_track(): offset of the alloc ({@code free == false}) or free track from the object. */
    public int trackOffset(boolean free) {
        if (!hasFlag(SlabFlags.SLAB_STORE_USER)) {
            throw new InvalidArgumentException("cache " + name + " has no tracks: it needs SLAB_STORE_USER (slub_debug=U)");
        }
        return infoEnd() + (free ? TRACK_SIZE : 0);
    }

    /** Offset of the saved kmalloc request size from the object (get_orig_size). */
    public int origSizeOffset() {
        if (!storesOrigSize()) {
            throw new InvalidArgumentException("cache " + name
                    + " stores no request size: it needs SLAB_KMALLOC and SLAB_STORE_USER");
        }
        return infoEnd() + 2 * TRACK_SIZE;
    }

    /**
     * Where check_pad_bytes() starts looking for POISON_INUSE: the end of the free pointer, tracks
     * and saved size, from the object address.
     */
    public int paddingOffset() {
        int off = infoEnd();
        if (hasFlag(SlabFlags.SLAB_STORE_USER)) {
            off += 2 * TRACK_SIZE;
            if (hasFlag(SlabFlags.SLAB_KMALLOC)) {
                off += ORIG_SIZE_SIZE;
            }
        }
        return off;
    }

    /** size_from_object(): the slot size seen from the object address (the left red zone excluded). */
    public int sizeFromObject() {
        return hasFlag(SlabFlags.SLAB_RED_ZONE) ? size - redLeftPad : size;
    }

    /**
     * slab_ksize(): how many bytes of an object the caller may really use (what ksize() reports):
     * object_size with red zones or poisoning, inuse when tracks or an RCU free pointer follow,
     * else the whole slot.
     */
    public int slabKsize() {
        if ((flags & (SlabFlags.SLAB_RED_ZONE | SlabFlags.SLAB_POISON)) != 0) {
            return objectSize;
        }
        if ((flags & (SlabFlags.SLAB_TYPESAFE_BY_RCU | SlabFlags.SLAB_STORE_USER)) != 0) {
            return inuse;
        }
        return size;
    }

    /** Pages per slab: 1 &lt;&lt; order (the pagesperslab column). */
    public int pagesPerSlab() {
        return 1 << order;
    }

    /** Bytes per slab: PAGE_SIZE &lt;&lt; order. */
    public long slabBytes() {
        return Pages.PAGE_SIZE << order;
    }

    /** Bytes left over at the end of each slab. */
    public long leftover() {
        return slabBytes() - (long) objects * size;
    }

    /** s-&gt;oo as the kernel packs it: order &lt;&lt; 16 | objects. */
    public int oo() {
        return order << SlabSizing.OO_SHIFT | objects;
    }

    /** Offset of object {@code index} from the slab's first byte (fixup_red_left + index * size). */
    public long objectOffset(int index) {
        InvalidArgumentException.check(index >= 0 && index < objects,
                "object index %s is outside the slab: 0..%s", index, objects - 1);
        return redLeftPad + (long) index * size;
    }

    /** set_min_partial(): empty slabs a node keeps on its partial list before freeing them. */
    public int minPartial() {
        return SlabSizing.minPartial(size);
    }

    /** s-&gt;cpu_partial: objects the per-CPU partial list may hold (0 for debug caches). */
    public int cpuPartial() {
        return SlabSizing.cpuPartialObjects(size, isDebug());
    }

    /** s-&gt;cpu_partial_slabs: slabs the per-CPU partial list may hold. */
    public int cpuPartialSlabs() {
        return SlabSizing.cpuPartialSlabs(cpuPartial(), objects);
    }

    /** One named byte range of a slot, from the slot's first byte. */
    public record Region(String name, int start, int end) {
        /** Length in bytes. */
        public int length() {
            return end - start;
        }
    }

    /**
     * The slot cut into its parts, in order, from the slot's first byte (the left red zone);
     * together they cover [0, size) exactly. A free pointer inside the object is not a separate
     * region (it only exists while the object is free): see {@link #offset()}.
     */
    public List<Region> regions() {
        List<Region> r = new ArrayList<>();
        int base = redLeftPad;
        if (redLeftPad > 0) {
            r.add(new Region("left red zone", 0, redLeftPad));
        }
        r.add(new Region("object", base, base + objectSize));
        if (inuse > objectSize) {
            r.add(new Region(hasFlag(SlabFlags.SLAB_RED_ZONE) ? "right red zone" : "word padding",
                    base + objectSize, base + inuse));
        }
        int at = base + inuse;
        if (freeptrOutsideObject()) {
            r.add(new Region("free pointer", base + offset, base + offset + WORD));
            at = base + offset + WORD;
        }
        if (hasFlag(SlabFlags.SLAB_STORE_USER)) {
            r.add(new Region("alloc track", at, at + TRACK_SIZE));
            r.add(new Region("free track", at + TRACK_SIZE, at + 2 * TRACK_SIZE));
            at += 2 * TRACK_SIZE;
            if (storesOrigSize()) {
                r.add(new Region("kmalloc request size", at, at + ORIG_SIZE_SIZE));
                at += ORIG_SIZE_SIZE;
            }
        }
        if (at < size) {
            r.add(new Region("padding", at, size));
        }
        return r;
    }

    /**
     * A few lines a learner can read: the numbers /proc/slabinfo shows, then every region of one
     * slot with its offsets.
     */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%s: object_size %d, size %d, align %d, inuse %d, offset %d%s, red_left_pad %d%n",
                name, objectSize, size, align, inuse, offset,
                freeptrOutsideObject() ? " (after the object)" : " (inside the object)", redLeftPad));
        sb.append(String.format("  slab: order %d (%d pages), %d objects, %d bytes left over; flags %s%n", order,
                pagesPerSlab(), objects, leftover(), SlabFlags.toString(flags)));
        for (Region reg : regions()) {
            String note = "";
            if (reg.name().equals("object") && !freeptrOutsideObject()) {
                note = String.format("   free pointer at +%d while free", offset);
            }
            sb.append(String.format("  [%5d, %5d) %-22s %5d bytes%s%n", reg.start(), reg.end(), reg.name(),
                    reg.length(), note));
        }
        return sb.toString();
    }
}
