package io.pagelab.kernel.procfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.api.Gfp;
import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.kernel.boot.BootMemory;
import io.pagelab.kernel.buddy.BuddyAllocator;
import io.pagelab.kernel.buddy.MmCoreInit;
import io.pagelab.kernel.zone.ZoneType;
import org.junit.jupiter.api.Test;

class ProcZoneinfoTest {
    private static final BuddyAllocator QEMU_4G = MmCoreInit.init(BootMemory.boot(SampleFirmware.qemu4G())).allocator();

    @Test
    void theDmaZoneOfTheQemu4GibBootPrintsTheKernelsFieldsAndSpacing() {
        // spanned 4095, present 3998, managed 3840, start_pfn 1: the real 6.6 zoneinfo (reference §3.8).
        // pages free 3840: nothing allocated yet, every managed page is free.
        // min_free_kbytes = int_sqrt(4154204 kB * 16) = 8152 -> pages_min 2038;
        //   min = 2038 * 3840 / 1038551 = 7; tmp = max(7 >> 2 = 1, 3840 * 10 / 10000 = 3) = 3 -> low 10, high 13
        // protection (ratio 256): DMA32 772567 / 256 = 3017; Normal, Movable, Device (772567 + 262144) / 256 = 4041
        // spacing from mm/vmstat.c zoneinfo_show_print(): "Node %d, zone %8s", "\n  pages free     %lu",
        // "\n        boost    %lu" ..., "\n      %-12s %lu" ("nr_free_pages" is 13 wide, "nr_free_cma" padded to 12)
        String expected = ""
                + "Node 0, zone      DMA\n"
                + "  pages free     3840\n"
                + "        boost    0\n"
                + "        min      7\n"
                + "        low      10\n"
                + "        high     13\n"
                + "        spanned  4095\n"
                + "        present  3998\n"
                + "        managed  3840\n"
                + "        cma      0\n"
                + "        protection: (0, 3017, 4041, 4041, 4041)\n"
                + "      nr_free_pages 3840\n"
                + "      nr_free_cma  0\n"
                + "  node_unreclaimable:  0\n"
                + "  start_pfn:           1\n";
        assertThat(ProcZoneinfo.render(QEMU_4G)).startsWith(expected);
        assertThat(ProcZoneinfo.zone(QEMU_4G.zone(0, ZoneType.DMA), 0)).isEqualTo(expected);
    }

    @Test
    void anEmptyZoneStopsAfterItsProtectionLine() {
        // Movable on this machine: no pages; watermarks clamp(0 / 1024, 32, 128) = 32 as in the real
        // sample ("min 32 low 32 high 32"); ratio 0 -> no reserve. zoneinfo_show_print returns after ')'.
        assertThat(ProcZoneinfo.zone(QEMU_4G.zone(0, ZoneType.MOVABLE), 0)).isEqualTo(""
                + "Node 0, zone  Movable\n"
                + "  pages free     0\n"
                + "        boost    0\n"
                + "        min      32\n"
                + "        low      32\n"
                + "        high     32\n"
                + "        spanned  0\n"
                + "        present  0\n"
                + "        managed  0\n"
                + "        cma      0\n"
                + "        protection: (0, 0, 0, 0, 0)\n");
    }

    @Test
    void everyZoneIsPrintedPopulatedOrNotInNodeOrder() {
        String file = ProcZoneinfo.render(QEMU_4G);
        StringBuilder headers = new StringBuilder();
        for (String line : file.split("\n")) {
            if (line.startsWith("Node ")) {
                headers.append(line).append('|');
            }
        }
        assertThat(headers.toString()).isEqualTo("Node 0, zone      DMA|Node 0, zone    DMA32|Node 0, zone   Normal|"
                + "Node 0, zone  Movable|Node 0, zone   Device|");
        // DMA32 starts at 16 MiB = pfn 4096 (reference §3.8 sample: "start_pfn:           4096")
        assertThat(file).contains("        protection: (0, 0, 1024, 1024, 1024)\n      nr_free_pages 772567\n")
                .contains("\n  start_pfn:           4096\n");
    }

    @Test
    void pagesFreeAndNrFreePagesFollowAnAllocation() {
        BuddyAllocator b = MmCoreInit.init(BootMemory.boot(SampleFirmware.qemu4G())).allocator();
        // order 4 (above the per-cpu list orders): a GFP_KERNEL request takes 16 pages from Normal,
        // the first zone of the zonelist: 262144 - 16 = 262128
        b.allocPagesNode(0, 4, Gfp.GFP_KERNEL);
        assertThat(ProcZoneinfo.zone(b.zone(0, ZoneType.NORMAL), 0))
                .contains("\n  pages free     262128\n").contains("\n      nr_free_pages 262128\n");
    }
}
