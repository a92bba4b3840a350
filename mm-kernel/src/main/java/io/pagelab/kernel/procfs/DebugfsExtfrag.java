package io.pagelab.kernel.procfs;

import static java.util.Objects.requireNonNull;

import io.pagelab.kernel.buddy.BuddyAllocator;
import io.pagelab.kernel.buddy.Zone;
import io.pagelab.kernel.compaction.ContigPageInfo;
import io.pagelab.kernel.compaction.FragmentationIndex;
import java.util.Locale;

/**
 * /sys/kernel/debug/extfrag/extfrag_index and /sys/kernel/debug/extfrag/unusable_index, as
 * mm/vmstat.c: extfrag_show_print() and unusable_show_print() print them (Linux 6.6): one line per
 * populated zone, {@code "Node %d, zone %8s "}, then for each order 0..10 the index (x1000) as
 * {@code index / 1000 "." index % 1000}, each followed by a space, the last one too.
 *
 * <pre>
 * extfrag_index   ("%2d.%03d "):   Node 0, zone   Normal -1.000 -1.000  0.740 ...
 * unusable_index  ("%d.%03d "):    Node 0, zone   Normal 0.000 1.000 1.000 ...
 * </pre>
 *
 * The two files differ in the width of the integer part: extfrag pads it to 2 characters so that
 * {@code -1.000} and {@code  0.740} line up; unusable_index (never negative) does not pad. (The
 * reference §13.2 gives {@code %d} for both; the 6.x source has {@code %2d} in extfrag_show_print().)
 */
public final class DebugfsExtfrag {
    private DebugfsExtfrag() {
    }

    /** The whole extfrag_index file. */
    public static String extfragIndex(BuddyAllocator allocator) {
        return render(allocator, true);
    }

    /** The whole unusable_index file. */
    public static String unusableIndex(BuddyAllocator allocator) {
        return render(allocator, false);
    }

    private static String render(BuddyAllocator allocator, boolean extfrag) {
        requireNonNull(allocator, "allocator");
        StringBuilder sb = new StringBuilder();
        for (Zone z : allocator.zones()) {
            if (!z.populated()) {
                continue;
            }
            long[] nrFree = ContigPageInfo.nrFree(z);
            sb.append(extfrag ? extfragLine(z.nid(), z.name(), nrFree) : unusableLine(z.nid(), z.name(), nrFree));
        }
        return sb.toString();
    }

    /** {@code extfrag_show_print()} for a zone whose free blocks per order are {@code nrFree}. */
    public static String extfragLine(int nid, String zone, long[] nrFree) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "Node %d, zone %8s ", nid, zone));
        for (int order = 0; order < ContigPageInfo.NR_PAGE_ORDERS; order++) {
            int index = FragmentationIndex.fragmentationIndex(order, ContigPageInfo.fill(nrFree, order));
            sb.append(String.format(Locale.ROOT, "%2d.%03d ", index / 1000, index % 1000));
        }
        return sb.append('\n').toString();
    }

    /** {@code unusable_show_print()} for a zone whose free blocks per order are {@code nrFree}. */
    public static String unusableLine(int nid, String zone, long[] nrFree) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "Node %d, zone %8s ", nid, zone));
        for (int order = 0; order < ContigPageInfo.NR_PAGE_ORDERS; order++) {
            int index = FragmentationIndex.unusableFreeIndex(order, ContigPageInfo.fill(nrFree, order));
            sb.append(String.format(Locale.ROOT, "%d.%03d ", index / 1000, index % 1000));
        }
        return sb.append('\n').toString();
    }
}
