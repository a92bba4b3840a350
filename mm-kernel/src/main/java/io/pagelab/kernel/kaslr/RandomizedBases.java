package io.pagelab.kernel.kaslr;

import io.pagelab.kernel.layout.KernelLayout64;
import java.util.List;

/**
 * The outcome of kernel_randomize_memory(): the three regions in address order.
 *
 * @param levels 4 or 5
 * @param randomized false when KASLR or CONFIG_KASAN kept the fixed bases
 * @param entropyBytes the room shared out among the regions ({@code remain_entropy} at the start)
 * @param regions page_offset_base, vmalloc_base, vmemmap_base
 */
public record RandomizedBases(int levels, boolean randomized, long entropyBytes, List<RandomizedRegion> regions) {
    public RandomizedBases {
        regions = List.copyOf(regions);
    }

    /** page_offset_base. */
    public long pageOffsetBase() {
        return regions.get(0).base();
    }

    /** vmalloc_base. */
    public long vmallocBase() {
        return regions.get(1).base();
    }

    /** vmemmap_base. */
    public long vmemmapBase() {
        return regions.get(2).base();
    }

    /**
     * The memory map with these bases: the fixed mm.rst map when nothing was randomized, else one
     * whose direct map spans size_tb of region 0 and whose vmemmap room ends at vaddr_end at the
     * latest.
     */
    public KernelLayout64 layout() {
        KernelLayout64 base = levels == 4 ? KernelLayout64.level4() : KernelLayout64.level5();
        base = base.withKernelImageSize(KernelLayout64.KERNEL_IMAGE_SIZE_KASLR);
        if (!randomized) {
            return base;
        }
        RandomizedRegion vmemmap = regions.get(2);
        long vmemmapRoom = Math.min(vmemmap.sizeBytes(), KernelLayout64.CPU_ENTRY_AREA_BASE - vmemmap.base());
        return base.withRandomizedBases(pageOffsetBase(), regions.get(0).sizeBytes(), vmallocBase(), vmemmap.base(),
                vmemmapRoom);
    }
}
