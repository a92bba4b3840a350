package io.pagelab.kernel.compaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.api.Gfp;
import io.pagelab.api.error.OutOfMemoryException;
import io.pagelab.hardware.firmware.E820Entry;
import io.pagelab.hardware.firmware.E820Type;
import io.pagelab.hardware.firmware.FirmwareMemoryMap;
import io.pagelab.hardware.ram.SimulatedRam;
import io.pagelab.kernel.boot.FreeAreaInit;
import io.pagelab.kernel.boot.SparseSections;
import io.pagelab.kernel.boot.ZoneLayout;
import io.pagelab.kernel.buddy.BuddyAllocator;
import io.pagelab.kernel.buddy.BuddyConfig;
import io.pagelab.kernel.buddy.MigratedPage;
import io.pagelab.kernel.buddy.MmCoreInit;
import io.pagelab.kernel.buddy.Zone;
import io.pagelab.kernel.memblock.Memblock;
import io.pagelab.kernel.page.FrameState;
import io.pagelab.kernel.zone.ZoneType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * compact_zone() on a 16 MiB DMA32 zone, pfns 0x1000..0x2000 = 8 pageblocks of 512 pages, all MOVABLE,
 * vm.min_free_kbytes = 0 (watermark min 0). Every expected number below is derived by hand from
 * linux-reference.md §13.1 and the scanner rules in ZoneCompactor's comment.
 */
class CompactionTest {
    private static final long START = 0x1000;
    private static final long END = 0x2000;

    private static BuddyAllocator machine() {
        Memblock mb = new Memblock();
        mb.addNode(START << 12, (END - START) << 12, 0, 0);
        SparseSections sections = SparseSections.of(mb);
        ZoneLayout layout = FreeAreaInit.zoneSizesInit(mb, END, false, sections);
        return MmCoreInit.init(mb, layout, sections, END, BuddyConfig.defaults().withMinFreeKbytes(0)).allocator();
    }

    /** Allocates every page with GFP_HIGHUSER_MOVABLE; returns how many. */
    private static int fillMovable(BuddyAllocator b) {
        int n = 0;
        while (true) {
            try {
                b.allocPages(0, Gfp.GFP_HIGHUSER_MOVABLE | Gfp.__GFP_NOWARN);
                n++;
            } catch (OutOfMemoryException e) {
                return n;
            }
        }
    }

    @Test
    void onePagePerPageblockIsMovedToTheTopAndFreesAWholePageblock() {
        BuddyAllocator b = machine();
        Zone z = b.zone(0, ZoneType.DMA32);
        assertThat(fillMovable(b)).isEqualTo(4096);
        // keep only the first page of each pageblock: no order-9 block is free
        for (long p = START; p < END; p++) {
            if ((p & 511) != 0) {
                b.freePages(p, 0);
            }
        }
        b.drainAllPages();
        assertThat(z.nrFree(9) + z.nrFree(10)).isZero();

        CompactionRun run = Compaction.compactZone(b, z, 9);

        // migrate scanner: pageblock 0 (512 pages walked, 1 movable isolated: pfn 0x1000).
        // free scanner: pageblock 7 from 0x1e00: 0x1e00 in use (1 page), 0x1e01 free, isolated (1 page);
        // one free page for one migrate page, so it stops: 2 pages walked.
        // 0x1000 -> 0x1e01; the migrate scanner left the order-9 block 0x1000, so the per-cpu lists are
        // drained and pageblock 0 merges into a free order-9 block: COMPACT_SUCCESS at migrate_pfn 0x1200.
        assertThat(run.result()).isEqualTo(CompactResult.SUCCESS);
        assertThat(run.moves()).containsExactly(new MigratedPage(0x1000, 0x1e01, 0));
        assertThat(run.compactMigrateScanned()).isEqualTo(512);
        assertThat(run.compactFreeScanned()).isEqualTo(2);
        assertThat(run.compactIsolated()).isEqualTo(2);
        assertThat(run.pgmigrateSuccess()).isEqualTo(1);
        assertThat(run.compactStall()).isEqualTo(1);
        assertThat(run.compactSuccess()).isEqualTo(1);
        assertThat(z.freeList(9, io.pagelab.kernel.zone.MigrateType.MOVABLE)).containsExactly(0x1000L);
    }

    @Test
    void checkerboardIsCompactedFromBothEndsWithContentsAndHookCalls() {
        BuddyAllocator b = machine();
        Zone z = b.zone(0, ZoneType.DMA32);
        SimulatedRam ram = new SimulatedRam(FirmwareMemoryMap.of(
                List.of(E820Entry.of(START << 12, (END - START) << 12, E820Type.RAM))));
        b.attachMemory(ram);
        List<long[]> hook = new ArrayList<>();
        b.setMigrationHook((oldPfn, newPfn, order) -> hook.add(new long[] {oldPfn, newPfn, order}));
        assertThat(fillMovable(b)).isEqualTo(4096);
        // checkerboard: even pfns free, odd pfns in use and tagged with their own pfn
        for (long p = START; p < END; p++) {
            if ((p & 1) == 0) {
                b.freePages(p, 0);
            } else {
                ram.writeLong(p << 12, p);
            }
        }
        b.drainAllPages();
        assertThat(z.nrFree(0)).isEqualTo(2048);
        assertThat(z.nrFree(1)).isZero();

        CompactionRun run = Compaction.compactZone(b, z, 3);

        // Each batch: the migrate scanner walks 64 pfns of pageblock 0 and isolates their 32 odd pages
        // (COMPACT_CLUSTER_MAX). The free scanner, in pageblock 7, isolates 32 even pages:
        // 0x1e00..0x1e3e in the first batch (63 pages walked), then 64 pages walked per batch
        // (it resumes on the odd page where it stopped). compact_finished keeps going until the
        // migrate scanner finishes pageblock 0 (migrate_pfn pageblock aligned): 8 batches.
        // migrate_scanned = 8 * 64 = 512; free_scanned = 63 + 7 * 64 = 511;
        // isolated = 256 movable + 256 free = 512; 256 pages moved.
        assertThat(run.result()).isEqualTo(CompactResult.SUCCESS);
        assertThat(run.compactMigrateScanned()).isEqualTo(512);
        assertThat(run.compactFreeScanned()).isEqualTo(511);
        assertThat(run.compactIsolated()).isEqualTo(512);
        assertThat(run.pgmigrateSuccess()).isEqualTo(256);
        assertThat(run.pgmigrateFail()).isZero();
        assertThat(run.moves()).hasSize(256);
        for (int k = 0; k < 256; k++) {
            MigratedPage m = run.moves().get(k);
            // the k-th odd page of block 0 lands on the k-th even page of block 7
            assertThat(m.oldPfn()).isEqualTo(START + 2 * k + 1);
            assertThat(m.newPfn()).as("move %s", k).isEqualTo(0x1e00 + 2 * k).isGreaterThan(m.oldPfn());
            assertThat(ram.readLong(m.newPfn() << 12)).as("contents of %s", m).isEqualTo(m.oldPfn());
            assertThat(b.pageMovable(m.newPfn())).isTrue();
            assertThat(hook.get(k)).containsExactly(m.oldPfn(), m.newPfn(), 0);
        }
        // pageblock 0 is wholly free again
        assertThat(z.freeList(9, io.pagelab.kernel.zone.MigrateType.MOVABLE)).containsExactly(0x1000L);
    }

    @Test
    void unmovablePagesAreNeverMoved() {
        BuddyAllocator b = machine();
        Zone z = b.zone(0, ZoneType.DMA32);
        long unmovable = b.allocPages(0, Gfp.GFP_KERNEL);
        fillMovable(b);
        for (long p = START; p < END; p++) {
            if ((p & 1) == 0 && p != unmovable) {
                b.freePages(p, 0);
            }
        }
        b.drainAllPages();

        CompactionRun run = Compaction.compactZone(b, z, 3);

        assertThat(run.moves()).extracting(MigratedPage::oldPfn).doesNotContain(unmovable);
        assertThat(b.pageMovable(unmovable)).isFalse();
        assertThat(FrameState.kind(b.memMap().state(unmovable))).isEqualTo(FrameState.ALLOCATED);
        assertThat(run.result()).isEqualTo(CompactResult.SUCCESS);
    }

    @Test
    void compactionSuitableRefusesAZoneWithoutRoomForTheCopies() {
        BuddyAllocator b = machine();
        Zone z = b.zone(0, ZoneType.DMA32);
        fillMovable(b);
        // 8 free order-0 pages, all in pageblock 0 at even pfns: compact_gap(3) = 16 > 8 free pages
        for (long p = START; p < START + 16; p += 2) {
            b.freePages(p, 0);
        }
        b.drainAllPages();

        CompactionRun run = Compaction.compactZone(b, z, 3);

        assertThat(run.result()).isEqualTo(CompactResult.SKIPPED);
        assertThat(run.compactStall()).isZero();
        assertThat(run.moves()).isEmpty();
        assertThat(z.freePages()).isEqualTo(8);
    }
}
