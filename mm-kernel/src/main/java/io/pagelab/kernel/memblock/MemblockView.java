package io.pagelab.kernel.memblock;

import java.util.List;

/**
 * Read-only access to the boot memory allocator: what a later stage (zones, the buddy allocator,
 * a lesson) may look at without being able to change it. {@link Memblock#view()} returns one.
 */
public interface MemblockView {
    /** {@code memblock.memory}: the RAM memblock manages. */
    MemblockType memory();

    /** {@code memblock.reserved}: what is taken (kernel image, firmware areas, allocations). */
    MemblockType reserved();

    /** {@code memblock.current_limit}: allocations without an explicit end stay below it. */
    long currentLimit();

    /** {@code memblock_bottom_up()}: true when allocations search upwards. */
    boolean bottomUp();

    /** {@code memblock_start_of_DRAM()}: base of the first memory region. */
    long startOfDram();

    /** {@code memblock_end_of_DRAM()}: end of the last memory region. */
    long endOfDram();

    /** {@code memblock_is_memory()}. */
    boolean isMemory(long addr);

    /** {@code memblock_is_reserved()}. */
    boolean isReserved(long addr);

    /** {@code for_each_free_mem_range(NUMA_NO_NODE, MEMBLOCK_NONE)} in ascending order. */
    List<FreeRange> freeRanges();

    /** {@code for_each_mem_pfn_range(MAX_NUMNODES)}: whole pages of every memory region. */
    List<PfnRange> memPfnRanges();

    /** {@code __memblock_dump_all()}: the lines {@code memblock=debug} prints. */
    List<String> dump();
}
