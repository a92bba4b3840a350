package io.pagelab.kernel.printk;

import com.google.common.base.Preconditions;

/**
 * The few {@code printk} conversions the boot code uses, formatted the way the kernel's own
 * lib/vsprintf.c ({@code number()}, {@code special_hex_number()}, Linux 6.x) formats them.
 *
 * <p>Two kernel habits differ from C's printf and matter for byte-exact dmesg lines:
 * <ul>
 *   <li>{@code %#x} always prints the {@code 0x} prefix, even for zero: the kernel writes
 *       {@code 0x0000000000000000} where glibc would write {@code 0000000000}.</li>
 *   <li>The field width of {@code %#018Lx} counts the prefix, so it means "0x and at least 16
 *       digits"; {@code %#010Lx} means "0x and at least 8 digits" and grows for bigger values
 *       ({@code 0x13fffa0f0}).</li>
 * </ul>
 * Values are unsigned 64-bit, as {@code u64} and {@code phys_addr_t} are.
 */
public final class Vsprintf {
    private Vsprintf() {
    }

    /**
     * {@code %#0<width>lx}: "0x" then lower-case hex digits, zero-padded so the whole text is at
     * least {@code width} characters.
     *
     * @param value unsigned 64-bit value
     * @param width total field width including the "0x" prefix; 0 means no padding ({@code %#lx})
     */
    public static String hex(long value, int width) {
        Preconditions.checkArgument(width >= 0 && width <= 64, "field width %s outside 0..64", width);
        String digits = Long.toHexString(value);
        int pad = width - 2 - digits.length();
        StringBuilder sb = new StringBuilder(Math.max(width, digits.length() + 2));
        sb.append("0x");
        for (int i = 0; i < pad; i++) {
            sb.append('0');
        }
        return sb.append(digits).toString();
    }

    /** {@code %#lx}: "0x" and the digits, no padding ({@code 0x140000}, {@code 0x0}). */
    public static String hex(long value) {
        return hex(value, 0);
    }

    /** {@code %#010Lx}: at least 8 digits ({@code 0x000a0000}, {@code 0x13fffa0f0}). */
    public static String hex10(long value) {
        return hex(value, 10);
    }

    /** {@code %#018Lx}: at least 16 digits ({@code 0x000000000009fbff}). */
    public static String hex18(long value) {
        return hex(value, 18);
    }

    /**
     * {@code %pa}: a {@code phys_addr_t} printed by {@code special_hex_number()} with the width of
     * the type, i.e. "0x" and 16 digits on x86-64.
     */
    public static String pa(long physAddr) {
        return hex(physAddr, 18);
    }
}
