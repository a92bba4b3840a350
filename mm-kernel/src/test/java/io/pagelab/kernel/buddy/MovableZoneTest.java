package io.pagelab.kernel.buddy;

import static io.pagelab.api.Gfp.GFP_HIGHUSER_MOVABLE;
import static io.pagelab.api.Gfp.GFP_KERNEL;
import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.kernel.boot.FreeAreaInit;
import io.pagelab.kernel.boot.SparseSections;
import io.pagelab.kernel.boot.ZoneLayout;
import io.pagelab.kernel.boot.ZoneSpan;
import io.pagelab.kernel.memblock.Memblock;
import io.pagelab.kernel.zone.Watermarks;
import io.pagelab.kernel.zone.ZoneType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A ZONE_MOVABLE as kernelcore=/movablecore= would place it (the boot slice does not compute it yet,
 * so the test splits the Normal span by hand): 1 GiB at 4 GiB, the upper 512 MiB Movable.
 */
class MovableZoneTest {

    private static BuddyAllocator boot() {
        Memblock mb = new Memblock();
        mb.addNode(0x100000L << 12, 0x40000L << 12, 0, 0);
        SparseSections sections = SparseSections.of(mb);
        ZoneLayout base = FreeAreaInit.zoneSizesInit(mb, 0x140000, false, sections);
        List<ZoneSpan> spans = new ArrayList<>();
        for (ZoneSpan s : base.spans()) {
            if (s.zone().equals("Normal")) {
                spans.add(new ZoneSpan(0, "Normal", 0x100000, 0x20000, 0x20000));
            } else if (s.zone().equals("Movable")) {
                spans.add(new ZoneSpan(0, "Movable", 0x120000, 0x20000, 0x20000));
            } else {
                spans.add(s);
            }
        }
        ZoneLayout layout = new ZoneLayout(base.zoneRanges(), base.nodeRanges(), spans, base.unavailable(), base.lines());
        return MmCoreInit.init(mb, layout, sections, 0x140000, BuddyConfig.defaults()).allocator();
    }

    @Test
    void movableAllocationsPreferZoneMovableAndKernelAllocationsNeverUseIt() {
        BuddyAllocator buddy = boot();
        assertThat(buddy.zonelist(0)).extracting(Zone::name).containsExactly("Movable", "Normal");
        // gfp_zone(GFP_HIGHUSER_MOVABLE) = ZONE_MOVABLE; gfp_zone(GFP_KERNEL) = ZONE_NORMAL
        assertThat(buddy.allocPages(0, GFP_HIGHUSER_MOVABLE)).isGreaterThanOrEqualTo(0x120000);
        assertThat(buddy.allocPages(0, GFP_KERNEL)).isLessThan(0x120000);
    }

    @Test
    void theMovableZoneGetsASmallCappedMinAndStaysOutOfLowmem() {
        BuddyAllocator buddy = boot();
        // lowmem = Normal only: 131072 pages = 524288 kB; int_sqrt(524288 * 16) = 2896 -> pages_min 724,
        // all of it Normal's. tmp = max(724 >> 2 = 181, 131072 * 10 / 10000 = 131) = 181.
        assertThat(buddy.minFreeKbytes()).isEqualTo(2896);
        assertThat(buddy.zone(0, ZoneType.NORMAL).watermarks()).isEqualTo(new Watermarks(724, 905, 1086, 1267));
        // Movable: min = clamp(131072 / 1024, 32, 128) = 128; its tmp is 724 * 131072 / 131072 = 724 too
        assertThat(buddy.zone(0, ZoneType.MOVABLE).watermarks()).isEqualTo(new Watermarks(128, 309, 490, 671));
        // Normal keeps 131072 / 32 = 4096 pages back from allocations that could have used Movable
        assertThat(buddy.zone(0, ZoneType.NORMAL).lowmemReserve()).containsExactly(0, 0, 0, 4096);
    }
}
