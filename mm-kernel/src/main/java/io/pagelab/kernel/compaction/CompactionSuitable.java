package io.pagelab.kernel.compaction;

import static java.util.Objects.requireNonNull;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.kernel.buddy.AllocFlags;
import io.pagelab.kernel.buddy.BuddyAllocator;
import io.pagelab.kernel.buddy.Zone;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Should a zone be compacted for an allocation of {@code order}? mm/compaction.c:
 * {@code compaction_suitable()} and {@code __compaction_suitable()} (Linux 6.6).
 *
 * <pre>
 *  watermark = order &gt; PAGE_ALLOC_COSTLY_ORDER (3) ? low_wmark_pages : min_wmark_pages
 *  watermark += compact_gap(order) = 2 &lt;&lt; order          room for the migration copies
 *  __zone_watermark_ok(zone, 0, watermark, highest_zoneidx, ALLOC_CMA, NR_FREE_PAGES)  else SKIPPED
 *  costly order: fragindex = fragmentation_index(zone, order)
 *                0 &lt;= fragindex &lt;= vm.extfrag_threshold (500)  -&gt;  NOT_SUITABLE_ZONE (low memory, not fragmentation)
 *  otherwise CONTINUE
 * </pre>
 *
 * The check is order 0 on purpose: compaction needs free order-0 pages as migration targets, not a
 * free block of the requested order (that is what it is about to build).
 */
public final class CompactionSuitable {
    private static final Logger LOG = LoggerFactory.getLogger(CompactionSuitable.class);

    /** {@code sysctl_extfrag_threshold} default (vm.extfrag_threshold). */
    public static final int DEFAULT_EXTFRAG_THRESHOLD = 500;
    /** vm.extfrag_threshold accepts 0..1000. */
    public static final int MAX_EXTFRAG_THRESHOLD = 1000;

    private static final int WMARK_MIN = 0;
    private static final int WMARK_LOW = 1;

    private CompactionSuitable() {
    }

    /** {@code compact_gap(order)}: {@code 2UL << order} pages. */
    public static long compactGap(int order) {
        ContigPageInfo.checkOrder(order);
        return 2L << order;
    }

    /**
     * {@code __compaction_suitable(zone, order, highest_zoneidx, wmark_target)}: the order-0 watermark
     * check with the compaction gap, counting {@code wmarkTarget} free pages.
     */
    public static boolean watermarkSuitable(Zone zone, int order, int highestZoneIdx, long wmarkTarget) {
        requireNonNull(zone, "zone");
        ContigPageInfo.checkOrder(order);
        int nrZones = zone.lowmemReserve().length;
        InvalidArgumentException.check(highestZoneIdx >= 0 && highestZoneIdx < nrZones,
                "highest_zoneidx %s is out of range: zone indices are 0..%s", highestZoneIdx, nrZones - 1);
        long watermark = zone.wmarkPages(order > BuddyAllocator.PAGE_ALLOC_COSTLY_ORDER ? WMARK_LOW : WMARK_MIN);
        watermark += compactGap(order);
        return zone.zoneWatermarkOk(0, watermark, highestZoneIdx, AllocFlags.ALLOC_CMA, wmarkTarget);
    }

    /** {@code compaction_suitable(zone, order, highest_zoneidx)} with the default extfrag threshold. */
    public static CompactResult compactionSuitable(Zone zone, int order, int highestZoneIdx) {
        return compactionSuitable(zone, order, highestZoneIdx, DEFAULT_EXTFRAG_THRESHOLD);
    }

    /** {@code compaction_suitable()} with {@code vm.extfrag_threshold = extfragThreshold}. */
    public static CompactResult compactionSuitable(Zone zone, int order, int highestZoneIdx, int extfragThreshold) {
        requireNonNull(zone, "zone");
        InvalidArgumentException.check(extfragThreshold >= 0 && extfragThreshold <= MAX_EXTFRAG_THRESHOLD,
                "vm.extfrag_threshold %s is out of range: it accepts 0..%s", extfragThreshold, MAX_EXTFRAG_THRESHOLD);
        CompactResult result;
        if (!watermarkSuitable(zone, order, highestZoneIdx, zone.freePages())) {
            result = CompactResult.SKIPPED;
        } else {
            result = CompactResult.CONTINUE;
            if (order > BuddyAllocator.PAGE_ALLOC_COSTLY_ORDER) {
                int fragindex = FragmentationIndex.fragmentationIndex(zone, order);
                if (fragindex >= 0 && fragindex <= extfragThreshold) {
                    result = CompactResult.NOT_SUITABLE_ZONE;
                }
            }
        }
        LOG.debug("compaction_suitable: node {} zone {} order {} -> {}", zone.nid(), zone.name(), order, result);
        return result;
    }
}
