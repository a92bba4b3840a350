package io.pagelab.api;

/**
 * A cache of equal-sized objects carved from pages, the interface of a {@code struct kmem_cache}
 * (mm/slab_common.c, mm/slub.c in Linux 6.x): kmem_cache_alloc() / kmem_cache_free(). SLUB is
 * the reference implementation; memory pools in user space implement the same interface.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #alloc} returns the address of an object of at least {@link #objectSize()} bytes,
 *       aligned to {@link #align()}; no two live objects overlap.</li>
 *   <li>{@link #free} takes exactly an address {@link #alloc} returned; freeing it twice throws
 *       {@link io.pagelab.api.error.DoubleFreeException}, an address that is not an object of this
 *       cache throws {@link io.pagelab.api.error.BadAddressException} (Linux only warns, in
 *       mm/slab.h: cache_from_obj(), "Wrong slab cache. X but object is from Y").</li>
 *   <li>When no memory is left, {@link #alloc} throws
 *       {@link io.pagelab.api.error.OutOfMemoryException} and changes nothing.</li>
 * </ul>
 */
public interface ObjectCache {

    /** The cache's name as /proc/slabinfo prints it ("kmalloc-64", "task_struct"). */
    String name();

    /** The size the caller asked for (s->object_size). */
    int objectSize();

    /** Alignment of every object in bytes (a power of two). */
    int align();

    /** Allocates one object with these {@link Gfp} flags; returns its address. */
    long alloc(int gfp);

    /** Frees the object at this address. */
    void free(long address);

    /** Objects currently allocated (the active_objs column of /proc/slabinfo). */
    long activeObjects();
}
