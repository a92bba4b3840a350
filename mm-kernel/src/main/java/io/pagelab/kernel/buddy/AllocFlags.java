package io.pagelab.kernel.buddy;

/**
 * The allocator-internal {@code ALLOC_*} flags of mm/internal.h (Linux 6.8 names), derived from the
 * gfp mask by the fast path ({@code alloc_flags_nofragment()}) and the slow path
 * ({@code gfp_to_alloc_flags()}).
 *
 * <pre>
 *  bits 0-1  which watermark: ALLOC_WMARK_MIN 0, LOW 1, HIGH 2;  ALLOC_NO_WATERMARKS (bit 2) ignores them
 *  ALLOC_OOM          OOM victim: min watermark halved once more
 *  ALLOC_NON_BLOCK    cannot sleep (no __GFP_DIRECT_RECLAIM): with MIN_RESERVE, min -= min / 4
 *  ALLOC_MIN_RESERVE  __GFP_HIGH: min -= min / 2
 *  ALLOC_CPUSET       obey cpusets (no effect in pagelab)
 *  ALLOC_CMA          may use MIGRATE_CMA blocks (movable allocations)
 *  ALLOC_NOFRAGMENT   first pass of a Normal allocation: steal only whole pageblocks
 *  ALLOC_HIGHATOMIC   high-order atomic: may use, and reserve, MIGRATE_HIGHATOMIC pageblocks
 *  ALLOC_KSWAPD       __GFP_KSWAPD_RECLAIM: wake kswapd
 * </pre>
 *
 * <p>Differs from Linux on purpose: the bit values are pagelab's own (Linux ties ALLOC_KSWAPD and
 * ALLOC_MIN_RESERVE to gfp bit positions); only the names and meaning carry over.
 */
public final class AllocFlags {
    public static final int ALLOC_WMARK_MIN = 0;
    public static final int ALLOC_WMARK_LOW = 1;
    public static final int ALLOC_WMARK_HIGH = 2;
    public static final int ALLOC_NO_WATERMARKS = 0x04;
    public static final int ALLOC_WMARK_MASK = ALLOC_NO_WATERMARKS - 1;
    public static final int ALLOC_OOM = 0x08;
    public static final int ALLOC_NON_BLOCK = 0x10;
    public static final int ALLOC_MIN_RESERVE = 0x20;
    public static final int ALLOC_CPUSET = 0x40;
    public static final int ALLOC_CMA = 0x80;
    public static final int ALLOC_NOFRAGMENT = 0x100;
    public static final int ALLOC_HIGHATOMIC = 0x200;
    public static final int ALLOC_KSWAPD = 0x800;
    /** Flags that may dip into the reserves below the min watermark. */
    public static final int ALLOC_RESERVES = ALLOC_NON_BLOCK | ALLOC_MIN_RESERVE | ALLOC_HIGHATOMIC | ALLOC_OOM;

    private AllocFlags() {
    }
}
