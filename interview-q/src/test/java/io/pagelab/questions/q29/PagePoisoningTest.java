package io.pagelab.questions.q29;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q29 页面空间监测手段有什么？ How is page usage monitored?
 *
 * <p>The rules are mm/page_poison.c (Linux 6.6): poison_page() fills the page with PAGE_POISON 0xaa
 * (include/linux/poison.h, linux-reference.md §14.5); check_poison_mem() takes start =
 * memchr_inv(mem, 0xaa), end = the last non-0xaa byte searching back from the page end, and prints
 * "pagealloc: single bit error" iff start == end and (0xaa ^ *start) has one bit set, else
 * "pagealloc: memory corruption". Every expected value below is worked out by hand from that.
 */
@Grader(id = "q29")
@DisplayName("Q29 page poisoning: 0xaa on free, checked on allocation")
class PagePoisoningTest {

    /** A freshly freed page: poisoned by the learner's poisonPage. */
    static byte[] poisoned() {
        byte[] page = new byte[PagePoisoning.PAGE_SIZE];
        Arrays.fill(page, (byte) 0x5e); // whatever the previous owner left behind
        PagePoisoning.poisonPage(page);
        return page;
    }

    @Test
    @Points(2)
    @Hint("poison_page() writes PAGE_POISON over the whole page; look up its value in include/linux/poison.h.")
    void freeingFillsEveryByteWithPagePoison() {
        byte[] page = poisoned();
        for (int i = 0; i < page.length; i++) {
            assertThat(page[i] & 0xff).as("byte %d of a poisoned page", i).isEqualTo(0xaa);
        }
        assertThat(PagePoisoning.checkPoison(page)).as("check of an untouched poisoned page").isEmpty();
    }

    @Test
    @Points(3)
    @Hint("check_poison_mem(): one changed byte whose XOR with 0xaa has a single bit set is a single bit error.")
    void oneFlippedBitIsReportedAsASingleBitErrorAtItsOffset() {
        byte[] page = poisoned();
        page[123] = (byte) 0xa2; // 0xaa ^ 0x08: bit 3 flipped while the page was free

        Optional<PagePoisoning.Corruption> found = PagePoisoning.checkPoison(page);

        assertThat(found).as("report for bit 3 flipped at offset 123")
                .contains(new PagePoisoning.Corruption(123, 123, 0xaa, 0xa2, true));
        assertThat(found.get().message()).as("line printed").isEqualTo("pagealloc: single bit error");
    }

    @Test
    @Points(2)
    @Hint("Bytes are signed in Java. 0x2a differs from 0xaa only in the top bit: compare the values as 0..255.")
    void theTopBitFlippedIsStillASingleBitErrorAtEitherEndOfThePage() {
        // 0xaa ^ 0x2a = 0x80: one bit. As signed bytes the XOR is -128, and -128 & -129 != 0 in int
        // arithmetic, so a signed implementation calls this corruption.
        byte[] page = poisoned();
        page[4095] = (byte) 0x2a;
        assertThat(PagePoisoning.checkPoison(page)).as("top bit flipped in the last byte of the page")
                .contains(new PagePoisoning.Corruption(4095, 4095, 0xaa, 0x2a, true));

        byte[] other = poisoned();
        other[0] = (byte) 0xab; // 0xaa ^ 0xab = 0x01
        assertThat(PagePoisoning.checkPoison(other)).as("bit 0 flipped in the first byte of the page")
                .contains(new PagePoisoning.Corruption(0, 0, 0xaa, 0xab, true));
    }

    @Test
    @Points(2)
    @Hint("A single changed byte with more than one bit different is not a bit flip: it is memory corruption.")
    void oneByteWithSeveralBitsChangedIsMemoryCorruption() {
        byte[] page = poisoned();
        page[2048] = (byte) 0xff; // 0xaa ^ 0xff = 0x55: four bits

        Optional<PagePoisoning.Corruption> found = PagePoisoning.checkPoison(page);

        assertThat(found).as("report for 0xff written at offset 2048")
                .contains(new PagePoisoning.Corruption(2048, 2048, 0xaa, 0xff, false));
        assertThat(found.get().message()).as("line printed").isEqualTo("pagealloc: memory corruption");
    }

    @Test
    @Points(3)
    @Hint("The report spans from the first changed byte to the last one; search for the last one "
            + "backwards from the end of the page.")
    void aPointerWrittenAfterFreeIsReportedFromItsFirstToItsLastChangedByte() {
        // use after free: the old owner stores the pointer 0xffff888004a1c0aa at offset 64, little
        // endian: aa c0 a1 04 80 88 ff ff. Its lowest byte happens to equal the poison, so the first
        // changed byte is offset 65 (0xc0) and the last is offset 71 (0xff).
        byte[] page = poisoned();
        long pointer = 0xffff888004a1c0aaL;
        for (int i = 0; i < 8; i++) {
            page[64 + i] = (byte) (pointer >>> (8 * i));
        }

        assertThat(PagePoisoning.checkPoison(page)).as("report for a pointer stored at offset 64")
                .contains(new PagePoisoning.Corruption(65, 71, 0xaa, 0xc0, false));
    }

    @Test
    @Points(2)
    @Hint("Two single-bit flips far apart are not one single bit error: start and end differ.")
    void twoFlipsFarApartAreMemoryCorruptionSpanningBoth() {
        byte[] page = poisoned();
        page[100] = (byte) 0xa8; // 0xaa ^ 0x02
        page[3000] = (byte) 0xba; // 0xaa ^ 0x10

        assertThat(PagePoisoning.checkPoison(page)).as("report for bit flips at offsets 100 and 3000")
                .contains(new PagePoisoning.Corruption(100, 3000, 0xaa, 0xa8, false));
    }

    @Test
    @Points(1)
    @Hint("A page is exactly PAGE_SIZE bytes: reject anything else with an IllegalArgumentException naming the size.")
    void aBufferThatIsNotOnePageIsRejected() {
        Throwable poison = catchThrowable(() -> PagePoisoning.poisonPage(new byte[4095]));
        Throwable check = catchThrowable(() -> PagePoisoning.checkPoison(new byte[8192]));

        assertThat(poison).as("poisoning 4095 bytes").isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("4095");
        assertThat(check).as("checking 8192 bytes").isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("8192");
    }
}
