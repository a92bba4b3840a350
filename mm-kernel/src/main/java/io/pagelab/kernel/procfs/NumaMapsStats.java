package io.pagelab.kernel.procfs;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * The per-VMA accumulator of /proc/pid/numa_maps: {@code struct numa_maps} and gather_stats()
 * (fs/proc/task_mmu.c, Linux 6.18). Walking a VMA's page tables, each present normal page (not the
 * zero page, not a reserved or device page) is gathered once; a PMD-mapped THP is gathered as 512.
 *
 * <p>Differs from Linux on purpose: node counts live in a small sorted array rather than a
 * MAX_NUMNODES-long one.
 */
public final class NumaMapsStats {
    /** 1 &lt;&lt; CONFIG_NODES_SHIFT on x86-64 distribution kernels (10). */
    public static final int MAX_NUMNODES = 1024;

    private long pages;
    private long anon;
    private long active;
    private long writeback;
    private long mapcountMax;
    private long dirty;
    private long swapcache;
    private final java.util.TreeMap<Integer, Long> node = new java.util.TreeMap<>();

    /** gather_stats(page, md, pte_dirty, nr_pages). */
    public void gather(NumaPage page, long nrPages) {
        requireNonNull(page, "page");
        checkArgument(nrPages == 1 || nrPages == 512,
                "gather_stats takes 1 page (PTE) or 512 (PMD-mapped THP), got %s", nrPages);
        pages += nrPages;
        if (page.dirty()) {
            dirty += nrPages;
        }
        if (page.swapcache()) {
            swapcache += nrPages;
        }
        if (page.active()) {
            active += nrPages;
        }
        if (page.writeback()) {
            writeback += nrPages;
        }
        if (page.anon()) {
            anon += nrPages;
        }
        if (page.mapcount() > mapcountMax) {
            mapcountMax = page.mapcount();
        }
        node.merge(page.nid(), nrPages, Long::sum);
    }

    /** Shorthand for {@code gather(page, 1)}: a page mapped by a PTE. */
    public void gather(NumaPage page) {
        gather(page, 1);
    }

    public long pages() {
        return pages;
    }

    public long anon() {
        return anon;
    }

    public long active() {
        return active;
    }

    public long writeback() {
        return writeback;
    }

    public long mapcountMax() {
        return mapcountMax;
    }

    public long dirty() {
        return dirty;
    }

    public long swapcache() {
        return swapcache;
    }

    /** Pages per node, ascending node id, nodes with no pages left out. */
    public java.util.SortedMap<Integer, Long> nodes() {
        return java.util.Collections.unmodifiableSortedMap(node);
    }
}
