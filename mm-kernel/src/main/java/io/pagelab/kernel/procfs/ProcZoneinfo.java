package io.pagelab.kernel.procfs;

import static java.util.Objects.requireNonNull;

import io.pagelab.kernel.buddy.BuddyAllocator;
import io.pagelab.kernel.buddy.Zone;
import java.util.Locale;

/**
 * /proc/zoneinfo, the fields pagelab models, as mm/vmstat.c: zoneinfo_show_print() prints them
 * (Linux 6.6): every zone of every node, populated or not.
 *
 * <pre>
 * Node 0, zone      DMA
 *   pages free     3840
 *         boost    0
 *         min      7
 *         low      10
 *         high     13
 *         spanned  4095
 *         present  3998
 *         managed  3840
 *         cma      0
 *         protection: (0, 3017, 4041, 4041, 4041)
 *       nr_free_pages 3840
 *       nr_free_cma  0
 *   node_unreclaimable:  0
 *   start_pfn:           1
 * </pre>
 *
 * An unpopulated zone stops after the protection line, as in Linux. Zone counters use the kernel's
 * {@code "\n      %-12s %lu"}, so a name of 12 characters or more gets a single space.
 *
 * <p>Differs from Linux on purpose (abbreviated): the "per-node stats" block of a node's first
 * populated zone, the zone counters other than {@code nr_free_pages} and {@code nr_free_cma}
 * (LRU sizes, mlock, bounce, zspages), the NUMA event counters, the "pagesets" block (per-CPU count,
 * high, batch) and "vm stats threshold" are left out: pagelab does not model them here.
 * {@code node_unreclaimable} is always 0 (no kswapd reclaim failures are modelled). No "promo" line:
 * Linux 6.6 does not print WMARK_PROMO (later kernels do). {@code cma} is {@code zone->cma_pages}
 * ({@link Zone#cmaPages()}), set when the CMA areas are activated at boot, as Linux prints it.
 */
public final class ProcZoneinfo {
    private static final int WMARK_MIN = 0;
    private static final int WMARK_LOW = 1;
    private static final int WMARK_HIGH = 2;

    private ProcZoneinfo() {
    }

    /** The whole file. */
    public static String render(BuddyAllocator allocator) {
        requireNonNull(allocator, "allocator");
        StringBuilder sb = new StringBuilder();
        for (Zone z : allocator.zones()) {
            sb.append(zone(z, z.cmaPages()));
        }
        return sb.toString();
    }

    /** One zone's block, {@code cmaPages} given ({@code zone->cma_pages}). */
    public static String zone(Zone z, long cmaPages) {
        requireNonNull(z, "zone");
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Node %d, zone %8s", z.nid(), z.name()));
        sb.append(String.format(Locale.ROOT, "\n  pages free     %d", z.freePages()));
        sb.append(String.format(Locale.ROOT, "\n        boost    %d", z.watermarkBoost()));
        sb.append(String.format(Locale.ROOT, "\n        min      %d", z.wmarkPages(WMARK_MIN)));
        sb.append(String.format(Locale.ROOT, "\n        low      %d", z.wmarkPages(WMARK_LOW)));
        sb.append(String.format(Locale.ROOT, "\n        high     %d", z.wmarkPages(WMARK_HIGH)));
        sb.append(String.format(Locale.ROOT, "\n        spanned  %d", z.spannedPages()));
        sb.append(String.format(Locale.ROOT, "\n        present  %d", z.presentPages()));
        sb.append(String.format(Locale.ROOT, "\n        managed  %d", z.managedPages()));
        sb.append(String.format(Locale.ROOT, "\n        cma      %d", cmaPages));
        long[] reserve = z.lowmemReserve();
        sb.append("\n        protection: (").append(reserve[0]);
        for (int i = 1; i < reserve.length; i++) {
            sb.append(", ").append(reserve[i]);
        }
        sb.append(')');
        if (!z.populated()) {
            return sb.append('\n').toString();
        }
        sb.append(stat("nr_free_pages", z.freePages()));
        sb.append(stat("nr_free_cma", z.freeCmaPages()));
        sb.append("\n  node_unreclaimable:  0");
        sb.append(String.format(Locale.ROOT, "\n  start_pfn:           %d", z.startPfn()));
        return sb.append('\n').toString();
    }

    /** {@code "\n      %-12s %lu"}. */
    private static String stat(String name, long value) {
        return String.format(Locale.ROOT, "\n      %-12s %d", name, value);
    }
}
