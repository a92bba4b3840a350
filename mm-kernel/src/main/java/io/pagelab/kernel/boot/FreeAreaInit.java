package io.pagelab.kernel.boot;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import io.pagelab.kernel.memblock.MemblockView;
import io.pagelab.kernel.memblock.PfnRange;
import io.pagelab.kernel.printk.Vsprintf;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Zone boundaries and the early memmap, as x86-64 {@code zone_sizes_init()} (arch/x86/mm/init.c)
 * and {@code free_area_init()} with {@code free_area_init_node()}, {@code calculate_node_totalpages()}
 * and {@code memmap_init()} (mm/mm_init.c) do it in Linux 6.13.
 *
 * <pre>
 *  pfn 0      0x1000 (16 MiB)        0x100000 (4 GiB)            max_low_pfn = max_pfn
 *  |  DMA     |        DMA32         |          Normal             |  Device: empty
 *  ^ the lowest zone starts at PFN(memblock_start_of_DRAM()), 1 when page 0 is reserved
 * </pre>
 *
 * <p>{@code memmap_init()} walks the memory pfn ranges in order; for each populated zone it
 * clamps the range to the zone, and the hole between the previous range's end ({@code hole_pfn})
 * and this start is handed to {@code init_unavailable_range()}, which counts the pfns whose
 * SPARSEMEM section is present and prints {@code On node N, zone Z: K pages in unavailable ranges}.
 * After the last range the rest of its section is handled the same way, for the last zone seen.
 *
 * <p>Differs from Linux on purpose: no ZONE_MOVABLE placement (no kernelcore=/movablecore=), and
 * only nodes that have memory are initialised (no "memoryless" nodes).
 */
public final class FreeAreaInit {
    private static final Logger LOG = LoggerFactory.getLogger(FreeAreaInit.class);

    /** {@code MAX_DMA_PFN}: 16 MiB. */
    public static final long MAX_DMA_PFN = (16L << 20) >>> 12;
    /** {@code MAX_DMA32_PFN}: 4 GiB. */
    public static final long MAX_DMA32_PFN = (4L << 30) >>> 12;

    public static final int ZONE_DMA = 0;
    public static final int ZONE_DMA32 = 1;
    public static final int ZONE_NORMAL = 2;
    public static final int ZONE_MOVABLE = 3;
    public static final int ZONE_DEVICE = 4;
    /** {@code zone_names[]} of x86-64 (the last one only with CONFIG_ZONE_DEVICE). */
    static final String[] ZONE_NAMES = {"DMA", "DMA32", "Normal", "Movable", "Device"};

    private FreeAreaInit() {
    }

    /**
     * {@code zone_sizes_init()} then {@code free_area_init()}: the zone limits of x86-64 are
     * {@code min(MAX_DMA_PFN, max_low_pfn)}, {@code min(MAX_DMA32_PFN, max_low_pfn)} and
     * {@code max_low_pfn} (which equals max_pfn on x86-64 once the direct map is set up).
     *
     * @param memblock   memblock with nodes assigned to its memory regions
     * @param maxLowPfn  {@code max_low_pfn}
     * @param zoneDevice whether the kernel has CONFIG_ZONE_DEVICE (prints {@code Device   empty})
     * @param sections   the present SPARSEMEM sections
     */
    public static ZoneLayout zoneSizesInit(MemblockView memblock, long maxLowPfn, boolean zoneDevice,
            SparseSections sections) {
        long[] maxZonePfn = new long[zoneDevice ? 5 : 4];
        maxZonePfn[ZONE_DMA] = Math.min(MAX_DMA_PFN, maxLowPfn);
        maxZonePfn[ZONE_DMA32] = Math.min(MAX_DMA32_PFN, maxLowPfn);
        maxZonePfn[ZONE_NORMAL] = maxLowPfn;
        return freeAreaInit(memblock, maxZonePfn, sections);
    }

    /**
     * {@code free_area_init(max_zone_pfn)}.
     *
     * @param maxZonePfn the end pfn of each zone, indexed DMA, DMA32, Normal, Movable[, Device];
     *     4 entries mean a kernel without ZONE_DEVICE
     */
    public static ZoneLayout freeAreaInit(MemblockView memblock, long[] maxZonePfn, SparseSections sections) {
        requireNonNull(memblock, "memblock");
        requireNonNull(sections, "sections");
        checkArgument(maxZonePfn.length == 4 || maxZonePfn.length == 5,
                "max_zone_pfn needs 4 zones (DMA, DMA32, Normal, Movable) or 5 (with Device), got %s", maxZonePfn.length);
        int nrZones = maxZonePfn.length;
        List<String> lines = new ArrayList<>();

        // arch_zone_lowest/highest_possible_pfn: each zone starts where the previous one ended
        long startPfn = memblock.startOfDram() >>> 12;
        long[] low = new long[nrZones];
        long[] high = new long[nrZones];
        List<ZoneRange> zoneRanges = new ArrayList<>();
        for (int z = 0; z < nrZones; z++) {
            if (z == ZONE_MOVABLE) {
                continue;
            }
            long endPfn = Math.max(maxZonePfn[z], startPfn);
            low[z] = startPfn;
            high[z] = endPfn;
            startPfn = endPfn;
            zoneRanges.add(new ZoneRange(ZONE_NAMES[z], low[z], high[z]));
        }
        lines.add("Zone ranges:");
        zoneRanges.forEach(r -> lines.add(r.line()));
        lines.add("Movable zone start for each node");

        List<PfnRange> ranges = memblock.memPfnRanges();
        lines.add("Early memory node ranges");
        TreeMap<Integer, long[]> nodes = new TreeMap<>();
        for (PfnRange r : ranges) {
            lines.add(String.format(Locale.ROOT, "  node %3d: [mem %s-%s]", r.nid(),
                    Vsprintf.hex18(r.startPfn() << 12), Vsprintf.hex18((r.endPfn() << 12) - 1)));
            nodes.merge(r.nid(), new long[] {r.startPfn(), r.endPfn()},
                    (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
        }

        // free_area_init_node() for every node with memory
        TreeMap<Integer, ZoneSpan[]> spans = new TreeMap<>();
        List<ZoneSpan> allSpans = new ArrayList<>();
        for (var node : nodes.entrySet()) {
            int nid = node.getKey();
            long nodeStart = node.getValue()[0];
            long nodeEnd = node.getValue()[1];
            lines.add("Initmem setup node " + nid + " [mem " + Vsprintf.hex18(nodeStart << 12) + "-"
                    + Vsprintf.hex18(nodeEnd != 0 ? (nodeEnd << 12) - 1 : 0) + "]");
            ZoneSpan[] nodeSpans = new ZoneSpan[nrZones];
            for (int z = 0; z < nrZones; z++) {
                nodeSpans[z] = zoneSpan(nid, z, nodeStart, nodeEnd, low[z], high[z], ranges);
                allSpans.add(nodeSpans[z]);
                LOG.debug("node {} zone {}: start pfn {} spanned {} present {}", nid, ZONE_NAMES[z],
                        Vsprintf.hex(nodeSpans[z].startPfn()), nodeSpans[z].spannedPages(), nodeSpans[z].presentPages());
            }
            spans.put(nid, nodeSpans);
        }

        List<UnavailableRange> unavailable = memmapInit(ranges, spans, nrZones, sections);
        unavailable.forEach(u -> lines.add(u.line()));
        return new ZoneLayout(zoneRanges, ranges, allSpans, unavailable, lines);
    }

    /** {@code zone_spanned_pages_in_node()} and {@code zone_absent_pages_in_node()} for one zone. */
    private static ZoneSpan zoneSpan(int nid, int z, long nodeStart, long nodeEnd, long zoneLow, long zoneHigh,
            List<PfnRange> ranges) {
        long zoneStart = clamp(nodeStart, zoneLow, zoneHigh);
        long zoneEnd = clamp(nodeEnd, zoneLow, zoneHigh);
        long spanned = 0;
        if (!(zoneEnd < nodeStart || zoneStart > nodeEnd)) {
            zoneEnd = Math.min(zoneEnd, nodeEnd);
            zoneStart = Math.max(zoneStart, nodeStart);
            spanned = zoneEnd - zoneStart;
        }
        long absent = 0;
        if (spanned != 0) {
            absent = spanned;
            for (PfnRange r : ranges) {
                if (r.nid() == nid) {
                    absent -= clamp(r.endPfn(), zoneStart, zoneEnd) - clamp(r.startPfn(), zoneStart, zoneEnd);
                }
            }
        }
        return new ZoneSpan(nid, ZONE_NAMES[z], spanned != 0 ? zoneStart : 0, spanned, spanned - absent);
    }

    /** {@code memmap_init()} with {@code memmap_init_zone_range()} and {@code init_unavailable_range()}. */
    private static List<UnavailableRange> memmapInit(List<PfnRange> ranges, TreeMap<Integer, ZoneSpan[]> spans,
            int nrZones, SparseSections sections) {
        List<UnavailableRange> out = new ArrayList<>();
        long holePfn = 0;
        int zoneId = 0;
        int nid = 0;
        long endPfn = 0;
        for (PfnRange r : ranges) {
            nid = r.nid();
            endPfn = r.endPfn();
            ZoneSpan[] nodeSpans = spans.get(nid);
            for (int j = 0; j < nrZones; j++) {
                ZoneSpan zone = nodeSpans[j];
                if (!zone.populated()) {
                    continue;
                }
                long start = clamp(r.startPfn(), zone.startPfn(), zone.endPfn());
                long end = clamp(r.endPfn(), zone.startPfn(), zone.endPfn());
                if (start < end) {
                    if (holePfn < start) {
                        initUnavailableRange(holePfn, start, j, nid, sections, out);
                    }
                    holePfn = end;
                }
                zoneId = j;
            }
        }
        // the tail of the last section (SPARSEMEM), given to the last zone seen
        long sectionEnd = roundUp(endPfn, SparseSections.PAGES_PER_SECTION);
        if (holePfn < sectionEnd) {
            initUnavailableRange(holePfn, sectionEnd, zoneId, nid, sections, out);
        }
        return out;
    }

    private static void initUnavailableRange(long spfn, long epfn, int zone, int nid, SparseSections sections,
            List<UnavailableRange> out) {
        long pages = sections.validPfns(spfn, epfn);
        LOG.debug("init_unavailable_range [{}, {}) zone {} node {}: {} valid pfns", Vsprintf.hex(spfn),
                Vsprintf.hex(epfn), ZONE_NAMES[zone], nid, pages);
        if (pages != 0) {
            out.add(new UnavailableRange(nid, ZONE_NAMES[zone], pages));
        }
    }

    private static long clamp(long x, long lo, long hi) {
        return Math.min(Math.max(x, lo), hi);
    }

    private static long roundUp(long x, long align) {
        return ((x - 1) | (align - 1)) + 1;
    }
}
