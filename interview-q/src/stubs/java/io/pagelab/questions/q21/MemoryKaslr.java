package io.pagelab.questions.q21;

import io.pagelab.exercise.Todo;
import io.pagelab.kernel.kaslr.RandomSource;
import java.util.List;

/**
 * Q21 内存分配空间如何实现不可预测性？ How is the allocation space made unpredictable?
 *
 * <p>KASLR moves the kernel image; CONFIG_RANDOMIZE_MEMORY also moves the three big kernel regions
 * so that a leaked direct-map or vmalloc pointer tells an attacker less. setup_arch() calls
 * kernel_randomize_memory() (arch/x86/mm/kaslr.c), which places the direct map
 * ({@code page_offset_base}), the vmalloc area ({@code vmalloc_base}) and the vmemmap
 * ({@code vmemmap_base}) at random 1 GiB-aligned bases between {@code vaddr_start} (the default
 * PAGE_OFFSET) and {@code vaddr_end} (CPU_ENTRY_AREA_BASE 0xfffffe0000000000), keeping their order.
 * Only x86-64 does this: 32-bit has no room. 内核在直接映射区、vmalloc 区、vmemmap 区的基址上加入按 1 GiB 对齐的随机偏移，顺序不变。
 *
 * <p>Your task, following the Linux 6.11+ code:
 * <ul>
 *   <li>{@link #regionSizesTb}: the room kept for each region, in TB (1 TB = 2^40 bytes):
 *       direct map = min(2^(MAX_PHYSMEM_BITS - 40), DIV_ROUND_UP(maxPfn &lt;&lt; 12, 1 TB) + 10) where
 *       MAX_PHYSMEM_BITS is 46 (4-level) or 52 (5-level) and 10 is
 *       CONFIG_RANDOMIZE_MEMORY_PHYSICAL_PADDING; vmalloc = VMALLOC_SIZE_TB, 32 or 12800; vmemmap =
 *       DIV_ROUND_UP(directMapTb * 2^28 pages * 64 bytes per struct page, 1 TB).</li>
 *   <li>{@link #randomize}: if {@code kaslrEnabled} is false return the fixed bases
 *       (4-level 0xffff888000000000, 0xffffc90000000000, 0xffffea0000000000; 5-level
 *       0xff11000000000000, 0xffa0000000000000, 0xffd4000000000000) without drawing anything.
 *       Otherwise: vaddr = vaddr_start (0xffff888000000000 or 0xff11000000000000);
 *       remain = vaddr_end - vaddr_start - (sum of the three sizes in bytes); then for region i = 0,
 *       1, 2: {@code entropy = remain / (3 - i)}; draw {@code rand = random.nextLong()};
 *       {@code entropy = (rand % (entropy + 1)) & PUD_MASK} with rand UNSIGNED and PUD_MASK =
 *       ~(1 GiB - 1); {@code vaddr += entropy}; that is region i's base; then
 *       {@code vaddr = round_up(vaddr + size_i + 1, 1 GiB)} and {@code remain -= entropy}.</li>
 * </ul>
 *
 * <p>Do not call io.pagelab.kernel.kaslr.MemoryRandomization: it is the library's own copy of this code.
 *
 * <p>Run {@code ./pagelab grade q21} to check your work.
 */
public final class MemoryKaslr {

    private MemoryKaslr() {
    }

    /** A randomized region: which base variable, its value, its room in TB (given complete). */
    public record Region(String name, long base, long sizeTb) {
    }

    /** {direct map, vmalloc, vmemmap} sizes in TB for {@code levels}-level paging and max_pfn. */
    public static long[] regionSizesTb(int levels, long maxPfn) {
        throw new Todo("q21/MemoryKaslr.java");
    }

    /**
     * page_offset_base, vmalloc_base and vmemmap_base (names exactly these), in that order.
     */
    public static List<Region> randomize(int levels, long maxPfn, boolean kaslrEnabled, RandomSource random) {
        throw new Todo("q21/MemoryKaslr.java");
    }
}
