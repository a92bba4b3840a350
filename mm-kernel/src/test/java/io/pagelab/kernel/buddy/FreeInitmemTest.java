package io.pagelab.kernel.buddy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.kernel.boot.BootConfig;
import io.pagelab.kernel.boot.BootMemory;
import io.pagelab.kernel.boot.BootMemoryResult;
import io.pagelab.kernel.zone.ZoneType;
import org.junit.jupiter.api.Test;

/** free_initmem() on the QEMU 4 GiB guest (reference §14.3, §2.4 (a): "6108K init"). */
class FreeInitmemTest {
    private final BootMemoryResult boot = BootMemory.boot(SampleFirmware.qemu4G());
    private final BuddyAllocator buddy = MmCoreInit.init(boot).allocator();
    private final FreeInitmem.InitSection init =
            FreeInitmem.initSection(BootConfig.defaults(), BuddyConfig.KernelImage.QEMU_6_13);

    @Test
    void theInitSectionSitsRightBelowBss() {
        // reservation 0x1000000 + 0x2600000 = 0x3600000; bss 5024K = 0x4e8000 -> __init_end 0x3118000;
        // init 6108K = 0x5f7000 -> __init_begin 0x2b21000
        assertThat(init).isEqualTo(new FreeInitmem.InitSection(0x2b21000L, 0x3118000L));
    }

    @Test
    void freeingInitmemPrintsTheKernelLineAndGrowsManagedPagesByAQuarterOfTheKilobytes() {
        long managed = buddy.managedPages();
        long free = buddy.freePageCount();
        long reserved = boot.memblock().reservedSize();
        String line = FreeInitmem.freeInitmem(buddy, boot.memblock(), init);
        // free_reserved_area(): "Freeing %s memory: %ldK"; 6108K = 1527 pages
        assertThat(line).isEqualTo("Freeing unused kernel image (initmem) memory: 6108K");
        assertThat(buddy.managedPages()).isEqualTo(managed + 1527);
        assertThat(buddy.freePageCount()).isEqualTo(free + 1527);
        assertThat(boot.memblock().reservedSize()).isEqualTo(reserved - 6108 * 1024);
    }

    @Test
    void theFreedPagesMergeIntoTheLargestAlignedBlocks() {
        Zone dma32 = buddy.zone(0, ZoneType.DMA32);
        long[] before = new long[11];
        for (int o = 0; o <= 10; o++) {
            before[o] = dma32.nrFree(o);
        }
        FreeInitmem.freeInitmem(buddy, null, init);
        // pfns [0x2b21, 0x3118), neighbours reserved (.data below, .bss above), so the 1527 order-0 frees
        // merge into the natural decomposition: 0x2b21 o0, 0x2b22 o1, 0x2b24 o2, 0x2b28 o3, 0x2b30 o4,
        // 0x2b40 o6, 0x2b80 o7, 0x2c00 o10, 0x3000 o8, 0x3100 o4, 0x3110 o3
        // (1 + 2 + 4 + 8 + 16 + 64 + 128 + 1024 + 256 + 16 + 8 = 1527)
        long[] expectedDelta = {1, 1, 1, 2, 2, 0, 1, 1, 1, 0, 1};
        for (int o = 0; o <= 10; o++) {
            assertThat(dma32.nrFree(o) - before[o]).as("order %s", o).isEqualTo(expectedDelta[o]);
        }
        assertThat(buddy.memMap().state(0x2c00)).isEqualTo(io.pagelab.kernel.page.FrameState.buddy(10));
    }

    @Test
    void freeingInitmemTwiceIsRefusedAndChangesNothing() {
        FreeInitmem.freeInitmem(buddy, null, init);
        long managed = buddy.managedPages();
        long free = buddy.freePageCount();
        assertThatThrownBy(() -> FreeInitmem.freeInitmem(buddy, null, init))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("pfn 0x2b21")
                .hasMessageContaining("not a reserved page");
        assertThat(buddy.managedPages()).isEqualTo(managed);
        assertThat(buddy.freePageCount()).isEqualTo(free);
    }
}
