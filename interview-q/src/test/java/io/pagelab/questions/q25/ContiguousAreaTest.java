package io.pagelab.questions.q25;

import static io.pagelab.questions.q25.ContiguousArea.CONTIG;
import static io.pagelab.questions.q25.ContiguousArea.FREE;
import static io.pagelab.questions.q25.ContiguousArea.MIGRATE_CMA;
import static io.pagelab.questions.q25.ContiguousArea.MIGRATE_MOVABLE;
import static io.pagelab.questions.q25.ContiguousArea.MIGRATE_UNMOVABLE;
import static io.pagelab.questions.q25.ContiguousArea.MOVABLE;
import static io.pagelab.questions.q25.ContiguousArea.NUMA_NO_NODE;
import static io.pagelab.questions.q25.ContiguousArea.UNMOVABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import io.pagelab.questions.q25.ContiguousArea.Migration;
import io.pagelab.questions.q25.ContiguousArea.Outcome;
import io.pagelab.questions.q25.ContiguousArea.Range;
import io.pagelab.questions.q25.ContiguousArea.Reservation;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q25 如何为驱动应用预留大块连续内存？ How is a large contiguous area reserved for drivers?
 *
 * <p>Rules (linux-reference.md §13.3; mm/cma.c cma_declare_contiguous_nid() and mm/page_alloc.c
 * alloc_contig_range(), Linux 6.13): sizes are rounded up to CMA_MIN_ALIGNMENT_BYTES (2 MiB); on x86-64
 * memblock is searched bottom-up from 4 GiB when DRAM ends at or above 4 GiB + size, else top-down
 * (memblock_find_in_range_node: round_down(range end - size, align)); the boot line is
 * "cma: Reserved %ld MiB at %pa on node %d" (%pa: 0x and 16 hex digits; nid -1 for the default area,
 * " on node" since Linux 6.6); MIGRATE_CMA pageblocks take only movable allocations; the busy message is
 * "alloc_contig_range: [%lx, %lx) PFNs busy" (as in real dmesg "[1b8000, 1c0000) PFNs busy"). Every
 * pfn below is worked out by hand from the model's rule "lowest usable free pfn".
 */
@Grader(id = "q25")
@DisplayName("Q25 CMA: declare and alloc_contig_range")
class ContiguousAreaTest {

    static final long MIB = 1L << 20;

    @Test
    @Points(2)
    @Hint("CMA areas are whole pageblocks: round the size UP to a multiple of 2 MiB (0x200000).")
    void sizesAreRoundedUpToWholePageblocks() {
        assertThat(ContiguousArea.alignSize(64 * MIB)).as("64 MiB").isEqualTo(64 * MIB);
        assertThat(ContiguousArea.alignSize(5 * MIB + 1)).as("5 MiB + 1 byte").isEqualTo(6 * MIB);
        assertThat(ContiguousArea.alignSize(1)).as("1 byte").isEqualTo(2 * MIB);
        assertThat(catchThrowable(() -> ContiguousArea.alignSize(0))).as("alignSize(0)")
                .isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    @Points(3)
    @Hint("On x86-64 CMA spares the DMA32 zone: when DRAM ends at or above 4 GiB + size, memblock is "
            + "searched bottom-up from 4 GiB first. %pa prints 0x and 16 hex digits.")
    void onAnEightGibMachineTheAreaGoesBottomUpFromFourGib() {
        // QEMU 8 GiB: RAM [1 MiB, 0xbffe0000) and [4 GiB, 9 GiB). 0x240000000 >= 4 GiB + 64 MiB, so the
        // lowest 2 MiB-aligned base at or above 4 GiB: 0x100000000
        List<Range> free = List.of(new Range(0x100000L, 0xbffe0000L), new Range(0x100000000L, 0x240000000L));
        Reservation r = ContiguousArea.declare(free, 0x240000000L, 64 * MIB, NUMA_NO_NODE);

        assertThat(r.base()).as("base").isEqualTo(0x100000000L);
        assertThat(r.size()).as("size").isEqualTo(64 * MIB);
        assertThat(r.line()).as("boot line").isEqualTo("cma: Reserved 64 MiB at 0x0000000100000000 on node -1");
        // 5 MiB + 1 is reserved (and printed) as 6 MiB
        assertThat(ContiguousArea.declare(free, 0x240000000L, 5 * MIB + 1, 0).line()).as("boot line for 5 MiB + 1")
                .isEqualTo("cma: Reserved 6 MiB at 0x0000000100000000 on node 0");
    }

    @Test
    @Points(3)
    @Hint("Without 4 GiB + size of DRAM (or when nothing fits above 4 GiB) memblock goes top-down: the "
            + "highest range that holds the area, base = (range end - size) rounded DOWN to 2 MiB.")
    void belowFourGibTheAreaGoesTopDownToTheHighestAlignedBase() {
        // QEMU 2 GiB: RAM [1 MiB, 0x7ffe0000). 0x7ffe0000 - 16 MiB = 0x7efe0000, down to 2 MiB: 0x7ee00000
        Reservation small = ContiguousArea.declare(List.of(new Range(0x100000L, 0x7ffe0000L)), 0x7ffe0000L,
                16 * MIB, NUMA_NO_NODE);
        assertThat(small.line()).as("2 GiB machine, 16 MiB").isEqualTo("cma: Reserved 16 MiB at 0x000000007ee00000 on node -1");

        // DRAM ends at 5 GiB >= 4 GiB + 64 MiB, but only 32 MiB is free above 4 GiB: bottom-up fails,
        // top-down skips that range too and takes the top of [1 MiB, 0xbffe0000):
        // 0xbffe0000 - 0x4000000 = 0xbbfe0000, down to 2 MiB: 0xbbe00000
        List<Range> free = List.of(new Range(0x100000L, 0xbffe0000L), new Range(0x100000000L, 0x102000000L));
        assertThat(ContiguousArea.declare(free, 0x140000000L, 64 * MIB, NUMA_NO_NODE).line())
                .as("5 GiB machine with 32 MiB free above 4 GiB, 64 MiB")
                .isEqualTo("cma: Reserved 64 MiB at 0x00000000bbe00000 on node -1");
    }

    @Test
    @Points(3)
    @Hint("MIGRATE_CMA pageblocks are for movable allocations only: an unmovable request must skip them "
            + "even when they hold the only free pages.")
    void unmovableAllocationsNeverLandInCmaPageblocks() {
        ContiguousArea zone = new ContiguousArea(2);
        zone.setPageblockType(0, MIGRATE_CMA); // pfns 0..511 are CMA, 512..1023 MOVABLE

        assertThat(zone.allocPage(MIGRATE_UNMOVABLE, 1)).as("first unmovable page").isEqualTo(512L);
        assertThat(zone.allocPage(MIGRATE_MOVABLE, 2)).as("first movable page (CMA allowed)").isZero();
        for (long pfn = 513; pfn < 1024; pfn++) {
            zone.occupy(pfn, MOVABLE, pfn);
        }
        // 511 CMA pages are still free, yet none may hold an unmovable page
        assertThat(zone.allocPage(MIGRATE_UNMOVABLE, 3)).as("unmovable page when only CMA pages are free")
                .isEqualTo(-1L);
        assertThat(zone.allocPage(MIGRATE_MOVABLE, 4)).as("movable page then").isEqualTo(1L);
        assertThat(zone.state(1)).as("state of pfn 1").isEqualTo(MOVABLE);
    }

    @Test
    @Points(4)
    @Hint("alloc_contig_range: isolate the range's pageblocks, move every movable page in it (ascending) "
            + "to the lowest free page a movable allocation may use, hand the range out, then give the "
            + "pageblocks their old type back (CMA stays CMA).")
    void movablePagesInTheCmaAreaAreMigratedOutAndKeepTheirContents() {
        ContiguousArea zone = new ContiguousArea(3);
        zone.setPageblockType(0, MIGRATE_CMA); // the CMA area: pfns 0..511
        zone.occupy(3, MOVABLE, 0xa);
        zone.occupy(100, MOVABLE, 0xb);
        zone.occupy(511, MOVABLE, 0xc);
        zone.occupy(512, UNMOVABLE, 0xd);
        zone.occupy(513, MOVABLE, 0xe);

        // targets: pageblock 0 is isolated; 512 and 513 are taken, so 514, 515, 516 in turn
        Outcome out = zone.allocContigRange(0, 512);
        assertThat(out.allocated()).as("allocated").isTrue();
        assertThat(out.migrations()).as("migrations")
                .containsExactly(new Migration(3, 514), new Migration(100, 515), new Migration(511, 516));
        assertThat(new long[] {zone.content(514), zone.content(515), zone.content(516)})
                .as("contents at the new pfns").containsExactly(0xa, 0xb, 0xc);
        assertThat(zone.state(0)).as("state of pfn 0").isEqualTo(CONTIG);
        assertThat(zone.state(511)).as("state of pfn 511").isEqualTo(CONTIG);
        assertThat(zone.state(513)).as("state of pfn 513 (outside the range)").isEqualTo(MOVABLE);
        assertThat(zone.pageblockType(0)).as("pageblock 0 type afterwards").isEqualTo(MIGRATE_CMA);

        // cma_release: the pages are free again, and still CMA: an unmovable page goes to 517, not 0
        zone.freeContigRange(0, 512);
        assertThat(zone.state(0)).as("state of pfn 0 after release").isEqualTo(FREE);
        assertThat(zone.allocPage(MIGRATE_UNMOVABLE, 0xf)).as("unmovable page after release").isEqualTo(517L);
    }

    @Test
    @Points(3)
    @Hint("The whole pageblock around the range is MIGRATE_ISOLATE while pages move: a free page just "
            + "before the range, in the same pageblock, is not a valid target. An unmovable page there, "
            + "outside the range, does not make the range busy.")
    void targetsLieOutsideTheIsolatedPageblocksNotJustOutsideTheRange() {
        ContiguousArea zone = new ContiguousArea(2);
        zone.occupy(50, UNMOVABLE, 0x50);
        zone.occupy(150, MOVABLE, 0x77);

        // range [100, 200) isolates pageblock 0 (0..511): pfns 0..49 are free but isolated, so the
        // lowest usable free pfn is 512
        Outcome out = zone.allocContigRange(100, 200);
        assertThat(out.allocated()).as("allocated").isTrue();
        assertThat(out.migrations()).as("migrations").containsExactly(new Migration(150, 512));
        assertThat(zone.content(512)).as("content at pfn 512").isEqualTo(0x77L);
        assertThat(new int[] {zone.state(99), zone.state(100), zone.state(199), zone.state(200)})
                .as("states of pfns 99, 100, 199, 200").containsExactly(FREE, CONTIG, CONTIG, FREE);
        assertThat(zone.pageblockType(100)).as("pageblock 0 type afterwards").isEqualTo(MIGRATE_MOVABLE);
    }

    @Test
    @Points(3)
    @Hint("An unmovable (pinned) page inside the range cannot be migrated: report "
            + "\"alloc_contig_range: [%x, %x) PFNs busy\" in hex without 0x, move nothing, and restore "
            + "the pageblock types.")
    void anUnmovablePageInTheRangeMakesItBusyAndNothingMoves() {
        ContiguousArea zone = new ContiguousArea(2);
        zone.setPageblockType(0, MIGRATE_CMA);
        zone.occupy(10, MOVABLE, 0x10);
        zone.occupy(300, UNMOVABLE, 0x30);

        Outcome out = zone.allocContigRange(0, 512);
        assertThat(out.allocated()).as("allocated").isFalse();
        // 512 = 0x200
        assertThat(out.message()).as("message").isEqualTo("alloc_contig_range: [0, 200) PFNs busy");
        assertThat(out.migrations()).as("migrations").isEmpty();
        assertThat(zone.state(10)).as("state of pfn 10").isEqualTo(MOVABLE);
        assertThat(zone.content(10)).as("content of pfn 10").isEqualTo(0x10L);
        assertThat(zone.state(0)).as("state of pfn 0").isEqualTo(FREE);
        assertThat(zone.pageblockType(0)).as("pageblock 0 type afterwards").isEqualTo(MIGRATE_CMA);
    }

    @Test
    @Points(2)
    @Hint("With too few free pages outside the isolated pageblocks, the range is busy too; and a range "
            + "that is empty or leaves the zone is refused with InvalidArgumentException.")
    void noRoomToMigrateOrABadRangeIsRefusedWithoutChange() {
        ContiguousArea zone = new ContiguousArea(2);
        for (long pfn = 512; pfn < 1024; pfn++) {
            zone.occupy(pfn, UNMOVABLE, pfn);
        }
        zone.occupy(5, MOVABLE, 0x55);

        // pageblock 1 is full and pageblock 0 is isolated: page 5 has nowhere to go
        Outcome out = zone.allocContigRange(0, 16);
        assertThat(out.allocated()).as("allocated with no room").isFalse();
        assertThat(out.message()).as("message").isEqualTo("alloc_contig_range: [0, 10) PFNs busy");
        assertThat(zone.state(5)).as("state of pfn 5").isEqualTo(MOVABLE);
        assertThat(zone.state(0)).as("state of pfn 0").isEqualTo(FREE);

        assertThat(catchThrowable(() -> zone.allocContigRange(600, 1100))).as("allocContigRange(600, 1100)")
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("1100");
        assertThat(catchThrowable(() -> zone.allocContigRange(5, 5))).as("allocContigRange(5, 5)")
                .isInstanceOf(InvalidArgumentException.class);
        assertThat(zone.pageblockType(0)).as("pageblock 0 type").isEqualTo(MIGRATE_MOVABLE);
    }
}
