package io.pagelab.kernel.memmodel;

import static com.google.common.base.Preconditions.checkArgument;

import io.pagelab.kernel.boot.BootMemoryResult;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FLATMEM (include/asm-generic/memory_model.h: {@code __pfn_to_page}, {@code __page_to_pfn};
 * include/linux/mmzone.h / mm/memory.c: {@code pfn_valid}, Linux 6.13): one array {@code mem_map}
 * with a struct page for every pfn from {@code ARCH_PFN_OFFSET} to {@code ARCH_PFN_OFFSET + max_mapnr}.
 * {@code pfn_to_page(pfn) = mem_map + (pfn - ARCH_PFN_OFFSET)}.
 *
 * <p>FLATMEM pays for holes: every pfn below {@code max_mapnr} gets a 64-byte struct page, even in
 * the PCI hole where no RAM exists, and {@code pfn_valid} says yes for them.
 *
 * <p>pagelab differs on purpose: x86-64 cannot be built with FLATMEM (it selects SPARSEMEM); the
 * model is applied to an x86-64 boot for comparison. {@link #of(BootMemoryResult)} places
 * {@code mem_map} where a top-down memblock allocation would: the last {@code max_pfn * 64} bytes
 * below {@code max_pfn}, seen through the direct map at {@link #PAGE_OFFSET}.
 */
public final class Flatmem implements MemoryModel {
    private static final Logger LOG = LoggerFactory.getLogger(Flatmem.class);

    /** {@code PAGE_OFFSET}, the direct map base with 4-level paging and no KASLR. */
    public static final long PAGE_OFFSET = 0xffff888000000000L;

    private final long memMap;
    private final long archPfnOffset;
    private final long maxMapnr;

    /**
     * @param memMap virtual address of {@code mem_map[0]}, a multiple of 64
     * @param archPfnOffset {@code ARCH_PFN_OFFSET}, the first pfn with a struct page (0 on x86)
     * @param maxMapnr {@code max_mapnr}, the number of struct pages
     */
    public Flatmem(long memMap, long archPfnOffset, long maxMapnr) {
        checkArgument(memMap % STRUCT_PAGE_SIZE == 0, "mem_map 0x%s must be a multiple of 64 bytes",
                Long.toHexString(memMap));
        checkArgument(archPfnOffset >= 0, "ARCH_PFN_OFFSET %s must be >= 0", archPfnOffset);
        checkArgument(maxMapnr > 0 && maxMapnr <= Long.MAX_VALUE / STRUCT_PAGE_SIZE,
                "max_mapnr %s must be positive and small enough for mem_map to fit", maxMapnr);
        this.memMap = memMap;
        this.archPfnOffset = archPfnOffset;
        this.maxMapnr = maxMapnr;
        LOG.debug("FLATMEM mem_map=0x{} ARCH_PFN_OFFSET={} max_mapnr={}", Long.toHexString(memMap), archPfnOffset,
                maxMapnr);
    }

    /** FLATMEM over a booted machine: ARCH_PFN_OFFSET 0, max_mapnr = max_pfn, mem_map top-down. */
    public static Flatmem of(BootMemoryResult boot) {
        Objects.requireNonNull(boot, "boot");
        long maxPfn = boot.maxPfn();
        long memMapBytes = maxPfn * STRUCT_PAGE_SIZE;
        long phys = (maxPfn << 12) - memMapBytes;
        return new Flatmem(PAGE_OFFSET + phys, 0, maxPfn);
    }

    /** Virtual address of {@code mem_map[0]}. */
    public long memMap() {
        return memMap;
    }

    /** {@code max_mapnr}. */
    public long maxMapnr() {
        return maxMapnr;
    }

    /** Bytes of struct pages: {@code max_mapnr * 64}, holes included. */
    public long memMapBytes() {
        return maxMapnr * STRUCT_PAGE_SIZE;
    }

    @Override
    public boolean pfnValid(long pfn) {
        // Linux: (pfn - ARCH_PFN_OFFSET) < max_mapnr, unsigned, so pfns below the offset wrap and fail.
        return Long.compareUnsigned(pfn - archPfnOffset, maxMapnr) < 0;
    }

    @Override
    public long pfnToPage(long pfn) {
        if (!pfnValid(pfn)) {
            throw MemModelErrors.invalidPfn(name(), pfn, "FLATMEM needs ARCH_PFN_OFFSET (" + archPfnOffset
                    + ") <= pfn < ARCH_PFN_OFFSET + max_mapnr (" + MemModelErrors.hex(archPfnOffset + maxMapnr) + ")");
        }
        return memMap + (pfn - archPfnOffset) * STRUCT_PAGE_SIZE;
    }

    @Override
    public long pageToPfn(long page) {
        long offset = page - memMap;
        if (Long.compareUnsigned(offset, memMapBytes()) >= 0 || offset % STRUCT_PAGE_SIZE != 0) {
            throw MemModelErrors.notAPage(name(), page, "it must be mem_map (" + MemModelErrors.hex(memMap)
                    + ") + a multiple of 64 below mem_map + max_mapnr * 64 ("
                    + MemModelErrors.hex(memMap + memMapBytes()) + ")");
        }
        return offset / STRUCT_PAGE_SIZE + archPfnOffset;
    }

    @Override
    public String name() {
        return "FLATMEM";
    }
}
