package io.pagelab.lessons.arch;

import java.util.List;
import java.util.Locale;

/** The few number formats the "arch" lesson prints. */
final class Fmt {

    private Fmt() {
    }

    /** A raw 64-bit entry or register, all 16 hex digits: {@code 0x8000000023456007}. */
    static String raw(long value) {
        return String.format(Locale.ROOT, "%#018x", value);
    }

    /** A short hex number: {@code 0x23456}. */
    static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }

    /** The last step of a walk: the entry where it ended. */
    static <T> T last(List<T> steps) {
        return steps.get(steps.size() - 1);
    }
}
