package io.pagelab.kernel.procfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.kernel.boot.BootMemory;
import io.pagelab.kernel.buddy.BuddyAllocator;
import io.pagelab.kernel.buddy.MmCoreInit;
import org.junit.jupiter.api.Test;

class DebugfsExtfragTest {

    private static long[] hundredSinglePages() {
        long[] nrFree = new long[11];
        nrFree[0] = 100;
        return nrFree;
    }

    @Test
    void extfragLinePadsTheIntegerPartToTwoCharacters() {
        // 100 free order-0 pages (100 pages, 100 blocks). Order 0: a block is free -> -1000.
        // Order k (requested 2^k): 1000 - (1000 + 100000 / 2^k) / 100:
        //  k=1: 1000 - 51000/100 = 490     k=2: 1000 - 26000/100 = 740    k=3: 1000 - 13500/100 = 865
        //  k=4: 1000 - 7250/100 = 928      k=5: 1000 - 4125/100 = 959     k=6: 1000 - 2562/100 = 975
        //  k=7: 1000 - 1781/100 = 983      k=8: 1000 - 1390/100 = 987     k=9: 1000 - 1195/100 = 989
        //  k=10: 1000 - 1097/100 = 990
        // extfrag_show_print(): "Node %d, zone %8s " then "%2d.%03d " per order, newline
        assertThat(DebugfsExtfrag.extfragLine(0, "Normal", hundredSinglePages())).isEqualTo(
                "Node 0, zone   Normal -1.000  0.490  0.740  0.865  0.928  0.959  0.975  0.983  0.987  0.989  0.990 \n");
    }

    @Test
    void unusableLineDoesNotPad() {
        // order 0: all 100 pages usable -> 0; order >= 1: no suitable block -> (100 - 0) * 1000 / 100 = 1000
        // unusable_show_print(): "%d.%03d " per order
        assertThat(DebugfsExtfrag.unusableLine(0, "DMA32", hundredSinglePages())).isEqualTo(
                "Node 0, zone    DMA32 0.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 \n");
    }

    @Test
    void afterTheQemu4GibBootEveryOrderCanBeServedAndFewPagesAreUnusable() {
        BuddyAllocator b = MmCoreInit.init(BootMemory.boot(SampleFirmware.qemu4G())).allocator();
        // every populated zone has a free order-10 block: fragmentation index -1000 at every order
        String minus = " -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 \n";
        assertThat(DebugfsExtfrag.extfragIndex(b)).isEqualTo(""
                + "Node 0, zone      DMA" + minus
                + "Node 0, zone    DMA32" + minus
                + "Node 0, zone   Normal" + minus);
        // unusable at order k = pages in blocks below order k * 1000 / free pages (buddyinfo in ProcBuddyinfoTest):
        //  DMA (1 x o8, 1 x o9, 3 x o10 = 3840): k=9: 256 * 1000 / 3840 = 66; k=10: 768 * 1000 / 3840 = 200
        //  DMA32 (772567 pages; 1+2+4+16+64+128+256+512 = 983 below order 9, 1495 below order 10):
        //    k=9: 983000 / 772567 = 1; k=10: 1495000 / 772567 = 1; k<=8: at most 471000 / 772567 = 0
        //  Normal: only order-10 blocks -> 0 everywhere
        String zeros9 = " 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000";
        assertThat(DebugfsExtfrag.unusableIndex(b)).isEqualTo(""
                + "Node 0, zone      DMA" + zeros9 + " 0.066 0.200 \n"
                + "Node 0, zone    DMA32" + zeros9 + " 0.001 0.001 \n"
                + "Node 0, zone   Normal" + zeros9 + " 0.000 0.000 \n");
    }
}
