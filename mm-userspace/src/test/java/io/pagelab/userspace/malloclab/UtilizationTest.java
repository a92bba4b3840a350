package io.pagelab.userspace.malloclab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * Utilization (peak live payload / peak heap, as CS:APP's mdriver.c reports it) on traces small
 * enough to work out by hand. Heap overhead before the first block: 32 bytes for the implicit and
 * explicit allocators (pad or list root, prologue header and footer, epilogue header), 144 for
 * the segregated one (15 roots + 24); the heap then grows by 4096-byte chunks.
 */
class UtilizationTest {
    private static final String REUSE = "0\n2\n3\n1\na 0 4080\nf 0\na 1 4080\n";
    private static final String COALESCE = "0\n3\n5\n1\na 0 2032\na 1 2032\nf 0\nf 1\na 2 4080\n";

    private static double utilization(HeapAllocator heap, String trace) {
        return TraceChecker.run(heap, RepTrace.parse("hand.rep", trace)).utilization();
    }

    @Test
    void reusingAFreedBlockKeepsTheHeapAtOneChunk() {
        // 4080 + 16 = 4096: one chunk exactly; the second malloc reuses it. 4080 / (32 + 4096)
        assertThat(utilization(new ImplicitListAllocator(), REUSE)).isCloseTo(4080.0 / 4128, within(1e-9));
        assertThat(utilization(new ExplicitListAllocator(), REUSE)).isCloseTo(4080.0 / 4128, within(1e-9));
        // 4080 / (144 + 4096)
        assertThat(utilization(new SegregatedFitAllocator(), REUSE)).isCloseTo(4080.0 / 4240, within(1e-9));
    }

    @Test
    void twoFreedHalvesCoalesceIntoRoomForAWholeChunkRequest() {
        // 2032 + 16 = 2048 twice fills the chunk; freed, they coalesce into 4096 = 4080 + 16.
        // Without coalescing the third request would need a second chunk (4080 / 8224 = 0.496).
        assertThat(utilization(new ImplicitListAllocator(), COALESCE)).isCloseTo(4080.0 / 4128, within(1e-9));
        assertThat(utilization(new ExplicitListAllocator(), COALESCE)).isCloseTo(4080.0 / 4128, within(1e-9));
        assertThat(utilization(new SegregatedFitAllocator(), COALESCE)).isCloseTo(4080.0 / 4240, within(1e-9));
    }

    @Test
    void aSmallerChunkSizeShrinksTheHeapOfATinyTrace() {
        // one 24-byte request: block 48; with 4096-byte chunks the heap is 32 + 4096,
        // with 16-byte chunks it is 32 + 48
        String one = "0\n1\n1\n1\na 0 24\n";
        assertThat(utilization(new ImplicitListAllocator(), one)).isCloseTo(24.0 / 4128, within(1e-9));
        assertThat(utilization(new ImplicitListAllocator(16), one)).isCloseTo(24.0 / 80, within(1e-9));
    }
}
