package io.pagelab.kernel.slub;

import io.pagelab.api.error.InvalidArgumentException;
import java.util.StringJoiner;

/**
 * Cache creation flags ({@code slab_flags_t}), named as in include/linux/slab.h (Linux 6.x), and
 * the two SLUB-internal flags of mm/slub.c.
 *
 * <p>Differs from Linux on purpose: the numeric values are pagelab's own (Linux assigns them from
 * an enum since 6.8 and they move between versions); only the names and meanings carry over.
 *
 * <pre>
 *  bit 0 CONSISTENCY_CHECKS (slub_debug=F)  1 RED_ZONE (Z)  2 POISON (P)  3 KMALLOC
 *      4 HWCACHE_ALIGN  5 CACHE_DMA  6 CACHE_DMA32  7 STORE_USER (U)  8 PANIC  9 TYPESAFE_BY_RCU
 *     10 TRACE (T)  11 NOLEAKTRACE  12 RECLAIM_ACCOUNT  13 ACCOUNT  14 NO_MERGE  15 NO_USER_FLAGS
 *     30 __CMPXCHG_DOUBLE  31 __OBJECT_POISON   (internal to SLUB)
 * </pre>
 */
public final class SlabFlags {
    /** slub_debug=F: check metadata and the freelist on every alloc and free. */
    public static final int SLAB_CONSISTENCY_CHECKS = 1;
    /** slub_debug=Z: red zones around every object (0xbb free, 0xcc allocated). */
    public static final int SLAB_RED_ZONE = 1 << 1;
    /** slub_debug=P: poison free objects with 0x6b ... 0xa5 and padding with 0x5a. */
    public static final int SLAB_POISON = 1 << 2;
    /** A kmalloc-N cache (enables the saved original request size with SLAB_STORE_USER). */
    public static final int SLAB_KMALLOC = 1 << 3;
    /** Align objects on a cache line (64 bytes on x86-64), or a fraction of it for small objects. */
    public static final int SLAB_HWCACHE_ALIGN = 1 << 4;
    /** Slabs from ZONE_DMA. */
    public static final int SLAB_CACHE_DMA = 1 << 5;
    /** Slabs from ZONE_DMA32. */
    public static final int SLAB_CACHE_DMA32 = 1 << 6;
    /** slub_debug=U: keep the last alloc and free call site (struct track) after every object. */
    public static final int SLAB_STORE_USER = 1 << 7;
    /** Panic when the cache cannot be created. */
    public static final int SLAB_PANIC = 1 << 8;
    /** Objects may be read after free until an RCU grace period: the free pointer must not overlay them. */
    public static final int SLAB_TYPESAFE_BY_RCU = 1 << 9;
    /** slub_debug=T: print every alloc and free. */
    public static final int SLAB_TRACE = 1 << 10;
    /** Do not track with kmemleak (and no SLAB_STORE_USER from slub_debug). */
    public static final int SLAB_NOLEAKTRACE = 1 << 11;
    /** Slabs are reclaimable (allocated with __GFP_RECLAIMABLE). */
    public static final int SLAB_RECLAIM_ACCOUNT = 1 << 12;
    /** Charge objects to the memory cgroup. */
    public static final int SLAB_ACCOUNT = 1 << 13;
    /** Never merge this cache with another. */
    public static final int SLAB_NO_MERGE = 1 << 14;
    /** Ignore the slub_debug boot parameter for this cache. */
    public static final int SLAB_NO_USER_FLAGS = 1 << 15;
    /** SLUB internal: the freelist and counters are updated with cmpxchg_double. */
    public static final int __CMPXCHG_DOUBLE = 1 << 30;
    /** SLUB internal: the object bytes themselves are poisoned (SLAB_POISON, no ctor, not RCU). */
    public static final int __OBJECT_POISON = 1 << 31;

    /** slub_debug with no letters: F, Z, P and U (mm/slub.c DEBUG_DEFAULT_FLAGS). */
    public static final int DEBUG_DEFAULT_FLAGS = SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | SLAB_POISON
            | SLAB_STORE_USER;
    /** Flags that make SLUB store metadata next to each object (mm/slub.c DEBUG_METADATA_FLAGS). */
    public static final int DEBUG_METADATA_FLAGS = SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER;
    /** Every debug flag: a cache with any of them takes the slow paths (kmem_cache_debug()). */
    public static final int SLAB_DEBUG_FLAGS = SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER | SLAB_TRACE
            | SLAB_CONSISTENCY_CHECKS;

    private static final String[] NAMES = {
        "SLAB_CONSISTENCY_CHECKS", "SLAB_RED_ZONE", "SLAB_POISON", "SLAB_KMALLOC", "SLAB_HWCACHE_ALIGN",
        "SLAB_CACHE_DMA", "SLAB_CACHE_DMA32", "SLAB_STORE_USER", "SLAB_PANIC", "SLAB_TYPESAFE_BY_RCU",
        "SLAB_TRACE", "SLAB_NOLEAKTRACE", "SLAB_RECLAIM_ACCOUNT", "SLAB_ACCOUNT", "SLAB_NO_MERGE",
        "SLAB_NO_USER_FLAGS",
    };
    /** Every flag a caller may pass to kmem_cache_create (the internal ones are SLUB's own). */
    public static final int USER_FLAGS = (1 << NAMES.length) - 1;

    private SlabFlags() {
    }

    /** True when every bit of {@code flag} is set in {@code flags}. */
    public static boolean has(int flags, int flag) {
        return (flags & flag) == flag;
    }

    /**
     * The slub_debug letters of these flags in the kernel's order (F Z P U T), as
     * /sys/kernel/slab and the boot parameter spell them; "-" for none.
     */
    public static String debugLetters(int flags) {
        StringBuilder sb = new StringBuilder();
        if ((flags & SLAB_CONSISTENCY_CHECKS) != 0) {
            sb.append('F');
        }
        if ((flags & SLAB_RED_ZONE) != 0) {
            sb.append('Z');
        }
        if ((flags & SLAB_POISON) != 0) {
            sb.append('P');
        }
        if ((flags & SLAB_STORE_USER) != 0) {
            sb.append('U');
        }
        if ((flags & SLAB_TRACE) != 0) {
            sb.append('T');
        }
        return sb.length() == 0 ? "-" : sb.toString();
    }

    /**
     * Parses slub_debug letters (case-insensitive, as parse_slub_debug_flags() does): F Z P U T A O
     * and '-' (none). A and O are accepted and ignored (failslab, order limit are not simulated).
     *
     * @throws InvalidArgumentException for any other character
     */
    public static int parseDebugLetters(String letters) {
        if (letters.isEmpty()) {
            return DEBUG_DEFAULT_FLAGS;
        }
        int flags = 0;
        for (char c : letters.toCharArray()) {
            switch (Character.toLowerCase(c)) {
                case '-':
                    flags = 0;
                    break;
                case 'f':
                    flags |= SLAB_CONSISTENCY_CHECKS;
                    break;
                case 'z':
                    flags |= SLAB_RED_ZONE;
                    break;
                case 'p':
                    flags |= SLAB_POISON;
                    break;
                case 'u':
                    flags |= SLAB_STORE_USER;
                    break;
                case 't':
                    flags |= SLAB_TRACE;
                    break;
                case 'a':
                case 'o':
                    break;
                default:
                    throw new InvalidArgumentException("slab_debug option '" + c + "' unknown: allowed are F, Z, P, U,"
                            + " T, A, O and - (as in \"slub_debug=FZPU\")");
            }
        }
        return flags;
    }

    /** The flags by name, joined with {@code |}; "0" for none. */
    public static String toString(int flags) {
        if (flags == 0) {
            return "0";
        }
        StringJoiner j = new StringJoiner("|");
        for (int bit = 0; bit < NAMES.length; bit++) {
            if ((flags & (1 << bit)) != 0) {
                j.add(NAMES[bit]);
            }
        }
        if ((flags & __CMPXCHG_DOUBLE) != 0) {
            j.add("__CMPXCHG_DOUBLE");
        }
        if ((flags & __OBJECT_POISON) != 0) {
            j.add("__OBJECT_POISON");
        }
        int unknown = flags & ~(USER_FLAGS | __CMPXCHG_DOUBLE | __OBJECT_POISON);
        if (unknown != 0) {
            j.add(String.format("%#x", unknown));
        }
        return j.toString();
    }
}
