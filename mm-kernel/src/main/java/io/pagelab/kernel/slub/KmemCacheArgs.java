package io.pagelab.kernel.slub;

import io.pagelab.api.error.InvalidArgumentException;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * What a caller of kmem_cache_create() asks for (include/linux/slab.h: struct kmem_cache_args and
 * the kmem_cache_create() parameters, Linux 6.12): a name, the object size, an alignment, flags,
 * whether there is a constructor, and the hardened-usercopy window.
 *
 * @param name the name /proc/slabinfo shows
 * @param objectSize bytes the caller uses in each object (s-&gt;object_size), 1 .. 4 MiB
 * @param align requested alignment: 0 or a power of two
 * @param flags {@link SlabFlags} the caller passes (before slab_debug= is added)
 * @param ctor true when the cache has a constructor: objects keep their constructed state while
 *     free, so the free pointer cannot overlay them
 * @param freeptrOffset for SLAB_TYPESAFE_BY_RCU caches only: where inside the object the free
 *     pointer may live (args-&gt;freeptr_offset with use_freeptr_offset, Linux 6.12+)
 * @param useroffset start of the region copy_to_user/copy_from_user may touch
 * @param usersize length of that region (0: none)
 */
public record KmemCacheArgs(String name, int objectSize, int align, int flags, boolean ctor, OptionalInt freeptrOffset,
        int useroffset, int usersize) {

    /** KMALLOC_MAX_SIZE on x86-64: 1 &lt;&lt; (MAX_PAGE_ORDER + PAGE_SHIFT) = 4 MiB. */
    public static final int MAX_OBJECT_SIZE = 4 << 20;
    /** ARCH_KMALLOC_MINALIGN = __alignof__(unsigned long long) on x86-64. */
    public static final int ARCH_KMALLOC_MINALIGN = 8;

    public KmemCacheArgs {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(freeptrOffset, "freeptrOffset");
        InvalidArgumentException.check(!name.isEmpty() && name.length() <= 64,
                "cache name length %s is not allowed: 1..64 characters", name.length());
        InvalidArgumentException.check(objectSize >= 1 && objectSize <= MAX_OBJECT_SIZE,
                "object size %s is not allowed: 1..%s bytes (KMALLOC_MAX_SIZE)", objectSize, MAX_OBJECT_SIZE);
        InvalidArgumentException.check(align == 0 || (align > 0 && Integer.bitCount(align) == 1),
                "alignment %s is not allowed: 0 or a power of two", align);
        InvalidArgumentException.check((flags & ~SlabFlags.USER_FLAGS) == 0,
                "flags %s are not allowed: only the SLAB_* creation flags (internal SLUB flags are SLUB's own)",
                flags);
        InvalidArgumentException.check(useroffset >= 0 && usersize >= 0
                        && (long) useroffset + usersize <= objectSize && (usersize != 0 || useroffset == 0),
                "usercopy region offset %s size %s is not allowed: it must lie inside the object of %s bytes",
                useroffset, usersize, objectSize);
        if (freeptrOffset.isPresent()) {
            int off = freeptrOffset.getAsInt();
            InvalidArgumentException.check((flags & SlabFlags.SLAB_TYPESAFE_BY_RCU) != 0,
                    "a free pointer offset (%s) is only allowed with SLAB_TYPESAFE_BY_RCU", off);
            InvalidArgumentException.check(off >= 0 && off % SlabSizing.POINTER_SIZE == 0
                            && off + SlabSizing.POINTER_SIZE <= objectSize,
                    "free pointer offset %s is not allowed: a multiple of 8 with 8 bytes inside the object of %s",
                    off, objectSize);
        }
    }

    /** kmem_cache_create(name, size, align, flags, ctor) without a usercopy window. */
    public static KmemCacheArgs of(String name, int objectSize, int align, int flags, boolean ctor) {
        return new KmemCacheArgs(name, objectSize, align, flags, ctor, OptionalInt.empty(), 0, 0);
    }

    /**
     * A kmalloc-N cache as create_boot_cache() makes it: SLAB_KMALLOC, the whole object open to
     * usercopy, and aligned to the largest power of two dividing its size, at least
     * ARCH_KMALLOC_MINALIGN (kmalloc-64: 64, kmalloc-96: 32, kmalloc-192: 64), as the late-2024
     * change "slab, rust: extend kmalloc() alignment guarantees" made it. Kernels from 5.4 until then
     * aligned only power-of-two sizes to their size (96 and 192 got 8); without slub_debug the
     * layout is the same either way.
     */
    public static KmemCacheArgs kmalloc(String name, int size, int extraFlags) {
        int align = Math.max(ARCH_KMALLOC_MINALIGN, size & -size);
        return new KmemCacheArgs(name, size, align, SlabFlags.SLAB_KMALLOC | extraFlags, false, OptionalInt.empty(), 0,
                size);
    }
}
