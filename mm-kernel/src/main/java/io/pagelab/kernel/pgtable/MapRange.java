package io.pagelab.kernel.pgtable;

import static com.google.common.base.Preconditions.checkArgument;

import io.pagelab.kernel.printk.Vsprintf;

/**
 * One piece of a physical range that the direct map covers with one page size: {@code struct
 * map_range} of arch/x86/mm/init.c (Linux 6.x). The page size comes as a {@code page_size_mask}
 * of {@code enum pg_level} bits (arch/x86/include/asm/pgtable_types.h):
 *
 * <pre>
 *  bit PG_LEVEL_2M (2): 2 MiB pages allowed      bit PG_LEVEL_1G (3): 1 GiB pages allowed
 *  mask 0 -&gt; "4k"      mask with 2M -&gt; "2M"      mask with 1G (and 2M) -&gt; "1G"
 * </pre>
 *
 * @param start first byte, page-aligned
 * @param end one past the last byte, page-aligned
 * @param pageSizeMask {@link #MASK_2M} and/or {@link #MASK_1G}, or 0 for 4 KiB pages only
 */
public record MapRange(long start, long end, int pageSizeMask) {
    /** {@code PG_LEVEL_4K}. */
    public static final int PG_LEVEL_4K = 1;
    /** {@code PG_LEVEL_2M}. */
    public static final int PG_LEVEL_2M = 2;
    /** {@code PG_LEVEL_1G}. */
    public static final int PG_LEVEL_1G = 3;
    /** {@code 1 << PG_LEVEL_2M}. */
    public static final int MASK_2M = 1 << PG_LEVEL_2M;
    /** {@code 1 << PG_LEVEL_1G}. */
    public static final int MASK_1G = 1 << PG_LEVEL_1G;

    public MapRange {
        checkArgument((start & 0xfff) == 0 && (end & 0xfff) == 0 && Long.compareUnsigned(start, end) < 0,
                "map range [%s, %s) must be page-aligned and non-empty", Vsprintf.hex(start), Vsprintf.hex(end));
        checkArgument((pageSizeMask & ~(MASK_2M | MASK_1G)) == 0,
                "page_size_mask %s may only hold 1 << PG_LEVEL_2M (0x4) and 1 << PG_LEVEL_1G (0x8)", pageSizeMask);
    }

    /** {@code page_size_string()}: "1G", "2M" or "4k" (x86-64 has no 4M pages). */
    public String pageSizeString() {
        if ((pageSizeMask & MASK_1G) != 0) {
            return "1G";
        }
        return (pageSizeMask & MASK_2M) != 0 ? "2M" : "4k";
    }

    /** The {@code pr_debug} line split_mem_range() prints: {@code " [mem 0x00100000-0x001fffff] page 4k"}. */
    public String line() {
        return " [mem " + Vsprintf.hex10(start) + "-" + Vsprintf.hex10(end - 1) + "] page " + pageSizeString();
    }

    /** Bytes covered. */
    public long size() {
        return end - start;
    }
}
