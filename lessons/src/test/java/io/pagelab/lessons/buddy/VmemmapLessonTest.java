package io.pagelab.lessons.buddy;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.lessons.LessonOutput;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Runs the vmemmap lesson; expected values are derived by hand in the comments. */
class VmemmapLessonTest {

    private static String output;

    @BeforeAll
    static void runTheLesson() {
        output = LessonOutput.of(new VmemmapLesson());
    }

    @Test
    void theZonesOfTheFourGibGuestSpanTheirRanges() {
        // DMA32 0x1000-0xfffff: 0x100000 - 0x1000 = 1,044,480 spanned; Normal 0x100000-0x13ffff: 0x40000
        assertThat(output).contains("zone DMA32   pfn 0x1000   -0xfffff    spanned 1,044,480")
                .contains("zone Normal  pfn 0x100000 -0x13ffff   spanned   262,144  present   262,144");
    }

    @Test
    void thePciHoleHasNoSections() {
        // RAM 0-3 GiB = sections 0..23 (3 GiB / 128 MiB = 24), 4-5 GiB = sections 32..39
        assertThat(output).contains("present: 0-23, 32-39")
                .contains("█".repeat(24) + "·".repeat(8) + "█".repeat(8));
    }

    @Test
    void pfnToPageIsTheVmemmapBasePlusSixtyFourBytesPerPfn() {
        // the first GFP_KERNEL page comes from Normal, whose first pfn is 0x100000 (4 GiB);
        // 0xffffea0000000000 + 0x100000 * 0x40 = 0xffffea0000000000 + 0x4000000
        assertThat(output).contains("alloc_pages(GFP_KERNEL, 0)  → pfn 0x100000")
                .contains("= 0xffffea0004000000")
                .contains("page_to_pfn(0xffffea0004000000) = 0x100000")
                // direct map: 0xffff888000000000 + 0x100000000
                .contains("virt_to_page(0xffff888100000000) = 0xffffea0004000000");
    }

    @Test
    void linuxSpendsSixtyFourBytesPerFrameOfEveryPresentSection() {
        // 32 sections * 32768 = 1,048,576 frames * 64 = 67,108,864 bytes = 64 MiB
        assertThat(output).contains("Linux struct page                          67,108,864     64.00")
                .contains("spends 64 MiB on the memmap");
        // refcount: an int per frame plus a 16-byte array header per section: 4 + 16*32/1048576
        assertThat(output).contains("_refcount                                   4,194,816      4.00");
    }

    @Test
    void everyLineFitsNinetyColumns() {
        assertThat(LessonOutput.tooWide(output)).isEmpty();
    }

    @Test
    void runningTwiceGivesTheSameText() {
        assertThat(LessonOutput.of(new VmemmapLesson())).isEqualTo(output);
    }
}
