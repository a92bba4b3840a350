package io.pagelab.kernel.boot;

/**
 * One zone of one node after {@code calculate_node_totalpages()} (mm/mm_init.c, Linux 6.13).
 *
 * @param nid            node id
 * @param zone           zone name
 * @param startPfn       {@code zone_start_pfn} (0 for an empty zone)
 * @param spannedPages   pages between the zone's first and last pfn, holes included
 * @param presentPages   spanned minus the pages in holes of memblock.memory
 */
public record ZoneSpan(int nid, String zone, long startPfn, long spannedPages, long presentPages) {
    /** {@code populated_zone()}: has present pages. */
    public boolean populated() {
        return presentPages != 0;
    }

    /** One past the last pfn. */
    public long endPfn() {
        return startPfn + spannedPages;
    }
}
