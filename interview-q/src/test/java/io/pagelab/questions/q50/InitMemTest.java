package io.pagelab.questions.q50;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import io.pagelab.questions.q50.InitMem.Block;
import io.pagelab.questions.q50.InitMem.Freed;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q50 kernel程序空间能否再压榨？ Can the kernel's own footprint be squeezed?
 *
 * <p>Rules: mm/page_alloc.c free_reserved_area() (Linux 6.13) rounds the start up with PAGE_ALIGN and
 * the end down with PAGE_MASK, frees each whole page (adjust_managed_page_count +1 each) and the caller
 * prints "Freeing %s memory: %ldK" (linux-reference.md §14.3), pages << (PAGE_SHIFT - 10). x86's
 * free_initmem() passes what = "unused kernel image (initmem)". The section bounds are the seed
 * digest's Q50 example (__init_begin 0xffffffff82a00000, __init_end 0xffffffff82cd4000: 2896 KiB,
 * 724 pages). Buddy blocks are worked out by hand from __free_one_page() merging.
 */
@Grader(id = "q50")
@DisplayName("Q50 free_initmem and free_reserved_area")
class InitMemTest {

    static final long INIT_BEGIN = 0xffffffff82a00000L;
    static final long INIT_END = 0xffffffff82cd4000L;

    @Test
    @Points(3)
    @Hint("The section is 0x2d4000 bytes, every byte in whole pages: divide by 4096. Kernel virtual "
            + "addresses are negative Java longs, which is harmless for subtraction and masks.")
    void theSeedsAlignedInitSectionFrees724Pages() {
        // 0xffffffff82cd4000 - 0xffffffff82a00000 = 0x2d4000 = 2,965,504 bytes = 724 pages
        assertThat(InitMem.freedPages(INIT_BEGIN, INIT_END)).as("pages freed for the seed's section")
                .isEqualTo(724L);
    }

    @Test
    @Points(3)
    @Hint("free_reserved_area() frees only whole pages: PAGE_ALIGN rounds the start UP, & PAGE_MASK "
            + "rounds the end DOWN. A section inside a single page frees nothing.")
    void aPartialFirstAndLastPageAreNotFreed() {
        // begin ...82a00800 rounds up to ...82a01000, end ...82cd3f00 rounds down to ...82cd3000:
        // 0x82cd3000 - 0x82a01000 = 0x2d2000 = 722 pages (two fewer than the aligned section)
        assertThat(InitMem.freedPages(0xffffffff82a00800L, 0xffffffff82cd3f00L))
                .as("pages of [..82a00800, ..82cd3f00)").isEqualTo(722L);
        // start rounded to the next page, end to this one: 0x82a01000 > 0x82a00000, nothing
        assertThat(InitMem.freedPages(0xffffffff82a00010L, 0xffffffff82a00ff0L))
                .as("pages of a section inside one page").isZero();
        // exactly one page
        assertThat(InitMem.freedPages(0x1000L, 0x2000L)).as("pages of [0x1000, 0x2000)").isEqualTo(1L);
        assertThat(InitMem.freedPages(0x1000L, 0x1000L)).as("pages of an empty section").isZero();
    }

    @Test
    @Points(2)
    @Hint("The line is \"Freeing %s memory: %ldK\" with pages << (PAGE_SHIFT - 10): four KiB per page.")
    void theBootLineReportsKibibytes() {
        // seed digest Q50 [k]: 724 pages * 4 KiB = 2896K
        assertThat(InitMem.freeingLine(InitMem.WHAT, 724)).as("line for 724 pages")
                .isEqualTo("Freeing unused kernel image (initmem) memory: 2896K");
        assertThat(InitMem.freeingLine("initrd", 0)).as("line for 0 pages")
                .isEqualTo("Freeing initrd memory: 0K");
    }

    @Test
    @Points(3)
    @Hint("free_initmem(): the pages of free_reserved_area(__init_begin, __init_end, ...) are added to "
            + "the zone's managed pages, and the line uses what = \"unused kernel image (initmem)\".")
    void freeInitmemGrowsManagedPagesAndPrintsTheLine() {
        // 2 GiB QEMU guest: say 496,000 managed pages before; + 722 for the unaligned section
        Freed freed = InitMem.freeInitmem(0xffffffff82a00800L, 0xffffffff82cd3f00L, 496_000L);

        assertThat(freed.pages()).as("pages freed").isEqualTo(722L);
        assertThat(freed.managedPagesAfter()).as("managed pages after").isEqualTo(496_722L);
        // 722 * 4 = 2888
        assertThat(freed.line()).as("boot line")
                .isEqualTo("Freeing unused kernel image (initmem) memory: 2888K");
    }

    @Test
    @Points(3)
    @Hint("Freeing pages one at a time merges each with its buddy (pfn ^ 2^order) when that buddy is "
            + "free: the end result is the range cut into the largest blocks aligned to their own size.")
    void theFreedPagesMergeIntoTheLargestAlignedBuddyBlocks() {
        // The seed's section at physical 0x2a00000 .. 0x2cd4000: pfns 0x2a00 .. 0x2cd4 (724 pages).
        // 0x2a00 is a multiple of 512 but not 1024: order 9, up to 0x2c00. 0x2c00 is 1024-aligned but
        // only 0xd4 = 212 = 128 + 64 + 16 + 4 pages remain: order 7 at 0x2c00, order 6 at 0x2c80,
        // order 4 at 0x2cc0, order 2 at 0x2cd0.
        assertThat(InitMem.buddyBlocks(0x2a00, 0x2cd4)).as("free blocks of pfns [0x2a00, 0x2cd4)")
                .containsExactly(new Block(0x2a00, 9), new Block(0x2c00, 7), new Block(0x2c80, 6),
                        new Block(0x2cc0, 4), new Block(0x2cd0, 2));
    }

    @Test
    @Points(2)
    @Hint("Blocks never exceed order 10 (MAX_PAGE_ORDER), and an unaligned start first climbs with "
            + "small blocks until it reaches an aligned pfn.")
    void blocksStopAtMaxPageOrderAndAnUnalignedStartClimbs() {
        // [0x3, 0x1000): 0x3 o0, 0x4 o2, 0x8 o3, 0x10 o4, 0x20 o5, 0x40 o6, 0x80 o7, 0x100 o8,
        // 0x200 o9, then 0x400, 0x800, 0xc00 each order 10 (4096 pages = 4 MiB blocks, not one order 12)
        assertThat(InitMem.buddyBlocks(0x3, 0x1000)).as("free blocks of pfns [0x3, 0x1000)")
                .containsExactly(new Block(0x3, 0), new Block(0x4, 2), new Block(0x8, 3), new Block(0x10, 4),
                        new Block(0x20, 5), new Block(0x40, 6), new Block(0x80, 7), new Block(0x100, 8),
                        new Block(0x200, 9), new Block(0x400, 10), new Block(0x800, 10), new Block(0xc00, 10));
    }

    @Test
    @Points(1)
    @Hint("__init_end below __init_begin is not a section: refuse it with InvalidArgumentException. "
            + "Compare the addresses unsigned: kernel addresses are negative as Java longs.")
    void aSectionEndingBeforeItBeginsIsRefused() {
        assertThat(catchThrowable(() -> InitMem.freedPages(INIT_END, INIT_BEGIN)))
                .as("freedPages(__init_end, __init_begin)").isInstanceOf(InvalidArgumentException.class);
        // a kernel-half begin (0xffffffff82a00000) above a user-half end (0x1000): as signed longs the
        // begin is negative and looks smaller, so only an unsigned compare sees the section is backwards
        assertThat(catchThrowable(() -> InitMem.freedPages(0xffffffff82a00000L, 0x1000L)))
                .as("freedPages(kernel address, 0x1000): ends before it begins")
                .isInstanceOf(InvalidArgumentException.class);
    }
}
