package io.pagelab.kernel.procfs;

import static java.util.Objects.requireNonNull;

import io.pagelab.kernel.buddy.BuddyAllocator;
import io.pagelab.kernel.buddy.Zone;
import java.util.Locale;

/**
 * /proc/buddyinfo, as mm/vmstat.c: frag_show() / frag_show_print() prints it (Linux 6.6): one line
 * per populated zone of every node, the number of free blocks of each order 0..10
 * ({@code free_area[order].nr_free}), each followed by a space, the last one too.
 *
 * <pre>
 * Node 0, zone      DMA      0      0      0      0      0      0      0      0      1      1      3 
 * Node 0, zone    DMA32      1      1      1      0      1      2      2      2      2      1    753 
 * </pre>
 */
public final class ProcBuddyinfo {
    private ProcBuddyinfo() {
    }

    /** The whole file. */
    public static String render(BuddyAllocator allocator) {
        requireNonNull(allocator, "allocator");
        StringBuilder sb = new StringBuilder();
        for (Zone z : allocator.zones()) {
            if (!z.populated()) {
                continue;
            }
            long[] nrFree = new long[BuddyAllocator.MAX_PAGE_ORDER + 1];
            for (int o = 0; o < nrFree.length; o++) {
                nrFree[o] = z.nrFree(o);
            }
            sb.append(line(z.nid(), z.name(), nrFree));
        }
        return sb.toString();
    }

    /** One zone's line: {@code "Node %d, zone %8s "}, {@code "%6lu "} per order, newline. */
    public static String line(int nid, String zone, long[] nrFree) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "Node %d, zone %8s ", nid, zone));
        for (long n : nrFree) {
            sb.append(String.format(Locale.ROOT, "%6d ", n));
        }
        return sb.append('\n').toString();
    }
}
