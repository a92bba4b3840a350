package io.pagelab.questions.q18;

import io.pagelab.api.error.InvalidArgumentException;
import java.util.List;

/**
 * Q18 内存管理框架如何构造？ How is the memory-management framework built? (reference solution)
 *
 * <p>The framework is three levels (include/linux/mmzone.h, Linux 6.x): a NUMA node
 * ({@code pg_data_t}, {@code NODE_DATA(nid)}) holds zones ({@code node_zones[]}: DMA, DMA32,
 * Normal, Movable), each zone spans a pfn range {@code [zone_start_pfn, zone_start_pfn +
 * spanned_pages)}, and every pfn has a struct page, found on x86-64 through the vmemmap:
 * {@code vmemmap + pfn * sizeof(struct page)} (0xffffea0000000000 + pfn * 64).
 *
 * <p>Differs from Linux on purpose: the kernel reads a page's node and zone from bits of
 * {@code page->flags} ({@code page_to_nid()}, {@code page_zonenum()}); here they are found by
 * searching the zone spans, and a pfn outside every zone is refused.
 */
public final class PageLocator {

    /** __VMEMMAP_BASE_L4 (arch/x86/include/asm/page_64_types.h). */
    public static final long VMEMMAP_BASE = 0xffffea0000000000L;
    /** sizeof(struct page) on x86-64. */
    public static final long STRUCT_PAGE_SIZE = 64;

    /** A zone's span: {@code zone_start_pfn} and {@code spanned_pages} (holes included). */
    public record ZoneSpan(String name, long startPfn, long spannedPages) {
    }

    /** A node and its zones. */
    public record NodeSpan(int nid, List<ZoneSpan> zones) {
    }

    /** Where a pfn lives: its node, its zone, and the address of its struct page. */
    public record Location(int nid, String zone, long page) {
    }

    private PageLocator() {
    }

    /** Finds the node and zone whose span holds {@code pfn}, and its struct page. */
    public static Location locate(List<NodeSpan> nodes, long pfn) {
        if (nodes == null) {
            throw new InvalidArgumentException("nodes must be a list, got null");
        }
        InvalidArgumentException.check(pfn >= 0, "pfn %s must be >= 0", pfn);
        for (NodeSpan node : nodes) {
            for (ZoneSpan zone : node.zones()) {
                if (pfn >= zone.startPfn() && pfn - zone.startPfn() < zone.spannedPages()) {
                    return new Location(node.nid(), zone.name(), VMEMMAP_BASE + pfn * STRUCT_PAGE_SIZE);
                }
            }
        }
        throw new InvalidArgumentException("pfn " + pfn + " (0x" + Long.toHexString(pfn)
                + ") lies in no zone of any node: allowed pfns are those of a zone's "
                + "[zone_start_pfn, zone_start_pfn + spanned_pages)");
    }
}
