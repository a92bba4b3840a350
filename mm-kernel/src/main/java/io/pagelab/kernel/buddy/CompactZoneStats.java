package io.pagelab.kernel.buddy;

import java.util.List;

/**
 * What one {@code compact_zone()} run did, in the /proc/vmstat event names of mm/compaction.c and
 * mm/migrate.c (Linux 6.6).
 *
 * @param success        {@code __compact_finished()} found a free block of the order (COMPACT_SUCCESS);
 *                       false when the scanners met first (COMPACT_COMPLETE)
 * @param migrateScanned compact_migrate_scanned: pages the migrate scanner walked
 * @param freeScanned    compact_free_scanned: pages the free scanner walked
 * @param isolated       compact_isolated: movable pages isolated plus free pages isolated
 * @param migrated       pgmigrate_success: pages moved
 * @param migrateFailed  pgmigrate_fail: isolated pages put back because no target was left
 * @param moves          every moved block, in migration order
 * @param migratePfn     where the migrate scanner stopped ({@code cc->migrate_pfn})
 * @param freePfn        where the free scanner stopped ({@code cc->free_pfn})
 */
public record CompactZoneStats(boolean success, long migrateScanned, long freeScanned, long isolated, long migrated,
        long migrateFailed, List<MigratedPage> moves, long migratePfn, long freePfn) {
    public CompactZoneStats {
        moves = List.copyOf(moves);
    }
}
