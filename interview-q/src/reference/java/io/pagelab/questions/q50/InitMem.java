package io.pagelab.questions.q50;

import io.pagelab.api.error.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Q50 kernel程序空间能否再压榨？ Can the kernel's own footprint be squeezed? (reference solution)
 *
 * <p>Models {@code free_initmem()} (arch/x86/mm/init.c, Linux 6.13) → {@code free_kernel_image_pages()}
 * → {@code free_reserved_area(__init_begin, __init_end, POISON_FREE_INITMEM, "unused kernel image
 * (initmem)")} (mm/page_alloc.c): the start is rounded up with {@code PAGE_ALIGN}, the end down with
 * {@code & PAGE_MASK}, every whole page in between is freed (managed pages + 1 each) and the kernel
 * prints {@code "Freeing %s memory: %ldK"} with {@code pages << (PAGE_SHIFT - 10)}. Freed pages merge
 * with their buddies as {@code __free_one_page()} does; with no free neighbours the result is the
 * range cut into the largest naturally aligned blocks (at most order 10).
 *
 * <p>Differs from Linux on purpose: only the accounting and the final buddy blocks are modelled (no
 * memory is poisoned, no per-cpu lists delay merging), and a section that ends before it begins is
 * refused instead of freeing nothing.
 */
public final class InitMem {

    /** 4 KiB pages (x86-64). */
    public static final int PAGE_SHIFT = 12;
    /** Largest buddy order (Linux 6.8+ MAX_PAGE_ORDER). */
    public static final int MAX_PAGE_ORDER = 10;
    /** The {@code what} string x86's free_initmem() passes. */
    public static final String WHAT = "unused kernel image (initmem)";

    private InitMem() {
    }

    /** One free buddy block: first pfn and order. */
    public record Block(long pfn, int order) {
    }

    /** What freeing the init section did. */
    public record Freed(long pages, long managedPagesAfter, String line) {
    }

    /** Whole pages of {@code [begin, end)}: start rounded up to a page, end rounded down. */
    public static long freedPages(long begin, long end) {
        checkRange(begin, end);
        long pageSize = 1L << PAGE_SHIFT;
        long start = (begin + pageSize - 1) & -pageSize;
        long stop = end & -pageSize;
        return stop > start ? (stop - start) >> PAGE_SHIFT : 0;
    }

    /** {@code "Freeing %s memory: %ldK"}. */
    public static String freeingLine(String what, long pages) {
        return String.format(Locale.ROOT, "Freeing %s memory: %dK", what, pages << (PAGE_SHIFT - 10));
    }

    /** free_initmem(): pages freed, managed pages afterwards and the boot line. */
    public static Freed freeInitmem(long initBegin, long initEnd, long managedPagesBefore) {
        InvalidArgumentException.check(managedPagesBefore >= 0,
                "managed pages %s must not be negative", managedPagesBefore);
        long pages = freedPages(initBegin, initEnd);
        return new Freed(pages, managedPagesBefore + pages, freeingLine(WHAT, pages));
    }

    /**
     * The free blocks after pfns {@code [startPfn, endPfn)} are freed one by one (ascending) into a
     * zone where no neighbour is free, lowest pfn first.
     */
    public static List<Block> buddyBlocks(long startPfn, long endPfn) {
        InvalidArgumentException.check(startPfn >= 0 && endPfn >= startPfn,
                "pfn range [%s, %s) must be non-negative and not end before it begins", startPfn, endPfn);
        List<Block> blocks = new ArrayList<>();
        long pfn = startPfn;
        while (pfn < endPfn) {
            int order = 0;
            while (order < MAX_PAGE_ORDER && (pfn & ((1L << (order + 1)) - 1)) == 0
                    && pfn + (1L << (order + 1)) <= endPfn) {
                order++;
            }
            blocks.add(new Block(pfn, order));
            pfn += 1L << order;
        }
        return blocks;
    }

    private static void checkRange(long begin, long end) {
        InvalidArgumentException.check(Long.compareUnsigned(begin, end) <= 0,
                "init section [%s, %s) ends before it begins; __init_end must be >= __init_begin", begin, end);
    }
}
