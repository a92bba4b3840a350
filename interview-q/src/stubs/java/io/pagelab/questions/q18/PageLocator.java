package io.pagelab.questions.q18;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.exercise.Todo;
import java.util.List;

/**
 * Q18 内存管理框架如何构造？ How is the memory-management framework built?
 *
 * <p>Linux organises physical memory in three levels: NUMA nodes ({@code pg_data_t}), each split
 * into zones ({@code struct zone}: DMA below 16 MiB, DMA32 below 4 GiB, Normal above, Movable),
 * and pages, each described by a {@code struct page}. A zone covers a pfn range from
 * {@code zone_start_pfn} for {@code spanned_pages} pages (holes included). On x86-64 the struct
 * pages form one virtual array, the vmemmap. 框架分三层：节点 → 区(zone) → 页；每个 zone 覆盖一段
 * pfn 区间，每个页帧的 struct page 位于 vmemmap 数组中。
 *
 * <p>Your task: implement {@link #locate}.
 * <ul>
 *   <li>Find the node and the zone whose span {@code [startPfn, startPfn + spannedPages)} holds the
 *       pfn. An empty zone (0 pages) holds nothing.</li>
 *   <li>The struct page is at {@link #VMEMMAP_BASE} + pfn * {@link #STRUCT_PAGE_SIZE}.</li>
 *   <li>A pfn in no zone (or negative), or a null list, is refused with
 *       {@link InvalidArgumentException} naming the pfn.</li>
 * </ul>
 *
 * <p>Run {@code ./pagelab grade q18} to check your work.
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
        throw new Todo("q18/PageLocator.java");
    }
}
