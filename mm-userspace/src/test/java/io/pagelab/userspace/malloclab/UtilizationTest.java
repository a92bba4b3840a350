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

    @Test
    void theHandWrittenShortTraceNeedsTwoChunksOnTheImplicitList() {
        // short.rep by hand (block sizes in brackets, heap after init 32):
        //   a0 24 [48], a1 100 [128], a2 2000 [2016]: one 4096 chunk, 1904 left at the end
        //   f1; a3 40 [64] first fit into a1's 128 (split 64 + 64)
        //   r0 500 [528]: a0's neighbour a3 is in use: move to the 1904 block (1376 left), free a0
        //   f2: a2's 2016 merges with the free 64 before it (2080)
        //   r3 3000 [3024]: a3 + next free = 2144 < 3024 and not at the end: move; no free block
        //   fits, so the heap grows by 4096 (merging with the last 1376): heap 32 + 8192 = 8224
        // peak payload: 500 + 3000 = 3500 after r3
        TraceChecker.Result r = TraceChecker.run(new ImplicitListAllocator(), RepTrace.bundled("short.rep"));
        assertThat(r.peakPayload()).isEqualTo(3500);
        assertThat(r.peakHeap()).isEqualTo(8224);
        // the same through h42's driver (MeteredProcess: brk growth, no mmaps here)
        TraceResult lab = MallocLab.run(RepTrace.bundled("short.rep"), ImplicitListAllocator::new, 1);
        assertThat(lab.utilization()).isCloseTo(3500.0 / 8224, within(1e-9));
    }
}
