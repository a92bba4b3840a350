package io.pagelab.kernel.pgtable;

import io.pagelab.api.error.OutOfMemoryException;
import io.pagelab.hardware.mmu.PageTableAllocator;
import io.pagelab.kernel.memblock.Memblock;
import io.pagelab.kernel.memblock.MemblockAllocationException;
import io.pagelab.kernel.printk.Vsprintf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the direct map's page-table pages come from during boot: arch/x86/mm/init.c:
 * alloc_low_pages() (Linux 6.x).
 *
 * <pre>
 *  1. pgt_buf: a few pages set aside in the kernel's brk area (early_alloc_pgt_buf(),
 *     INIT_PGT_BUF_SIZE), used first, unless the range being mapped overlaps it
 *     (can_use_brk_pgt = false)
 *  2. memblock_phys_alloc_range(PAGE_SIZE, PAGE_SIZE, min_pfn_mapped, max_pfn_mapped):
 *     a page that is ALREADY in the direct map, so the kernel can clear it through __va()
 *     (top-down: the highest free page of what is mapped so far)
 * </pre>
 *
 * The first frame asked for may be a fixed one: the top-level table (init_top_pgt), which is a
 * page of the kernel image, not an allocation. Differs from Linux: there is no extend_brk()
 * fallback; when neither source has a page this throws, where Linux panics with
 * "alloc_low_pages: can not alloc memory". Freed frames go back to memblock.
 */
public final class AllocLowPages implements PageTableAllocator {
    private static final Logger log = LoggerFactory.getLogger(AllocLowPages.class);

    private final Memblock memblock;
    private long fixedFirst;
    private final long pgtBufStart;
    private long pgtBufEnd;
    private final long pgtBufTop;
    private boolean canUseBrkPgt = true;
    private long minPfnMapped;
    private long maxPfnMapped;
    private long fromPgtBuf;
    private long fromMemblock;

    /**
     * @param memblock the boot allocator (its reserved list grows by each page taken)
     * @param fixedFirstPfn the frame to return for the first request (the static top-level
     *     table), or -1 for none
     * @param pgtBufPa physical address of pgt_buf (page-aligned, reserved in memblock by the caller)
     * @param pgtBufPages pages in pgt_buf (6 for INIT_PGT_BUF_SIZE on 4-level without
     *     RANDOMIZE_MEMORY; 0 for none)
     */
    public AllocLowPages(Memblock memblock, long fixedFirstPfn, long pgtBufPa, int pgtBufPages) {
        if ((pgtBufPa & 0xfff) != 0 || pgtBufPages < 0) {
            throw new IllegalArgumentException("pgt_buf at " + Vsprintf.hex(pgtBufPa) + " with " + pgtBufPages
                    + " pages: it must be page-aligned with 0 or more pages");
        }
        this.memblock = memblock;
        this.fixedFirst = fixedFirstPfn;
        this.pgtBufStart = pgtBufPa >>> 12;
        this.pgtBufEnd = pgtBufStart;
        this.pgtBufTop = pgtBufStart + pgtBufPages;
    }

    @Override
    public long allocPageTable() {
        if (fixedFirst >= 0) {
            long pfn = fixedFirst;
            fixedFirst = -1;
            return pfn;
        }
        long pfn;
        if (pgtBufEnd + 1 > pgtBufTop || !canUseBrkPgt) {
            long ret = 0;
            if (minPfnMapped < maxPfnMapped) {
                try {
                    ret = memblock.allocRange(4096, 4096, minPfnMapped << 12, maxPfnMapped << 12);
                } catch (MemblockAllocationException e) {
                    ret = 0;
                }
            }
            if (ret == 0) {
                throw new OutOfMemoryException(4096, "alloc_low_pages: can not alloc memory: pgt_buf "
                        + (canUseBrkPgt ? "is used up" : "overlaps the range being mapped")
                        + " and memblock has no free page in the mapped window [mem "
                        + Vsprintf.pa(minPfnMapped << 12) + "-" + Vsprintf.pa((maxPfnMapped << 12) - 1) + "]");
            }
            pfn = ret >>> 12;
            fromMemblock++;
            log.debug("alloc_low_pages: pfn {} from memblock", Vsprintf.hex(pfn));
        } else {
            pfn = pgtBufEnd++;
            fromPgtBuf++;
            log.debug("alloc_low_pages: pfn {} from pgt_buf", Vsprintf.hex(pfn));
        }
        return pfn;
    }

    @Override
    public void freePageTable(long pfn) {
        memblock.free(pfn << 12, 4096);
    }

    /** Sets {@code can_use_brk_pgt} for the range {@code [start, end)} about to be mapped. */
    void prepareFor(long start, long end) {
        canUseBrkPgt = Math.max(start, pgtBufEnd << 12) >= Math.min(end, pgtBufTop << 12);
    }

    /** {@code can_use_brk_pgt = true} after the range is mapped. */
    void done() {
        canUseBrkPgt = true;
    }

    /** The memblock window later pages come from: {@code [min_pfn_mapped, max_pfn_mapped)}. */
    void window(long minPfn, long maxPfn) {
        this.minPfnMapped = minPfn;
        this.maxPfnMapped = maxPfn;
    }

    /** Pages handed out from pgt_buf. */
    public long fromPgtBuf() {
        return fromPgtBuf;
    }

    /** Pages handed out from memblock. */
    public long fromMemblock() {
        return fromMemblock;
    }
}
