package io.pagelab.kernel.page;

import io.pagelab.api.error.InvalidArgumentException;

/**
 * The {@code page->flags} bits pagelab keeps per frame, named as {@code enum pageflags} of
 * include/linux/page-flags.h (Linux 6.6) and printed the way {@code %pGp} prints them
 * (lib/vsprintf.c: format_page_flags).
 *
 * <pre>
 *  bit 15          14          13         12      11      10       9     8           7      6    5   4     3        2          1         0
 *      mlocked unevictable swapbacked reclaim private reserved  slab workingset active head lru dirty uptodate referenced writeback locked
 * </pre>
 *
 * <p>Differs from Linux on purpose: the bit numbers are pagelab's own, chosen so the sixteen flags
 * the simulator uses fit one {@code short} per frame (Linux numbers about 25 flags and keeps the
 * node, zone and section numbers in the top bits of the same word). The zone and node of a frame
 * are found from its pfn instead (see {@link MemMap}). Flags that exist only for other
 * subsystems' bookkeeping (PG_waiters, PG_error, PG_arch_1, PG_private_2, PG_mappedtodisk...)
 * are left out; PageBuddy, which Linux keeps in {@code page_type}, is part of the frame state
 * ({@link FrameState}).
 */
public final class PageFlags {
    public static final int PG_LOCKED = 1;
    public static final int PG_WRITEBACK = 1 << 1;
    public static final int PG_REFERENCED = 1 << 2;
    public static final int PG_UPTODATE = 1 << 3;
    public static final int PG_DIRTY = 1 << 4;
    public static final int PG_LRU = 1 << 5;
    /** Head of a compound page ({@code __GFP_COMP}). */
    public static final int PG_HEAD = 1 << 6;
    public static final int PG_ACTIVE = 1 << 7;
    public static final int PG_WORKINGSET = 1 << 8;
    public static final int PG_SLAB = 1 << 9;
    /** Not handed to the buddy allocator: memblock-reserved or a hole (set by memmap init). */
    public static final int PG_RESERVED = 1 << 10;
    public static final int PG_PRIVATE = 1 << 11;
    public static final int PG_RECLAIM = 1 << 12;
    public static final int PG_SWAPBACKED = 1 << 13;
    public static final int PG_UNEVICTABLE = 1 << 14;
    public static final int PG_MLOCKED = 1 << 15;

    /** All flags. */
    public static final int ALL = 0xffff;

    /**
     * {@code PAGE_FLAGS_CHECK_AT_FREE}: a page freed with one of these set is a bad page
     * (still on an LRU list, locked, private data attached, under writeback, reserved, a slab, active,
     * unevictable or mlocked).
     */
    public static final int PAGE_FLAGS_CHECK_AT_FREE = PG_LRU | PG_LOCKED | PG_PRIVATE | PG_WRITEBACK | PG_RESERVED
            | PG_SLAB | PG_ACTIVE | PG_UNEVICTABLE | PG_MLOCKED;

    /** {@code PAGE_FLAGS_CHECK_AT_PREP}: every flag must be clear on a page the allocator hands out. */
    public static final int PAGE_FLAGS_CHECK_AT_PREP = ALL;

    private static final String[] NAMES = {
        "locked", "writeback", "referenced", "uptodate", "dirty", "lru", "head", "active", "workingset", "slab",
        "reserved", "private", "reclaim", "swapbacked", "unevictable", "mlocked",
    };

    private PageFlags() {
    }

    /** The name {@code %pGp} prints for one flag bit. */
    public static String name(int flag) {
        if (Integer.bitCount(flag) != 1 || (flag & ~ALL) != 0) {
            throw new InvalidArgumentException("0x" + Integer.toHexString(flag)
                    + " is not a single page flag: expected one bit of 0xffff");
        }
        return NAMES[Integer.numberOfTrailingZeros(flag)];
    }

    /**
     * The flag names joined by {@code |} in bit order, as {@code %pGp} lists them
     * ({@code "referenced|uptodate|lru"}); empty for no flag.
     */
    public static String names(int flags) {
        StringBuilder sb = new StringBuilder();
        for (int bit = 0; bit < NAMES.length; bit++) {
            if ((flags & (1 << bit)) != 0) {
                if (sb.length() > 0) {
                    sb.append('|');
                }
                sb.append(NAMES[bit]);
            }
        }
        return sb.toString();
    }
}
