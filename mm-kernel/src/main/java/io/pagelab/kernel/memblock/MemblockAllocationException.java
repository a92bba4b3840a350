package io.pagelab.kernel.memblock;

import io.pagelab.kernel.printk.Vsprintf;

/**
 * A memblock allocation that cannot be met: no free range below the limit holds {@code size} bytes
 * at the requested alignment. The kernel's {@code memblock_phys_alloc*()} return 0 here and most
 * callers then {@code panic("Failed to allocate ...")}; pagelab throws, naming the request and the
 * largest free range in the searched window so the learner sees why.
 */
public final class MemblockAllocationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long size;
    private final long align;
    private final long start;
    private final long end;
    private final long largestFreeStart;
    private final long largestFreeSize;

    MemblockAllocationException(long size, long align, long start, long end, FreeRange largest) {
        super(message(size, align, start, end, largest));
        this.size = size;
        this.align = align;
        this.start = start;
        this.end = end;
        this.largestFreeStart = largest == null ? 0 : largest.start();
        this.largestFreeSize = largest == null ? 0 : largest.size();
    }

    private static String message(long size, long align, long start, long end, FreeRange largest) {
        String request = "memblock: Failed to allocate " + Vsprintf.pa(size) + " bytes align=" + Vsprintf.hex(align)
                + " in [mem " + Vsprintf.pa(start) + "-" + Vsprintf.pa(end - 1) + "]";
        if (largest == null) {
            return request + ": no free memory in that window";
        }
        return request + ": the largest free range there is [mem " + Vsprintf.pa(largest.start()) + "-"
                + Vsprintf.pa(largest.end() - 1) + "], " + Vsprintf.pa(largest.size()) + " bytes";
    }

    /** Requested size in bytes. */
    public long size() {
        return size;
    }

    /** Requested alignment (after the kernel's 0 → SMP_CACHE_BYTES substitution). */
    public long align() {
        return align;
    }

    /** Lowest address searched. */
    public long start() {
        return start;
    }

    /** One past the highest address searched (the allocation limit). */
    public long end() {
        return end;
    }

    /** Start of the largest free range inside the window (0 when there is none). */
    public long largestFreeStart() {
        return largestFreeStart;
    }

    /** Size of the largest free range inside the window (0 when there is none). */
    public long largestFreeSize() {
        return largestFreeSize;
    }
}
