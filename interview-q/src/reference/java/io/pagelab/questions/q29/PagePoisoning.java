package io.pagelab.questions.q29;

import java.util.Optional;

/**
 * Q29 页面空间监测手段有什么？ How is page usage monitored? (reference solution)
 *
 * <p>Models mm/page_poison.c (Linux 6.6): {@code poison_page()}, which fills a page being freed with
 * {@code PAGE_POISON} (0xaa, include/linux/poison.h), and {@code unpoison_page()} →
 * {@code check_poison_mem()}, which looks for bytes that changed while the page was free when it is
 * handed out again. The kernel finds the first changed byte ({@code memchr_inv}), walks back from
 * the page end to the last changed byte, and prints {@code pagealloc: single bit error} when
 * exactly one byte changed by exactly one bit ({@code single_bit_flip}), otherwise
 * {@code pagealloc: memory corruption}, followed by a hex dump of the bytes first..last.
 *
 * <pre>
 *   free:   |aa aa aa aa ... aa aa|        poison_page()
 *   stray:  |aa aa a2 aa ... aa aa|        one bit flipped at offset 2 (0xaa ^ 0x08)
 *   alloc:  first = last = 2, 0xaa ^ 0xa2 = 0x08 has one bit → "pagealloc: single bit error"
 * </pre>
 *
 * <p>Differs from Linux on purpose: the report is returned instead of printed (no ratelimit, no
 * hex dump or stack), and a page is a byte array rather than a kmap'ed frame.
 */
public final class PagePoisoning {

    /** PAGE_POISON of include/linux/poison.h. */
    public static final int PAGE_POISON = 0xaa;
    /** Bytes in one page. */
    public static final int PAGE_SIZE = 4096;

    private PagePoisoning() {
    }

    /** What check_poison_mem() found in one page. */
    public record Corruption(int firstOffset, int lastOffset, int expected, int found, boolean singleBitError) {
        /** The line check_poison_mem() prints. */
        public String message() {
            return singleBitError ? "pagealloc: single bit error" : "pagealloc: memory corruption";
        }
    }

    /** poison_page(): fill a page that is being freed with PAGE_POISON. */
    public static void poisonPage(byte[] page) {
        checkPage(page);
        java.util.Arrays.fill(page, (byte) PAGE_POISON);
    }

    /** check_poison_mem(): the corruption of a page that was poisoned when freed, if any. */
    public static Optional<Corruption> checkPoison(byte[] page) {
        checkPage(page);
        int first = -1;
        for (int i = 0; i < page.length; i++) {
            if ((page[i] & 0xff) != PAGE_POISON) {
                first = i;
                break;
            }
        }
        if (first < 0) {
            return Optional.empty();
        }
        int last = page.length - 1;
        while (last > first && (page[last] & 0xff) == PAGE_POISON) {
            last--;
        }
        int found = page[first] & 0xff;
        int error = found ^ PAGE_POISON;
        boolean singleBit = first == last && Integer.bitCount(error) == 1;
        return Optional.of(new Corruption(first, last, PAGE_POISON, found, singleBit));
    }

    private static void checkPage(byte[] page) {
        if (page == null || page.length != PAGE_SIZE) {
            throw new IllegalArgumentException("a page must be " + PAGE_SIZE + " bytes, got "
                    + (page == null ? "null" : page.length + " bytes"));
        }
    }
}
