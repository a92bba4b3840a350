package io.pagelab.hardware.tlb;

import io.pagelab.api.error.InvalidArgumentException;

/**
 * One completed translation, packed in a {@code long}: what a page walk produces and a TLB entry
 * holds. The bits sit where they sit in a leaf page-table entry, so a learner reads it like a PTE:
 *
 * <pre>
 *  63  62..59  58..52  51 ..................... 12  11  10..9  8  7  6  5..3  2  1  0
 *  NX  PKEY    0       physical base of the page   0   size    G  0  D  0     U  W  V
 *
 *  V     valid (a word of 0 means "no translation")
 *  W, U  effective R/W and U/S: AND of the bits at every level of the walk
 *  NX    effective no-execute: OR of the NX bits of every level (only with EFER.NXE)
 *  D     the leaf's dirty bit as the walk left it; a write through a clean entry walks again
 *  G     global (leaf G with CR4.PGE): survives a CR3 load, matches every PCID
 *  size  0 = 4 KiB, 1 = 2 MiB, 2 = 1 GiB, 3 = 4 MiB (legacy 32-bit PSE)
 * </pre>
 *
 * The Intel SDM (vol. 3A §4.10.2) describes TLB entries holding exactly these facts: the physical
 * address, the combined access rights, the dirty flag, the protection key and the global flag.
 * Differs from hardware: the page size lives in the word instead of in which TLB array holds it.
 */
public final class Translation {
    /** Bit 0: a valid translation. */
    public static final long VALID = 1L;
    /** Bit 1: writable at every level. */
    public static final long WRITABLE = 1L << 1;
    /** Bit 2: user-accessible at every level. */
    public static final long USER = 1L << 2;
    /** Bit 6: the leaf was dirty. */
    public static final long DIRTY = 1L << 6;
    /** Bit 8: global. */
    public static final long GLOBAL = 1L << 8;
    /** First bit of the page-size code. */
    public static final int SIZE_SHIFT = 9;
    /** Bits 10..9: the page-size code. */
    public static final long SIZE_MASK = 3L << SIZE_SHIFT;
    /** Size code of a 4 KiB page. */
    public static final int SIZE_4K = 0;
    /** Size code of a 2 MiB page. */
    public static final int SIZE_2M = 1;
    /** Size code of a 1 GiB page. */
    public static final int SIZE_1G = 2;
    /** Size code of a 4 MiB page (32-bit paging with PSE). */
    public static final int SIZE_4M = 3;
    /** Bits 51..12: physical base of the page. */
    public static final long BASE_MASK = 0x000ffffffffff000L;
    /** First bit of the protection key. */
    public static final int PKEY_SHIFT = 59;
    /** Bit 63: not executable. */
    public static final long NX = 1L << 63;

    private static final int[] SHIFTS = {12, 21, 30, 22};

    private Translation() {
    }

    /** A valid translation of a page of {@code sizeCode} at {@code physBase} with these flag bits. */
    public static long of(long physBase, int sizeCode, long flags, int pkey) {
        return (physBase & BASE_MASK) | ((long) sizeCode << SIZE_SHIFT) | ((long) pkey << PKEY_SHIFT) | flags | VALID;
    }

    /** The page-size code (bits 10..9). */
    public static int sizeCode(long t) {
        return (int) ((t & SIZE_MASK) >>> SIZE_SHIFT);
    }

    /** log2 of the page size for a size code: 12, 21, 30 or 22. */
    public static int shiftOf(int sizeCode) {
        return SHIFTS[sizeCode];
    }

    /** Bytes in the translated page. */
    public static long pageSize(long t) {
        return 1L << SHIFTS[sizeCode(t)];
    }

    /** The size code of a page size. */
    public static int sizeCodeOf(long pageSize) {
        for (int c = 0; c < SHIFTS.length; c++) {
            if (pageSize == 1L << SHIFTS[c]) {
                return c;
            }
        }
        throw new InvalidArgumentException(String.format(
                "page size %#x has no TLB size code: allowed are 0x1000, 0x200000, 0x40000000 and 0x400000", pageSize));
    }

    /** Physical base address of the page. */
    public static long physicalBase(long t) {
        return t & BASE_MASK;
    }

    /** The physical address of {@code va}, which must lie in the translated page. */
    public static long physicalAddress(long t, long va) {
        long offsetMask = (1L << SHIFTS[sizeCode(t)]) - 1;
        return (t & BASE_MASK) | (va & offsetMask);
    }

    /** The protection key (bits 62..59). */
    public static int protectionKey(long t) {
        return (int) ((t >>> PKEY_SHIFT) & 0xf);
    }

    /** For example {@code "4K phys 0x12345000 W U D NX pkey 0"}. */
    public static String describe(long t) {
        if ((t & VALID) == 0) {
            return "invalid";
        }
        String size = new String[] {"4K", "2M", "1G", "4M"}[sizeCode(t)];
        return String.format("%s phys %#x%s%s%s%s%s pkey %d", size, physicalBase(t),
                (t & WRITABLE) != 0 ? " W" : " RO", (t & USER) != 0 ? " U" : " S", (t & DIRTY) != 0 ? " D" : "",
                (t & GLOBAL) != 0 ? " G" : "", (t & NX) != 0 ? " NX" : "", protectionKey(t));
    }
}
