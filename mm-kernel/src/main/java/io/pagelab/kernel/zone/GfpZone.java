package io.pagelab.kernel.zone;

import static io.pagelab.api.Gfp.__GFP_DMA;
import static io.pagelab.api.Gfp.__GFP_DMA32;
import static io.pagelab.api.Gfp.__GFP_HIGHMEM;
import static io.pagelab.api.Gfp.__GFP_MOVABLE;
import static io.pagelab.api.Gfp.__GFP_RECLAIMABLE;

import io.pagelab.api.Gfp;
import io.pagelab.api.error.InvalidArgumentException;

/**
 * What the zone modifiers and mobility flags of a gfp mask select, as include/linux/gfp.h:
 * gfp_zone() (GFP_ZONE_TABLE / GFP_ZONE_BAD) and gfp_migratetype() do on x86-64 (Linux 6.6, no
 * CONFIG_HIGHMEM, so {@code OPT_ZONE_HIGHMEM} is ZONE_NORMAL).
 *
 * <pre>
 *  zone modifiers                      gfp_zone()      examples
 *  none                                Normal          GFP_KERNEL, GFP_ATOMIC
 *  __GFP_DMA                           DMA             GFP_DMA
 *  __GFP_DMA32                         DMA32           GFP_DMA32
 *  __GFP_HIGHMEM                       Normal          GFP_HIGHUSER
 *  __GFP_MOVABLE                       Normal          GFP_KERNEL | __GFP_MOVABLE
 *  __GFP_MOVABLE | __GFP_HIGHMEM       Movable         GFP_HIGHUSER_MOVABLE
 *  __GFP_MOVABLE | __GFP_DMA(32)       DMA(32)
 *  two of DMA, DMA32, HIGHMEM          GFP_ZONE_BAD    (a kernel BUG; here an InvalidArgumentException)
 * </pre>
 *
 * The result is the <em>highest</em> zone the allocation may use; the zonelist falls back to the
 * lower ones (Normal, DMA32, DMA).
 */
public final class GfpZone {
    private GfpZone() {
    }

    /** {@code gfp_zone()}: the highest zone an allocation with these flags may use. */
    public static ZoneType gfpZone(int gfp) {
        int bits = gfp & (__GFP_DMA | __GFP_HIGHMEM | __GFP_DMA32);
        if (Integer.bitCount(bits) > 1) {
            throw new InvalidArgumentException("gfp flags " + Gfp.toString(gfp) + " select no zone (GFP_ZONE_BAD):"
                    + " __GFP_DMA, __GFP_DMA32 and __GFP_HIGHMEM exclude each other");
        }
        boolean movable = (gfp & __GFP_MOVABLE) != 0;
        if ((bits & __GFP_DMA) != 0) {
            return ZoneType.DMA;
        }
        if ((bits & __GFP_DMA32) != 0) {
            return ZoneType.DMA32;
        }
        if ((bits & __GFP_HIGHMEM) != 0 && movable) {
            return ZoneType.MOVABLE;
        }
        return ZoneType.NORMAL;
    }

    /**
     * {@code gfp_migratetype()}: Movable for {@code __GFP_MOVABLE}, Reclaimable for
     * {@code __GFP_RECLAIMABLE}, otherwise Unmovable. (The caller replaces it by Unmovable when
     * page_group_by_mobility_disabled.)
     *
     * @throws InvalidArgumentException when both mobility flags are set (a VM_WARN_ON in Linux)
     */
    public static MigrateType gfpMigratetype(int gfp) {
        boolean movable = (gfp & __GFP_MOVABLE) != 0;
        boolean reclaimable = (gfp & __GFP_RECLAIMABLE) != 0;
        if (movable && reclaimable) {
            throw new InvalidArgumentException("gfp flags " + Gfp.toString(gfp) + " are both movable and reclaimable:"
                    + " __GFP_MOVABLE and __GFP_RECLAIMABLE exclude each other");
        }
        return movable ? MigrateType.MOVABLE : reclaimable ? MigrateType.RECLAIMABLE : MigrateType.UNMOVABLE;
    }
}
