package io.pagelab.kernel.buddy;

import static io.pagelab.api.Gfp.__GFP_COMP;
import static io.pagelab.api.Gfp.__GFP_DIRECT_RECLAIM;
import static io.pagelab.api.Gfp.__GFP_HIGH;
import static io.pagelab.api.Gfp.__GFP_KSWAPD_RECLAIM;
import static io.pagelab.api.Gfp.__GFP_NOWARN;
import static io.pagelab.api.Gfp.__GFP_ZERO;
import static io.pagelab.kernel.buddy.AllocFlags.ALLOC_CMA;
import static io.pagelab.kernel.buddy.AllocFlags.ALLOC_CPUSET;
import static io.pagelab.kernel.buddy.AllocFlags.ALLOC_HIGHATOMIC;
import static io.pagelab.kernel.buddy.AllocFlags.ALLOC_KSWAPD;
import static io.pagelab.kernel.buddy.AllocFlags.ALLOC_MIN_RESERVE;
import static io.pagelab.kernel.buddy.AllocFlags.ALLOC_NOFRAGMENT;
import static io.pagelab.kernel.buddy.AllocFlags.ALLOC_NON_BLOCK;
import static io.pagelab.kernel.buddy.AllocFlags.ALLOC_NO_WATERMARKS;
import static io.pagelab.kernel.buddy.AllocFlags.ALLOC_WMARK_LOW;
import static io.pagelab.kernel.buddy.AllocFlags.ALLOC_WMARK_MASK;
import static io.pagelab.kernel.buddy.AllocFlags.ALLOC_WMARK_MIN;
import static io.pagelab.kernel.zone.MigrateType.MIGRATE_MOVABLE;
import static io.pagelab.kernel.zone.MigrateType.MIGRATE_TYPES;
import static io.pagelab.kernel.zone.MigrateType.MIGRATE_UNMOVABLE;

import io.pagelab.api.Gfp;
import io.pagelab.api.PageAllocator;
import io.pagelab.api.PhysicalMemory;
import io.pagelab.api.error.BadAddressException;
import io.pagelab.api.error.DoubleFreeException;
import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.api.error.OutOfMemoryException;
import io.pagelab.kernel.page.FrameState;
import io.pagelab.kernel.page.MemMap;
import io.pagelab.kernel.page.MemMapFootprint;
import io.pagelab.kernel.page.PageDump;
import io.pagelab.kernel.page.PageFlags;
import io.pagelab.kernel.printk.Vsprintf;
import io.pagelab.kernel.zone.GfpZone;
import io.pagelab.kernel.zone.MigrateType;
import io.pagelab.kernel.zone.Watermarks;
import io.pagelab.kernel.zone.WatermarkSetup;
import io.pagelab.kernel.zone.ZoneType;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The zoned buddy page allocator, the {@link PageAllocator} of mm/page_alloc.c (Linux 6.6,
 * MAX_PAGE_ORDER naming of 6.8): {@code __alloc_pages()} walks the zonelist from the highest zone
 * the gfp flags allow (Normal, then DMA32, then DMA) and takes the first zone whose free pages stay
 * above the low watermark; the slow path wakes kswapd and tries again at the min watermark with the
 * reserves the flags grant. {@code __free_pages()} checks the page (bad_page) and gives the block
 * back to its zone, which merges it with its buddies.
 *
 * <pre>
 *  allocPages(order, gfp)
 *    gfp_zone(gfp) -&gt; highest zone, gfp_migratetype(gfp) -&gt; free list type
 *    fast path: get_page_from_freelist(ALLOC_WMARK_LOW [| ALLOC_NOFRAGMENT for Normal])
 *                 for zone in zonelist (Normal -&gt; DMA32 -&gt; DMA): watermark ok? rmqueue
 *    slow path: wake kswapd; get_page_from_freelist(ALLOC_WMARK_MIN | reserves)
 *               may reclaim: unreserve HighAtomic pageblocks, retry; else fail
 *    prep_new_page(): refcount 1, compound head, __GFP_ZERO
 *  freePages(pfn, order)
 *    checks (bad_page), put_page_testzero(), free_pages_prepare(), __free_one_page()
 * </pre>
 *
 * <p>Build one from a booted memblock with {@link MmCoreInit}.
 *
 * <p>Per-cpu page lists ({@link PerCpuPages}) exist when {@link BuddyConfig#nrCpus()} is above 0;
 * pages on them are not counted by {@link #freePageCount()} (NR_FREE_PAGES), as in Linux: call
 * {@link #drainAllPages()} before comparing counts. Auto-init and page poisoning
 * ({@link MemAutoInit}) act only when RAM is attached ({@link #attachMemory}).
 *
 * <p>Differs from Linux on purpose: no direct reclaim, compaction or OOM
 * killer yet (a request that the min watermark refuses fails at once, {@code __GFP_NOFAIL}
 * included); a failure throws {@link OutOfMemoryException} instead of returning NULL; freeing
 * checks what CONFIG_DEBUG_VM checks and, unlike Linux, the order of non-compound blocks (see
 * {@link FrameState}); bad input throws and leaves the allocator as it was.
 */
public final class BuddyAllocator implements PageAllocator {
    private static final Logger LOG = LoggerFactory.getLogger(BuddyAllocator.class);

    /** {@code MAX_PAGE_ORDER} (Linux 6.8+; MAX_ORDER - 1 before 6.4). */
    public static final int MAX_PAGE_ORDER = 10;
    /** {@code MAX_ORDER_NR_PAGES}: 1024 pages, 4 MiB. */
    public static final int MAX_ORDER_NR_PAGES = 1 << MAX_PAGE_ORDER;
    /** {@code PAGE_ALLOC_COSTLY_ORDER}. */
    public static final int PAGE_ALLOC_COSTLY_ORDER = 3;

    private final MemMap memMap;
    private final Zone[][] nodeZones;
    private Zone[][] zonelists;
    private final List<Zone> allZones;
    private final int nrZoneTypes;
    private long vmTotalPages;
    private boolean mobilityDisabled;
    private int minFreeKbytes = 1024;
    private int userMinFreeKbytes = -1;
    private int watermarkScaleFactor = WatermarkSetup.DEFAULT_WATERMARK_SCALE_FACTOR;
    private PhysicalMemory memory;
    private long pgalloc;
    private long pgfree;
    private long allocFailures;
    private int nrCpus;
    private int currentCpu;
    private MemAutoInit autoInit = MemAutoInit.OFF;
    private final List<PageCorruption> corruptions = new ArrayList<>();
    /** Pfns of allocated blocks that came from a {@code __GFP_MOVABLE} request (LRU / movable pages). */
    private final BitSet movable = new BitSet();
    private MigrationHook migrationHook = MigrationHook.NONE;

    /**
     * @param memMap the memmap
     * @param spans  per node, per zone type (index = ZoneType ordinal): start pfn, spanned, present
     */
    BuddyAllocator(MemMap memMap, long[][][] spans) {
        this.memMap = memMap;
        this.nrZoneTypes = spans.length == 0 ? 0 : spans[0].length;
        this.nodeZones = new Zone[spans.length][];
        List<Zone> all = new ArrayList<>();
        for (int nid = 0; nid < spans.length; nid++) {
            nodeZones[nid] = new Zone[nrZoneTypes];
            for (int z = 0; z < nrZoneTypes; z++) {
                long[] s = spans[nid][z];
                Zone zone = new Zone(this, memMap, nid, ZoneType.values()[z], s[0], s[1], s[2], nrZoneTypes);
                nodeZones[nid][z] = zone;
                all.add(zone);
            }
        }
        this.allZones = Collections.unmodifiableList(all);
        checkZoneBoundaries();
        this.zonelists = buildZonelists();
    }

    /** Two zones may not meet inside a pair of frames: they would share a free-list link slot (see MemMap). */
    private void checkZoneBoundaries() {
        for (Zone z : allZones) {
            if (!z.populated()) {
                continue;
            }
            for (long edge : new long[] {z.startPfn(), z.endPfn()}) {
                if ((edge & 1) == 0) {
                    continue;
                }
                long outside = edge == z.startPfn() ? edge - 1 : edge;
                for (Zone other : allZones) {
                    if (other != z && other.populated() && other.spans(outside)) {
                        throw new InvalidArgumentException("zones " + z.name() + " of node " + z.nid() + " and "
                                + other.name() + " of node " + other.nid() + " meet at odd pfn " + Vsprintf.hex(edge)
                                + ": pagelab needs zone boundaries at even pfns (a pair of frames shares one"
                                + " free-list link)");
                    }
                }
            }
        }
    }

    /** {@code build_zonelists()}: each node's populated zones from the highest down, then the other nodes'. */
    private Zone[][] buildZonelists() {
        Zone[][] lists = new Zone[nodeZones.length][];
        for (int nid = 0; nid < nodeZones.length; nid++) {
            List<Zone> list = new ArrayList<>();
            for (int i = 0; i < nodeZones.length; i++) {
                int node = (nid + i) % nodeZones.length;
                for (int z = nrZoneTypes - 1; z >= 0; z--) {
                    if (nodeZones[node][z].populated()) {
                        list.add(nodeZones[node][z]);
                    }
                }
            }
            lists[nid] = list.toArray(new Zone[0]);
        }
        return lists;
    }

    /**
     * {@code build_zonelists_in_node_order()}: rebuilds every node's zonelist from a node order
     * (io.pagelab.kernel.numa.NodeOrder), each node's populated zones from the highest down.
     */
    void useNodeOrder(int[][] orders) {
        InvalidArgumentException.check(orders.length == nodeZones.length,
                "node order for %s nodes, but the allocator has %s nodes", orders.length, nodeZones.length);
        Zone[][] lists = new Zone[nodeZones.length][];
        for (int nid = 0; nid < nodeZones.length; nid++) {
            List<Zone> list = new ArrayList<>();
            for (int node : orders[nid]) {
                InvalidArgumentException.check(node >= 0 && node < nodeZones.length,
                        "node %s in the order of node %s: allowed 0..%s", node, nid, nodeZones.length - 1);
                for (int z = nrZoneTypes - 1; z >= 0; z--) {
                    if (nodeZones[node][z].populated()) {
                        list.add(nodeZones[node][z]);
                    }
                }
            }
            lists[nid] = list.toArray(new Zone[0]);
        }
        this.zonelists = lists;
    }

    // ================================================================== configuration (MmCoreInit, sysctls)

    void setVmTotalPages(long pages) {
        this.vmTotalPages = pages;
        this.mobilityDisabled = pages < (long) MemMap.PAGEBLOCK_NR_PAGES * MIGRATE_TYPES;
    }

    /**
     * Attaches RAM so that {@code __GFP_ZERO}, init_on_alloc and init_on_free clear page contents
     * and page poisoning can write and check them. With page_poison on, every page free at this
     * moment (buddy and per-cpu lists) is poisoned now, as Linux poisons the pages memblock hands
     * over at boot. Without RAM the allocator touches no page contents at all.
     */
    public void attachMemory(PhysicalMemory ram) {
        this.memory = ram;
        if (ram != null && autoInit.pagePoison()) {
            for (Zone z : allZones) {
                for (long pfn = z.startPfn(); pfn < z.endPfn(); pfn++) {
                    if (memMap.pfnValid(pfn)) {
                        int st = memMap.state(pfn);
                        if (FrameState.kind(st) == FrameState.BUDDY || FrameState.isPcp(st)) {
                            long n = 1L << FrameState.order(st);
                            ram.fill(pfn << 12, n << 12, MemAutoInit.PAGE_POISON);
                            pfn += n - 1;
                        }
                    }
                }
            }
        }
    }

    /**
     * Applies the per-cpu lists, shuffling and auto-init settings of the config (MmCoreInit, after
     * memblock_free_all: {@code setup_per_cpu_pageset()}, {@code shuffle_free_memory()}).
     *
     * @return the number of order-10 swaps the shuffle did
     */
    int configure(BuddyConfig config) {
        this.nrCpus = config.nrCpus();
        this.autoInit = config.autoInit();
        if (nrCpus > 0) {
            for (Zone z : allZones) {
                if (z.populated()) {
                    z.pcp = new PerCpuPages(z, memMap, nrCpus);
                    z.pcp.setHighAndBatch(z.managedPages(), z.wmarkPages(ALLOC_WMARK_LOW));
                }
            }
        }
        int swaps = 0;
        if (config.shuffle()) {
            ShuffleState shuffle = new ShuffleState(config.shuffleSeed());
            for (Zone z : allZones) {
                if (z.populated()) {
                    swaps += shuffle.shuffleZone(z, memMap);
                    z.shuffle = shuffle;
                }
            }
        }
        return swaps;
    }

    /** The CPU the next allocations and frees run on (per-cpu lists); 0 at boot. */
    public void setCurrentCpu(int cpu) {
        InvalidArgumentException.check(cpu >= 0 && cpu < Math.max(1, nrCpus), "cpu %s is not online: cpus are 0..%s",
                cpu, Math.max(1, nrCpus) - 1);
        this.currentCpu = cpu;
    }

    /** The CPU allocations run on. */
    public int currentCpu() {
        return currentCpu;
    }

    /** The online CPUs with per-cpu page lists (0: the lists are off). */
    public int nrCpus() {
        return nrCpus;
    }

    /** {@code drain_all_pages(NULL)}: every CPU's per-cpu lists of every zone back to the buddy lists. */
    public void drainAllPages() {
        for (Zone z : allZones) {
            if (z.pcp != null) {
                for (int cpu = 0; cpu < nrCpus; cpu++) {
                    z.pcp.drainPages(cpu);
                }
            }
        }
    }

    /** Pages waiting on per-cpu lists, all zones and CPUs (not counted in {@link #freePageCount()}, as in Linux). */
    public long pcpPageCount() {
        long sum = 0;
        for (Zone z : allZones) {
            if (z.pcp != null) {
                for (int cpu = 0; cpu < nrCpus; cpu++) {
                    sum += z.pcp.count(cpu);
                }
            }
        }
        return sum;
    }

    /** The auto-init settings in force. */
    public MemAutoInit autoInit() {
        return autoInit;
    }

    /** Every page-poison corruption found on allocation so far, oldest first. */
    public List<PageCorruption> pageCorruptions() {
        return Collections.unmodifiableList(corruptions);
    }

    /**
     * {@code vm.min_free_kbytes}: sets it and recomputes every zone's watermarks
     * ({@code min_free_kbytes_sysctl_handler()}).
     */
    public void setMinFreeKbytes(int kbytes) {
        InvalidArgumentException.check(kbytes >= 0, "vm.min_free_kbytes %s must not be negative", kbytes);
        this.minFreeKbytes = kbytes;
        this.userMinFreeKbytes = kbytes;
        setupPerZoneWmarks();
    }

    /** {@code vm.watermark_scale_factor} (1..3000): recomputes the watermarks. */
    public void setWatermarkScaleFactor(int factor) {
        InvalidArgumentException.check(factor >= 1 && factor <= 3000,
                "vm.watermark_scale_factor %s outside 1..3000", factor);
        this.watermarkScaleFactor = factor;
        setupPerZoneWmarks();
    }

    void setWatermarkScaleFactorAtBoot(int factor) {
        this.watermarkScaleFactor = factor;
    }

    /** {@code min_free_kbytes}. */
    public int minFreeKbytes() {
        return minFreeKbytes;
    }

    /** {@code watermark_scale_factor}. */
    public int watermarkScaleFactor() {
        return watermarkScaleFactor;
    }

    /** {@code init_per_zone_wmark_min()} (minus the THP part, see {@link MmCoreInit}). */
    void initPerZoneWmarkMin() {
        int computed = WatermarkSetup.calculateMinFreeKbytes(nrFreeBufferPages() * 4);
        if (computed > userMinFreeKbytes) {
            minFreeKbytes = computed;
        }
        setupPerZoneWmarks();
        setupPerZoneLowmemReserve();
    }

    void raiseMinFreeKbytes(long kbytes) {
        if (kbytes > minFreeKbytes) {
            LOG.info("raising min_free_kbytes from {} to {} to help transparent hugepage allocations", minFreeKbytes,
                    kbytes);
            minFreeKbytes = (int) kbytes;
            setupPerZoneWmarks();
        }
    }

    /** {@code nr_free_buffer_pages()}: managed minus high watermark over the zones up to Normal. */
    public long nrFreeBufferPages() {
        long sum = 0;
        for (Zone z : zonelists.length == 0 ? new Zone[0] : zonelists[0]) {
            if (z.type().ordinal() <= ZoneType.NORMAL.ordinal()) {
                long high = z.wmarkPages(AllocFlags.ALLOC_WMARK_HIGH);
                if (z.managedPages() > high) {
                    sum += z.managedPages() - high;
                }
            }
        }
        return sum;
    }

    private void setupPerZoneWmarks() {
        ZoneType[] types = new ZoneType[allZones.size()];
        long[] managed = new long[allZones.size()];
        for (int i = 0; i < types.length; i++) {
            types[i] = allZones.get(i).type();
            managed[i] = allZones.get(i).managedPages();
        }
        Watermarks[] w = WatermarkSetup.setupPerZoneWmarks(minFreeKbytes, watermarkScaleFactor, types, managed);
        for (int i = 0; i < types.length; i++) {
            Zone z = allZones.get(i);
            z.watermarks = w[i];
            z.watermarkBoost = 0;
            if (z.pcp != null) {
                // zone_pcp_update(): pcp->high follows the low watermark
                z.pcp.setHighAndBatch(z.managedPages(), z.wmarkPages(ALLOC_WMARK_LOW));
            }
        }
    }

    private void setupPerZoneLowmemReserve() {
        for (Zone[] zones : nodeZones) {
            ZoneType[] types = new ZoneType[zones.length];
            long[] managed = new long[zones.length];
            for (int i = 0; i < zones.length; i++) {
                types[i] = zones[i].type();
                managed[i] = zones[i].managedPages();
            }
            long[][] reserve = WatermarkSetup.lowmemReserve(types, managed);
            for (int i = 0; i < zones.length; i++) {
                zones[i].lowmemReserve = reserve[i];
            }
        }
    }

    // ================================================================== views

    /** The memmap (per-frame metadata). */
    public MemMap memMap() {
        return memMap;
    }

    /** Every zone of every node, node by node in zone order, populated or not ({@code for_each_zone}). */
    public List<Zone> zones() {
        return allZones;
    }

    /** Zone {@code type} of node {@code nid}. */
    public Zone zone(int nid, ZoneType type) {
        checkNode(nid);
        InvalidArgumentException.check(type.ordinal() < nrZoneTypes, "zone type %s not configured: %s zone types",
                type.ordinal(), nrZoneTypes);
        return nodeZones[nid][type.ordinal()];
    }

    /** The zonelist of node {@code nid}: populated zones in fallback order. */
    public List<Zone> zonelist(int nid) {
        checkNode(nid);
        return List.of(zonelists[nid]);
    }

    /** Online nodes. */
    public int nrOnlineNodes() {
        return nodeZones.length;
    }

    /** The zone spanning {@code pfn} on the node of its section, or null. */
    Zone zoneOfOrNull(long pfn) {
        if (!memMap.pfnValid(pfn)) {
            return null;
        }
        int nid = memMap.nid(pfn);
        if (nid >= nodeZones.length) {
            return null;
        }
        for (Zone z : nodeZones[nid]) {
            if (z.populated() && z.spans(pfn)) {
                return z;
            }
        }
        return null;
    }

    /** {@code page_zone()}: the zone of a frame. */
    public Zone zoneOf(long pfn) {
        Zone z = zoneOfOrNull(pfn);
        if (z == null) {
            throw new BadAddressException(pfn << 12, outsideZonesMessage(pfn));
        }
        return z;
    }

    /** {@code vm_total_pages} as "Built N zonelists ... Total pages" prints it: present pages. */
    public long totalPages() {
        return vmTotalPages;
    }

    /** {@code page_group_by_mobility_disabled}: fewer than pageblock_nr_pages * MIGRATE_TYPES pages. */
    public boolean mobilityGroupingDisabled() {
        return mobilityDisabled;
    }

    /** {@code get_pageblock_migratetype()}. */
    public int pageblockMigratetype(long pfn) {
        return memMap.pageblockMigratetype(pfn);
    }

    /** PGALLOC, PGFREE and allocation failures (vmstat pgalloc_*, pgfree, and warn_alloc calls). */
    public long[] vmEvents() {
        return new long[] {pgalloc, pgfree, allocFailures};
    }

    /** Heap bytes of the allocator: the memmap plus every zone's free_area. */
    public MemMapFootprint footprint() {
        MemMapFootprint m = memMap.footprint();
        return new MemMapFootprint(m.frames(), m.buddyBytes() + allZones.size() * FreeArea.footprintBytes(),
                m.refcountBytes(), m.flagsBytes(), m.mapcountBytes(), m.lruBytes());
    }

    // ================================================================== PageAllocator

    @Override
    public int maxOrder() {
        return MAX_PAGE_ORDER;
    }

    @Override
    public long freePageCount() {
        long sum = 0;
        for (Zone z : allZones) {
            sum += z.nrFreePages;
        }
        return sum;
    }

    @Override
    public long freeBlocks(int order) {
        checkOrder(order);
        long sum = 0;
        for (Zone z : allZones) {
            sum += z.area.nrFree[order];
        }
        return sum;
    }

    @Override
    public long managedPages() {
        long sum = 0;
        for (Zone z : allZones) {
            sum += z.managedPages;
        }
        return sum;
    }

    @Override
    public long allocPages(int order, int gfp) {
        return allocPagesNode(0, order, gfp);
    }

    /** {@code __alloc_pages(gfp, order, nid, NULL)}: an allocation preferring node {@code nid}. */
    public long allocPagesNode(int nid, int order, int gfp) {
        checkOrder(order);
        checkNode(nid);
        if (!Gfp.isValid(gfp)) {
            throw new InvalidArgumentException("gfp mask 0x" + Integer.toHexString(gfp) + " has unknown bits: known"
                    + " flags are " + Gfp.toString((1 << 17) - 1));
        }
        int highest = GfpZone.gfpZone(gfp).ordinal();
        int mt = mobilityDisabled ? MIGRATE_UNMOVABLE : GfpZone.gfpMigratetype(gfp).id();
        Zone[] zonelist = zonelists[nid];
        Zone preferred = null;
        for (Zone z : zonelist) {
            if (z.type().ordinal() <= highest) {
                preferred = z;
                break;
            }
        }
        long pfn = -1;
        if (preferred != null) {
            int allocFlags = ALLOC_WMARK_LOW | allocFlagsNofragment(preferred, gfp) | allocFlagsCma(mt);
            pfn = getPageFromFreelist(order, allocFlags, zonelist, highest, mt, preferred);
            if (pfn < 0) {
                pfn = allocPagesSlowpath(gfp, order, zonelist, highest, mt, preferred);
            }
        }
        if (pfn < 0) {
            allocFailures++;
            String msg = allocFailureMessage(nid, order, gfp, highest);
            if ((gfp & __GFP_NOWARN) == 0) {
                LOG.warn("{}", msg);
            }
            throw new OutOfMemoryException(4096L << order, msg);
        }
        prepNewPage(pfn, order, gfp);
        if (GfpZone.gfpMigratetype(gfp).id() == MIGRATE_MOVABLE) {
            movable.set((int) pfn);
        }
        pgalloc++;
        return pfn;
    }

    /** {@code alloc_flags_nofragment()}: ALLOC_KSWAPD, and ALLOC_NOFRAGMENT when Normal is preferred. */
    private int allocFlagsNofragment(Zone preferred, int gfp) {
        int flags = (gfp & __GFP_KSWAPD_RECLAIM) != 0 ? ALLOC_KSWAPD : 0;
        if (preferred.type() != ZoneType.NORMAL) {
            return flags;
        }
        if (nodeZones.length > 1 && !nodeZones[preferred.nid()][ZoneType.DMA32.ordinal()].populated()) {
            return flags;
        }
        return flags | ALLOC_NOFRAGMENT;
    }

    private static int allocFlagsCma(int mt) {
        return mt == MIGRATE_MOVABLE ? ALLOC_CMA : 0;
    }

    /** {@code gfp_to_alloc_flags()}: the slow path's flags. */
    static int gfpToAllocFlags(int gfp, int order, int mt) {
        int flags = ALLOC_WMARK_MIN | ALLOC_CPUSET;
        if ((gfp & __GFP_HIGH) != 0) {
            flags |= ALLOC_MIN_RESERVE;
        }
        if ((gfp & __GFP_KSWAPD_RECLAIM) != 0) {
            flags |= ALLOC_KSWAPD;
        }
        if ((gfp & __GFP_DIRECT_RECLAIM) == 0) {
            flags |= ALLOC_NON_BLOCK;
            if (order > 0 && (flags & ALLOC_MIN_RESERVE) != 0) {
                flags |= ALLOC_HIGHATOMIC;
            }
            if ((flags & ALLOC_MIN_RESERVE) != 0) {
                flags &= ~ALLOC_CPUSET;
            }
        }
        return flags | allocFlagsCma(mt);
    }

    /** {@code get_page_from_freelist()}. */
    private long getPageFromFreelist(int order, int allocFlags, Zone[] zonelist, int highest, int mt, Zone preferred) {
        while (true) {
            boolean noFallback = (allocFlags & ALLOC_NOFRAGMENT) != 0;
            boolean retry = false;
            for (Zone zone : zonelist) {
                if (zone.type().ordinal() > highest) {
                    continue;
                }
                if (noFallback && nodeZones.length > 1 && zone != preferred && zone.nid() != preferred.nid()) {
                    // locality matters more than fragmentation: retry allowing fragmenting fallbacks
                    allocFlags &= ~ALLOC_NOFRAGMENT;
                    retry = true;
                    break;
                }
                if ((allocFlags & ALLOC_NO_WATERMARKS) == 0) {
                    long mark = zone.wmarkPages(allocFlags & ALLOC_WMARK_MASK);
                    if (!zone.zoneWatermarkFast(order, mark, highest, allocFlags)) {
                        continue;
                    }
                }
                long pfn = zone.rmqueueCpu(currentCpu, order, mt, allocFlags);
                if (pfn >= 0) {
                    if ((allocFlags & ALLOC_HIGHATOMIC) != 0) {
                        zone.reserveHighatomicPageblock(pfn);
                    }
                    return pfn;
                }
            }
            if (retry) {
                continue;
            }
            if (noFallback) {
                allocFlags &= ~ALLOC_NOFRAGMENT;
                continue;
            }
            return -1;
        }
    }

    /**
     * {@code __alloc_pages_slowpath()} as far as pagelab goes: wake kswapd, retry at the min
     * watermark with the reserves of {@code gfp_to_alloc_flags()}; a request that may reclaim then
     * gets the HighAtomic reserves back ({@code unreserve_highatomic_pageblock()}, first gently, then
     * by force as after MAX_RECLAIM_RETRIES fruitless rounds).
     */
    private long allocPagesSlowpath(int gfp, int order, Zone[] zonelist, int highest, int mt, Zone preferred) {
        int allocFlags = gfpToAllocFlags(gfp, order, mt);
        if ((allocFlags & ALLOC_KSWAPD) != 0) {
            for (Zone zone : zonelist) {
                if (zone.type().ordinal() <= highest) {
                    zone.wakeupKswapd(order);
                }
            }
        }
        long pfn = getPageFromFreelist(order, allocFlags, zonelist, highest, mt, preferred);
        if (pfn >= 0 || (gfp & __GFP_DIRECT_RECLAIM) == 0) {
            return pfn;
        }
        for (boolean force : new boolean[] {false, true}) {
            if (unreserveHighatomicPageblock(zonelist, highest, mt, force)) {
                pfn = getPageFromFreelist(order, allocFlags, zonelist, highest, mt, preferred);
                if (pfn >= 0) {
                    return pfn;
                }
            }
        }
        return -1;
    }

    private static boolean unreserveHighatomicPageblock(Zone[] zonelist, int highest, int mt, boolean force) {
        for (Zone zone : zonelist) {
            if (zone.type().ordinal() <= highest && zone.unreserveHighatomicPageblock(mt, force)) {
                return true;
            }
        }
        return false;
    }

    /** {@code prep_new_page()}: check_new_pages(), post_alloc_hook(), prep_compound_page(). */
    private void prepNewPage(long pfn, int order, int gfp) {
        long bad = memMap.firstUncleanTail(pfn, 1 << order);
        if (bad >= 0) {
            throw new IllegalStateException(PageDump.badPage(memMap, bad, zoneOf(bad).type().ordinal(),
                    "PAGE_FLAGS_CHECK_AT_PREP flag(s) set or page in use while on a free list"));
        }
        memMap.setState(pfn, FrameState.allocated(order));
        memMap.setRefcount(pfn, 1);
        if (order > 0 && (gfp & __GFP_COMP) != 0) {
            memMap.setFlags(pfn, PageFlags.PG_HEAD);
        }
        if (memory != null) {
            if (autoInit.pagePoison()) {
                for (long p = pfn; p < pfn + (1L << order); p++) {
                    checkPoison(p);
                }
            }
            if ((gfp & __GFP_ZERO) != 0 || autoInit.wantInitOnAlloc()) {
                memory.fill(pfn << 12, 4096L << order, 0);
            }
        }
    }

    private String allocFailureMessage(int nid, int order, int gfp, int highest) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s: page allocation failure: order:%d, mode:%#x(%s), nodemask=(null)",
                PageDump.COMM, order, gfp, Gfp.toString(gfp)));
        sb.append("; zones tried (up to ").append(ZoneType.values()[highest].zoneName()).append("):");
        boolean any = false;
        for (Zone z : zonelists[nid]) {
            if (z.type().ordinal() > highest) {
                continue;
            }
            any = true;
            sb.append(String.format(Locale.ROOT, " Node %d %s free:%dkB min:%dkB low:%dkB largest free order:%d;",
                    z.nid(), z.name(), z.freePages() * 4, z.wmarkPages(0) * 4, z.wmarkPages(1) * 4, largestFreeOrder(z)));
        }
        if (!any) {
            sb.append(" none: no populated zone at or below ").append(ZoneType.values()[highest].zoneName());
        }
        return sb.toString();
    }

    private static int largestFreeOrder(Zone z) {
        for (int o = MAX_PAGE_ORDER; o >= 0; o--) {
            if (z.area.nrFree[o] != 0) {
                return o;
            }
        }
        return -1;
    }

    // ================================================================== freeing

    // ================================================================== migration (mm/migrate.c)

    /**
     * Registers the reverse-map walk that remaps users of a migrated page (the process model's page
     * tables); {@link MigrationHook#NONE} by default.
     */
    public void setMigrationHook(MigrationHook hook) {
        this.migrationHook = hook == null ? MigrationHook.NONE : hook;
    }

    /** {@code PageLRU() || __PageMovable()}: the allocated block at {@code pfn} came from a movable request. */
    public boolean pageMovable(long pfn) {
        return pfn >= 0 && pfn < Integer.MAX_VALUE && movable.get((int) pfn);
    }

    /** The attached RAM, or null. */
    PhysicalMemory memory() {
        return memory;
    }

    /**
     * {@code migrate_pages()} for one movable block: a new block of the same order from
     * {@code target} (the free scanner for compaction, the page allocator for alloc_contig_range),
     * contents copied when RAM is attached, the hook told, refcount, flags and mapcount moved, the
     * old block freed.
     *
     * @return the new pfn
     */
    long migratePage(long pfn, java.util.function.LongUnaryOperator target) {
        int order = FrameState.order(memMap.state(pfn));
        long newPfn = target.applyAsLong(order);
        if (memory != null) {
            byte[] data = memory.readBytes(pfn << 12, 4096 << order);
            memory.writeBytes(newPfn << 12, data);
        }
        memMap.setState(newPfn, FrameState.allocated(order));
        memMap.setRefcount(newPfn, memMap.refcount(pfn));
        memMap.setFlags(newPfn, memMap.flags(pfn));
        memMap.setMapcount(newPfn, memMap.mapcount(pfn));
        movable.set((int) newPfn);
        migrationHook.remap(pfn, newPfn, order);
        memMap.setRefcount(pfn, 0);
        memMap.setMapcount(pfn, 0);
        freePagesOk(zoneOf(pfn), pfn, order);
        if (LOG.isDebugEnabled()) {
            LOG.debug("migrate order {} block {} -> {}", order, Vsprintf.hex(pfn), Vsprintf.hex(newPfn));
        }
        return newPfn;
    }

    /**
     * {@code alloc_contig_range(start, end, MIGRATE_CMA)}: isolates the pageblocks around the range,
     * drains the per-cpu lists, migrates every movable block inside it out, then takes the whole
     * range: each page becomes an allocated order-0 page with refcount 1 (free them with
     * {@link #freeContigRange}).
     *
     * @throws OutOfMemoryException "PFNs busy" when the range holds a block that cannot move
     *     (unmovable, reserved, or a hole) or a migration target could not be allocated; nothing
     *     changes then
     */
    public void allocContigRange(long startPfn, long endPfn) {
        PageIsolation.allocContigRange(this, startPfn, endPfn);
    }

    /**
     * {@code compact_zone()} itself, MIGRATE_SYNC over the whole zone, without the
     * {@code compaction_suitable()} gate: the migrate scanner walks up from the zone start, the free
     * scanner down from its end, movable blocks move up until a free block of {@code order} for
     * {@code migratetype} exists or the scanners meet. Most callers want
     * {@code io.pagelab.kernel.compaction.Compaction.compactZone}, which gates and counts stalls.
     *
     * @throws InvalidArgumentException order outside 0..MAX_PAGE_ORDER, a zone of another allocator,
     *     or a migratetype that is not UNMOVABLE, MOVABLE or RECLAIMABLE
     */
    public CompactZoneStats compactZone(Zone zone, int order, int migratetype) {
        checkOrder(order);
        if (zone == null || !allZones.contains(zone)) {
            throw new InvalidArgumentException("compact_zone: zone " + zone
                    + " does not belong to this allocator (zones: " + allZones + ")");
        }
        InvalidArgumentException.check(migratetype >= 0 && migratetype < MigrateType.MIGRATE_PCPTYPES,
                "compact_zone: migratetype %s is not an allocation type: allowed 0 (Unmovable), 1 (Movable),"
                        + " 2 (Reclaimable)", migratetype);
        return new ZoneCompactor(this, zone, order, migratetype).run();
    }

    /** {@code free_contig_range()}: the pages of an {@link #allocContigRange} back, one by one. */
    public void freeContigRange(long pfn, long nrPages) {
        for (long p = pfn; p < pfn + nrPages; p++) {
            freePages(p, 0);
        }
    }

    /** {@code POISON_FREE_INITMEM} (include/linux/poison.h): what freed init memory is filled with. */
    public static final int POISON_FREE_INITMEM = 0xcc;

    /**
     * {@code free_reserved_area()} (mm/page_alloc.c, Linux 6.13): every whole page of
     * {@code [startPa, endPa)} (start rounded up, end down) is filled with {@code poison} when RAM
     * is attached and {@code poison} is 0..0xff, then {@code free_reserved_page()}: PG_reserved
     * cleared, refcount 1, {@code __free_page()} (so it merges with free neighbours, or waits on a
     * per-cpu list), managed pages + 1. Returns the pages freed; the caller prints
     * "Freeing %s memory: %ldK".
     *
     * @throws InvalidArgumentException when a page of the range is not memblock-reserved memory of a
     *     zone (already freed, a hole, allocated): nothing is freed then
     */
    public long freeReservedArea(long startPa, long endPa, int poison) {
        long startPfn = (startPa + 4095) >>> 12;
        long endPfn = endPa >>> 12;
        InvalidArgumentException.check(startPa >= 0 && endPa >= startPa, "free_reserved_area(%s, %s): the range must"
                + " be non-negative and end at or after its start", startPa, endPa);
        for (long pfn = startPfn; pfn < endPfn; pfn++) {
            Zone z = zoneOfOrNull(pfn);
            if (z == null || FrameState.kind(memMap.state(pfn)) != FrameState.RESERVED) {
                throw new InvalidArgumentException("free_reserved_area(" + Vsprintf.hex(startPa) + ", "
                        + Vsprintf.hex(endPa) + "): pfn " + Vsprintf.hex(pfn) + (z == null ? " is in no zone"
                        : " is " + FrameState.describe(memMap.state(pfn)) + ", not a reserved page")
                        + "; only memblock-reserved pages of a zone can be given to the buddy allocator");
            }
        }
        for (long pfn = startPfn; pfn < endPfn; pfn++) {
            if (memory != null && poison >= 0 && poison <= 0xff) {
                memory.fill(pfn << 12, 4096, poison);
            }
            Zone zone = zoneOf(pfn);
            memMap.releaseToBuddy(pfn, 1);
            memMap.setState(pfn, FrameState.allocated(0));
            zone.managedPages++;
            freePagesOk(zone, pfn, 0);
        }
        return endPfn - startPfn;
    }

    /** {@code get_page()}: one more reference to an allocated block (by its first pfn). */
    public void getPage(long pfn) {
        Zone zone = zoneOf(pfn);
        int state = memMap.state(pfn);
        if (FrameState.kind(state) != FrameState.ALLOCATED || FrameState.isPcp(state)) {
            throw new InvalidArgumentException(PageDump.badPage(memMap, pfn, zone.type().ordinal(),
                    "get_page() on a page that is not the first page of an allocated block"));
        }
        memMap.setRefcount(pfn, memMap.refcount(pfn) + 1);
    }

    /** {@code page_ref_count()}. */
    public int pageRefCount(long pfn) {
        return memMap.refcount(pfn);
    }

    /**
     * {@code __free_pages(page, order)}: drops the caller's reference; when it was the last, the
     * block goes back to the free lists. When other references remain on a non-compound block, the
     * kernel keeps only the first page and frees the rest at once, and so does pagelab.
     *
     * @throws InvalidArgumentException   order outside 0..MAX_PAGE_ORDER, a wrong order, a pfn inside
     *                                    an allocated block, or a page still in use (mapped, on LRU...)
     * @throws BadAddressException        a pfn not aligned to the order, outside every zone, or never
     *                                    given to the buddy allocator (reserved)
     * @throws DoubleFreeException        a pfn that is free already
     */
    @Override
    public void freePages(long pfn, int order) {
        checkOrder(order);
        if ((pfn & ((1L << order) - 1)) != 0 || pfn < 0) {
            throw new BadAddressException(pfn << 12, "__free_pages(pfn " + Vsprintf.hex(pfn) + ", order " + order
                    + "): a block of order " + order + " starts at a multiple of " + (1 << order) + " pages; nearest"
                    + " aligned pfns are " + Vsprintf.hex(pfn & -(1L << order)) + " and "
                    + Vsprintf.hex((pfn & -(1L << order)) + (1L << order)));
        }
        Zone zone = zoneOfOrNull(pfn);
        if (zone == null) {
            throw new BadAddressException(pfn << 12, outsideZonesMessage(pfn));
        }
        if (zone.spans(pfn + (1L << order) - 1) && zone == zoneOfOrNull(pfn + (1L << order) - 1)) {
            checkFreeable(zone, pfn, order);
        } else {
            throw new BadAddressException(pfn << 12, "__free_pages(pfn " + Vsprintf.hex(pfn) + ", order " + order
                    + "): the block runs past the end of zone " + zone.name() + " at " + Vsprintf.hex(zone.endPfn()));
        }
        int ref = memMap.refcount(pfn);
        boolean head = memMap.testFlag(pfn, PageFlags.PG_HEAD);
        if (ref > 1) {
            memMap.setRefcount(pfn, ref - 1);
            if (!head && order > 0) {
                // keep only the first page for the other users, free the rest now
                memMap.setState(pfn, FrameState.allocated(0));
                for (int o = order - 1; o >= 0; o--) {
                    long upper = pfn + (1L << o);
                    memMap.setState(upper, FrameState.allocated(o));
                    freePagesOk(zone, upper, o);
                }
            }
            return;
        }
        memMap.setRefcount(pfn, 0);
        freePagesOk(zone, pfn, order);
    }

    /**
     * {@code free_pages_prepare()} (flags cleared, init_on_free zeroing, poisoning), then
     * {@code free_unref_page()} for orders up to PAGE_ALLOC_COSTLY_ORDER with per-cpu lists, else
     * {@code __free_pages_ok()}.
     */
    void freePagesOk(Zone zone, long pfn, int order) {
        memMap.clearFlags(pfn, 1 << order);
        movable.clear((int) pfn, (int) (pfn + (1L << order)));
        if (memory != null) {
            if (autoInit.wantInitOnFree()) {
                memory.fill(pfn << 12, 4096L << order, 0);
            }
            if (autoInit.pagePoison()) {
                memory.fill(pfn << 12, 4096L << order, MemAutoInit.PAGE_POISON);
            }
        }
        int mt = memMap.pageblockMigratetype(pfn);
        if (zone.pcp != null && order <= PAGE_ALLOC_COSTLY_ORDER && mt != MigrateType.MIGRATE_ISOLATE) {
            zone.pcp.freeUnrefPageCommit(currentCpu, pfn, order, mt);
        } else {
            zone.freeOnePage(pfn, order, mt, false);
        }
        pgfree++;
    }

    /**
     * {@code check_poison_mem()} of mm/page_poison.c: the first and last byte that is not
     * PAGE_POISON, "pagealloc: single bit error" when that is one byte with one flipped bit, else
     * "pagealloc: memory corruption", then the hex dump of the damaged range.
     */
    private void checkPoison(long pfn) {
        byte[] page = memory.readBytes(pfn << 12, 4096);
        int start = -1;
        for (int i = 0; i < page.length; i++) {
            if ((page[i] & 0xff) != MemAutoInit.PAGE_POISON) {
                start = i;
                break;
            }
        }
        if (start < 0) {
            return;
        }
        int end = page.length - 1;
        while (end > start && (page[end] & 0xff) == MemAutoInit.PAGE_POISON) {
            end--;
        }
        PageCorruption c = PageCorruption.of(pfn, start, end, page);
        corruptions.add(c);
        LOG.error("{}", c.report());
    }

    /** Every check of the free path, before anything changes. */
    private void checkFreeable(Zone zone, long pfn, int order) {
        int zoneIdx = zone.type().ordinal();
        int state = memMap.state(pfn);
        if (FrameState.isPcp(state)) {
            throw new DoubleFreeException(pfn << 12, PageDump.badPage(memMap, pfn, zoneIdx,
                    "freeing a free page: pfn " + Vsprintf.hex(pfn) + " waits free on a per-cpu page list (order "
                            + FrameState.order(state) + ")"));
        }
        switch (FrameState.kind(state)) {
            case FrameState.BUDDY:
                throw new DoubleFreeException(pfn << 12, PageDump.badPage(memMap, pfn, zoneIdx,
                        "freeing a free page: pfn " + Vsprintf.hex(pfn) + " heads a free block of order "
                                + FrameState.order(state) + " (PageBuddy)"));
            case FrameState.RESERVED:
                throw new BadAddressException(pfn << 12, PageDump.badPage(memMap, pfn, zoneIdx,
                        "PAGE_FLAGS_CHECK_AT_FREE flag(s) set: pfn " + Vsprintf.hex(pfn) + " was never given to the"
                                + " buddy allocator (memblock-reserved, or a hole)"));
            case FrameState.TAIL: {
                long[] block = coveringBlock(pfn);
                if (FrameState.kind(memMap.state(block[0])) == FrameState.BUDDY) {
                    throw new DoubleFreeException(pfn << 12, PageDump.badPage(memMap, pfn, zoneIdx,
                            "freeing a free page: pfn " + Vsprintf.hex(pfn) + " lies inside the free order-" + block[1]
                                    + " block at pfn " + Vsprintf.hex(block[0])));
                }
                throw new InvalidArgumentException("__free_pages(pfn " + Vsprintf.hex(pfn) + ", order " + order
                        + "): pfn " + Vsprintf.hex(pfn) + " is not the first page of an allocation: it lies inside"
                        + " the order-" + block[1] + " block allocated at pfn " + Vsprintf.hex(block[0])
                        + "; free that block with order " + block[1]);
            }
            default:
                break;
        }
        int allocated = FrameState.order(state);
        if (allocated != order) {
            throw new InvalidArgumentException("__free_pages(pfn " + Vsprintf.hex(pfn) + ", order " + order
                    + "): the block at pfn " + Vsprintf.hex(pfn) + " was allocated with order " + allocated
                    + "; free it with order " + allocated);
        }
        int ref = memMap.refcount(pfn);
        if (ref == 0) {
            throw new InvalidArgumentException(PageDump.badPage(memMap, pfn, zoneIdx,
                    "VM_BUG_ON_PAGE(page_ref_count(page) == 0): the page has no reference left to drop"));
        }
        if (ref > 1) {
            // only a reference is dropped; a non-compound block gives back all but its first page now
            if (!memMap.testFlag(pfn, PageFlags.PG_HEAD)) {
                checkTailsFree(pfn, order, zoneIdx);
            }
            return;
        }
        checkPageFree(pfn, zoneIdx, true);
        checkTailsFree(pfn, order, zoneIdx);
    }

    private void checkTailsFree(long pfn, int order, int zoneIdx) {
        if (order > 0) {
            long bad = memMap.firstBadForFree(pfn + 1, (1 << order) - 1, PageFlags.PAGE_FLAGS_CHECK_AT_FREE);
            if (bad >= 0) {
                checkPageFree(bad, zoneIdx, false);
            }
        }
    }

    /** {@code free_page_is_bad()}: _mapcount -1, _refcount 0 (tails; the head's is being dropped), no flags. */
    private void checkPageFree(long pfn, int zoneIdx, boolean head) {
        String reason = null;
        if (memMap.mapcount(pfn) != 0) {
            reason = "nonzero mapcount";
        } else if (!head && memMap.refcount(pfn) != 0) {
            reason = "nonzero _refcount";
        } else if ((memMap.flags(pfn) & PageFlags.PAGE_FLAGS_CHECK_AT_FREE) != 0) {
            reason = "PAGE_FLAGS_CHECK_AT_FREE flag(s) set";
        }
        if (reason != null) {
            throw new InvalidArgumentException(PageDump.badPage(memMap, pfn, zoneIdx, reason));
        }
    }

    /** The head pfn and order of the block a TAIL frame belongs to. */
    private long[] coveringBlock(long pfn) {
        for (int k = 1; k <= MAX_PAGE_ORDER; k++) {
            long h = pfn & -(1L << k);
            int s = memMap.state(h);
            int kind = FrameState.kind(s);
            if ((kind == FrameState.BUDDY || kind == FrameState.ALLOCATED) && FrameState.order(s) >= k) {
                return new long[] {h, FrameState.order(s)};
            }
        }
        throw new IllegalStateException("pfn " + Vsprintf.hex(pfn) + " is a tail of no block: memmap corrupted");
    }

    /** The first pfn of the compound page containing {@code pfn} ({@code compound_head()}), or pfn itself. */
    public long compoundHead(long pfn) {
        int s = memMap.state(pfn);
        if (FrameState.kind(s) != FrameState.TAIL) {
            return pfn;
        }
        long[] block = coveringBlock(pfn);
        if (FrameState.kind(memMap.state(block[0])) == FrameState.ALLOCATED
                && memMap.testFlag(block[0], PageFlags.PG_HEAD)) {
            return block[0];
        }
        return pfn;
    }

    // ================================================================== argument checks

    static void checkOrder(int order) {
        if (order < 0 || order > MAX_PAGE_ORDER) {
            throw new InvalidArgumentException("order " + order + (order < 0 ? " is negative" : " is above MAX_PAGE_ORDER "
                    + MAX_PAGE_ORDER) + ": allowed orders are 0.." + MAX_PAGE_ORDER + " (1 to " + MAX_ORDER_NR_PAGES
                    + " pages)");
        }
    }

    private void checkNode(int nid) {
        if (nid < 0 || nid >= nodeZones.length) {
            throw new InvalidArgumentException("node " + nid + " is not online: nodes are 0.." + (nodeZones.length - 1));
        }
    }

    private String outsideZonesMessage(long pfn) {
        StringBuilder sb = new StringBuilder("page " + Vsprintf.hex(pfn) + " outside every zone: ");
        boolean first = true;
        for (Zone z : allZones) {
            if (!z.populated()) {
                continue;
            }
            sb.append(first ? "" : ", ").append("node ").append(z.nid()).append(" zone ").append(z.name())
                    .append(" [ ").append(Vsprintf.hex(z.startPfn())).append(" - ").append(Vsprintf.hex(z.endPfn()))
                    .append(" ]");
            first = false;
        }
        if (!memMap.pfnValid(pfn)) {
            sb.append("; pfn ").append(Vsprintf.hex(pfn)).append(" has no struct page");
        }
        return sb.toString();
    }
}
