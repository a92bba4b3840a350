package io.pagelab.lessons.malloclab;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.userspace.malloclab.HeapAllocator;
import io.pagelab.userspace.malloclab.MallocLab;
import io.pagelab.userspace.malloclab.RepTrace;
import io.pagelab.userspace.malloclab.TraceResult;
import java.util.function.Supplier;

/**
 * What the malloc-exercise graders share: replaying the bundled traces with the malloc-lab
 * driver (CS:APP mdriver.c checks: alignment, no overlap, payload kept) and the utilization
 * bar. Public so that the graders, loaded by the exercise class loader, can call it.
 */
public final class LabTraces {
    private LabTraces() {
    }

    /** Replays every bundled trace once; an {@code AllocatorFault} names the first broken call. */
    public static void replayAllBundled(Supplier<? extends HeapAllocator> allocator) {
        for (String trace : RepTrace.bundled().keySet()) {
            MallocLab.run(RepTrace.bundled(trace), allocator, 1);
        }
    }

    /** Asserts that the utilization on the bundled {@code trace} is at least {@code minimum}. */
    public static void assertUtilizationAtLeast(Supplier<? extends HeapAllocator> allocator, String trace,
                                                double minimum) {
        TraceResult r = MallocLab.run(RepTrace.bundled(trace), allocator, 1);
        assertThat(r.utilization())
                .as("utilization on %s (peak payload %s / peak heap %s); at least %s needed",
                        trace, r.peakPayload(), r.peakHeap(), minimum)
                .isGreaterThanOrEqualTo(minimum);
    }
}
