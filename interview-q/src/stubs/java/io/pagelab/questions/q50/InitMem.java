package io.pagelab.questions.q50;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.exercise.Todo;
import java.util.List;

/**
 * Q50 kernel程序空间能否再压榨？ Can the kernel's own footprint be squeezed?
 *
 * <p>Code and data needed only while booting are marked {@code __init} / {@code __initdata}; the
 * linker puts them between {@code __init_begin} and {@code __init_end}. When boot is over,
 * {@code free_initmem()} gives those pages back to the buddy allocator and prints one line.
 * 只在启动时用到的代码和数据(__init)在启动结束后交还给伙伴系统。
 *
 * <p>Your task: implement the four methods.
 * <ul>
 *   <li>{@link #freedPages}: only whole pages are freed. Round the start UP to a page boundary and
 *       the end DOWN ({@code free_reserved_area()}); if nothing is left, 0. Kernel virtual
 *       addresses such as 0xffffffff82a00000 are negative as Java longs: use bit masks, and refuse
 *       (InvalidArgumentException) a section whose end is below its begin, compared unsigned.</li>
 *   <li>{@link #freeingLine}: {@code "Freeing %s memory: %ldK"}, pages times 4.</li>
 *   <li>{@link #freeInitmem}: pages freed with {@link #WHAT}, managed pages grow by that many.</li>
 *   <li>{@link #buddyBlocks}: freeing the pages one by one merges buddies; with no free neighbour,
 *       what is left is the range cut into the largest blocks that are aligned to their own size,
 *       order at most {@link #MAX_PAGE_ORDER}, listed from the lowest pfn.</li>
 * </ul>
 *
 * <p>Run {@code ./pagelab grade q50} to check your work.
 *
 * <p>Background: this models {@code free_initmem()} (arch/x86/mm/init.c, Linux 6.13) → {@code free_kernel_image_pages()}
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
        throw new Todo("q50/InitMem.java");
    }

    /** {@code "Freeing %s memory: %ldK"}. */
    public static String freeingLine(String what, long pages) {
        throw new Todo("q50/InitMem.java");
    }

    /** free_initmem(): pages freed, managed pages afterwards and the boot line. */
    public static Freed freeInitmem(long initBegin, long initEnd, long managedPagesBefore) {
        throw new Todo("q50/InitMem.java");
    }

    /**
     * The free blocks after pfns {@code [startPfn, endPfn)} are freed one by one (ascending) into a
     * zone where no neighbour is free, lowest pfn first.
     */
    public static List<Block> buddyBlocks(long startPfn, long endPfn) {
        throw new Todo("q50/InitMem.java");
    }

    private static void checkRange(long begin, long end) {
        InvalidArgumentException.check(Long.compareUnsigned(begin, end) <= 0,
                "init section [%s, %s) ends before it begins; __init_end must be >= __init_begin", begin, end);
    }
}
