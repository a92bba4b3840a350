package io.pagelab.questions.q21;

import io.pagelab.kernel.kaslr.RandomSource;
import java.util.ArrayList;
import java.util.List;

/**
 * Q21 内存分配空间如何实现不可预测性？ How is the allocation space made unpredictable? (reference solution)
 *
 * <p>Models arch/x86/mm/kaslr.c: kernel_randomize_memory() (Linux 6.11+), drawing each region's
 * random value straight from the RandomSource.
 */
public final class MemoryKaslr {
    private static final long TB = 1L << 40;
    private static final long PUD_SIZE = 1L << 30;
    private static final long VADDR_END = 0xfffffe0000000000L;

    private MemoryKaslr() {
    }

    /** A randomized region: which base variable, its value, its room in TB. */
    public record Region(String name, long base, long sizeTb) {
    }

    public static long[] regionSizesTb(int levels, long maxPfn) {
        long direct = 1L << ((levels == 4 ? 46 : 52) - 40);
        long memoryTb = ((maxPfn << 12) + TB - 1) / TB + 10;
        direct = Math.min(direct, memoryTb);
        long vmemmapBytes = (direct << 28) * 64;
        return new long[] {direct, levels == 4 ? 32 : 12800, (vmemmapBytes + TB - 1) / TB};
    }

    public static List<Region> randomize(int levels, long maxPfn, boolean kaslrEnabled, RandomSource random) {
        String[] names = {"page_offset_base", "vmalloc_base", "vmemmap_base"};
        long[] sizes = regionSizesTb(levels, maxPfn);
        List<Region> regions = new ArrayList<>();
        if (!kaslrEnabled) {
            long[] fixed = levels == 4
                    ? new long[] {0xffff888000000000L, 0xffffc90000000000L, 0xffffea0000000000L}
                    : new long[] {0xff11000000000000L, 0xffa0000000000000L, 0xffd4000000000000L};
            for (int i = 0; i < 3; i++) {
                regions.add(new Region(names[i], fixed[i], sizes[i]));
            }
            return regions;
        }
        long vaddr = levels == 4 ? 0xffff888000000000L : 0xff11000000000000L;
        long remain = VADDR_END - vaddr;
        for (long size : sizes) {
            remain -= size * TB;
        }
        for (int i = 0; i < 3; i++) {
            long entropy = remain / (3 - i);
            entropy = Long.remainderUnsigned(random.nextLong(), entropy + 1) & -PUD_SIZE;
            vaddr += entropy;
            regions.add(new Region(names[i], vaddr, sizes[i]));
            vaddr = (vaddr + sizes[i] * TB + 1 + PUD_SIZE - 1) & -PUD_SIZE;
            remain -= entropy;
        }
        return regions;
    }
}
