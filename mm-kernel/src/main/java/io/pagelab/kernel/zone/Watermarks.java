package io.pagelab.kernel.zone;

/**
 * {@code zone->_watermark[NR_WMARK]} (include/linux/mmzone.h, Linux 6.6), in pages. Free pages
 * below {@code low} wake kswapd, below {@code min} only reserve users allocate and others reclaim
 * directly, and kswapd sleeps again above {@code high}; {@code promo} is for memory tiering.
 *
 * <pre>
 *  free pages
 *   ^
 *   |--- promo ---  high + tmp
 *   |--- high ----  low + tmp       kswapd stops here
 *   |--- low -----  min + tmp       kswapd wakes below
 *   |--- min -----  share of min_free_kbytes
 *   |  only __GFP_HIGH / GFP_ATOMIC / OOM victims below min
 * </pre>
 */
public record Watermarks(long min, long low, long high, long promo) {
    /** All zero: the state of a zone before {@code init_per_zone_wmark_min()} runs. */
    public static final Watermarks NONE = new Watermarks(0, 0, 0, 0);

    /** {@code WMARK_MIN}, {@code WMARK_LOW}, {@code WMARK_HIGH}, {@code WMARK_PROMO} = 0..3. */
    public long get(int wmark) {
        switch (wmark) {
            case 0:
                return min;
            case 1:
                return low;
            case 2:
                return high;
            default:
                return promo;
        }
    }
}
