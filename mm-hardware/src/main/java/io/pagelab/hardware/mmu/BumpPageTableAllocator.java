package io.pagelab.hardware.mmu;

import io.pagelab.api.PhysicalMemory;
import io.pagelab.api.error.BadAddressException;
import io.pagelab.api.error.DoubleFreeException;
import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.api.error.OutOfMemoryException;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands out the frames of one physical range in address order, and reuses freed frames first
 * (last freed, first reused). It plays the role early boot code gives a static pool, like
 * arch/x86/kernel/head64.c's {@code early_dynamic_pgts} (Linux 6.x), before the buddy allocator
 * exists.
 *
 * <pre>
 *  start                         next                        end
 *  | handed out (some freed) ... | never handed out ........ |
 *  free stack: pfns given back, popped before next advances
 * </pre>
 *
 * Differs from Linux: the early pool never frees; this one keeps a free stack so long-running
 * tests and lessons do not run dry.
 */
public final class BumpPageTableAllocator implements PageTableAllocator {
    private static final Logger log = LoggerFactory.getLogger(BumpPageTableAllocator.class);

    private final long startPfn;
    private final long endPfn;
    private long nextPfn;
    private long[] freed = new long[16];
    private int freedCount;

    /**
     * Frames of {@code [startPa, endPa)}, which must be page-aligned and present in {@code memory}.
     *
     * @throws BadAddressException for a misaligned bound or a range that is not all present
     * @throws InvalidArgumentException for an empty range
     */
    public BumpPageTableAllocator(PhysicalMemory memory, long startPa, long endPa) {
        if ((startPa & 0xfff) != 0) {
            throw BadAddressException.misaligned("page-table pool start", startPa, 4096);
        }
        if ((endPa & 0xfff) != 0) {
            throw BadAddressException.misaligned("page-table pool end", endPa, 4096);
        }
        InvalidArgumentException.check(Long.compareUnsigned(startPa, endPa) < 0,
                "page-table pool [%s, %s) is empty: the start must be below the end", startPa, endPa);
        for (long pa = startPa; pa < endPa; pa += 4096) {
            if (!memory.isPresent(pa)) {
                throw new BadAddressException(pa, String.format(
                        "page-table pool [%#x, %#x) is not all present: physical address %#x is not in the memory map",
                        startPa, endPa, pa));
            }
        }
        this.startPfn = startPa >>> 12;
        this.endPfn = endPa >>> 12;
        this.nextPfn = startPfn;
    }

    @Override
    public long allocPageTable() {
        long pfn;
        if (freedCount > 0) {
            pfn = freed[--freedCount];
        } else if (nextPfn < endPfn) {
            pfn = nextPfn++;
        } else {
            throw new OutOfMemoryException(4096, String.format(
                    "page-table pool [%#x, %#x) is exhausted: all %d frames are in use",
                    startPfn << 12, endPfn << 12, endPfn - startPfn));
        }
        if (log.isDebugEnabled()) {
            log.debug("page table frame allocated: pfn {}", Long.toHexString(pfn));
        }
        return pfn;
    }

    @Override
    public void freePageTable(long pfn) {
        if (pfn < startPfn || pfn >= nextPfn) {
            throw new InvalidArgumentException(String.format(
                    "pfn %#x was never handed out by this pool: allowed are pfns %#x-%#x", pfn, startPfn, nextPfn - 1));
        }
        for (int i = 0; i < freedCount; i++) {
            if (freed[i] == pfn) {
                throw new DoubleFreeException(pfn << 12, String.format(
                        "page-table frame pfn %#x freed twice: it is already in the pool's free stack", pfn));
            }
        }
        if (freedCount == freed.length) {
            freed = Arrays.copyOf(freed, freedCount * 2);
        }
        freed[freedCount++] = pfn;
        if (log.isDebugEnabled()) {
            log.debug("page table frame freed: pfn {}", Long.toHexString(pfn));
        }
    }

    /** Frames currently handed out and not given back. */
    public long inUse() {
        return nextPfn - startPfn - freedCount;
    }

    /** Frames still available. */
    public long available() {
        return endPfn - nextPfn + freedCount;
    }
}
