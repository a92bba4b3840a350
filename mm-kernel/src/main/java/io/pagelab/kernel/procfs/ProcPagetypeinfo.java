package io.pagelab.kernel.procfs;

import static java.util.Objects.requireNonNull;

import io.pagelab.kernel.buddy.BuddyAllocator;
import io.pagelab.kernel.buddy.Zone;
import io.pagelab.kernel.page.MemMap;
import io.pagelab.kernel.zone.MigrateType;
import java.util.Locale;

/**
 * /proc/pagetypeinfo, as mm/vmstat.c: pagetypeinfo_show() prints it for each node with memory
 * (Linux 6.6): the pageblock size, the free blocks of every populated zone by migratetype and order
 * (counted by walking the lists, "&gt;100000" past that many), then the number of pageblocks of each
 * migratetype.
 *
 * <pre>
 * Page block order: 9
 * Pages per block:  512
 *
 * Free pages count per migrate type at order       0      1 ...     10 
 * Node    0, zone      DMA, type    Unmovable      0      0 ...      0 
 * ...
 *
 * Number of blocks type     Unmovable      Movable  Reclaimable   HighAtomic          CMA      Isolate 
 * Node 0, zone      DMA            1            7            0            0            0            0 
 * </pre>
 *
 * <p>Differs from Linux on purpose: no "Number of mixed blocks" section (CONFIG_PAGE_OWNER).
 */
public final class ProcPagetypeinfo {
    /** The list walk stops here and prints {@code >100000}. */
    public static final long LIST_WALK_LIMIT = 100000;

    private ProcPagetypeinfo() {
    }

    /** The whole file: one section per node with memory. */
    public static String render(BuddyAllocator allocator) {
        requireNonNull(allocator, "allocator");
        StringBuilder sb = new StringBuilder();
        for (int nid = 0; nid < allocator.nrOnlineNodes(); nid++) {
            boolean hasMemory = false;
            for (Zone z : allocator.zones()) {
                hasMemory |= z.nid() == nid && z.populated();
            }
            if (!hasMemory) {
                continue;
            }
            sb.append("Page block order: ").append(MemMap.PAGEBLOCK_ORDER).append('\n');
            sb.append("Pages per block:  ").append(MemMap.PAGEBLOCK_NR_PAGES).append('\n');
            sb.append('\n');
            sb.append(freeHeader());
            for (Zone z : allocator.zones()) {
                if (z.nid() != nid || !z.populated()) {
                    continue;
                }
                for (MigrateType mt : MigrateType.values()) {
                    long[] counts = new long[BuddyAllocator.MAX_PAGE_ORDER + 1];
                    for (int o = 0; o < counts.length; o++) {
                        counts[o] = z.countFreeList(o, mt, LIST_WALK_LIMIT);
                    }
                    sb.append(freeLine(nid, z.name(), mt.typeName(), counts));
                }
            }
            sb.append(blockCountHeader());
            for (Zone z : allocator.zones()) {
                if (z.nid() == nid && z.populated()) {
                    sb.append(blockCountLine(nid, z.name(), blockCounts(allocator, z)));
                }
            }
        }
        return sb.toString();
    }

    /** {@code pagetypeinfo_showblockcount_print()}: pageblocks from zone_start_pfn in steps of 512. */
    static long[] blockCounts(BuddyAllocator allocator, Zone zone) {
        long[] count = new long[MigrateType.MIGRATE_TYPES];
        MemMap memMap = allocator.memMap();
        for (long pfn = zone.startPfn(); pfn < zone.endPfn(); pfn += MemMap.PAGEBLOCK_NR_PAGES) {
            if (!memMap.pfnValid(pfn) || memMap.nid(pfn) != zone.nid() || !zone.spans(pfn)) {
                continue;
            }
            count[memMap.pageblockMigratetype(pfn)]++;
        }
        return count;
    }

    /** {@code "%-43s "} of the title and {@code "%6d "} per order. */
    public static String freeHeader() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-43s ",
                "Free pages count per migrate type at order"));
        for (int o = 0; o <= BuddyAllocator.MAX_PAGE_ORDER; o++) {
            sb.append(String.format(Locale.ROOT, "%6d ", o));
        }
        return sb.append('\n').toString();
    }

    /** {@code "Node %4d, zone %8s, type %12s "} and {@code "%s%6lu "} per order. */
    public static String freeLine(int nid, String zone, String type, long[] counts) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "Node %4d, zone %8s, type %12s ", nid, zone,
                type));
        for (long c : counts) {
            sb.append(String.format(Locale.ROOT, "%s%6d ", c >= LIST_WALK_LIMIT ? ">" : "", c));
        }
        return sb.append('\n').toString();
    }

    /** A blank line, {@code "%-23s"} of the title and {@code "%12s "} per migratetype name. */
    public static String blockCountHeader() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "\n%-23s", "Number of blocks type "));
        for (MigrateType mt : MigrateType.values()) {
            sb.append(String.format(Locale.ROOT, "%12s ", mt.typeName()));
        }
        return sb.append('\n').toString();
    }

    /** {@code "Node %d, zone %8s "} and {@code "%12lu "} per migratetype. */
    public static String blockCountLine(int nid, String zone, long[] counts) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "Node %d, zone %8s ", nid, zone));
        for (long c : counts) {
            sb.append(String.format(Locale.ROOT, "%12d ", c));
        }
        return sb.append('\n').toString();
    }
}
