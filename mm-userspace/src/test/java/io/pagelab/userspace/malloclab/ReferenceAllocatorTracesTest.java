package io.pagelab.userspace.malloclab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every reference allocator replays every bundled trace correctly (TraceChecker: alignment, no
 * overlap, heap bounds, payload intact, realloc keeps the shared bytes) with a heap that passes
 * {@code mm_checkheap} every 499 calls and at the end, and is found by name.
 */
class ReferenceAllocatorTracesTest {
    private static final Logger log = LoggerFactory.getLogger(ReferenceAllocatorTracesTest.class);
    private static final List<String> NAMES = List.of("implicit", "explicit", "segregated");

    @Test
    void theThreeReferenceAllocatorsAreFoundByName() {
        assertThat(HeapAllocators.byName("implicit")).isInstanceOf(ImplicitListAllocator.class);
        assertThat(HeapAllocators.byName("explicit")).isInstanceOf(ExplicitListAllocator.class);
        assertThat(HeapAllocators.byName("segregated")).isInstanceOf(SegregatedFitAllocator.class);
        assertThat(HeapAllocators.names()).contains("implicit", "explicit", "segregated");
    }

    @Test
    void eachLookupReturnsAFreshAllocator() {
        assertThat(HeapAllocators.byName("explicit")).isNotSameAs(HeapAllocators.byName("explicit"));
    }

    @TestFactory
    Stream<DynamicTest> everyReferenceAllocatorReplaysEveryBundledTraceWithAConsistentHeap() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : NAMES) {
            for (String trace : RepTrace.bundled().keySet()) {
                tests.add(dynamicTest(name + " on " + trace, () -> {
                    BoundaryTagAllocator heap = (BoundaryTagAllocator) HeapAllocators.byName(name);
                    TraceChecker.Result r = TraceChecker.run(heap, RepTrace.bundled(trace), 499, () -> {
                        assertThat(heap.checkHeap()).as("mm_checkheap of %s during %s", name, trace).isEmpty();
                        if (heap instanceof SegregatedFitAllocator) {
                            for (int c = 0; c < SegregatedFitAllocator.CLASSES; c++) {
                                assertThat(((SegregatedFitAllocator) heap).misfiled(c))
                                        .as("blocks of another size in class %s during %s", c, trace).isEmpty();
                            }
                        }
                    });
                    log.info("{} {}: peak payload {} / peak heap {} = utilization {}", name, trace,
                            r.peakPayload(), r.peakHeap(), String.format("%.3f", r.utilization()));
                }));
            }
        }
        return tests.stream();
    }
}
