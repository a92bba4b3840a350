package io.pagelab.questions.q46;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import io.pagelab.questions.q46.UsercopyCheck.SlabCache;
import io.pagelab.questions.q46.UsercopyCheck.SlabPage;
import io.pagelab.questions.q46.UsercopyCheck.UsercopyAbort;
import java.util.List;
import java.util.function.LongFunction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q46 内核如何防范信息外泄？ How does the kernel prevent information leaks?
 *
 * <p>The rules and the message are mm/usercopy.c (usercopy_abort, check_bogus_address,
 * check_kernel_text_object) and mm/slub.c (__check_heap_object), Linux 6.x; linux-reference.md §14.6.
 * The scene: a kmalloc-64 slab at 0xffff888000200000 (64-byte slots, whole object open: useroffset 0,
 * usersize 64); a 'demo' cache of 256-byte objects made with kmem_cache_create_usercopy(useroffset 64,
 * usersize 32) at 0xffff888000300000; a kmalloc-64 booted with slub_debug=Z at 0xffff888000400000
 * (red_left_pad = ALIGN(8, align 64) = 64, slot size 192 as calculate_sizes() gives it); kernel text
 * [0xffffffff81000000, 0xffffffff81100000).
 */
@Grader(id = "q46")
@DisplayName("Q46 hardened usercopy: the heap-object check and its message")
class UsercopyCheckTest {

    static final long KM64 = 0xffff888000200000L;
    static final long DEMO = 0xffff888000300000L;
    static final long RZ = 0xffff888000400000L;
    static final long STEXT = 0xffffffff81000000L;
    static final long ETEXT = 0xffffffff81100000L;

    static final List<SlabPage> SLABS = List.of(
            new SlabPage(KM64, new SlabCache("kmalloc-64", 64, false, 0, 0, 64)),
            new SlabPage(DEMO, new SlabCache("demo", 256, false, 0, 64, 32)),
            new SlabPage(RZ, new SlabCache("kmalloc-64", 192, true, 64, 0, 64)));

    /** virt_to_slab(): each slab here is one 4 KiB page. */
    static final LongFunction<SlabPage> VIRT_TO_SLAB = addr -> SLABS.stream()
            .filter(s -> Long.compareUnsigned(addr - s.address(), 4096) < 0).findFirst().orElse(null);

    static String refusal(long ptr, long n, boolean toUser) {
        Throwable t = catchThrowable(() -> UsercopyCheck.checkObjectSize(ptr, n, toUser, VIRT_TO_SLAB, STEXT, ETEXT));
        assertThat(t).as("copy of %d bytes at %#x must be refused with UsercopyAbort", n, ptr)
                .isInstanceOf(UsercopyAbort.class);
        return t.getMessage();
    }

    static void allowed(long ptr, long n, boolean toUser) {
        assertThatCode(() -> UsercopyCheck.checkObjectSize(ptr, n, toUser, VIRT_TO_SLAB, STEXT, ETEXT))
                .as("copy of %d bytes at %#x is allowed", n, ptr).doesNotThrowAnyException();
    }

    @Test
    @Points(2)
    @Hint("The format is \"Kernel memory %s attempt detected %s %s%s%s%s (offset %lu, size %lu)!\" after the "
            + "\"usercopy: \" prefix: exposure/from when copying to the user, overwrite/to otherwise, and the "
            + "detail in ' ' quotes with a space before only when there is one.")
    void theMessageFollowsUsercopyAbort() {
        assertThat(UsercopyCheck.message("SLUB object", "kmalloc-64", true, 60, 8))
                .isEqualTo("usercopy: Kernel memory exposure attempt detected from SLUB object 'kmalloc-64' "
                        + "(offset 60, size 8)!");
        assertThat(UsercopyCheck.message("kernel text", null, false, 256, 16))
                .isEqualTo("usercopy: Kernel memory overwrite attempt detected to kernel text (offset 256, size 16)!");
        // %lu: a negative long prints as its unsigned value
        assertThat(UsercopyCheck.message("kernel text", null, true, -8, 16))
                .endsWith("(offset 18446744073709551608, size 16)!");
    }

    @Test
    @Points(2)
    @Hint("A copy that stays inside one object's usercopy window passes; a copy of 0 bytes passes whatever "
            + "the pointer, even NULL.")
    void copiesInsideOneKmallocObjectAndEmptyCopiesAreAllowed() {
        allowed(KM64 + 64, 64, true);       // all of object 1
        allowed(KM64 + 128 + 56, 8, false); // the last 8 bytes of object 2
        allowed(0, 0, true);                // n == 0 is checked first
    }

    @Test
    @Points(3)
    @Hint("offset = (ptr - slab_address) % s->size, then the copy must satisfy "
            + "n <= useroffset - offset + usersize.")
    void aCopyPastTheObjectEndIsRefusedWithTheOffsetInsideTheObject() {
        // object 1 starts at +64; ptr = +124 -> offset 124 % 64 = 60; 8 > 0 - 60 + 64 = 4
        assertThat(refusal(KM64 + 124, 8, true))
                .isEqualTo("usercopy: Kernel memory exposure attempt detected from SLUB object 'kmalloc-64' "
                        + "(offset 60, size 8)!");
    }

    @Test
    @Points(2)
    @Hint("copy_from_user into the kernel is an overwrite: the words are \"overwrite\" and \"to\".")
    void aCopyFromUserSpanningTwoObjectsIsAnOverwrite() {
        // offset 32, 64 bytes: 64 > 64 - 32 = 32
        assertThat(refusal(KM64 + 32, 64, false))
                .isEqualTo("usercopy: Kernel memory overwrite attempt detected to SLUB object 'kmalloc-64' "
                        + "(offset 32, size 64)!");
    }

    @Test
    @Points(3)
    @Hint("For a cache with a usercopy window [useroffset, useroffset + usersize) the copy must start at or "
            + "after useroffset and end at or before the window's end.")
    void onlyTheCachesUsercopyWindowMayBeCopied() {
        allowed(DEMO + 64, 32, true);             // the whole window of object 0
        allowed(DEMO + 256 + 80, 16, true);       // object 1: offset 80, ends at 96
        // offset 60 < useroffset 64
        assertThat(refusal(DEMO + 60, 8, true)).isEqualTo(
                "usercopy: Kernel memory exposure attempt detected from SLUB object 'demo' (offset 60, size 8)!");
        // offset 96: 96 - 64 = 32 <= 32, but n = 1 > 64 - 96 + 32 = 0
        assertThat(refusal(DEMO + 96, 1, false)).isEqualTo(
                "usercopy: Kernel memory overwrite attempt detected to SLUB object 'demo' (offset 96, size 1)!");
    }

    @Test
    @Points(2)
    @Hint("With red zones every slot starts with red_left_pad bytes of red zone: an offset below it is refused "
            + "as \"SLUB object in left red zone\"; otherwise subtract red_left_pad before the window check.")
    void theLeftRedZoneIsRefusedAndTheObjectAfterItIsAllowed() {
        // slot 1 at +192; +8 into it is inside the 64-byte left red zone
        assertThat(refusal(RZ + 192 + 8, 8, true)).isEqualTo("usercopy: Kernel memory exposure attempt detected "
                + "from SLUB object in left red zone 'kmalloc-64' (offset 8, size 8)!");
        allowed(RZ + 192 + 64, 64, true); // the object itself: offset 64 - 64 = 0, 64 bytes
        // slot 0, object offset 40 (slot offset 104), 32 bytes: 32 > 64 - 40 = 24
        assertThat(refusal(RZ + 104, 32, true)).endsWith("'kmalloc-64' (offset 40, size 32)!");
    }

    @Test
    @Points(3)
    @Hint("check_bogus_address comes first: ptr + (n - 1) < ptr (unsigned) means the copy wraps "
            + "(offset 0, size ptr + n); then ptr <= ZERO_SIZE_PTR (16) is a null address (offset ptr, size n).")
    void wrappedAndNullAddressesAreRefused() {
        // 0xfffffffffffffff0 + 32 wraps to 0x10
        assertThat(refusal(0xfffffffffffffff0L, 32, true)).isEqualTo(
                "usercopy: Kernel memory exposure attempt detected from wrapped address (offset 0, size 16)!");
        assertThat(refusal(0, 8, true)).isEqualTo(
                "usercopy: Kernel memory exposure attempt detected from null address (offset 0, size 8)!");
        assertThat(refusal(UsercopyCheck.ZERO_SIZE_PTR, 8, false)).isEqualTo(
                "usercopy: Kernel memory overwrite attempt detected to null address (offset 16, size 8)!");
    }

    @Test
    @Points(2)
    @Hint("A copy that overlaps [_stext, _etext) at all is refused as \"kernel text\" with offset ptr - _stext; "
            + "memory that is neither slab nor text passes.")
    void kernelTextIsRefusedAndOtherMemoryPasses() {
        assertThat(refusal(STEXT + 0x100, 16, true)).isEqualTo(
                "usercopy: Kernel memory exposure attempt detected from kernel text (offset 256, size 16)!");
        // [ETEXT - 4, ETEXT + 12) overlaps the last 4 bytes: offset 0x100000 - 4 = 1048572
        assertThat(refusal(ETEXT - 4, 16, true)).endsWith("kernel text (offset 1048572, size 16)!");
        allowed(ETEXT, 4096, true);                 // right after the text
        allowed(0xffff888000900000L, 4096, true);   // a direct-map page that is not slab
    }
}
