package io.pagelab.kernel.zone;

import static java.util.Objects.requireNonNull;

import io.pagelab.api.error.InvalidArgumentException;

/**
 * The zone reserve formulas of mm/page_alloc.c (Linux 6.6): calculate_min_free_kbytes(),
 * __setup_per_zone_wmarks(), setup_per_zone_lowmem_reserve() and, for THP kernels,
 * mm/khugepaged.c: set_recommended_min_free_kbytes(). Pure functions of the managed page counts,
 * so a learner can check them by hand:
 *
 * <pre>
 *  min_free_kbytes = clamp(int_sqrt(lowmem_kbytes * 16), 128, 262144)      (= 4 * sqrt(lowmem_kbytes))
 *  pages_min       = min_free_kbytes &gt;&gt; 2                                  (kB to 4 KiB pages)
 *  for each zone:  tmp  = pages_min * managed / lowmem_pages                 (lowmem: all but Movable)
 *                  min  = tmp            (Movable: clamp(managed / 1024, 32, 128))
 *                  tmp  = max(tmp &gt;&gt; 2, managed * watermark_scale_factor / 10000)
 *                  low  = min + tmp;  high = low + tmp;  promo = high + tmp
 *  lowmem_reserve[i][j] (j &gt; i) = (managed of zones i+1..j) / sysctl_lowmem_reserve_ratio[i]
 * </pre>
 */
public final class WatermarkSetup {
    /** {@code watermark_scale_factor} default (0.1% of a zone), sysctl range 1..3000. */
    public static final int DEFAULT_WATERMARK_SCALE_FACTOR = 10;
    /** Lower clamp of the computed min_free_kbytes. */
    public static final int MIN_FREE_KBYTES_FLOOR = 128;
    /** Upper clamp of the computed min_free_kbytes (256 MiB; older kernels used 65536). */
    public static final int MIN_FREE_KBYTES_CEILING = 262144;
    /** {@code SWAP_CLUSTER_MAX}: the smallest min watermark of a Movable (or highmem) zone. */
    public static final int SWAP_CLUSTER_MAX = 32;

    private WatermarkSetup() {
    }

    /** {@code int_sqrt()}: the largest integer whose square is at most {@code x}. */
    public static long intSqrt(long x) {
        InvalidArgumentException.check(x >= 0, "int_sqrt of %s: the argument must not be negative", x);
        long r = (long) Math.sqrt((double) x);
        while (r > 0 && r > x / r) { // r * r > x, without overflow
            r--;
        }
        while (r + 1 <= x / (r + 1)) { // (r + 1)^2 <= x
            r++;
        }
        return r;
    }

    /**
     * {@code calculate_min_free_kbytes()} for a kernel whose lowmem zones hold {@code lowmemKbytes}
     * (nr_free_buffer_pages() times 4 at boot, when the high watermarks are still 0).
     */
    public static int calculateMinFreeKbytes(long lowmemKbytes) {
        InvalidArgumentException.check(lowmemKbytes >= 0, "lowmem size %s kB must not be negative", lowmemKbytes);
        long v = intSqrt(lowmemKbytes * 16);
        return (int) Math.max(MIN_FREE_KBYTES_FLOOR, Math.min(MIN_FREE_KBYTES_CEILING, v));
    }

    /**
     * {@code set_recommended_min_free_kbytes()} of khugepaged (THP kernels): two pageblocks per
     * lowmem zone plus MIGRATE_PCPTYPES^2 more, at most 5% of lowmem, in kB. The caller raises
     * min_free_kbytes to it when it is larger.
     *
     * @param nrZones           populated zones up to Normal
     * @param nrFreeBufferPages {@code nr_free_buffer_pages()}: managed minus high watermark of those zones
     */
    public static long recommendedMinFreeKbytes(int nrZones, long nrFreeBufferPages) {
        long pageblock = 512;
        long recommended = pageblock * nrZones * 2
                + pageblock * nrZones * MigrateType.MIGRATE_PCPTYPES * MigrateType.MIGRATE_PCPTYPES;
        recommended = Math.min(recommended, nrFreeBufferPages / 20);
        return recommended << 2;
    }

    /**
     * {@code __setup_per_zone_wmarks()} over every zone of every node.
     *
     * @param minFreeKbytes {@code min_free_kbytes}
     * @param scaleFactor   {@code watermark_scale_factor}, 1..3000
     * @param types         the type of each zone
     * @param managed       the managed pages of each zone
     * @return the watermarks of each zone, in the same order
     */
    public static Watermarks[] setupPerZoneWmarks(int minFreeKbytes, int scaleFactor, ZoneType[] types, long[] managed) {
        requireNonNull(types, "types");
        requireNonNull(managed, "managed");
        InvalidArgumentException.check(minFreeKbytes >= 0, "min_free_kbytes %s must not be negative", minFreeKbytes);
        InvalidArgumentException.check(scaleFactor >= 1 && scaleFactor <= 3000,
                "watermark_scale_factor %s outside the sysctl range 1..3000", scaleFactor);
        InvalidArgumentException.check(types.length == managed.length, "%s zone types but %s managed counts",
                types.length, managed.length);
        long pagesMin = minFreeKbytes >> 2;
        long lowmemPages = 0;
        for (int i = 0; i < types.length; i++) {
            if (types[i] != ZoneType.MOVABLE) {
                lowmemPages += managed[i];
            }
        }
        Watermarks[] out = new Watermarks[types.length];
        for (int i = 0; i < types.length; i++) {
            long tmp = lowmemPages == 0 ? 0 : pagesMin * managed[i] / lowmemPages;
            long min;
            if (types[i] == ZoneType.MOVABLE) {
                min = Math.max(SWAP_CLUSTER_MAX, Math.min(128, managed[i] / 1024));
            } else {
                min = tmp;
            }
            tmp = Math.max(tmp >> 2, multFrac(managed[i], scaleFactor, 10000));
            long low = min + tmp;
            long high = low + tmp;
            out[i] = new Watermarks(min, low, high, high + tmp);
        }
        return out;
    }

    /** {@code mult_frac(x, n, d)}: x * n / d without overflowing the intermediate product. */
    static long multFrac(long x, long n, long d) {
        long q = x / d;
        long r = x % d;
        return q * n + r * n / d;
    }

    /**
     * {@code setup_per_zone_lowmem_reserve()} for one node: how many pages zone {@code i} keeps back
     * from an allocation that could have used zone {@code j > i} ("protection:" in /proc/zoneinfo).
     *
     * @param types   the node's zones, in zone-index order
     * @param managed managed pages of each zone
     * @return {@code reserve[i][j]} for every pair (0 where {@code j <= i})
     */
    public static long[][] lowmemReserve(ZoneType[] types, long[] managed) {
        requireNonNull(types, "types");
        requireNonNull(managed, "managed");
        InvalidArgumentException.check(types.length == managed.length, "%s zone types but %s managed counts",
                types.length, managed.length);
        int n = types.length;
        long[][] reserve = new long[n][n];
        for (int i = 0; i < n - 1; i++) {
            int ratio = types[i].lowmemReserveRatio();
            boolean clear = ratio == 0 || managed[i] == 0;
            long upper = 0;
            for (int j = i + 1; j < n; j++) {
                upper += managed[j];
                reserve[i][j] = clear ? 0 : upper / ratio;
            }
        }
        return reserve;
    }
}
