package io.pagelab.kernel.boot;

/**
 * What one {@code init_unavailable_range()} call (mm/mm_init.c, Linux 6.13) reported: struct pages
 * that exist in the memmap (their section is present) but lie in a hole of memblock.memory; they
 * are initialised as PageReserved.
 *
 * @param nid   node the pages were given to
 * @param zone  zone the pages were given to (the zone above the hole, or the last zone for the
 *              tail of the last section)
 * @param pages number of pages
 */
public record UnavailableRange(int nid, String zone, long pages) {
    /** {@code On node %d, zone %s: %lld pages in unavailable ranges}. */
    public String line() {
        return "On node " + nid + ", zone " + zone + ": " + pages + " pages in unavailable ranges";
    }
}
