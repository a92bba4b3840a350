package io.pagelab.kernel.procfs;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MemAvailable estimate of /proc/meminfo: mm/show_mem.c: si_mem_available (Linux 6.18), and the
 * {@code totalreserve_pages} it subtracts (mm/page_alloc.c: calculate_totalreserve_pages).
 *
 * <pre>
 * available = NR_FREE_PAGES - totalreserve_pages
 *           + pagecache   - min(pagecache / 2,   wmark_low)     pagecache = active + inactive file
 *           + reclaimable - min(reclaimable / 2, wmark_low)     reclaimable = SReclaimable + misc
 * (never below 0)
 * </pre>
 * where {@code wmark_low} is the sum of every zone's low watermark (including unpopulated zones,
 * whose watermarks are tiny). The idea: free memory the kernel will not hand out anyway does not
 * count; of the page cache and reclaimable slab, at least half (or the low watermark's worth) is
 * assumed to stay. Note that anonymous memory and swap do not enter the estimate at all.
 */
public final class MemAvailable {
    private static final Logger LOG = LoggerFactory.getLogger(MemAvailable.class);

    private MemAvailable() {
    }

    /** si_mem_available() in pages. */
    public static long pages(long freePages, long totalreservePages, long activeFile, long inactiveFile,
            long slabReclaimable, long kernelMiscReclaimable, long wmarkLow) {
        long[] all = {freePages, totalreservePages, activeFile, inactiveFile, slabReclaimable,
            kernelMiscReclaimable, wmarkLow};
        for (long v : all) {
            checkArgument(v >= 0, "si_mem_available input %s must be non-negative", v);
        }
        long available = freePages - totalreservePages;
        long pagecache = activeFile + inactiveFile;
        pagecache -= Math.min(pagecache / 2, wmarkLow);
        available += pagecache;
        long reclaimable = slabReclaimable + kernelMiscReclaimable;
        available += reclaimable - Math.min(reclaimable / 2, wmarkLow);
        LOG.debug("si_mem_available: free {} - reserve {} + pagecache {} + reclaimable part of {} = {}",
                freePages, totalreservePages, pagecache, reclaimable, available);
        return Math.max(available, 0);
    }

    /** si_mem_available() from the counters of a meminfo snapshot. */
    public static long pages(MeminfoCounters c) {
        requireNonNull(c, "counters");
        return pages(c.freeram(), c.totalreservePages(), c.activeFile(), c.inactiveFile(), c.slabReclaimable(),
                c.kernelMiscReclaimable(), c.wmarkLowPages());
    }

    /**
     * One zone's share of totalreserve_pages, as calculate_totalreserve_pages() computes it: the largest
     * {@code lowmem_reserve[j]} for {@code j >= zoneIndex} (what higher zones' allocations must leave in
     * this zone) plus the zone's high watermark, capped at its managed pages.
     *
     * @param lowmemReserve the zone's lowmem_reserve array (the "protection:" line of /proc/zoneinfo)
     * @param zoneIndex this zone's index in its node
     */
    public static long zoneReserve(long[] lowmemReserve, int zoneIndex, long highWmark, long managedPages) {
        requireNonNull(lowmemReserve, "lowmemReserve");
        checkArgument(zoneIndex >= 0 && zoneIndex < lowmemReserve.length,
                "zone index %s out of range: allowed 0..%s", zoneIndex, lowmemReserve.length - 1);
        checkArgument(highWmark >= 0 && managedPages >= 0,
                "high watermark %s and managed pages %s must be non-negative", highWmark, managedPages);
        long max = 0;
        for (int j = zoneIndex; j < lowmemReserve.length; j++) {
            max = Math.max(max, lowmemReserve[j]);
        }
        return Math.min(max + highWmark, managedPages);
    }
}
