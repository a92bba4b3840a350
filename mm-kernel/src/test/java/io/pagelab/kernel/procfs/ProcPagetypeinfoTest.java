package io.pagelab.kernel.procfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.kernel.boot.BootMemory;
import io.pagelab.kernel.buddy.BuddyAllocator;
import io.pagelab.kernel.buddy.MmCoreInit;
import org.junit.jupiter.api.Test;

class ProcPagetypeinfoTest {

    @Test
    void headersAndLinesAreFormattedByteForByteAsTheKernelPrintsThem() {
        // real /proc/pagetypeinfo, Linux 6.6-rc1 16 GiB VM (Mike Kravetz on linux-mm, reference §3.8)
        assertThat(ProcPagetypeinfo.freeHeader()).isEqualTo("Free pages count per migrate type at order"
                + "       0      1      2      3      4      5      6      7      8      9     10 \n");
        assertThat(ProcPagetypeinfo.freeLine(0, "DMA", "Unmovable", new long[] {0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0}))
                .isEqualTo("Node    0, zone      DMA, type    Unmovable"
                        + "      0      0      0      0      0      0      0      0      1      0      0 \n");
        assertThat(ProcPagetypeinfo.freeLine(0, "Normal", "Movable",
                new long[] {214, 299, 120, 53, 15, 10, 6, 6, 1, 4, 1159}))
                .isEqualTo("Node    0, zone   Normal, type      Movable"
                        + "    214    299    120     53     15     10      6      6      1      4   1159 \n");
        assertThat(ProcPagetypeinfo.blockCountHeader()).isEqualTo("\nNumber of blocks type     Unmovable      Movable"
                + "  Reclaimable   HighAtomic          CMA      Isolate \n");
        assertThat(ProcPagetypeinfo.blockCountLine(0, "Normal", new long[] {71, 2995, 6, 0, 0, 0}))
                .isEqualTo("Node 0, zone   Normal           71         2995            6            0            0"
                        + "            0 \n");
    }

    @Test
    void aListLongerThanTheWalkLimitIsPrintedWithAGreaterThanSign() {
        assertThat(ProcPagetypeinfo.freeLine(0, "DMA32", "Movable", new long[] {100000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}))
                .startsWith("Node    0, zone    DMA32, type      Movable >100000      0 ");
    }

    @Test
    void afterBootDmaHasOneUnmovableAndSevenMovablePageblocksAsOnRealMachines() {
        BuddyAllocator buddy = MmCoreInit.init(BootMemory.boot(SampleFirmware.qemu4G())).allocator();
        String text = ProcPagetypeinfo.render(buddy);
        // memmap_init() marks Movable only pageblocks whose first pfn is memory: DMA's pageblock 0 starts
        // in the hole at pfn 0 and keeps the zeroed usemap's Unmovable. The real sample (reference §3.8)
        // shows the same "1 7" line; DMA32 counts pfns 0x1000..0xbffff (sections 24-31 have no memmap):
        // (0xc0000 - 0x1000) / 512 = 1528 pageblocks; Normal 0x40000 / 512 = 512.
        assertThat(text).startsWith("Page block order: 9\nPages per block:  512\n\n");
        // The order-8 block at pfn 0x100 lies in that Unmovable pageblock, so __free_pages_core() puts it
        // on the Unmovable list; the order-9 and order-10 blocks above are Movable. The real sample's
        // DMA lines are exactly these two (its kernel reserved the same first MiB):
        assertThat(text).contains(""
                + "Node    0, zone      DMA, type    Unmovable      0      0      0      0      0      0      0      0"
                + "      1      0      0 \n"
                + "Node    0, zone      DMA, type      Movable      0      0      0      0      0      0      0      0"
                + "      0      1      3 \n");
        assertThat(text).endsWith(""
                + "Node 0, zone      DMA            1            7            0            0            0            0 \n"
                + "Node 0, zone    DMA32            0         1528            0            0            0            0 \n"
                + "Node 0, zone   Normal            0          512            0            0            0            0 \n");
        assertThat(text.lines().filter(l -> l.startsWith("Node    0")).count()).as("6 types x 3 zones").isEqualTo(18);
    }
}
