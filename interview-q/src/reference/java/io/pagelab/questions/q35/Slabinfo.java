package io.pagelab.questions.q35;

import java.util.List;
import java.util.Objects;

/**
 * Q35 如何查看slab信息？ How do you look at slab information? (reference solution)
 *
 * <p>Models /proc/slabinfo version 2.1 as Linux 6.x writes it: mm/slab_common.c:
 * print_slabinfo_header() and cache_show(), with the numbers of mm/slub.c: get_slabinfo():
 * <pre>
 *  num_objs     = total_objects of every node
 *  active_objs  = num_objs - free objects on the node partial lists
 *                 (free objects on per-CPU slabs and per-CPU partial slabs count as active)
 *  pagesperslab = 1 &lt;&lt; oo_order(s-&gt;oo)          objperslab = oo_objects(s-&gt;oo)
 *  active_slabs = num_slabs = nr_slabs             limit, batchcount, sharedfactor, sharedavail = 0
 * </pre>
 *
 * <p>Differs from Linux on purpose: the numbers come in as a record instead of being summed over
 * the kmem_cache_node structures, and the caller chooses the order of the caches (the kernel
 * prints its slab_caches list, newest first).
 */
public final class Slabinfo {

    private Slabinfo() {
    }

    /** What SLUB knows about one cache. */
    public record CacheStats(String name, int size, int order, int objects, long nrSlabs, long totalObjects,
            long partialFree) {
    }

    /** print_slabinfo_header(). */
    public static String header() {
        return "slabinfo - version: 2.1\n"
                + "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>"
                + " : tunables <limit> <batchcount> <sharedfactor>"
                + " : slabdata <active_slabs> <num_slabs> <sharedavail>\n";
    }

    /** cache_show() for SLUB, without the trailing newline. */
    public static String line(CacheStats c) {
        Objects.requireNonNull(c, "cache");
        long activeObjs = c.totalObjects() - c.partialFree();
        int pagesPerSlab = 1 << c.order();
        return String.format("%-17s %6d %6d %6d %4d %4d", c.name(), activeObjs, c.totalObjects(), c.size(), c.objects(),
                pagesPerSlab)
                + String.format(" : tunables %4d %4d %4d", 0, 0, 0)
                + String.format(" : slabdata %6d %6d %6d", c.nrSlabs(), c.nrSlabs(), 0);
    }

    /** The whole file. */
    public static String render(List<CacheStats> caches) {
        StringBuilder sb = new StringBuilder(header());
        for (CacheStats c : caches) {
            sb.append(line(c)).append('\n');
        }
        return sb.toString();
    }
}
