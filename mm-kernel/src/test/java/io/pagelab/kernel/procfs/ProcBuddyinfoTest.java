package io.pagelab.kernel.procfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.kernel.boot.BootMemory;
import io.pagelab.kernel.boot.BootMemoryResult;
import io.pagelab.kernel.buddy.BuddyAllocator;
import io.pagelab.kernel.buddy.MmCoreInit;
import io.pagelab.kernel.buddy.Zone;
import io.pagelab.kernel.memblock.FreeRange;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcBuddyinfoTest {

    @Test
    void linesAreFormattedByteForByteAsTheKernelPrintsThem() {
        // real /proc/buddyinfo (Dave Hansen on linux-mm, reference §3.8), trailing space included
        assertThat(ProcBuddyinfo.line(0, "DMA", new long[] {0, 0, 0, 1, 2, 1, 1, 0, 1, 1, 3}))
                .isEqualTo("Node 0, zone      DMA      0      0      0      1      2      1      1      0      1      1      3 \n");
        assertThat(ProcBuddyinfo.line(0, "DMA32", new long[] {25450, 13645, 11665, 2994, 1242, 665, 234, 50, 12, 1, 1}))
                .isEqualTo("Node 0, zone    DMA32  25450  13645  11665   2994   1242    665    234     50     12      1      1 \n");
        assertThat(ProcBuddyinfo.line(0, "Normal", new long[] {6494, 28630, 16790, 5872, 3524, 1666, 844, 238, 146, 60, 398}))
                .isEqualTo("Node 0, zone   Normal   6494  28630  16790   5872   3524   1666    844    238    146     60    398 \n");
    }

    @Test
    void afterBootingTheQemu4GibMachineTheFreeRangesAreSplitIntoAlignedBlocks() {
        BuddyAllocator buddy = MmCoreInit.init(BootMemory.boot(SampleFirmware.qemu4G())).allocator();
        // Free after setup_arch(): memory minus [0, 1 MiB) and the kernel [0x1000000, 0x3609000):
        //  pfns 0x100..0x1000 (DMA): 0x100/8, 0x200/9, 0x400/10, 0x800/10, 0xc00/10
        //  pfns 0x3609..0xbffe0 (DMA32): 0x3609/0, 0x360a/1, 0x360c/2, 0x3610/4, 0x3620/5, 0x3640/6,
        //    0x3680/7, 0x3700/8, then (0xbfc00 - 0x3800) / 0x400 = 753 order-10 blocks, then the
        //    0x3e0 pages left: 0xbfc00/9, 0xbfe00/8, 0xbff00/7, 0xbff80/6, 0xbffc0/5
        //  pfns 0x100000..0x140000 (Normal): 256 order-10 blocks
        // no two of these are free buddies of each other, so nothing merges.
        assertThat(ProcBuddyinfo.render(buddy)).isEqualTo(""
                + "Node 0, zone      DMA      0      0      0      0      0      0      0      0      1      1      3 \n"
                + "Node 0, zone    DMA32      1      1      1      0      1      2      2      2      2      1    753 \n"
                + "Node 0, zone   Normal      0      0      0      0      0      0      0      0      0      0    256 \n");
    }

    @Test
    void theBootStateMatchesAnIndependentModelOfTheFreeRanges() {
        for (long ram : new long[] {128L << 20, 4L << 30, 5L << 30}) {
            BootMemoryResult boot = BootMemory.boot(SampleFirmware.qemu(ram));
            BuddyAllocator buddy = MmCoreInit.init(boot).allocator();
            List<long[]> free = new ArrayList<>();
            for (FreeRange r : boot.memblock().freeRanges()) {
                free.add(new long[] {(r.start() + 4095) >>> 12, r.end() >>> 12});
            }
            BuddyinfoOracle oracle = new BuddyinfoOracle(free);
            for (Zone z : buddy.zones()) {
                if (!z.populated()) {
                    continue;
                }
                long[] actual = new long[11];
                for (int o = 0; o <= 10; o++) {
                    actual[o] = z.nrFree(o);
                }
                assertThat(actual).as("%d MiB machine, zone %s", ram >> 20, z.name())
                        .containsExactly(oracle.nrFree(z.startPfn(), z.endPfn()));
            }
        }
    }
}
