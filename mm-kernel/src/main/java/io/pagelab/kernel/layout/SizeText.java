package io.pagelab.kernel.layout;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Sizes and top-relative offsets in mm.rst's notation: {@code 0.5 TB}, {@code -55.5  TB}, {@code 4 kB}. */
final class SizeText {
    private static final String[] UNITS = {"kB", "MB", "GB", "TB", "PB"};

    private SizeText() {
    }

    /** {@code bytes} (unsigned; 0 means 2^64) in the largest unit giving a value of at least 1. */
    static String size(long bytes) {
        BigDecimal value = unsigned(bytes);
        return scaled(value, "");
    }

    /** The distance from the top of the 64-bit space, {@code -23 TB}, or {@code +128 TB} for the lower half. */
    static String offset(long start) {
        if (start >= 0) {
            return start == 0 ? "   0" : scaled(BigDecimal.valueOf(start), "+");
        }
        return scaled(unsigned(-start), "-");
    }

    private static BigDecimal unsigned(long v) {
        return v == 0 ? BigDecimal.valueOf(2).pow(64) : new BigDecimal(Long.toUnsignedString(v));
    }

    private static String scaled(BigDecimal value, String sign) {
        BigDecimal k = BigDecimal.valueOf(1024);
        int unit = 0;
        BigDecimal v = value.divide(k);
        while (unit < UNITS.length - 1 && v.compareTo(k) >= 0) {
            v = v.divide(k);
            unit++;
        }
        String number = v.setScale(2, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
        if (sign.isEmpty()) {
            return number + " " + UNITS[unit];
        }
        // mm.rst aligns offsets on the decimal point: "-119.5  TB", "  -4    TB", " -59.75 PB"
        int dot = number.indexOf('.');
        String whole = dot < 0 ? number : number.substring(0, dot);
        String fraction = dot < 0 ? "" : number.substring(dot);
        return String.format("%4s%-3s %s", sign + whole, fraction, UNITS[unit]);
    }
}
