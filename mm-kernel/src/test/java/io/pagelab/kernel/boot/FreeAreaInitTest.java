package io.pagelab.kernel.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.kernel.memblock.Memblock;
import org.junit.jupiter.api.Test;

class FreeAreaInitTest {

    @Test
    void twoNodesGetTheirOwnInitmemLinesAndTheHoleGoesToTheNodeAbove() {
        // Linux 6.6.41, QEMU 4 GiB with two NUMA nodes from the ACPI SRAT (memblock=debug boot log):
        // node 0 = 0-2 GiB, node 1 = 2-3 GiB plus 4-5 GiB; a kernel without CONFIG_ZONE_DEVICE.
        Memblock mb = new Memblock();
        mb.addNode(0x1000, 0x9e000, 0, 0);
        mb.addNode(0x100000, 0x7ff00000L, 0, 0);
        mb.addNode(0x80000000L, 0x3ffe0000L, 1, 0);
        mb.addNode(0x100000000L, 0x40000000L, 1, 0);
        ZoneLayout layout = FreeAreaInit.zoneSizesInit(mb, 0x140000, false, SparseSections.of(mb));
        assertThat(layout.lines()).containsExactly(
                "Zone ranges:",
                "  DMA      [mem 0x0000000000001000-0x0000000000ffffff]",
                "  DMA32    [mem 0x0000000001000000-0x00000000ffffffff]",
                "  Normal   [mem 0x0000000100000000-0x000000013fffffff]",
                "Movable zone start for each node",
                "Early memory node ranges",
                "  node   0: [mem 0x0000000000001000-0x000000000009efff]",
                "  node   0: [mem 0x0000000000100000-0x000000007fffffff]",
                "  node   1: [mem 0x0000000080000000-0x00000000bffdffff]",
                "  node   1: [mem 0x0000000100000000-0x000000013fffffff]",
                "Initmem setup node 0 [mem 0x0000000000001000-0x000000007fffffff]",
                "Initmem setup node 1 [mem 0x0000000080000000-0x000000013fffffff]",
                "On node 0, zone DMA: 1 pages in unavailable ranges",
                "On node 0, zone DMA: 97 pages in unavailable ranges",
                "On node 1, zone Normal: 32 pages in unavailable ranges");
    }

    @Test
    void aZoneWithoutPagesOnANodeSpansNothing() {
        Memblock mb = new Memblock();
        mb.addNode(0x1000, 0x7f000, 0, 0); // 4 KiB - 512 KiB only
        ZoneLayout layout = FreeAreaInit.zoneSizesInit(mb, 0x80, true, SparseSections.of(mb));
        assertThat(layout.span(0, "DMA")).isEqualTo(new ZoneSpan(0, "DMA", 1, 0x7f, 0x7f));
        assertThat(layout.span(0, "DMA32").populated()).isFalse();
        assertThat(layout.zoneRanges()).extracting(ZoneRange::line).containsExactly(
                "  DMA      [mem 0x0000000000001000-0x000000000007ffff]",
                "  DMA32    empty",
                "  Normal   empty",
                "  Device   empty");
        // the rest of section 0 after pfn 0x80 is unavailable and goes to the last zone seen, DMA
        assertThat(layout.unavailable()).containsExactly(
                new UnavailableRange(0, "DMA", 1), new UnavailableRange(0, "DMA", 0x8000 - 0x80));
    }
}
