package io.pagelab.kernel.zone;

import static io.pagelab.api.Gfp.GFP_ATOMIC;
import static io.pagelab.api.Gfp.GFP_DMA;
import static io.pagelab.api.Gfp.GFP_DMA32;
import static io.pagelab.api.Gfp.GFP_HIGHUSER;
import static io.pagelab.api.Gfp.GFP_HIGHUSER_MOVABLE;
import static io.pagelab.api.Gfp.GFP_KERNEL;
import static io.pagelab.api.Gfp.__GFP_DMA;
import static io.pagelab.api.Gfp.__GFP_DMA32;
import static io.pagelab.api.Gfp.__GFP_HIGHMEM;
import static io.pagelab.api.Gfp.__GFP_MOVABLE;
import static io.pagelab.api.Gfp.__GFP_RECLAIMABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.error.InvalidArgumentException;
import org.junit.jupiter.api.Test;

class GfpZoneTest {

    @Test
    void zoneModifiersSelectTheHighestUsableZone() {
        // GFP_ZONE_TABLE (include/linux/gfp.h) with OPT_ZONE_HIGHMEM = ZONE_NORMAL on x86-64
        assertThat(GfpZone.gfpZone(GFP_KERNEL)).isEqualTo(ZoneType.NORMAL);
        assertThat(GfpZone.gfpZone(GFP_ATOMIC)).isEqualTo(ZoneType.NORMAL);
        assertThat(GfpZone.gfpZone(GFP_DMA)).isEqualTo(ZoneType.DMA);
        assertThat(GfpZone.gfpZone(GFP_KERNEL | GFP_DMA32)).isEqualTo(ZoneType.DMA32);
        assertThat(GfpZone.gfpZone(GFP_HIGHUSER)).isEqualTo(ZoneType.NORMAL);
        assertThat(GfpZone.gfpZone(GFP_KERNEL | __GFP_MOVABLE)).isEqualTo(ZoneType.NORMAL);
        assertThat(GfpZone.gfpZone(GFP_HIGHUSER_MOVABLE)).isEqualTo(ZoneType.MOVABLE);
        assertThat(GfpZone.gfpZone(__GFP_MOVABLE | __GFP_DMA)).isEqualTo(ZoneType.DMA);
        assertThat(GfpZone.gfpZone(__GFP_MOVABLE | __GFP_DMA32)).isEqualTo(ZoneType.DMA32);
    }

    @Test
    void twoZoneModifiersAreGfpZoneBad() {
        for (int bad : new int[] {__GFP_DMA | __GFP_DMA32, __GFP_DMA | __GFP_HIGHMEM, __GFP_DMA32 | __GFP_HIGHMEM,
            __GFP_MOVABLE | __GFP_DMA | __GFP_HIGHMEM}) {
            assertThatThrownBy(() -> GfpZone.gfpZone(bad)).isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("GFP_ZONE_BAD");
        }
    }

    @Test
    void mobilityFlagsSelectTheMigratetype() {
        assertThat(GfpZone.gfpMigratetype(GFP_KERNEL)).isEqualTo(MigrateType.UNMOVABLE);
        assertThat(GfpZone.gfpMigratetype(GFP_HIGHUSER_MOVABLE)).isEqualTo(MigrateType.MOVABLE);
        assertThat(GfpZone.gfpMigratetype(GFP_KERNEL | __GFP_RECLAIMABLE)).isEqualTo(MigrateType.RECLAIMABLE);
        assertThatThrownBy(() -> GfpZone.gfpMigratetype(__GFP_MOVABLE | __GFP_RECLAIMABLE))
                .isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    void migratetypeNamesAndFallbacksAreTheKernels() {
        assertThat(MigrateType.nameOf(3)).isEqualTo("HighAtomic");
        // fallbacks[] of mm/page_alloc.c (reference §3.5)
        assertThat(MigrateType.fallbacks(MigrateType.MIGRATE_UNMOVABLE)).containsExactly(2, 1);
        assertThat(MigrateType.fallbacks(MigrateType.MIGRATE_MOVABLE)).containsExactly(2, 0);
        assertThat(MigrateType.fallbacks(MigrateType.MIGRATE_RECLAIMABLE)).containsExactly(0, 1);
        assertThat(MigrateType.fallbacks(MigrateType.MIGRATE_CMA)).isEmpty();
        assertThat(MigrateType.isMergeable(MigrateType.MIGRATE_HIGHATOMIC)).isFalse();
        assertThat(ZoneType.ofName("DMA32")).isEqualTo(ZoneType.DMA32);
    }
}
