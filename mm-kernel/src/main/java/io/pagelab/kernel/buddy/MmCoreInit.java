package io.pagelab.kernel.buddy;

import static java.util.Objects.requireNonNull;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.kernel.boot.BootMemoryResult;
import io.pagelab.kernel.boot.SparseSections;
import io.pagelab.kernel.boot.ZoneLayout;
import io.pagelab.kernel.boot.ZoneSpan;
import io.pagelab.kernel.memblock.FreeRange;
import io.pagelab.kernel.memblock.MemblockView;
import io.pagelab.kernel.memblock.PfnRange;
import io.pagelab.kernel.numa.NodeOrder;
import io.pagelab.kernel.numa.NumaTopology;
import io.pagelab.kernel.page.MemMap;
import io.pagelab.kernel.printk.Vsprintf;
import io.pagelab.kernel.zone.MigrateType;
import io.pagelab.kernel.zone.WatermarkSetup;
import io.pagelab.kernel.zone.ZoneType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * From the boot allocator to a ready buddy allocator: the page-allocator part of
 * {@code mm_core_init()} (mm/mm_init.c, Linux 6.13) with the memmap set up by
 * {@code sparse_init()} / {@code memmap_init()} before it.
 *
 * <pre>
 *  sparse_init()            a memmap for every present section: frames reserved, refcount 1
 *  memmap_init()            pageblocks whose first pfn is memory become MIGRATE_MOVABLE (the rest stay
 *                           0 = Unmovable: that is why DMA shows 1 Unmovable block, pfn 0 is a hole)
 *  build_all_zonelists()    "Built 1 zonelists, mobility grouping on.  Total pages: N"
 *                           (N = present pages; mobility off below pageblock_nr_pages * MIGRATE_TYPES)
 *  memblock_free_all()      for each free range (memory minus reserved), __free_pages_memory():
 *                             the largest naturally aligned block at each start, at most order 10,
 *                             __free_pages_core(): clear PG_reserved, refcount 0, managed += n,
 *                             __free_one_page(..., FPI_TO_TAIL)
 *  init_per_zone_wmark_min()   min_free_kbytes, watermarks, lowmem_reserve (+ THP's recommendation)
 *  mem_init_print_info()    "Memory: freeK/presentK available (... reserved, 0K cma-reserved)"
 * </pre>
 *
 * <p>Differs from Linux on purpose: the Memory line is printed right after the hand-over (Linux
 * prints it later, after early allocations); its reserved figure is what pagelab's memblock
 * reserved (kernel image, first MiB), which is less than a real kernel reserves (memmap, page
 * tables, percpu areas...). No deferred struct page init, no KHO.
 */
public final class MmCoreInit {
    private static final Logger LOG = LoggerFactory.getLogger(MmCoreInit.class);

    private MmCoreInit() {
    }

    /** The allocator and the boot lines. */
    public record Result(BuddyAllocator allocator, List<String> report) {
        public Result {
            report = List.copyOf(report);
        }
    }

    /** Hands the memory of a finished {@code setup_arch()} to a buddy allocator, with the defaults. */
    public static Result init(BootMemoryResult boot) {
        return init(boot, BuddyConfig.defaults());
    }

    /** Hands the memory of a finished {@code setup_arch()} to a buddy allocator. */
    public static Result init(BootMemoryResult boot, BuddyConfig config) {
        return init(boot, config, List.of());
    }

    /**
     * The same with CMA areas declared on {@code boot.memblock()} ({@link Cma#declareContiguous}):
     * the Memory line counts them as cma-reserved, then {@code cma_init_reserved_areas()} activates
     * them.
     */
    public static Result init(BootMemoryResult boot, BuddyConfig config, List<Cma> cmaAreas) {
        requireNonNull(boot, "boot");
        return init(boot.memblock(), boot.zones(), boot.sections(), boot.maxLowPfn(), config, cmaAreas);
    }

    /** The same from the parts, without CMA areas. */
    public static Result init(MemblockView memblock, ZoneLayout layout, SparseSections sections, long maxLowPfn,
            BuddyConfig config) {
        return init(memblock, layout, sections, maxLowPfn, config, List.of());
    }

    /**
     * The same on a NUMA machine: the zonelists follow {@code topology}'s distances
     * ({@link NodeOrder}) and the report starts with one {@code Fallback order for Node N: ...}
     * line per node, as {@code build_zonelists()} prints them before "Built N zonelists". The
     * memblock must already carry the topology's node ids ({@link NumaTopology#applyTo}).
     */
    public static Result init(MemblockView memblock, ZoneLayout layout, SparseSections sections, long maxLowPfn,
            BuddyConfig config, NumaTopology topology) {
        requireNonNull(topology, "topology");
        Result plain = init(memblock, layout, sections, maxLowPfn, config, List.of());
        BuddyAllocator allocator = plain.allocator();
        InvalidArgumentException.check(topology.nrNodes() == allocator.nrOnlineNodes(),
                "topology has %s nodes but memblock's memory spans %s nodes", topology.nrNodes(),
                allocator.nrOnlineNodes());
        int[][] orders = NodeOrder.build(topology);
        allocator.useNodeOrder(orders);
        List<String> report = new ArrayList<>(NodeOrder.fallbackLines(orders));
        report.addAll(plain.report());
        LOG.debug("zonelists built from a {}-node topology", topology.nrNodes());
        return new Result(allocator, report);
    }

    /**
     * The same from the parts: a memblock (memory with node ids, reserved), the zone layout
     * {@code free_area_init()} computed from it, the present sections and {@code max_low_pfn}.
     */
    public static Result init(MemblockView memblock, ZoneLayout layout, SparseSections sections, long maxLowPfn,
            BuddyConfig config, List<Cma> cmaAreas) {
        requireNonNull(cmaAreas, "cmaAreas");
        requireNonNull(memblock, "memblock");
        requireNonNull(layout, "layout");
        requireNonNull(sections, "sections");
        requireNonNull(config, "config");
        List<String> report = new ArrayList<>();
        List<PfnRange> ranges = memblock.memPfnRanges();

        MemMap memMap = sparseInit(sections, ranges);
        long[][][] spans = zoneSpans(layout);
        BuddyAllocator allocator = new BuddyAllocator(memMap, spans);
        memmapInit(allocator, memMap, ranges);

        // build_all_zonelists()
        long present = 0;
        for (Zone z : allocator.zones()) {
            present += z.presentPages();
        }
        allocator.setVmTotalPages(present);
        report.add(String.format(Locale.ROOT, "Built %d zonelists, mobility grouping %s.  Total pages: %d",
                allocator.nrOnlineNodes(), allocator.mobilityGroupingDisabled() ? "off" : "on", present));

        // memblock_free_all()
        for (FreeRange r : memblock.freeRanges()) {
            long startPfn = (r.start() + 4095) >>> 12;
            long endPfn = Math.min(r.end() >>> 12, maxLowPfn);
            if (startPfn < endPfn) {
                freePagesMemory(allocator, memMap, startPfn, endPfn);
            }
        }

        // mem_init_print_info() sees the CMA areas reserved, not yet managed; cma_init_reserved_areas()
        // (core_initcall) then activates them, before init_per_zone_wmark_min() (postcore_initcall)
        long totalcma = 0;
        for (Cma cma : cmaAreas) {
            totalcma += cma.count();
        }
        String memoryLine = memInitPrintInfo(allocator, present, config.kernelImage(), totalcma);
        for (Cma cma : cmaAreas) {
            cma.activate(allocator);
        }

        // init_per_zone_wmark_min(), khugepaged_min_free_kbytes_update()
        allocator.setWatermarkScaleFactorAtBoot(config.watermarkScaleFactor());
        allocator.initPerZoneWmarkMin();
        if (config.transparentHugepage()) {
            int nrZones = 0;
            for (Zone z : allocator.zones()) {
                if (z.populated() && z.type().ordinal() <= ZoneType.NORMAL.ordinal()) {
                    nrZones++;
                }
            }
            allocator.raiseMinFreeKbytes(WatermarkSetup.recommendedMinFreeKbytes(nrZones, allocator.nrFreeBufferPages()));
        }
        if (config.minFreeKbytes() >= 0) {
            allocator.setMinFreeKbytes(config.minFreeKbytes());
        }

        // setup_per_cpu_pageset(), page_alloc_init_late(): shuffle_free_memory(). mm_core_init() prints
        // report_meminit()'s lines just before mem_init_print_info()'s; pagelab appends them after it so
        // that the report keeps its earlier line positions (Built..., Memory:)
        allocator.configure(config);
        report.add(memoryLine);
        report.addAll(config.autoInit().bootLines());
        return new Result(allocator, report);
    }

    /** {@code sparse_init()}: one memmap section per present section, on the node of its first memory. */
    private static MemMap sparseInit(SparseSections sections, List<PfnRange> ranges) {
        long[] numbers = sections.sectionNumbers();
        int[] nids = new int[numbers.length];
        int r = 0;
        for (int i = 0; i < numbers.length; i++) {
            long first = numbers[i] << MemMap.PFN_SECTION_SHIFT;
            long last = first + MemMap.PAGES_PER_SECTION;
            while (r < ranges.size() && ranges.get(r).endPfn() <= first) {
                r++;
            }
            nids[i] = r < ranges.size() && ranges.get(r).startPfn() < last ? ranges.get(r).nid() : 0;
        }
        return MemMap.of(numbers, nids);
    }

    /** Start, spanned and present pages per node and zone type, from free_area_init()'s layout. */
    private static long[][][] zoneSpans(ZoneLayout layout) {
        TreeMap<Integer, List<ZoneSpan>> byNode = new TreeMap<>();
        for (ZoneSpan s : layout.spans()) {
            byNode.computeIfAbsent(s.nid(), k -> new ArrayList<>()).add(s);
        }
        int nodes = byNode.isEmpty() ? 0 : byNode.lastKey() + 1;
        InvalidArgumentException.check(byNode.size() == nodes,
                "nodes with memory must be numbered 0..n-1 without gaps; found %s nodes up to node %s", byNode.size(),
                nodes - 1);
        int nrTypes = byNode.isEmpty() ? 0 : byNode.firstEntry().getValue().size();
        long[][][] spans = new long[nodes][nrTypes][];
        for (var e : byNode.entrySet()) {
            List<ZoneSpan> list = e.getValue();
            InvalidArgumentException.check(list.size() == nrTypes, "node %s has %s zones, node 0 has %s", e.getKey(),
                    list.size(), nrTypes);
            for (ZoneSpan s : list) {
                int z = ZoneType.ofName(s.zone()).ordinal();
                spans[e.getKey()][z] = new long[] {s.startPfn(), s.spannedPages(), s.presentPages()};
            }
        }
        return spans;
    }

    /** {@code memmap_init()}: MIGRATE_MOVABLE for every pageblock-aligned memory pfn of a populated zone. */
    private static void memmapInit(BuddyAllocator allocator, MemMap memMap, List<PfnRange> ranges) {
        for (PfnRange r : ranges) {
            for (Zone z : allocator.zones()) {
                if (z.nid() != r.nid() || !z.populated()) {
                    continue;
                }
                long s = Math.max(r.startPfn(), z.startPfn());
                long e = Math.min(r.endPfn(), z.endPfn());
                for (long pfn = (s + MemMap.PAGEBLOCK_NR_PAGES - 1) & -MemMap.PAGEBLOCK_NR_PAGES; pfn < e;
                        pfn += MemMap.PAGEBLOCK_NR_PAGES) {
                    memMap.setPageblockMigratetype(pfn, MigrateType.MIGRATE_MOVABLE);
                }
            }
        }
    }

    /**
     * {@code __free_pages_memory()} and {@code __free_pages_core()}: release {@code [start, end)} in
     * the largest naturally aligned blocks, at most MAX_PAGE_ORDER, to the tails of the free lists.
     */
    static void freePagesMemory(BuddyAllocator allocator, MemMap memMap, long start, long end) {
        while (start < end) {
            int order = start == 0 ? BuddyAllocator.MAX_PAGE_ORDER
                    : Math.min(BuddyAllocator.MAX_PAGE_ORDER, Long.numberOfTrailingZeros(start));
            while (start + (1L << order) > end) {
                order--;
            }
            int n = 1 << order;
            Zone zone = allocator.zoneOf(start);
            if (!zone.spans(start + n - 1)) {
                throw new IllegalStateException("memblock_free_all: block " + Vsprintf.hex(start) + " of order " + order
                        + " crosses the end of zone " + zone.name() + " at " + Vsprintf.hex(zone.endPfn()));
            }
            memMap.releaseToBuddy(start, n);
            zone.managedPages += n;
            zone.freeOnePage(start, order, memMap.pageblockMigratetype(start), true);
            start += n;
        }
    }

    /** {@code mem_init_print_info()}. */
    static String memInitPrintInfo(BuddyAllocator allocator, long physpages, BuddyConfig.KernelImage image,
            long totalcma) {
        long free = allocator.freePageCount();
        long totalram = allocator.managedPages();
        String line = String.format(Locale.ROOT, "Memory: %dK/%dK available (%dK kernel code, %dK rwdata, %dK rodata,"
                + " %dK init, %dK bss, %dK reserved, %dK cma-reserved)", free * 4, physpages * 4, image.codeK(),
                image.rwdataK(), image.rodataK(), image.initK(), image.bssK(), (physpages - totalram - totalcma) * 4,
                totalcma * 4);
        LOG.debug("{}", line);
        return line;
    }
}
