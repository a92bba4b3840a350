package io.pagelab.questions.q31;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import io.pagelab.questions.q31.MemoryAutoInit.Config;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q31 如何防范内存泄密？ How is leaking memory contents prevented?
 *
 * <p>Rules (Linux 6.6, linux-reference.md §14.5): mm/mm_init.c mem_debugging_and_hardening_init()
 * clears init_on_alloc and init_on_free when page poisoning is requested, printing "mem auto-init:
 * CONFIG_PAGE_POISONING is on, will take precedence over init_on_alloc and init_on_free";
 * report_meminit() prints "mem auto-init: stack:%s, heap alloc:%s, heap free:%s" and, with init_on_free,
 * "mem auto-init: clearing system memory may take some time...". want_init_on_alloc(gfp) is
 * init_on_alloc || __GFP_ZERO; post_alloc_hook() zeroes iff !want_init_on_free() &&
 * want_init_on_alloc(gfp); free_pages_prepare() poisons (0xaa) and/or zeroes per want_init_on_free().
 */
@Grader(id = "q31")
@DisplayName("Q31 init_on_alloc, init_on_free and page poisoning")
class MemoryAutoInitTest {

    static final Config OFF = new Config("off", false, false, false);
    static final Config UBUNTU = new Config("all(zero)", true, false, false);
    static final Config ON_FREE = new Config("all(zero)", false, true, false);
    static final Config BOTH = new Config("all(zero)", true, true, false);
    static final Config POISON_OVER_BOTH = new Config("all(zero)", true, true, true);

    /** A page holding a secret, repeated over all 4096 bytes. */
    static byte[] secretPage() {
        byte[] secret = "password=hunter2;".getBytes(StandardCharsets.US_ASCII);
        byte[] page = new byte[MemoryAutoInit.PAGE_SIZE];
        for (int i = 0; i < page.length; i++) {
            page[i] = secret[i % secret.length];
        }
        return page;
    }

    static boolean allBytes(byte[] page, int value) {
        for (byte b : page) {
            if ((b & 0xff) != value) {
                return false;
            }
        }
        return true;
    }

    @Test
    @Points(3)
    @Hint("report_meminit(): one line with the stack mode and on/off for heap alloc and heap free, and a "
            + "second line only when init_on_free is in force.")
    void bootLinesReportWhatIsInForce() {
        // Ubuntu's default (linux-reference.md §14.5): CONFIG_INIT_STACK_ALL_ZERO, INIT_ON_ALLOC_DEFAULT_ON
        assertThat(MemoryAutoInit.bootLines(UBUNTU)).as("boot lines for init_on_alloc=1, stack all(zero)")
                .containsExactly("mem auto-init: stack:all(zero), heap alloc:on, heap free:off");
        assertThat(MemoryAutoInit.bootLines(OFF)).as("boot lines with everything off")
                .containsExactly("mem auto-init: stack:off, heap alloc:off, heap free:off");
        assertThat(MemoryAutoInit.bootLines(new Config("byref_all(zero)", false, true, false)))
                .as("boot lines for init_on_free=1, stack byref_all(zero)")
                .containsExactly("mem auto-init: stack:byref_all(zero), heap alloc:off, heap free:on",
                        "mem auto-init: clearing system memory may take some time...");
    }

    @Test
    @Points(3)
    @Hint("mem_debugging_and_hardening_init() runs before report_meminit(): when poisoning overrides a "
            + "requested init_on_*, it says so first, and the report then shows both off.")
    void pagePoisoningTakesPrecedenceAndSaysSo() {
        assertThat(MemoryAutoInit.bootLines(POISON_OVER_BOTH)).as("boot lines for page_poison=1 init_on_alloc=1 init_on_free=1")
                .containsExactly(
                        "mem auto-init: CONFIG_PAGE_POISONING is on, will take precedence over init_on_alloc and init_on_free",
                        "mem auto-init: stack:all(zero), heap alloc:off, heap free:off");
        // nothing overridden: no notice
        assertThat(MemoryAutoInit.bootLines(new Config("off", false, false, true))).as("boot lines for page_poison=1 alone")
                .containsExactly("mem auto-init: stack:off, heap alloc:off, heap free:off");
    }

    @Test
    @Points(2)
    @Hint("want_init_on_alloc(gfp) is true for init_on_alloc in force OR __GFP_ZERO; poisoning switches "
            + "off only the boot options, never __GFP_ZERO.")
    void wantInitFollowsTheOptionsPoisoningAndGfpZero() {
        assertThat(MemoryAutoInit.wantInitOnAlloc(UBUNTU, false)).as("init_on_alloc=1").isTrue();
        assertThat(MemoryAutoInit.wantInitOnAlloc(OFF, false)).as("all off").isFalse();
        assertThat(MemoryAutoInit.wantInitOnAlloc(OFF, true)).as("all off, __GFP_ZERO").isTrue();
        assertThat(MemoryAutoInit.wantInitOnAlloc(POISON_OVER_BOTH, false)).as("init_on_alloc=1 overridden by poisoning").isFalse();
        assertThat(MemoryAutoInit.wantInitOnAlloc(POISON_OVER_BOTH, true)).as("poisoning, __GFP_ZERO").isTrue();
        assertThat(MemoryAutoInit.wantInitOnFree(ON_FREE)).as("init_on_free=1").isTrue();
        assertThat(MemoryAutoInit.wantInitOnFree(UBUNTU)).as("init_on_alloc=1 only").isFalse();
        assertThat(MemoryAutoInit.wantInitOnFree(POISON_OVER_BOTH)).as("init_on_free=1 overridden by poisoning").isFalse();
    }

    @Test
    @Points(2)
    @Hint("Without any option a freed page keeps its contents into the next allocation: that is the leak. "
            + "init_on_alloc does nothing at free time and zeroes at allocation.")
    void withoutInitTheNextOwnerReadsTheSecretAndInitOnAllocWipesItAtAllocation() {
        byte[] page = secretPage();
        MemoryAutoInit.freePage(OFF, page);
        MemoryAutoInit.allocPage(OFF, page, false);
        assertThat(page).as("page freed and reallocated with everything off").isEqualTo(secretPage());

        byte[] wiped = secretPage();
        MemoryAutoInit.freePage(UBUNTU, wiped);
        assertThat(wiped).as("page just freed with init_on_alloc=1 (still holds the secret)").isEqualTo(secretPage());
        MemoryAutoInit.allocPage(UBUNTU, wiped, false);
        assertThat(allBytes(wiped, 0)).as("page reallocated with init_on_alloc=1 is all zero").isTrue();
    }

    @Test
    @Points(3)
    @Hint("post_alloc_hook() skips zeroing when init_on_free is in force: the page was zeroed at free, "
            + "so whatever was written into it while free survives, even with init_on_alloc on too.")
    void initOnFreeZeroesAtFreeAndAllocationDoesNotZeroAgain() {
        byte[] page = secretPage();
        MemoryAutoInit.freePage(BOTH, page);
        assertThat(allBytes(page, 0)).as("page freed with init_on_free=1 is all zero").isTrue();

        page[100] = 0x41; // a write after free
        MemoryAutoInit.allocPage(BOTH, page, false);
        assertThat(page[100]).as("byte written while free, after allocation with init_on_alloc=1 and init_on_free=1")
                .isEqualTo((byte) 0x41);
        page[100] = 0;
        assertThat(allBytes(page, 0)).as("rest of the page").isTrue();
    }

    @Test
    @Points(2)
    @Hint("With poisoning in force a freed page holds PAGE_POISON, not zeros, and allocation leaves it "
            + "as it is, unless the caller asked for __GFP_ZERO.")
    void withPoisoningFreedPagesHoldThePoisonUnlessGfpZeroAsksForZeros() {
        byte[] page = secretPage();
        MemoryAutoInit.freePage(POISON_OVER_BOTH, page);
        assertThat(allBytes(page, 0xaa)).as("page freed with poisoning over init_on_free is all 0xaa").isTrue();
        MemoryAutoInit.allocPage(POISON_OVER_BOTH, page, false);
        assertThat(allBytes(page, 0xaa)).as("page allocated with poisoning, no __GFP_ZERO, is still 0xaa").isTrue();

        MemoryAutoInit.freePage(POISON_OVER_BOTH, page);
        MemoryAutoInit.allocPage(POISON_OVER_BOTH, page, true);
        assertThat(allBytes(page, 0)).as("page allocated with poisoning and __GFP_ZERO is all zero").isTrue();

        byte[] plain = secretPage();
        MemoryAutoInit.freePage(OFF, plain);
        MemoryAutoInit.allocPage(OFF, plain, true);
        assertThat(allBytes(plain, 0)).as("page allocated with everything off and __GFP_ZERO is all zero").isTrue();
    }

    @Test
    @Points(1)
    @Hint("Reject a stack mode report_meminit() never prints (\"all\" is the 5.2 spelling) and a buffer that is not one page.")
    void unknownStackModesAndWrongPageSizesAreRejected() {
        Throwable stack = catchThrowable(() -> MemoryAutoInit.bootLines(new Config("all", true, false, false)));
        Throwable size = catchThrowable(() -> MemoryAutoInit.freePage(OFF, new byte[100]));

        assertThat(stack).as("stack mode 'all'").isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'all'");
        assertThat(size).as("freeing a 100-byte page").isInstanceOf(IllegalArgumentException.class).hasMessageContaining("100");
    }
}
