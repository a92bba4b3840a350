package io.pagelab.kernel.buddy;

import io.pagelab.kernel.printk.Vsprintf;
import java.util.Locale;

/**
 * A poisoned page found damaged when it was handed out, as mm/page_poison.c
 * {@code check_poison_mem()} (Linux 6.6) reports it: the headline, then
 * {@code print_hex_dump(KERN_ERR, "", DUMP_PREFIX_ADDRESS, 16, 1, start, end - start + 1, 1)} of the
 * bytes from the first to the last one that is not {@code PAGE_POISON}, then pagelab's own line
 * naming the pfn, the offset, the expected and the found byte.
 *
 * <pre>
 *  pagealloc: memory corruption
 *  ffff888001234010: 00
 *  pagealloc: pfn 0x1234 offset 0x10: expected 0xaa, found 0x00 (1 byte(s) damaged in 0x10..0x10)
 * </pre>
 *
 * <p>Differs from Linux on purpose: the dump's addresses are direct-map addresses
 * (0xffff888000000000 + physical, no KASLR) printed in full where Linux hashes {@code %p}; no
 * {@code dump_stack()} / {@code dump_page()} follows, and there is no rate limit.
 *
 * @param pfn         the damaged page
 * @param offset      the first byte in the page that is not 0xaa
 * @param endOffset   the last byte in the page that is not 0xaa
 * @param expected    {@code PAGE_POISON}
 * @param found       the byte at {@code offset}
 * @param singleBit   only one byte differs, by one bit ("pagealloc: single bit error")
 * @param report      the lines as printed
 */
public record PageCorruption(long pfn, int offset, int endOffset, int expected, int found, boolean singleBit,
        String report) {
    /** {@code PAGE_OFFSET} of the 4-level x86-64 direct map without KASLR. */
    static final long PAGE_OFFSET = 0xffff888000000000L;

    static PageCorruption of(long pfn, int start, int end, byte[] page) {
        int found = page[start] & 0xff;
        int error = found ^ MemAutoInit.PAGE_POISON;
        boolean single = start == end && error != 0 && (error & (error - 1)) == 0;
        StringBuilder sb = new StringBuilder(single ? "pagealloc: single bit error" : "pagealloc: memory corruption");
        long base = PAGE_OFFSET + (pfn << 12);
        for (int row = start; row <= end; row += 16) {
            sb.append('\n').append(String.format(Locale.ROOT, "%016x:", base + row));
            for (int i = row; i < Math.min(row + 16, end + 1); i++) {
                sb.append(String.format(Locale.ROOT, " %02x", page[i] & 0xff));
            }
        }
        sb.append('\n').append(String.format(Locale.ROOT,
                "pagealloc: pfn %s offset %#x: expected %#04x, found %#04x (%d byte(s) damaged in %#x..%#x)",
                Vsprintf.hex(pfn), start, MemAutoInit.PAGE_POISON, found, end - start + 1, start, end));
        return new PageCorruption(pfn, start, end, MemAutoInit.PAGE_POISON, found, single, sb.toString());
    }
}
