package io.pagelab.api;

import io.pagelab.api.error.InvalidArgumentException;

/**
 * Page-size arithmetic on addresses and page frame numbers, as include/linux/pfn.h (PFN_UP,
 * PFN_DOWN, PFN_PHYS) and include/linux/mm.h (PAGE_ALIGN, PAGE_ALIGNED) define it for 4 KiB pages
 * (Linux 6.x, x86-64 and the default of most architectures).
 *
 * <pre>
 *  address  63 .................................. 12 11 ........ 0
 *           |          pfn (page frame number)      | offset      |
 *  pfnDown(a) = a &gt;&gt; 12        pfnUp(a) = (a + 4095) &gt;&gt; 12       pfnPhys(p) = p &lt;&lt; 12
 * </pre>
 *
 * Addresses are unsigned 64-bit values in {@code long}s; the shifts are unsigned. Differs from
 * Linux: where the C macros would silently wrap past 2^64 ({@code PAGE_ALIGN} of the last page),
 * these methods compute the true result ({@link #pfnUp}) or throw ({@link #pageAlignUp}).
 */
public final class Pages {
    /** log2 of the page size: 12. */
    public static final int PAGE_SHIFT = 12;
    /** 4096 bytes. */
    public static final long PAGE_SIZE = 1L << PAGE_SHIFT;
    /** Clears the offset bits: {@code ~(PAGE_SIZE - 1)} = 0xfffffffffffff000, as the kernel's PAGE_MASK. */
    public static final long PAGE_MASK = ~(PAGE_SIZE - 1);

    private Pages() {
    }

    /** PFN_DOWN: the frame holding this address. */
    public static long pfnDown(long addr) {
        return addr >>> PAGE_SHIFT;
    }

    /** PFN_UP: the first frame starting at or after this address (frames fully below it: pfnUp). */
    public static long pfnUp(long addr) {
        return (addr >>> PAGE_SHIFT) + ((addr & ~PAGE_MASK) != 0 ? 1 : 0);
    }

    /** PFN_PHYS: the address of the first byte of this frame. */
    public static long pfnPhys(long pfn) {
        return pfn << PAGE_SHIFT;
    }

    /** The offset of the address inside its page (offset_in_page). */
    public static long offsetInPage(long addr) {
        return addr & ~PAGE_MASK;
    }

    /** Rounds down to a page boundary ({@code addr & PAGE_MASK}). */
    public static long pageAlignDown(long addr) {
        return addr & PAGE_MASK;
    }

    /**
     * PAGE_ALIGN: rounds up to a page boundary.
     *
     * @throws InvalidArgumentException for an address in the last page of the 64-bit space, whose
     *     round-up does not fit in 64 bits
     */
    public static long pageAlignUp(long addr) {
        long up = (addr + PAGE_SIZE - 1) & PAGE_MASK;
        if (Long.compareUnsigned(up, addr) < 0) {
            throw new InvalidArgumentException("cannot round 0x" + Long.toHexString(addr)
                    + " up to a page boundary: the result would exceed 2^64; allowed up to 0xfffffffffffff000");
        }
        return up;
    }

    /** PAGE_ALIGNED: true when the address is a multiple of the page size. */
    public static boolean isAligned(long addr) {
        return (addr & ~PAGE_MASK) == 0;
    }

    /** True when {@code value} is a multiple of {@code alignment}, a power of two. */
    public static boolean isAligned(long value, long alignment) {
        InvalidArgumentException.check(alignment > 0 && (alignment & (alignment - 1)) == 0,
                "alignment %s is not allowed: it must be a power of two", alignment);
        return (value & (alignment - 1)) == 0;
    }

    /** Number of pages needed to hold {@code bytes} (= pfnUp(bytes)). */
    public static long pagesFor(long bytes) {
        return pfnUp(bytes);
    }

    /** Bytes in a block of {@code 2^order} pages. */
    public static long orderToBytes(int order) {
        InvalidArgumentException.check(order >= 0 && order <= 52 - PAGE_SHIFT,
                "order %s is not allowed: expected 0..%s", order, 52 - PAGE_SHIFT);
        return PAGE_SIZE << order;
    }
}
