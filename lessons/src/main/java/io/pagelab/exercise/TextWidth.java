package io.pagelab.exercise;

/**
 * Terminal column arithmetic for tables that mix Chinese and English: East Asian wide and
 * full-width characters (CJK ideographs, full-width punctuation like "？") take two columns.
 * A small subset of Unicode's East_Asian_Width property, enough for the catalog's titles.
 */
public final class TextWidth {
    private TextWidth() {
    }

    /** Columns {@code s} takes on a terminal. */
    public static int of(String s) {
        int width = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            width += columns(cp);
            i += Character.charCount(cp);
        }
        return width;
    }

    static int columns(int cp) {
        if (cp == 0 || Character.getType(cp) == Character.NON_SPACING_MARK) {
            return 0;
        }
        boolean wide = (cp >= 0x1100 && cp <= 0x115F)
                || (cp >= 0x2E80 && cp <= 0x303E)
                || (cp >= 0x3041 && cp <= 0x33FF)
                || (cp >= 0x3400 && cp <= 0x4DBF)
                || (cp >= 0x4E00 && cp <= 0x9FFF)
                || (cp >= 0xA000 && cp <= 0xA4CF)
                || (cp >= 0xAC00 && cp <= 0xD7A3)
                || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0xFE30 && cp <= 0xFE4F)
                || (cp >= 0xFF00 && cp <= 0xFF60)
                || (cp >= 0xFFE0 && cp <= 0xFFE6)
                || (cp >= 0x20000 && cp <= 0x3FFFD);
        return wide ? 2 : 1;
    }

    /** {@code s} cut to at most {@code width} columns, ending in "…" when cut. */
    public static String truncate(String s, int width) {
        if (of(s) <= width) {
            return s;
        }
        StringBuilder out = new StringBuilder();
        int used = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int w = columns(cp);
            if (used + w > width - 1) {
                break;
            }
            out.appendCodePoint(cp);
            used += w;
            i += Character.charCount(cp);
        }
        return out.append('…').toString();
    }

    /** {@code s} padded with spaces on the right to {@code width} columns (never cut). */
    public static String padRight(String s, int width) {
        int pad = width - of(s);
        return pad > 0 ? s + " ".repeat(pad) : s;
    }

    /** {@code s} padded with spaces on the left to {@code width} columns (never cut). */
    public static String padLeft(String s, int width) {
        int pad = width - of(s);
        return pad > 0 ? " ".repeat(pad) + s : s;
    }
}
