package io.pagelab.lessons.diagram;

import java.util.Locale;

/**
 * Byte counts the way people say them: "639 KiB", "1 GiB", "≈ 3.0 GiB". Binary units (1 KiB =
 * 1024 bytes), as the kernel's "kB" in /proc/meminfo also means.
 */
public final class SizeFormat {

    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private SizeFormat() {
    }

    /**
     * Exact when the size is a whole number of some unit small enough to read (at most 4 digits):
     * 0x9fc00 bytes is "639 KiB". Otherwise the largest unit with one decimal, marked "≈":
     * 0xbfee0000 bytes (3,144,576 KiB) is "≈ 3.0 GiB".
     *
     * @param bytes an unsigned byte count
     */
    public static String human(long bytes) {
        if (bytes < 0) {
            // above 2^63 - 1: only broken tables get here
            return String.format(Locale.ROOT, "≈ %.1f EiB", (bytes >>> 1) * 2.0 / Math.pow(1024, 6));
        }
        for (int unit = UNITS.length - 1; unit >= 0; unit--) {
            long scale = 1L << (10 * unit);
            if (bytes >= scale && bytes % scale == 0 && bytes / scale <= 9999) {
                return (bytes / scale) + " " + UNITS[unit];
            }
        }
        int unit = 0;
        while (unit + 1 < UNITS.length && bytes >= (1L << (10 * (unit + 1)))) {
            unit++;
        }
        return String.format(Locale.ROOT, "≈ %.1f %s", bytes / (double) (1L << (10 * unit)), UNITS[unit]);
    }
}
