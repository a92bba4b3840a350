package io.pagelab.userspace.malloclab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.testkit.NaiveAddressSpace;
import java.util.List;
import org.junit.jupiter.api.Test;

class MallocLabTest {
    private static final RepTrace SHORT = RepTrace.bundled("short.rep");

    @Test
    void utilizationIsPeakPayloadOverPeakHeap() {
        // short.rep with a bump allocator (16-byte steps, nothing reused):
        // heap = 32 (a0 24) + 112 (a1 100) + 2000 (a2) + 48 (a3 40) + 512 (r0 500) + 3008 (r3 3000) = 5712;
        // live payload after each call: 24, 124, 2124, 2024, 2064, 2540, 540, 3500, 3000, 0 -> peak 3500
        TraceResult r = MallocLab.run(SHORT, BumpAllocator::new, 1);
        assertThat(r.peakHeap()).isEqualTo(5712);
        assertThat(r.peakPayload()).isEqualTo(3500);
        assertThat(r.utilization()).isEqualTo(3500.0 / 5712);
    }

    @Test
    void throughputCountsEveryCallOfEveryPass() {
        TraceResult r = MallocLab.run(SHORT, BumpAllocator::new, 3);
        assertThat(r.calls()).isEqualTo(30);
        assertThat(r.nanos()).isPositive();
        assertThat(r.throughput()).isEqualTo(30 * 1e9 / r.nanos());
    }

    @Test
    void mmappedBytesCountInTheHeapPageByPage() {
        // every block its own mapping: 24 -> 4096, 100 -> 4096, 2000 -> 4096 live at once,
        // a3 40 while a0, a2 live (a1 freed): still 3 pages; r0 500 maps a new page before
        // unmapping the old: 4 pages = 16384 at the peak
        TraceResult r = MallocLab.run(SHORT, () -> new BumpAllocator(BumpAllocator.Fault.MMAP_EVERYTHING), 1);
        assertThat(r.peakHeap()).isEqualTo(4 * 4096);
    }

    @Test
    void offsetsArePrintedInTheHarnessFormat() {
        List<String> lines = MallocLab.offsets(SHORT, new BumpAllocator(), new NaiveAddressSpace());
        // bump offsets: 0, 0x20 (after 32), 0x90 (after 32 + 112), 0x860 (+2000), 0x890 (+48), 0xa90 (+512)
        assertThat(lines).containsExactly("a 0 24 heap+0x0", "a 1 100 heap+0x20", "a 2 2000 heap+0x90", "f 1",
                "a 3 40 heap+0x860", "r 0 500 heap+0x890", "f 2", "r 3 3000 heap+0xa90", "f 0", "f 3");
    }

    @Test
    void mmappedBlocksAreOffsetsWithinTheirMapping() {
        List<String> lines = MallocLab.offsets(SHORT, new BumpAllocator(BumpAllocator.Fault.MMAP_EVERYTHING),
                new NaiveAddressSpace());
        assertThat(lines.get(0)).isEqualTo("a 0 24 mmap+0x0");
    }

    @Test
    void aMisalignedBlockIsReportedWithTheLine() {
        assertThatThrownBy(() -> MallocLab.run(SHORT, () -> new BumpAllocator(BumpAllocator.Fault.MISALIGN), 1))
                .isInstanceOf(AllocatorFault.class)
                .hasMessage("short.rep:5: \"a 0 24\": bump returned 0x555555559008, which is not 16-byte aligned");
    }

    @Test
    void anOverlappingBlockIsReportedWithTheBlockItOverlaps() {
        // the second block is placed 16 bytes early, inside the first (0x...9000 + 24)
        assertThatThrownBy(() -> MallocLab.run(SHORT, () -> new BumpAllocator(BumpAllocator.Fault.OVERLAP), 1))
                .isInstanceOf(AllocatorFault.class)
                .hasMessageContaining("short.rep:6: \"a 1 100\"")
                .hasMessageContaining("overlaps the live block [0x555555559000, 0x555555559018)");
    }

    @Test
    void aReallocThatLosesTheDataIsReported() {
        assertThatThrownBy(() -> MallocLab.run(SHORT,
                () -> new BumpAllocator(BumpAllocator.Fault.FORGET_ON_REALLOC), 1))
                .isInstanceOf(AllocatorFault.class)
                .hasMessageContaining("short.rep:10: \"r 0 500\"")
                .hasMessageContaining("after realloc (the old contents were not kept)");
    }

    @Test
    void passesMustBePositive() {
        assertThatThrownBy(() -> MallocLab.run(SHORT, BumpAllocator::new, 0))
                .hasMessage("passes 0 must be at least 1");
    }

    @Test
    void everyReferenceAllocatorReplaysEveryBundledTraceCleanly() {
        for (String name : HeapAllocators.names()) {
            for (String trace : RepTrace.bundled().keySet()) {
                TraceResult r = MallocLab.run(RepTrace.bundled(trace), () -> HeapAllocators.byName(name), 1);
                assertThat(r.utilization()).as("%s on %s", name, trace).isBetween(0.0, 1.0);
            }
        }
    }
}
