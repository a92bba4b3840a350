package io.pagelab.lessons.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.lessons.LessonOutput;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the pagefault lesson once and checks what it must show. The fault rules are
 * linux-reference.md §6.11 (do_anonymous_page, do_wp_page, access_error, expand_stack); the
 * error codes are the x86 #PF error-code bits (P = 1, W = 2, U = 4, I = 0x10).
 */
class PageFaultLessonTest {

    private static String output;

    @BeforeAll
    static void runTheLesson() {
        output = LessonOutput.of(new PageFaultLesson());
    }

    @Test
    void afterMmapThereIsNoPteAndNoRss() {
        // §6.3: 8 KiB top-down below [vvar] at 0x7ffff7ff9000 -> 0x7ffff7ff7000
        assertThat(output).contains("returned p = 0x7ffff7ff7000")
                .contains("p       0 (pte_none: nothing mapped here yet)")
                .contains("RSS 0 pages (anon 0, file 0), minor faults 0, major faults 0.");
    }

    @Test
    void aReadMapsTheZeroPageReadOnlyAndCostsNoRss() {
        // §6.11 do_anonymous_page, read: the zero page, not writable; no MM_ANONPAGES increment
        assertThat(output).containsPattern("p       pfn 0x[0-9a-f]+ +P=1 R/W=0 U/S=1 A=1 D=0 NX=1")
                .contains("x = 0, and pfn")
                .contains("RSS 0 pages (anon 0, file 0), minor faults 1, major faults 0.");
    }

    @Test
    void aWriteAfterTheReadCopiesTheZeroPageIntoAWritableDirtyPage() {
        // §6.11 do_wp_page -> wp_page_copy: new page, pte_mkwrite(pte_mkdirty())
        assertThat(output).containsPattern("after   pfn 0x[0-9a-f]+ +P=1 R/W=1 U/S=1 A=1 D=1 NX=1")
                .contains("RSS 1 pages (anon 1, file 0), minor faults 2, major faults 0.");
        // a first write needs one fault only
        assertThat(output).contains("(faults +1)")
                .contains("RSS 2 pages (anon 2, file 0), minor faults 3, major faults 0.");
    }

    @Test
    void badAccessesGiveMaperrOrAccerrWithTheCpusErrorCode() {
        // no VMA: user read of a non-present page -> error 4, SEGV_MAPERR
        assertThat(output).contains("*(char *)0x10000 (no VMA there)      SIGSEGV MAPERR, error 0x4 = --U-");
        // write to present r-x text: P | W | U = 7, SEGV_ACCERR
        assertThat(output).contains("write to the code at 0x555555555000  SIGSEGV ACCERR, error 0x7 = PWU-");
        // instruction fetch from a present NX page: P | U | I = 0x15, SEGV_ACCERR
        assertThat(output).contains("execute the data at 0x555555557000   SIGSEGV ACCERR, error 0x15 = P-UI");
        assertThat(output).contains("dmesg│ hello[1]: segfault at 10000 error 4");
    }

    @Test
    void theStackGrowsDownToTheFaultingPageButNotPastRlimitStack() {
        // 0x7ffffffde000 - 0x5000 = 0x7ffffffd9000; 0x7ffffffff000 - 9 MiB = 0x7fffff6ff000 > 8 MiB
        assertThat(output).contains("  7ffffffd9000-7ffffffff000 rw-p 00000000 00:00 0"
                + "                          [stack]")
                .contains("at 0x7fffff6ff000: SIGSEGV SEGV_MAPERR");
    }

    @Test
    void everyLineFitsNinetyColumns() {
        assertThat(LessonOutput.tooWide(output)).isEmpty();
    }

    @Test
    void runningTwiceGivesTheSameText() {
        assertThat(LessonOutput.of(new PageFaultLesson())).isEqualTo(output);
    }
}
