package io.pagelab.kernel.procfs;

/**
 * The seq_file number printers fs/proc uses (fs/seq_file.c: seq_put_decimal_ull_width,
 * seq_put_hex_ll, seq_pad; Linux 6.18), shared by the renderers of this package.
 */
final class ProcFormat {
    /** {@code 25 + sizeof(void *) * 6 - 1}: the column seq_pad() pads a /proc/pid/maps header to. */
    static final int MAPS_PAD_WIDTH = 25 + 8 * 6 - 1;

    private ProcFormat() {
    }

    /** {@code seq_put_decimal_ull_width(m, label, value, width)}: label, then value right-aligned. */
    static StringBuilder dec(StringBuilder sb, String label, long value, int width) {
        sb.append(label);
        String digits = Long.toUnsignedString(value);
        for (int i = digits.length(); i < width; i++) {
            sb.append(' ');
        }
        return sb.append(digits);
    }

    /** {@code %0<digits>lx}: lower-case hex, at least {@code digits} digits. */
    static String hex(long value, int digits) {
        String s = Long.toHexString(value);
        return s.length() >= digits ? s : "0".repeat(digits - s.length()) + s;
    }

    /**
     * show_vma_header_prefix() followed by seq_pad(m, ' ') and {@code name}, the first line of a
     * smaps entry or of smaps_rollup: {@code "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu "}.
     */
    static String header(long start, long end, String perms, long offset, int major, int minor, long ino,
            String name) {
        StringBuilder sb = new StringBuilder(128);
        sb.append(hex(start, 8)).append('-').append(hex(end, 8)).append(' ').append(perms)
                .append(' ').append(hex(offset, 8))
                .append(' ').append(hex(major, 2)).append(':').append(hex(minor, 2))
                .append(' ').append(Long.toUnsignedString(ino)).append(' ');
        if (name != null) {
            while (sb.length() < MAPS_PAD_WIDTH) {
                sb.append(' ');
            }
            sb.append(' ').append(name);
        }
        return sb.append('\n').toString();
    }
}
