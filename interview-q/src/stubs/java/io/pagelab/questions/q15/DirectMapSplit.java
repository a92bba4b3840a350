package io.pagelab.questions.q15;

import io.pagelab.exercise.Todo;
import java.util.List;

/**
 * Q15 内核页表如何建立？ How are the kernel page tables built?
 *
 * <p>At boot, init_mem_mapping() (arch/x86/mm/init.c, Linux 6.x) maps all RAM into the direct map
 * at PAGE_OFFSET, range by range, with the biggest pages alignment allows: fewer table pages and
 * fewer TLB entries. split_mem_range() cuts each range [start, end) into at most five pieces:
 *
 * <pre>
 *  1. head  4k  from start up to the first 2 MiB boundary (not past end)
 *  2.       2M  from there up to the first 1 GiB boundary (not past end rounded down to 2 MiB)
 *  3.       1G  whole GiBs: from start rounded UP to 1 GiB to end rounded DOWN to 1 GiB
 *               (2M when the CPU has no 1 GiB pages, "nogbpages")
 *  4.       2M  from there to end rounded down to 2 MiB
 *  5. tail  4k  what is left, up to end
 *  (empty pieces are skipped)
 * </pre>
 *
 * Then adjust_range_page_size_mask(): a piece not using 2M gets 2M if the whole 2 MiB-aligned
 * block around it ([round_down(start, 2M), round_up(end, 2M))) lies inside ONE memory region;
 * likewise 1G (only with gbpages) for the 1 GiB-aligned block. A piece can get both: it is then
 * "1G". Finally touching pieces with the same page size are merged. The direct map covers RAM
 * with as few small pages as possible, which /proc/meminfo reports as DirectMap4k/2M/1G.
 * 内核直接映射按对齐情况尽量使用大页：首尾不对齐的部分用 4K，中间用 2M，整 GiB 用 1G（CPU 支持时）。
 *
 * <p>Your task: implement {@link #split}.
 *
 * <p>Do not call io.pagelab.kernel.pgtable.SplitMemRange: it is the library's own copy.
 *
 * <p>Run {@code ./pagelab grade q15} to check your work.
 */
public final class DirectMapSplit {

    private DirectMapSplit() {
    }

    /** A memblock memory region {@code [start, end)} (given complete, no need to edit). */
    public record Region(long start, long end) {
    }

    /**
     * One piece mapped with one page size (given complete, no need to edit).
     *
     * @param start first byte
     * @param end one past the last byte
     * @param pageSize "4k", "2M" or "1G", as page_size_string() prints it
     */
    public record MapRange(long start, long end, String pageSize) {
        /** The line split_mem_range() prints: {@code " [mem 0x00100000-0x001fffff] page 4k"}. */
        public String line() {
            return String.format(" [mem %s-%s] page %s", hex10(start), hex10(end - 1), pageSize);
        }

        private static String hex10(long v) {
            String digits = Long.toHexString(v);
            return "0x" + "0".repeat(Math.max(0, 8 - digits.length())) + digits;
        }
    }

    /** {@code PMD_SIZE}: 2 MiB. */
    public static final long PMD_SIZE = 1L << 21;
    /** {@code PUD_SIZE}: 1 GiB. */
    public static final long PUD_SIZE = 1L << 30;

    /**
     * split_mem_range() for {@code [start, end)} (both page-aligned), on a CPU with PSE.
     *
     * @param start first byte
     * @param end one past the last byte
     * @param gbpages whether 1 GiB pages may be used
     * @param memory memblock.memory: sorted, disjoint regions
     * @return the pieces in address order, after adjusting and merging
     * @throws IllegalArgumentException if {@code start >= end}
     */
    public static List<MapRange> split(long start, long end, boolean gbpages, List<Region> memory) {
        throw new Todo("q15/DirectMapSplit.java");
    }
}
