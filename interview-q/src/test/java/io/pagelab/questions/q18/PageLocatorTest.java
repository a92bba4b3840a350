package io.pagelab.questions.q18;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import io.pagelab.questions.q18.PageLocator.Location;
import io.pagelab.questions.q18.PageLocator.NodeSpan;
import io.pagelab.questions.q18.PageLocator.ZoneSpan;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q18 内存管理框架如何构造？ How is the memory-management framework built?
 *
 * <p>Node 0's zones are the real /proc/zoneinfo of linux-reference.md §3.8 (Linux 6.6 VM): DMA
 * start_pfn 1 spanned 4095, DMA32 start_pfn 4096 spanned 1044480, Normal start_pfn 1048576 spanned
 * 1572864, Movable empty. Node 1 is our own fixture: a Normal zone for the next 6 GiB,
 * [2621440, 4194304). Struct page addresses: 0xffffea0000000000 + pfn * 64 (linux-reference §1.4).
 */
@Grader(id = "q18")
@DisplayName("Q18 node -> zone -> struct page")
class PageLocatorTest {

    static final List<NodeSpan> NODES = List.of(
            new NodeSpan(0, List.of(new ZoneSpan("DMA", 1, 4095), new ZoneSpan("DMA32", 4096, 1_044_480),
                    new ZoneSpan("Normal", 1_048_576, 1_572_864), new ZoneSpan("Movable", 0, 0))),
            new NodeSpan(1, List.of(new ZoneSpan("Normal", 2_621_440, 1_572_864),
                    new ZoneSpan("Movable", 2_621_440, 0))));

    @Test
    @Points(3)
    @Hint("A zone holds [start_pfn, start_pfn + spanned): its last pfn is start + spanned - 1, and the "
            + "next zone starts right after.")
    void theSixteenMibBoundarySeparatesDmaFromDma32() {
        // DMA: 1 + 4095 = 4096, so pfn 4095 (the last page below 16 MiB) is DMA and 4096 is DMA32
        assertThat(PageLocator.locate(NODES, 4095).zone()).as("zone of pfn 4095").isEqualTo("DMA");
        assertThat(PageLocator.locate(NODES, 4096).zone()).as("zone of pfn 4096").isEqualTo("DMA32");
        assertThat(PageLocator.locate(NODES, 1).zone()).as("zone of pfn 1").isEqualTo("DMA");
    }

    @Test
    @Points(2)
    @Hint("Spans include holes: DMA32 spans up to 4 GiB even though the PCI hole below 4 GiB has no RAM.")
    void theFourGibBoundarySeparatesDma32FromNormal() {
        // DMA32: 4096 + 1044480 = 1048576 = 4 GiB / 4 KiB
        assertThat(PageLocator.locate(NODES, 0xfffffL).zone()).as("zone of pfn 0xfffff").isEqualTo("DMA32");
        assertThat(PageLocator.locate(NODES, 0x100000L).zone()).as("zone of pfn 0x100000").isEqualTo("Normal");
    }

    @Test
    @Points(3)
    @Hint("The struct page address comes from the vmemmap: 0xffffea0000000000 + pfn * 64.")
    void theLocationCarriesNodeZoneAndStructPageAddress() {
        // 0x100000 * 64 = 0x4000000
        assertThat(PageLocator.locate(NODES, 0x100000L)).as("location of pfn 0x100000")
                .isEqualTo(new Location(0, "Normal", 0xffffea0004000000L));
        // pfn 2621440 = 0x280000 starts node 1; 0x280000 * 64 = 0xa000000
        assertThat(PageLocator.locate(NODES, 2_621_440L)).as("location of pfn 2621440")
                .isEqualTo(new Location(1, "Normal", 0xffffea000a000000L));
        // node 0's Normal ends at 1048576 + 1572864 - 1 = 2621439; 2621439 * 64 = 0x9ffffc0
        assertThat(PageLocator.locate(NODES, 2_621_439L)).as("location of pfn 2621439")
                .isEqualTo(new Location(0, "Normal", 0xffffea0009ffffc0L));
    }

    @Test
    @Points(2)
    @Hint("An empty zone (spanned 0) owns no pfn, even the one at its start_pfn.")
    void anEmptyZoneOwnsNoPfn() {
        // node 1's empty Movable zone starts at 2621440, but that pfn belongs to node 1's Normal
        assertThat(PageLocator.locate(NODES, 2_621_440L).zone()).as("zone of pfn 2621440").isEqualTo("Normal");
        // pfn 0 is in no zone (DMA starts at 1), though node 0's empty Movable "starts" at 0
        assertThat(catchThrowable(() -> PageLocator.locate(NODES, 0))).as("locate(pfn 0)")
                .isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    @Points(1)
    @Hint("A pfn past the end of every zone belongs to no node: refuse it with InvalidArgumentException "
            + "naming the pfn.")
    void aPfnBeyondTheLastZoneIsRefused() {
        // node 1 ends at 2621440 + 1572864 = 4194304 (16 GiB)
        assertThat(catchThrowable(() -> PageLocator.locate(NODES, 4_194_304L))).as("locate(pfn 4194304)")
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("4194304");
        assertThat(PageLocator.locate(NODES, 4_194_303L).nid()).as("node of pfn 4194303").isEqualTo(1);
    }
}
