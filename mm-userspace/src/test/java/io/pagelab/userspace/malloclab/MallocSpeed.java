package io.pagelab.userspace.malloclab;

import java.util.ArrayList;
import java.util.List;

/**
 * The Java half of {@code src/test/c/speed.sh} (a tool, not a test): replays each trace PASSES
 * times on one allocator in a {@link LabProcess}, after a warm-up of the same size, three times, and prints
 * the fastest as {@code <trace> calls=<n> ns=<t>} like {@code replay -n}.
 *
 * <pre>
 *   java -cp ... io.pagelab.userspace.malloclab.MallocSpeed ALLOCATOR PASSES TRACE...
 * </pre>
 */
public final class MallocSpeed {
    /** Timed rounds per trace; the fastest counts (the others absorb GC and a busy machine). */
    private static final int ROUNDS = 3;

    private MallocSpeed() {
    }

    public static void main(String[] args) {
        if (args.length < 3) {
            System.err.println("usage: MallocSpeed ALLOCATOR PASSES TRACE...");
            System.exit(2);
        }
        String allocator = args[0];
        int passes = Integer.parseInt(args[1]);
        List<RepTrace> traces = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            traces.add(RepTrace.bundled(args[i]));
        }
        for (RepTrace t : traces) {
            MallocLab.run(t, () -> HeapAllocators.byName(allocator), passes); // warm-up: JIT
        }
        for (RepTrace t : traces) {
            long best = Long.MAX_VALUE;
            long calls = 0;
            for (int round = 0; round < ROUNDS; round++) {
                TraceResult r = MallocLab.run(t, () -> HeapAllocators.byName(allocator), passes);
                best = Math.min(best, r.nanos());
                calls = r.calls();
            }
            System.out.println(t.name() + " calls=" + calls + " ns=" + best);
        }
    }
}
