package io.pagelab.kernel.compaction;

import io.pagelab.kernel.buddy.MigratedPage;
import java.util.List;

/**
 * The outcome of one {@link Compaction#compactZone} call and the /proc/vmstat events it adds
 * (names from mm/vmstat.c {@code vmstat_text[]}, Linux 6.6).
 *
 * @param result                {@link CompactResult#SKIPPED} / {@link CompactResult#NOT_SUITABLE_ZONE}
 *                              (gate refused), {@link CompactResult#SUCCESS} or {@link CompactResult#COMPLETE}
 * @param compactStall          compact_stall: 1 when compaction ran (or found the block already free), else 0
 * @param compactSuccess        compact_success: 1 when a block of the order is free afterwards
 * @param compactFail           compact_fail: 1 when compaction ran and the block is still missing
 * @param compactMigrateScanned compact_migrate_scanned
 * @param compactFreeScanned    compact_free_scanned
 * @param compactIsolated       compact_isolated
 * @param pgmigrateSuccess      pgmigrate_success
 * @param pgmigrateFail         pgmigrate_fail
 * @param moves                 the blocks that moved, old pfn to new pfn
 */
public record CompactionRun(CompactResult result, long compactStall, long compactSuccess, long compactFail,
        long compactMigrateScanned, long compactFreeScanned, long compactIsolated, long pgmigrateSuccess,
        long pgmigrateFail, List<MigratedPage> moves) {
    public CompactionRun {
        moves = List.copyOf(moves);
    }
}
