package io.pagelab.questions.q07;

import io.pagelab.exercise.Todo;
import java.util.List;

/**
 * Q7 处理完毕的e820表如何管理？ How is the processed e820 table managed?
 *
 * <p>Once the e820 table is sanitized, the kernel copies its usable ranges into memblock
 * (mm/memblock.c), the allocator of early boot, used until the buddy allocator exists. memblock
 * keeps two sorted lists of regions: {@code memory} (all RAM) and {@code reserved} (what is in
 * use: the kernel image, the initrd, page tables allocated so far...). Free memory is simply
 * memory minus reserved. 启动早期由 memblock 管理内存：memory 记录全部内存，reserved 记录已占用部分，
 * 分配时自顶向下查找空闲区域并记入 reserved。
 *
 * <p>Your task: implement this class.
 * <ul>
 *   <li>{@link #addMemory} (memblock_add) and {@link #reserve} (memblock_reserve) add a range to
 *       their list. Keep each list sorted by base, without overlaps: a range that overlaps or
 *       touches existing regions is merged with them into one region.</li>
 *   <li>{@link #free} (memblock_phys_free) removes a range from the reserved list; a region that
 *       is only partly freed keeps its remaining part(s), so freeing its middle splits it in two.
 *       Bytes that were not reserved are simply ignored, as in Linux.</li>
 *   <li>{@link #alloc} (memblock_phys_alloc, via __memblock_find_range_top_down) searches the
 *       free ranges from the highest one down. The search window is [PAGE_SIZE, current limit):
 *       page 0 is never handed out. Clamp each free range to the window; the candidate is
 *       {@code round_down(rangeEnd - size, align)}; take it if it is not below the range's start,
 *       reserve {@code [candidate, candidate + size)} and return the candidate. If no range
 *       works, throw {@link io.pagelab.api.error.OutOfMemoryException} with the requested size and
 *       a message containing the kernel's words {@code "Failed to allocate <size> bytes"}
 *       (size in decimal), and change nothing.</li>
 * </ul>
 *
 * <p>Addresses and sizes are non-negative and below 2^63; {@link #MEMBLOCK_ALLOC_ANYWHERE} (-1,
 * all ones) as a limit means "no limit".
 *
 * <p>Run {@code ./pagelab grade q07} to check your work.
 */
public final class Memblock {

    /** The page size; memblock never hands out the page at address 0. */
    public static final long PAGE_SIZE = 4096;
    /** A current limit meaning "no limit" (~0 in the kernel). */
    public static final long MEMBLOCK_ALLOC_ANYWHERE = -1L;

    /** One region {@code [base, base + size)} (given complete, no need to edit). */
    public record Region(long base, long size) {
        /** One past the last byte. */
        public long end() {
            return base + size;
        }
    }

    /** Registers RAM {@code [base, base + size)} in memory. */
    public void addMemory(long base, long size) {
        throw new Todo("q07/Memblock.java");
    }

    /** Marks {@code [base, base + size)} as in use. */
    public void reserve(long base, long size) {
        throw new Todo("q07/Memblock.java");
    }

    /** Gives {@code [base, base + size)} back: removes it from reserved. */
    public void free(long base, long size) {
        throw new Todo("q07/Memblock.java");
    }

    /**
     * Allocates {@code size} bytes at an address that is a multiple of {@code align} (a power of
     * two), as high as possible below the current limit, and reserves them.
     *
     * @return the start of the allocated range
     * @throws io.pagelab.api.error.OutOfMemoryException if no free range can hold it
     */
    public long alloc(long size, long align) {
        throw new Todo("q07/Memblock.java");
    }

    /** The memory regions, sorted by base. */
    public List<Region> memory() {
        throw new Todo("q07/Memblock.java");
    }

    /** The reserved regions, sorted by base. */
    public List<Region> reserved() {
        throw new Todo("q07/Memblock.java");
    }

    /** memblock_phys_mem_size(): total bytes in memory. */
    public long totalMemory() {
        throw new Todo("q07/Memblock.java");
    }

    /** memblock_reserved_size(): total bytes in reserved. */
    public long reservedSize() {
        throw new Todo("q07/Memblock.java");
    }

    /** The current limit: allocations end below it. Starts as MEMBLOCK_ALLOC_ANYWHERE. */
    public long currentLimit() {
        throw new Todo("q07/Memblock.java");
    }

    /** memblock_set_current_limit(). */
    public void setCurrentLimit(long limit) {
        throw new Todo("q07/Memblock.java");
    }
}
