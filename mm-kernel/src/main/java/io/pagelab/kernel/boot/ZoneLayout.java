package io.pagelab.kernel.boot;

import io.pagelab.kernel.memblock.PfnRange;
import java.util.List;

/**
 * What {@code free_area_init()} decided and printed (mm/mm_init.c, Linux 6.13).
 *
 * @param zoneRanges  the possible range of each zone (Movable left out, as in the printout)
 * @param nodeRanges  the "Early memory node ranges": memblock memory in whole pages, with nodes
 * @param spans       every zone of every node with memory: start, spanned and present pages
 * @param unavailable the {@code init_unavailable_range()} reports, in order
 * @param lines       the dmesg lines from {@code Zone ranges:} to the last unavailable-range line
 */
public record ZoneLayout(List<ZoneRange> zoneRanges, List<PfnRange> nodeRanges, List<ZoneSpan> spans,
        List<UnavailableRange> unavailable, List<String> lines) {
    public ZoneLayout {
        zoneRanges = List.copyOf(zoneRanges);
        nodeRanges = List.copyOf(nodeRanges);
        spans = List.copyOf(spans);
        unavailable = List.copyOf(unavailable);
        lines = List.copyOf(lines);
    }

    /** Sum of present pages over all zones and nodes ({@code get_num_physpages()}). */
    public long presentPages() {
        return spans.stream().mapToLong(ZoneSpan::presentPages).sum();
    }

    /** The span of zone {@code zone} ("DMA", "DMA32", "Normal"...) on node {@code nid}. */
    public ZoneSpan span(int nid, String zone) {
        return spans.stream().filter(s -> s.nid() == nid && s.zone().equals(zone)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no zone '" + zone + "' on node " + nid
                        + ": zones are DMA, DMA32, Normal, Movable, Device on nodes with memory"));
    }
}
