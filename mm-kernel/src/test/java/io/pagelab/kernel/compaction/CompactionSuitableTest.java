package io.pagelab.kernel.compaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.kernel.boot.BootMemory;
import io.pagelab.kernel.buddy.MmCoreInit;
import io.pagelab.kernel.buddy.Zone;
import io.pagelab.kernel.zone.ZoneType;
import org.junit.jupiter.api.Test;

class CompactionSuitableTest {
    // QEMU 4 GiB boot, DMA zone: 3840 free pages (order 8: 1, order 9: 1, order 10: 3);
    // watermarks min 7 low 10 (min_free_kbytes 8152 -> pages_min 2038, 2038 * 3840 / 1038551 = 7,
    // tmp = max(7 >> 2, 3840 * 10 / 10000) = 3); protection (0, 3017, 4041, 4041, 4041).
    private static final Zone QEMU_DMA = MmCoreInit.init(BootMemory.boot(SampleFirmware.qemu4G())).allocator()
            .zone(0, ZoneType.DMA);

    @Test
    void compactGapIsTwiceTheRequest() {
        assertThat(CompactionSuitable.compactGap(0)).isEqualTo(2);
        assertThat(CompactionSuitable.compactGap(9)).isEqualTo(1024);
    }

    @Test
    void aRichZoneIsSuitableForAnOrder0RequestFromItsOwnZone() {
        // watermark = min 7 + compact_gap(0) 2 = 9; 3840 > 9 + lowmem_reserve[DMA] 0
        assertThat(CompactionSuitable.compactionSuitable(QEMU_DMA, 0, 0)).isEqualTo(CompactResult.CONTINUE);
    }

    @Test
    void theLowmemReserveAgainstNormalAllocationsSkipsTheDmaZone() {
        // 3840 <= 9 + lowmem_reserve[Normal] 4041 -> SKIPPED
        assertThat(CompactionSuitable.compactionSuitable(QEMU_DMA, 0, 2)).isEqualTo(CompactResult.SKIPPED);
        assertThat(CompactResult.SKIPPED.suitable()).isFalse();
    }

    @Test
    void aCostlyOrderWithAFreeBlockHasIndexMinus1000AndContinues() {
        // order 9: watermark low 10 + 1024 = 1034 < 3840; order-9 and order-10 blocks free -> index -1000
        assertThat(CompactionSuitable.compactionSuitable(QEMU_DMA, 9, 0)).isEqualTo(CompactResult.CONTINUE);
    }

    @Test
    void order3BlocksForAnOrder4RequestAreLowMemoryNotFragmentation() {
        // 100 order-3 blocks at every 16th pfn: 800 free pages; min 0, low 0 (min_free_kbytes 0,
        // 800 * 10 / 10000 = 0). Watermark 0 + 32 < 800. Index 1000 - (1000 + 800000 / 16) / 100 = 490 <= 500.
        Zone z = CraftedZones.isolatedBlocks(100, 3, 16);
        assertThat(z.freePages()).isEqualTo(800);
        assertThat(z.nrFree(3)).isEqualTo(100);
        assertThat(FragmentationIndex.fragmentationIndex(z, 4)).isEqualTo(490);
        assertThat(CompactionSuitable.compactionSuitable(z, 4, 1)).isEqualTo(CompactResult.NOT_SUITABLE_ZONE);
        // with vm.extfrag_threshold 489 the same zone is worth compacting (490 > 489)
        assertThat(CompactionSuitable.compactionSuitable(z, 4, 1, 489)).isEqualTo(CompactResult.CONTINUE);
        // order 3 is not costly: no fragmentation-index test
        assertThat(CompactionSuitable.compactionSuitable(z, 3, 1)).isEqualTo(CompactResult.CONTINUE);
    }

    @Test
    void scatteredSinglePagesAreFragmentationAndWorthCompacting() {
        // 1000 single pages at even pfns: order 4: 1000 - (1000 + 1000000 / 16) / 1000 = 1000 - 63 = 937 > 500.
        // low = 0 + max(0, 1000 * 10 / 10000 = 1) = 1; watermark 1 + 32 = 33 < 1000 -> CONTINUE
        Zone z = CraftedZones.isolatedBlocks(1000, 0, 2);
        assertThat(z.nrFree(0)).isEqualTo(1000);
        assertThat(FragmentationIndex.fragmentationIndex(z, 4)).isEqualTo(937);
        assertThat(CompactionSuitable.compactionSuitable(z, 4, 1)).isEqualTo(CompactResult.CONTINUE);
        // order 10 needs low 1 + compact_gap 2048 = 2049 free pages: SKIPPED
        assertThat(CompactionSuitable.compactionSuitable(z, 10, 1)).isEqualTo(CompactResult.SKIPPED);
    }

    @Test
    void badThresholdOrZoneIndexIsRejectedWithTheAllowedRange() {
        assertThatThrownBy(() -> CompactionSuitable.compactionSuitable(QEMU_DMA, 4, 0, 1001))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("1001").hasMessageContaining("0..1000");
        assertThatThrownBy(() -> CompactionSuitable.compactionSuitable(QEMU_DMA, 4, 7))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("highest_zoneidx 7");
    }
}
