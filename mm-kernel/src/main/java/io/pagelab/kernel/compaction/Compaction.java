package io.pagelab.kernel.compaction;

import static java.util.Objects.requireNonNull;

import io.pagelab.kernel.buddy.AllocFlags;
import io.pagelab.kernel.buddy.BuddyAllocator;
import io.pagelab.kernel.buddy.CompactZoneStats;
import io.pagelab.kernel.buddy.Zone;
import io.pagelab.kernel.zone.MigrateType;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Direct compaction of one zone for one allocation order: mm/compaction.c
 * {@code compact_zone_order()} → {@code compact_zone()} with {@code compaction_suit_allocation_order()}
 * in front, and the stall/success/fail accounting of mm/page_alloc.c
 * {@code __alloc_pages_direct_compact()} (Linux 6.6).
 *
 * <pre>
 *  zone_watermark_ok(zone, order, min watermark, zone idx, ALLOC_CMA)  -&gt; SUCCESS, nothing scanned
 *  compaction_suitable(zone, order, zone idx) false                    -&gt; SKIPPED / NOT_SUITABLE_ZONE
 *  otherwise compact_zone() (BuddyAllocator.compactZone)               -&gt; SUCCESS / COMPLETE
 *  compact_stall counts every run that was not skipped; compact_success / compact_fail how it ended
 * </pre>
 *
 * <p>Differs from Linux on purpose: always MIGRATE_SYNC over the whole zone, no fast paths, no
 * deferral ({@code compact_defer_shift}); the caller's zone is the highest zone index; movable
 * requests only (the migratetype whose free lists decide success); the per-cpu lists are not drained
 * before the run (drain them first if freed pages still sit there, as direct reclaim would have).
 */
public final class Compaction {
    private static final Logger LOG = LoggerFactory.getLogger(Compaction.class);

    private Compaction() {
    }

    /** Compacts {@code zone} until a free block of {@code order} for a movable allocation exists. */
    public static CompactionRun compactZone(BuddyAllocator buddy, Zone zone, int order) {
        requireNonNull(buddy, "buddy");
        requireNonNull(zone, "zone");
        ContigPageInfo.checkOrder(order);
        int highestZoneIdx = zone.type().ordinal();
        if (zone.zoneWatermarkOk(order, zone.wmarkPages(0), highestZoneIdx, AllocFlags.ALLOC_CMA, zone.freePages())) {
            LOG.debug("compact_zone_order: node {} zone {} order {}: watermark already met", zone.nid(), zone.name(),
                    order);
            return new CompactionRun(CompactResult.SUCCESS, 1, 1, 0, 0, 0, 0, 0, 0, List.of());
        }
        CompactResult gate = CompactionSuitable.compactionSuitable(zone, order, highestZoneIdx);
        if (!gate.suitable()) {
            return new CompactionRun(gate, 0, 0, 0, 0, 0, 0, 0, 0, List.of());
        }
        CompactZoneStats s = buddy.compactZone(zone, order, MigrateType.MIGRATE_MOVABLE);
        CompactResult result = s.success() ? CompactResult.SUCCESS : CompactResult.COMPLETE;
        return new CompactionRun(result, 1, s.success() ? 1 : 0, s.success() ? 0 : 1, s.migrateScanned(),
                s.freeScanned(), s.isolated(), s.migrated(), s.migrateFailed(), s.moves());
    }
}
