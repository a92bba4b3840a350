package io.pagelab.questions.q29;

import io.pagelab.exercise.Todo;
import java.util.Optional;

/**
 * Q29 页面空间监测手段有什么？ How is page usage monitored?
 *
 * <p>Page poisoning (CONFIG_PAGE_POISONING, boot parameter {@code page_poison=1}) catches code that
 * writes to a page after freeing it, and memory that silently flips bits. When a page is freed,
 * the kernel fills it with the byte {@code PAGE_POISON} = 0xaa. Nobody may write to a free page, so
 * when the page is handed out again every byte must still be 0xaa; if not, the kernel reports it.
 * 释放时把整页填成 0xaa，分配时检查是否仍全是 0xaa；不是就说明有人在释放后写过它（或内存位翻转）。
 *
 * <p>Your task: implement both methods (mm/page_poison.c).
 * <ul>
 *   <li>{@link #poisonPage}: fill the whole page with 0xaa.</li>
 *   <li>{@link #checkPoison}: find the first byte that is not 0xaa and the last one (search back
 *       from the end of the page). Nothing changed: empty. Otherwise report both offsets, the
 *       expected byte (0xaa) and the byte found at the first offset, as an unsigned value 0..255.
 *       It is a <em>single bit error</em> only when exactly one byte changed and it differs from
 *       0xaa in exactly one bit; anything else is <em>memory corruption</em>.</li>
 *   <li>Both reject a page that is not exactly {@link #PAGE_SIZE} bytes with an
 *       IllegalArgumentException that says what size it got.</li>
 * </ul>
 *
 * <p>Run {@code ./pagelab grade q29} to check your work.
 */
public final class PagePoisoning {

    /** PAGE_POISON of include/linux/poison.h. */
    public static final int PAGE_POISON = 0xaa;
    /** Bytes in one page. */
    public static final int PAGE_SIZE = 4096;

    private PagePoisoning() {
    }

    /**
     * What the check found in one page.
     *
     * @param firstOffset the first byte that is not 0xaa
     * @param lastOffset the last byte that is not 0xaa (equal to firstOffset when only one changed)
     * @param expected PAGE_POISON
     * @param found the byte at firstOffset, 0..255
     * @param singleBitError exactly one byte changed, by exactly one bit
     */
    public record Corruption(int firstOffset, int lastOffset, int expected, int found, boolean singleBitError) {
        /** The line the kernel prints. */
        public String message() {
            return singleBitError ? "pagealloc: single bit error" : "pagealloc: memory corruption";
        }
    }

    /** Fills a page that is being freed with PAGE_POISON. */
    public static void poisonPage(byte[] page) {
        throw new Todo("q29/PagePoisoning.java");
    }

    /** The corruption of a page that was poisoned when freed, or empty if it is intact. */
    public static Optional<Corruption> checkPoison(byte[] page) {
        throw new Todo("q29/PagePoisoning.java");
    }
}
