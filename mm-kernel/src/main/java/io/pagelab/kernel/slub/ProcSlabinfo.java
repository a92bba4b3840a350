package io.pagelab.kernel.slub;

import java.util.List;

/**
 * /proc/slabinfo, version 2.1, byte for byte as Linux 6.x prints it (mm/slab_common.c:
 * print_slabinfo_header() and cache_show()):
 *
 * <pre>
 *  slabinfo - version: 2.1
 *  # name            &lt;active_objs&gt; &lt;num_objs&gt; &lt;objsize&gt; &lt;objperslab&gt; &lt;pagesperslab&gt; : tunables ... : slabdata ...
 *  kmalloc-8k           160    160   8192    4    8 : tunables    0    0    0 : slabdata     40     40      0
 *  "%-17s %6lu %6lu %6u %4u %4d" " : tunables %4u %4u %4u" " : slabdata %6lu %6lu %6lu"
 * </pre>
 *
 * A name longer than 17 characters pushes the rest of its line right, as in the kernel. The kernel
 * lists caches newest first (the slab_caches list); callers pass rows in the order they want.
 * The real file is mode 0400 (root only) under SLUB.
 */
public final class ProcSlabinfo {
    /** The first header line. */
    public static final String VERSION_LINE = "slabinfo - version: 2.1";
    /** The second header line (the column names). */
    public static final String COLUMNS_LINE = "# name            <active_objs> <num_objs> <objsize> <objperslab>"
            + " <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs>"
            + " <sharedavail>";

    private ProcSlabinfo() {
    }

    /** The whole file: the two header lines, then one line per row, each ending in a newline. */
    public static String render(List<SlabinfoRow> rows) {
        StringBuilder sb = new StringBuilder(160 * (rows.size() + 2));
        sb.append(VERSION_LINE).append('\n').append(COLUMNS_LINE).append('\n');
        for (SlabinfoRow r : rows) {
            sb.append(line(r)).append('\n');
        }
        return sb.toString();
    }

    /** One cache's line, without the newline. */
    public static String line(SlabinfoRow r) {
        return String.format("%-17s %6d %6d %6d %4d %4d : tunables %4d %4d %4d : slabdata %6d %6d %6d", r.name(),
                r.activeObjs(), r.numObjs(), r.objsize(), r.objperslab(), r.pagesperslab(), 0, 0, 0, r.activeSlabs(),
                r.numSlabs(), 0);
    }
}
