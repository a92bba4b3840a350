package io.pagelab.api;

/**
 * Allocation flags ("get free pages" flags) passed to {@link PageAllocator} and {@link ObjectCache},
 * named as in include/linux/gfp_types.h (Linux 6.x).
 *
 * <p>Differs from Linux on purpose: the numeric values are pagelab's own. Linux's bit positions
 * change between versions and configurations (___GFP_* are assigned by an enum since 6.8), so no
 * exercise may depend on them; only the names and their meaning carry over. The composites are
 * built from the same parts as Linux's.
 *
 * <pre>
 *  bit  0 DMA  1 HIGHMEM  2 DMA32  3 MOVABLE  4 RECLAIMABLE  5 HIGH  6 IO  7 FS  8 ZERO
 *       9 DIRECT_RECLAIM  10 KSWAPD_RECLAIM  11 NOWARN  12 NOFAIL  13 NORETRY  14 COMP  15 HARDWALL
 *       16 ACCOUNT
 * </pre>
 */
public final class Gfp {
    public static final int __GFP_DMA = 1;
    public static final int __GFP_HIGHMEM = 1 << 1;
    public static final int __GFP_DMA32 = 1 << 2;
    public static final int __GFP_MOVABLE = 1 << 3;
    public static final int __GFP_RECLAIMABLE = 1 << 4;
    public static final int __GFP_HIGH = 1 << 5;
    public static final int __GFP_IO = 1 << 6;
    public static final int __GFP_FS = 1 << 7;
    public static final int __GFP_ZERO = 1 << 8;
    public static final int __GFP_DIRECT_RECLAIM = 1 << 9;
    public static final int __GFP_KSWAPD_RECLAIM = 1 << 10;
    public static final int __GFP_NOWARN = 1 << 11;
    public static final int __GFP_NOFAIL = 1 << 12;
    public static final int __GFP_NORETRY = 1 << 13;
    public static final int __GFP_COMP = 1 << 14;
    public static final int __GFP_HARDWALL = 1 << 15;
    public static final int __GFP_ACCOUNT = 1 << 16;

    /** Wake kswapd and allow direct reclaim. */
    public static final int __GFP_RECLAIM = __GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM;
    /** Cannot sleep; may use part of the reserves. */
    public static final int GFP_ATOMIC = __GFP_HIGH | __GFP_KSWAPD_RECLAIM;
    /** Cannot sleep, no reserves. */
    public static final int GFP_NOWAIT = __GFP_KSWAPD_RECLAIM;
    /** The usual kernel allocation: may sleep, reclaim, do IO and FS calls. */
    public static final int GFP_KERNEL = __GFP_RECLAIM | __GFP_IO | __GFP_FS;
    /** GFP_KERNEL charged to the memory cgroup. */
    public static final int GFP_KERNEL_ACCOUNT = GFP_KERNEL | __GFP_ACCOUNT;
    /** Reclaim without starting filesystem calls. */
    public static final int GFP_NOFS = __GFP_RECLAIM | __GFP_IO;
    /** Reclaim without IO. */
    public static final int GFP_NOIO = __GFP_RECLAIM;
    /** User-space memory that the kernel also accesses directly. */
    public static final int GFP_USER = __GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_HARDWALL;
    /** ZONE_DMA memory. */
    public static final int GFP_DMA = __GFP_DMA;
    /** ZONE_DMA32 memory. */
    public static final int GFP_DMA32 = __GFP_DMA32;
    /** User memory that may live in highmem. */
    public static final int GFP_HIGHUSER = GFP_USER | __GFP_HIGHMEM;
    /** User pages that can be migrated (anonymous and page-cache pages). */
    public static final int GFP_HIGHUSER_MOVABLE = GFP_HIGHUSER | __GFP_MOVABLE;

    private static final String[] NAMES = {
        "__GFP_DMA", "__GFP_HIGHMEM", "__GFP_DMA32", "__GFP_MOVABLE", "__GFP_RECLAIMABLE", "__GFP_HIGH",
        "__GFP_IO", "__GFP_FS", "__GFP_ZERO", "__GFP_DIRECT_RECLAIM", "__GFP_KSWAPD_RECLAIM", "__GFP_NOWARN",
        "__GFP_NOFAIL", "__GFP_NORETRY", "__GFP_COMP", "__GFP_HARDWALL", "__GFP_ACCOUNT",
    };
    private static final int ALL = (1 << NAMES.length) - 1;

    private Gfp() {
    }

    /** True when every bit is a known flag. */
    public static boolean isValid(int gfp) {
        return (gfp & ~ALL) == 0;
    }

    /**
     * The flags as the kernel's {@code %pGg} prints them: the largest known composite first
     * (GFP_HIGHUSER_MOVABLE, GFP_KERNEL, GFP_ATOMIC...), then the remaining single flags, joined by
     * {@code |}; {@code 0x0()} for none, an unknown rest in hex.
     */
    public static String toString(int gfp) {
        if (gfp == 0) {
            return "0x0()";
        }
        StringBuilder sb = new StringBuilder();
        int rest = gfp;
        int[] composites = {GFP_HIGHUSER_MOVABLE, GFP_HIGHUSER, GFP_USER, GFP_KERNEL_ACCOUNT, GFP_KERNEL, GFP_NOFS,
            GFP_ATOMIC, GFP_NOIO, GFP_NOWAIT};
        String[] names = {"GFP_HIGHUSER_MOVABLE", "GFP_HIGHUSER", "GFP_USER", "GFP_KERNEL_ACCOUNT", "GFP_KERNEL",
            "GFP_NOFS", "GFP_ATOMIC", "GFP_NOIO", "GFP_NOWAIT"};
        for (int i = 0; i < composites.length; i++) {
            if ((rest & composites[i]) == composites[i]) {
                sb.append(names[i]);
                rest &= ~composites[i];
                break;
            }
        }
        for (int bit = 0; bit < NAMES.length; bit++) {
            if ((rest & (1 << bit)) != 0) {
                if (sb.length() > 0) {
                    sb.append('|');
                }
                sb.append(NAMES[bit]);
                rest &= ~(1 << bit);
            }
        }
        if (rest != 0) {
            if (sb.length() > 0) {
                sb.append('|');
            }
            sb.append(String.format("%#x", rest));
        }
        return sb.toString();
    }
}
