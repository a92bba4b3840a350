package io.pagelab.kernel.kaslr;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.kernel.layout.KernelLayout64;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Randomized bases of the direct map, vmalloc and vmemmap: arch/x86/mm/kaslr.c:
 * kernel_randomize_memory() (Linux 6.11+, CONFIG_RANDOMIZE_MEMORY), run from setup_arch().
 *
 * <pre>
 *  window      vaddr_start = __PAGE_OFFSET_BASE_L4/L5 .. vaddr_end = CPU_ENTRY_AREA_BASE
 *  sizes (TB)  direct map = min(2^(MAX_PHYSMEM_BITS-40), DIV_ROUND_UP(max_pfn &lt;&lt; 12, 1 TB)
 *                               + CONFIG_RANDOMIZE_MEMORY_PHYSICAL_PADDING (10))
 *              vmalloc    = VMALLOC_SIZE_TB (32, or 12800 on 5-level)
 *              vmemmap    = DIV_ROUND_UP(direct map TB &lt;&lt; 28 pages * sizeof(struct page) 64, 1 TB)
 *  remain      = vaddr_end - vaddr_start - sum of the sizes
 *  for each region i of 3, in address order:
 *      entropy = remain / (3 - i)
 *      entropy = (rand % (entropy + 1)) &amp; PUD_MASK          1 GiB steps
 *      base_i  = vaddr += entropy
 *      vaddr   = round_up(vaddr + size_i + 1, PUD_SIZE)      at least 1 GiB between regions
 *      remain -= entropy
 * </pre>
 *
 * <p>The remaining entropy is shared out so that later regions still have room; the order
 * direct map &lt; vmalloc &lt; vmemmap never changes. Nothing is randomized with "nokaslr" (no
 * KASLR_FLAG) or with CONFIG_KASAN (its shadow needs PGD-aligned regions): the bases then are the
 * fixed ones of mm.rst.
 *
 * <p>Random numbers: the kernel seeds a prandom state with kaslr_get_random_long("Memory") and
 * draws one value per region; pagelab draws the three values straight from the
 * {@link RandomSource}. Like the kernel, the 1 GiB gaps after the first two regions are not taken
 * out of {@code remain}, so with near-maximal draws the vmemmap's reserved room may reach up to
 * 2 GiB past vaddr_end (a 2020 patch proposing to subtract them was not merged).
 * Older kernels (4.14-5.3) used P4D (512 GiB) steps on 5-level paging; 6.x uses PUD steps on both.
 */
public final class MemoryRandomization {
    private static final Logger log = LoggerFactory.getLogger(MemoryRandomization.class);

    /** PUD_SIZE: 1 GiB. */
    public static final long PUD_SIZE = 1L << 30;
    /** TB_SHIFT. */
    public static final int TB_SHIFT = 40;
    /** CONFIG_RANDOMIZE_MEMORY_PHYSICAL_PADDING default: 10 TB for memory hotplug. */
    public static final long PHYSICAL_PADDING_TB = 10;

    private MemoryRandomization() {
    }

    /**
     * The three bases for a machine whose highest RAM page frame is {@code maxPfn - 1}.
     *
     * @param levels 4 or 5 (paging levels)
     * @param maxPfn max_pfn: one past the last RAM page frame
     * @param kaslrEnabled KASLR_FLAG was set (no "nokaslr")
     * @param kasan CONFIG_KASAN
     * @param random the random source, three values drawn when randomizing
     */
    public static RandomizedBases randomize(int levels, long maxPfn, boolean kaslrEnabled, boolean kasan,
                                            RandomSource random) {
        if (levels != 4 && levels != 5) {
            throw new InvalidArgumentException(String.format("%d paging levels: x86-64 has 4 or 5", levels));
        }
        if (maxPfn <= 0 || maxPfn > (1L << (maxPhysmemBits(levels) - 12))) {
            throw new InvalidArgumentException(String.format(
                    "max_pfn %#x must be 1..2^%d (MAX_PHYSMEM_BITS %d)", maxPfn, maxPhysmemBits(levels) - 12,
                    maxPhysmemBits(levels)));
        }
        long vaddrStart = levels == 4 ? KernelLayout64.PAGE_OFFSET_BASE_L4 : KernelLayout64.PAGE_OFFSET_BASE_L5;
        long vaddrEnd = KernelLayout64.CPU_ENTRY_AREA_BASE;
        long[] sizeTb = new long[3];
        sizeTb[0] = 1L << (maxPhysmemBits(levels) - TB_SHIFT);
        sizeTb[1] = levels == 4 ? KernelLayout64.VMALLOC_SIZE_TB_L4 : KernelLayout64.VMALLOC_SIZE_TB_L5;
        long memoryTb = divRoundUp(maxPfn << 12, 1L << TB_SHIFT) + PHYSICAL_PADDING_TB;
        if (memoryTb < sizeTb[0]) {
            sizeTb[0] = memoryTb;
        }
        long vmemmapSize = (sizeTb[0] << (TB_SHIFT - 12)) * KernelLayout64.STRUCT_PAGE_SIZE;
        sizeTb[2] = divRoundUp(vmemmapSize, 1L << TB_SHIFT);
        String[] names = {"page_offset_base", "vmalloc_base", "vmemmap_base"};

        if (!kaslrEnabled || kasan) {
            long[] fixed = levels == 4
                    ? new long[] {KernelLayout64.PAGE_OFFSET_BASE_L4, KernelLayout64.VMALLOC_BASE_L4,
                            KernelLayout64.VMEMMAP_BASE_L4}
                    : new long[] {KernelLayout64.PAGE_OFFSET_BASE_L5, KernelLayout64.VMALLOC_BASE_L5,
                            KernelLayout64.VMEMMAP_BASE_L5};
            List<RandomizedRegion> regions = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                regions.add(new RandomizedRegion(names[i], fixed[i], sizeTb[i], 0));
            }
            return new RandomizedBases(levels, false, remain(vaddrStart, vaddrEnd, sizeTb), regions);
        }

        long remain = remain(vaddrStart, vaddrEnd, sizeTb);
        long totalEntropy = remain;
        long vaddr = vaddrStart;
        List<RandomizedRegion> regions = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long entropy = Long.divideUnsigned(remain, 3 - i);
            long rand = random.nextLong();
            entropy = Long.remainderUnsigned(rand, entropy + 1) & -PUD_SIZE;
            vaddr += entropy;
            regions.add(new RandomizedRegion(names[i], vaddr, sizeTb[i], entropy));
            log.debug("{} = {} (+{} of entropy, {} TB)", names[i], hex(vaddr), hex(entropy), sizeTb[i]);
            vaddr += sizeTb[i] << TB_SHIFT;
            vaddr = roundUp(vaddr + 1, PUD_SIZE);
            remain -= entropy;
        }
        return new RandomizedBases(levels, true, totalEntropy, regions);
    }

    /** MAX_PHYSMEM_BITS: 46 on 4-level, 52 on 5-level. */
    static int maxPhysmemBits(int levels) {
        return levels == 4 ? 46 : 52;
    }

    private static long remain(long vaddrStart, long vaddrEnd, long[] sizeTb) {
        long remain = vaddrEnd - vaddrStart;
        for (long tb : sizeTb) {
            remain -= tb << TB_SHIFT;
        }
        return remain;
    }

    private static long divRoundUp(long n, long d) {
        return (n + d - 1) / d;
    }

    private static long roundUp(long x, long to) {
        return (x + to - 1) & -to;
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
