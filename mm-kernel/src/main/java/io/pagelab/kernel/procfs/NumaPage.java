package io.pagelab.kernel.procfs;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * What gather_stats() (fs/proc/task_mmu.c, Linux 6.18) reads from one mapped page for
 * /proc/pid/numa_maps.
 *
 * @param nid the NUMA node holding the page ({@code folio_nid})
 * @param mapcount {@code folio_precise_page_mapcount()}: page-table entries mapping the page
 * @param anon {@code folio_test_anon}
 * @param dirty PTE dirty or folio dirty
 * @param active on the active LRU, or unevictable (mlocked pages count as active here)
 * @param swapcache in the swap cache
 * @param writeback under writeback
 */
public record NumaPage(int nid, int mapcount, boolean anon, boolean dirty, boolean active, boolean swapcache,
        boolean writeback) {

    public NumaPage {
        checkArgument(nid >= 0 && nid < NumaMapsStats.MAX_NUMNODES,
                "node id %s out of range: allowed 0..%s", nid, NumaMapsStats.MAX_NUMNODES - 1);
        checkArgument(mapcount >= 1, "mapcount %s of a mapped page must be at least 1", mapcount);
    }

    /** A page that is neither in the swap cache nor under writeback. */
    public static NumaPage of(int nid, int mapcount, boolean anon, boolean dirty, boolean active) {
        return new NumaPage(nid, mapcount, anon, dirty, active, false, false);
    }
}
