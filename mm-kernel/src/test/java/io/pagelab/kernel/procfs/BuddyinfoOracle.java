package io.pagelab.kernel.procfs;

import java.util.ArrayList;
import java.util.List;

/**
 * An independent model of what the free lists hold once every free frame has been freed: for each
 * MAX_ORDER-aligned window, a block of order k is free when all its frames are free and (below
 * order 10) its parent is not. The buddy decomposition of a set of free frames is unique, so the
 * allocator's buddyinfo after any sequence of frees must equal this.
 */
final class BuddyinfoOracle {
    private final List<long[]> free = new ArrayList<>();

    /** Free pfn ranges {@code [start, end)}, in any order; touching ranges are fine. */
    BuddyinfoOracle(List<long[]> ranges) {
        ranges.stream().sorted((a, b) -> Long.compare(a[0], b[0])).forEach(r -> {
            if (!free.isEmpty() && free.get(free.size() - 1)[1] >= r[0]) {
                free.get(free.size() - 1)[1] = Math.max(free.get(free.size() - 1)[1], r[1]);
            } else {
                free.add(new long[] {r[0], r[1]});
            }
        });
    }

    private boolean allFree(long start, long n, long zoneStart, long zoneEnd) {
        if (start < zoneStart || start + n > zoneEnd) {
            return false;
        }
        for (long[] r : free) {
            if (r[0] <= start && start + n <= r[1]) {
                return true;
            }
        }
        return false;
    }

    private void count(long start, int order, long zoneStart, long zoneEnd, long[] out) {
        if (allFree(start, 1L << order, zoneStart, zoneEnd)) {
            out[order]++;
        } else if (order > 0) {
            count(start, order - 1, zoneStart, zoneEnd, out);
            count(start + (1L << (order - 1)), order - 1, zoneStart, zoneEnd, out);
        }
    }

    /** nr_free per order for the zone {@code [zoneStart, zoneEnd)}. */
    long[] nrFree(long zoneStart, long zoneEnd) {
        long[] out = new long[11];
        for (long w = zoneStart & -1024L; w < zoneEnd; w += 1024) {
            boolean touches = false;
            for (long[] r : free) {
                touches |= r[0] < w + 1024 && r[1] > w;
            }
            if (touches) {
                count(w, 10, zoneStart, zoneEnd, out);
            }
        }
        return out;
    }
}
