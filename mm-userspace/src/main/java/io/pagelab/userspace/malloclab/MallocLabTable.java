package io.pagelab.userspace.malloclab;

import java.util.ArrayList;
import java.util.List;

/**
 * Prints {@link TraceResult}s as mdriver.c's results table: one row per trace, then the total,
 * where the total utilization is the mean over traces of weight &gt; 0 (as mdriver's
 * {@code avg_mem_util}) and the total throughput is all calls over all time.
 *
 * <pre>
 * trace           calls  util  peak payload     peak heap   Kcalls/s
 * short.rep          10 61.3%          3500          5712       1234
 * total              10 61.3%                                   1234
 * </pre>
 */
public final class MallocLabTable {
    private static final String ROW = "%-14s %8s %6s %13s %13s %10s";

    private MallocLabTable() {
    }

    /** The table's lines, header first. */
    public static List<String> render(List<TraceResult> results) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(ROW, "trace", "calls", "util", "peak payload", "peak heap", "Kcalls/s"));
        long calls = 0;
        long nanos = 0;
        double util = 0;
        int counted = 0;
        for (TraceResult r : results) {
            lines.add(String.format(ROW, r.trace() + (r.weight() == 0 ? "*" : ""), r.calls(), percent(r.utilization()),
                    r.peakPayload(), r.peakHeap(), kilo(r.throughput())));
            calls += r.calls();
            nanos += r.nanos();
            if (r.weight() > 0) {
                util += r.utilization();
                counted++;
            }
        }
        lines.add(String.format(ROW, "total", calls, counted == 0 ? "-" : percent(util / counted), "", "",
                nanos == 0 ? "-" : kilo(calls * 1e9 / nanos)));
        if (counted < results.size()) {
            lines.add("* weight 0: not counted in the total utilization");
        }
        return lines;
    }

    private static String percent(double v) {
        return String.format("%.1f%%", 100 * v);
    }

    private static String kilo(double perSecond) {
        return String.format("%.0f", perSecond / 1000);
    }
}
