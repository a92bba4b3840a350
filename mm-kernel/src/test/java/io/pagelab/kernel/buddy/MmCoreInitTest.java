package io.pagelab.kernel.buddy;

import static io.pagelab.api.Gfp.GFP_KERNEL;
import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.kernel.boot.BootMemory;
import io.pagelab.kernel.boot.FreeAreaInit;
import io.pagelab.kernel.boot.SparseSections;
import io.pagelab.kernel.boot.ZoneLayout;
import io.pagelab.kernel.memblock.Memblock;
import io.pagelab.kernel.zone.MigrateType;
import io.pagelab.kernel.zone.Watermarks;
import io.pagelab.kernel.zone.ZoneType;
import org.junit.jupiter.api.Test;

/** The memblock hand-over and the zone setup of a booted QEMU 4 GiB guest (reference §2.4 (a), §3.7, §3.8). */
class MmCoreInitTest {
    private static final MmCoreInit.Result QEMU_4G = MmCoreInit.init(BootMemory.boot(SampleFirmware.qemu4G()));
    private final BuddyAllocator buddy = QEMU_4G.allocator();

    @Test
    void theZonelistLineIsTheRealOne() {
        // dmesg (a), Linux 6.13: "Built 1 zonelists, mobility grouping on.  Total pages: 1048446"
        assertThat(QEMU_4G.report()).first().isEqualTo("Built 1 zonelists, mobility grouping on.  Total pages: 1048446");
        assertThat(buddy.totalPages()).isEqualTo(1048446);
        assertThat(buddy.mobilityGroupingDisabled()).isFalse();
    }

    @Test
    void theMemoryLineCountsWhatMemblockLeftFree() {
        // free pfns: DMA 0x100..0x1000 = 3840, DMA32 0x3609..0xbffe0 = 772567, Normal 0x40000 = 262144:
        // 1038551 pages = 4154204K; present 1048446 pages = 4193784K as in dmesg (a); reserved =
        // (1048446 - 1038551) * 4 = 39580K (the first MiB, the hole pages... and the 38 MiB kernel
        // reservation of BootConfig; the real kernel reserved more: memmap, page tables, ...)
        assertThat(QEMU_4G.report().get(1)).isEqualTo("Memory: 4154204K/4193784K available (40960K kernel code,"
                + " 12803K rwdata, 15276K rodata, 6108K init, 5024K bss, 39580K reserved, 0K cma-reserved)");
        assertThat(buddy.managedPages()).isEqualTo(1038551);
        assertThat(buddy.freePageCount()).isEqualTo(1038551);
    }

    @Test
    void zonesHaveTheKernelsSpannedPresentAndManagedPages() {
        Zone dma = buddy.zone(0, ZoneType.DMA);
        // the real 6.6 zoneinfo (reference §3.8): DMA spanned 4095, present 3998, managed 3840; start_pfn 1
        assertThat(new long[] {dma.startPfn(), dma.spannedPages(), dma.presentPages(), dma.managedPages()})
                .containsExactly(1, 4095, 3998, 3840);
        Zone dma32 = buddy.zone(0, ZoneType.DMA32);
        // spanned 0x1000..0x100000 = 1044480 as in the sample; present = memory 0x1000..0xbffe0 = 782304
        assertThat(new long[] {dma32.startPfn(), dma32.spannedPages(), dma32.presentPages(), dma32.managedPages()})
                .containsExactly(0x1000, 1044480, 782304, 772567);
        Zone normal = buddy.zone(0, ZoneType.NORMAL);
        assertThat(new long[] {normal.startPfn(), normal.spannedPages(), normal.presentPages(), normal.managedPages()})
                .containsExactly(0x100000, 262144, 262144, 262144);
        assertThat(buddy.zone(0, ZoneType.MOVABLE).populated()).isFalse();
        assertThat(buddy.zonelist(0)).extracting(Zone::name).containsExactly("Normal", "DMA32", "DMA");
    }

    @Test
    void watermarksFollowMinFreeKbytesAndTheZoneShares() {
        // lowmem = 1038551 pages = 4154204 kB; int_sqrt(4154204 * 16) = 8152 (8152^2 = 66455104 <=
        // 66467264 < 8153^2) -> min_free_kbytes 8152, pages_min 2038.
        //  DMA:    2038 * 3840 / 1038551 = 7;      tmp = max(7 >> 2, 3840 * 10 / 10000 = 3) = 3
        //  DMA32:  2038 * 772567 / 1038551 = 1516; tmp = max(379, 772) = 772
        //  Normal: 2038 * 262144 / 1038551 = 514;  tmp = max(128, 262) = 262
        assertThat(buddy.minFreeKbytes()).isEqualTo(8152);
        assertThat(buddy.zone(0, ZoneType.DMA).watermarks()).isEqualTo(new Watermarks(7, 10, 13, 16));
        assertThat(buddy.zone(0, ZoneType.DMA32).watermarks()).isEqualTo(new Watermarks(1516, 2288, 3060, 3832));
        assertThat(buddy.zone(0, ZoneType.NORMAL).watermarks()).isEqualTo(new Watermarks(514, 776, 1038, 1300));
        // the empty Movable zone: clamp(0 / 1024, 32, 128) = 32 (as "min 32 low 32 high 32" in the sample)
        assertThat(buddy.zone(0, ZoneType.MOVABLE).watermarks()).isEqualTo(new Watermarks(32, 32, 32, 32));
    }

    @Test
    void lowmemReserveProtectsTheLowZones() {
        // DMA (ratio 256): 772567 / 256 = 3017, (772567 + 262144) / 256 = 4041 for Normal and above
        assertThat(buddy.zone(0, ZoneType.DMA).lowmemReserve()).containsExactly(0, 3017, 4041, 4041, 4041);
        // DMA32 (ratio 256): 262144 / 256 = 1024
        assertThat(buddy.zone(0, ZoneType.DMA32).lowmemReserve()).containsExactly(0, 0, 1024, 1024, 1024);
        assertThat(buddy.zone(0, ZoneType.NORMAL).lowmemReserve()).containsExactly(0, 0, 0, 0, 0);
    }

    @Test
    void aThpKernelRaisesMinFreeKbytesToKhugepagedsRecommendation() {
        BuddyAllocator thp = MmCoreInit.init(BootMemory.boot(SampleFirmware.qemu4G()),
                BuddyConfig.defaults().withTransparentHugepage(true)).allocator();
        // 3 populated zones up to Normal: 3 * 512 * 2 + 3 * 512 * 9 = 16896 pages = 67584 kB (below the
        // 5% cap: nr_free_buffer_pages = (3840 - 13) + (772567 - 3060) + (262144 - 1038) = 1034440 / 20)
        assertThat(thp.minFreeKbytes()).isEqualTo(67584);
        // pages_min 16896: DMA 16896 * 3840 / 1038551 = 62, DMA32 ... = 12568, Normal ... = 4264
        assertThat(thp.zone(0, ZoneType.DMA).watermarks().min()).isEqualTo(62);
        assertThat(thp.zone(0, ZoneType.DMA32).watermarks().min()).isEqualTo(12568);
        assertThat(thp.zone(0, ZoneType.NORMAL).watermarks().min()).isEqualTo(4264);
    }

    @Test
    void minFreeKbytesWrittenAfterBootMovesTheWatermarks() {
        BuddyAllocator b = MmCoreInit.init(BootMemory.boot(SampleFirmware.qemu4G())).allocator();
        b.setMinFreeKbytes(0);
        assertThat(b.zone(0, ZoneType.NORMAL).watermarks())
                .as("min 0; tmp = max(0, 262144 * 10 / 10000 = 262)").isEqualTo(new Watermarks(0, 262, 524, 786));
    }

    @Test
    void aSmallZoneRefusesAllocationsThatWouldTakeItBelowTheLowWatermark() {
        // 64 free pages in DMA32 at 0x1200 with min_free_kbytes 128 (the floor) and 64 managed pages:
        // min = 32; low = 32 + max(8, 0) = 40. The fast path needs free > low (+ 0 reserve):
        // 41 free pages allow one more order-0 page, 40 do not; the slow path (min 32) then allows 8 more.
        BuddyAllocator b = TestMachines.boot(new long[][] {{0x1000, 0x2000}}, new long[][] {{0x1200, 0x1240}},
                BuddyConfig.defaults());
        Zone z = b.zone(0, ZoneType.DMA32);
        assertThat(b.minFreeKbytes()).as("int_sqrt(64 * 4 * 16) = 64 -> clamped to 128").isEqualTo(128);
        assertThat(z.watermarks()).isEqualTo(new Watermarks(32, 40, 48, 56));
        int taken = 0;
        while (z.freePages() > 32 + 1) {
            b.allocPages(0, GFP_KERNEL);
            taken++;
        }
        assertThat(taken).as("64 - 33").isEqualTo(31);
        assertThat(z.kswapdWakeups()).as("dipped below low: the slow path woke kswapd").isPositive();
        assertThat(z.zoneWatermarkOk(0, z.wmarkPages(0), 2, 0, z.freePages()))
                .as("33 free pages, min 32: one more order-0 page is still above min").isTrue();
    }

    @Test
    void pageblocksStartMovableExceptThoseBeginningInAHole() {
        assertThat(buddy.pageblockMigratetype(0x0)).isEqualTo(MigrateType.MIGRATE_UNMOVABLE);
        assertThat(buddy.pageblockMigratetype(0x200)).isEqualTo(MigrateType.MIGRATE_MOVABLE);
        assertThat(buddy.pageblockMigratetype(0xbfe00)).isEqualTo(MigrateType.MIGRATE_MOVABLE);
        assertThat(buddy.pageblockMigratetype(0x13fe00)).isEqualTo(MigrateType.MIGRATE_MOVABLE);
    }

    @Test
    void twoNodesGetTwoZonelistsEachStartingAtHome() {
        // the two-node QEMU layout of FreeAreaInitTest (Linux 6.6.41 SRAT boot): node 0 = 0-2 GiB,
        // node 1 = 2-3 GiB and 4-5 GiB; only the first MiB reserved
        Memblock mb = new Memblock();
        mb.addNode(0x1000, 0x9e000, 0, 0);
        mb.addNode(0x100000, 0x7ff00000L, 0, 0);
        mb.addNode(0x80000000L, 0x3ffe0000L, 1, 0);
        mb.addNode(0x100000000L, 0x40000000L, 1, 0);
        mb.reserve(0, 0x100000);
        SparseSections sections = SparseSections.of(mb);
        ZoneLayout layout = FreeAreaInit.zoneSizesInit(mb, 0x140000, false, sections);
        MmCoreInit.Result r = MmCoreInit.init(mb, layout, sections, 0x140000, BuddyConfig.defaults());
        BuddyAllocator b = r.allocator();
        // present: 0x9e + (0x80000 - 0x100) + (0xbffe0 - 0x80000) + 0x40000 = 1048446, as the 1-node boot
        assertThat(r.report().get(0)).isEqualTo("Built 2 zonelists, mobility grouping on.  Total pages: 1048446");
        assertThat(b.zonelist(0)).extracting(z -> z.nid() + ":" + z.name())
                .containsExactly("0:DMA32", "0:DMA", "1:Normal", "1:DMA32");
        assertThat(b.zonelist(1)).extracting(z -> z.nid() + ":" + z.name())
                .containsExactly("1:Normal", "1:DMA32", "0:DMA32", "0:DMA");
        assertThat(b.allocPagesNode(1, 0, GFP_KERNEL)).as("node 1 prefers its Normal zone").isGreaterThanOrEqualTo(0x100000);
        long onNode0 = b.allocPagesNode(0, 0, GFP_KERNEL);
        assertThat(b.memMap().nid(onNode0)).isZero();
    }
}
