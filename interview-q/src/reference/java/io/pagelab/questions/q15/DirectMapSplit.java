package io.pagelab.questions.q15;

import java.util.ArrayList;
import java.util.List;

/**
 * Q15 内核页表如何建立？ How are the kernel page tables built? (reference solution)
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

    private static final int M2 = 1;
    private static final int G1 = 2;

    public static List<MapRange> split(long start, long end, boolean gbpages, List<Region> memory) {
        if (start >= end) {
            throw new IllegalArgumentException(String.format("empty range [%#x, %#x): start must be below end",
                    start, end));
        }
        List<long[]> mr = new ArrayList<>(); // {start, end, mask}
        int allowed = M2 | (gbpages ? G1 : 0);
        long pos = start;
        long e = Math.min(roundUp(pos, PMD_SIZE), end);
        if (pos < e) { // head: 4k up to the first 2 MiB boundary
            mr.add(new long[] {pos, e, 0});
            pos = e;
        }
        long s = roundUp(pos, PMD_SIZE);
        e = Math.min(roundUp(pos, PUD_SIZE), roundDown(end, PMD_SIZE));
        if (s < e) { // 2M up to the first 1 GiB boundary
            mr.add(new long[] {s, e, M2});
            pos = e;
        }
        s = roundUp(pos, PUD_SIZE);
        e = roundDown(end, PUD_SIZE);
        if (s < e) { // whole GiBs
            mr.add(new long[] {s, e, allowed});
            pos = e;
        }
        s = roundUp(pos, PMD_SIZE);
        e = roundDown(end, PMD_SIZE);
        if (s < e) { // 2M tail
            mr.add(new long[] {s, e, M2});
            pos = e;
        }
        if (pos < end) { // 4k tail
            mr.add(new long[] {pos, end, 0});
        }

        for (long[] r : mr) {
            if ((r[2] & M2) == 0 && inOneRegion(memory, roundDown(r[0], PMD_SIZE), roundUp(r[1], PMD_SIZE))) {
                r[2] |= M2;
            }
            if (gbpages && (r[2] & G1) == 0 && inOneRegion(memory, roundDown(r[0], PUD_SIZE), roundUp(r[1], PUD_SIZE))) {
                r[2] |= G1;
            }
        }
        List<MapRange> out = new ArrayList<>();
        long[] cur = null;
        for (long[] r : mr) {
            if (cur != null && cur[1] == r[0] && cur[2] == r[2]) {
                cur[1] = r[1];
            } else {
                if (cur != null) {
                    out.add(piece(cur));
                }
                cur = r.clone();
            }
        }
        out.add(piece(cur));
        return out;
    }

    private static MapRange piece(long[] r) {
        String size = (r[2] & G1) != 0 ? "1G" : (r[2] & M2) != 0 ? "2M" : "4k";
        return new MapRange(r[0], r[1], size);
    }

    private static boolean inOneRegion(List<Region> memory, long s, long e) {
        for (Region r : memory) {
            if (r.start() <= s && e <= r.end()) {
                return true;
            }
        }
        return false;
    }

    private static long roundUp(long x, long unit) {
        return (x + unit - 1) & -unit;
    }

    private static long roundDown(long x, long unit) {
        return x & -unit;
    }
}
