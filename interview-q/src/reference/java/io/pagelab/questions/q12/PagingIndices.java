package io.pagelab.questions.q12;

/**
 * Q12 x86支持的映射模式都有哪些形式？如何分级的？ Which paging modes does x86 support, and how are
 * they levelled? (reference solution)
 *
 * <pre>
 *  mode        index widths (top first)   4 KiB walk   large pages (levels read)
 *  LEGACY32    10 10                      2 levels     4 MiB (1)
 *  PAE         2 9 9                      3 levels     2 MiB (2)
 *  FOUR_LEVEL  9 9 9 9                    4 levels     2 MiB (3), 1 GiB (2)
 *  FIVE_LEVEL  9 9 9 9 9                  5 levels     2 MiB (4), 1 GiB (3)
 * </pre>
 *
 * Every mode ends in a 12-bit offset; the index above it starts at bit 12, and each level up adds
 * its width. A walk that stops one level early adds that level's width to the offset.
 */
public final class PagingIndices {

    /** The four paging modes. */
    public enum Mode {
        /** 32-bit paging, CR4.PAE = 0: 10/10/12. */
        LEGACY32,
        /** 32-bit paging with PAE: 2/9/9/12. */
        PAE,
        /** IA-32e 4-level paging: 9/9/9/9/12. */
        FOUR_LEVEL,
        /** IA-32e 5-level paging (CR4.LA57): 9/9/9/9/9/12. */
        FIVE_LEVEL
    }

    private PagingIndices() {
    }

    /** Index widths, top level first. */
    private static int[] widths(Mode mode) {
        switch (mode) {
            case LEGACY32:
                return new int[] {10, 10};
            case PAE:
                return new int[] {2, 9, 9};
            case FOUR_LEVEL:
                return new int[] {9, 9, 9, 9};
            default:
                return new int[] {9, 9, 9, 9, 9};
        }
    }

    public static int[] indices(long va, Mode mode) {
        if ((mode == Mode.LEGACY32 || mode == Mode.PAE) && (va >>> 32) != 0) {
            throw new IllegalArgumentException(String.format(
                    "address %#x does not fit %s: 32-bit paging translates addresses below 2^32 only", va, mode));
        }
        int[] w = widths(mode);
        int[] idx = new int[w.length];
        int shift = 12;
        for (int i = w.length - 1; i >= 0; i--) {
            idx[i] = (int) ((va >>> shift) & ((1L << w[i]) - 1));
            shift += w[i];
        }
        return idx;
    }

    public static int offsetBits(Mode mode, int levelsRead) {
        int[] w = widths(mode);
        int skipped = w.length - levelsRead;
        // pages exist at the last level (4K) and: LEGACY32 one up (4M), PAE one up (2M),
        // 4/5-level one and two up (2M, 1G)
        int maxSkipped = mode == Mode.FOUR_LEVEL || mode == Mode.FIVE_LEVEL ? 2 : 1;
        if (skipped < 0 || skipped > maxSkipped) {
            throw new IllegalArgumentException(String.format(
                    "a %s walk cannot stop after %d levels: pages exist after %d..%d levels", mode, levelsRead,
                    w.length - maxSkipped, w.length));
        }
        int bits = 12;
        for (int i = 0; i < skipped; i++) {
            bits += w[w.length - 1 - i];
        }
        return bits;
    }
}
