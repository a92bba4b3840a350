package io.pagelab.hardware.arm64;

/**
 * An arm64 virtual address with 48-bit VAs and the 4 KiB granule (T0SZ = T1SZ = 16, Linux's
 * CONFIG_ARM64_VA_BITS_48), cut into the table indices a walk uses, as the pgd_index(),
 * pud_index(), pmd_index() and pte_index() macros do (Linux 6.x arch/arm64/include/asm/pgtable.h,
 * include/linux/pgtable.h):
 *
 * <pre>
 *  63 ........ 56 55 54 .. 48 47     39 38     30 29     21 20     12 11          0
 *  |  top byte   | S | = S    | level 0 | level 1 | level 2 | level 3 |   offset    |
 *                  bit 55 selects the table: 0 = TTBR0_EL1 (user), 1 = TTBR1_EL1 (kernel)
 *  in range: bits 63..48 all equal bit 55, i.e. 0x0000000000000000-0x0000ffffffffffff (TTBR0)
 *            or 0xffff000000000000-0xffffffffffffffff (TTBR1); anything else is a level 0
 *            translation fault. With TCR_EL1.TBI0 (Linux sets it for tagged user pointers) the
 *            top byte of a TTBR0 address is ignored.
 * </pre>
 *
 * @param va the address
 * @param ttbr1 true when bit 55 selects TTBR1 (the kernel half)
 * @param l0 level 0 index (bits 47..39)
 * @param l1 level 1 index (bits 38..30)
 * @param l2 level 2 index (bits 29..21)
 * @param l3 level 3 index (bits 20..12)
 * @param offset byte offset in a 4 KiB page (bits 11..0)
 */
public record Arm64VirtualAddress(long va, boolean ttbr1, int l0, int l1, int l2, int l3, int offset) {
    /** Implemented virtual-address bits per half: 48. */
    public static final int VA_BITS = 48;
    /** First address of the TTBR1 half: 0xffff000000000000 (Linux's PAGE_OFFSET with 48-bit VAs, 5.4+). */
    public static final long TTBR1_START = -1L << VA_BITS;
    /** Last address of the TTBR0 half: 0x0000ffffffffffff. */
    public static final long TTBR0_END = (1L << VA_BITS) - 1;

    /** Splits {@code va} (which need not be in range: the split is pure bit arithmetic). */
    public static Arm64VirtualAddress of(long va) {
        return new Arm64VirtualAddress(va, selectsTtbr1(va), Arm64Level.LEVEL0.index(va), Arm64Level.LEVEL1.index(va),
                Arm64Level.LEVEL2.index(va), Arm64Level.LEVEL3.index(va), (int) (va & 0xfff));
    }

    /** Bit 55: set selects TTBR1_EL1, clear selects TTBR0_EL1. */
    public static boolean selectsTtbr1(long va) {
        return (va & (1L << 55)) != 0;
    }

    /** True when bits 63..48 all equal bit 55: the address is inside the TTBR0 or the TTBR1 range. */
    public static boolean isInRange(long va) {
        long top = va >> VA_BITS;
        return top == 0 || top == -1;
    }

    /**
     * True when the address is in range once the top byte is ignored for TTBR0 addresses (TBI0):
     * bits 55..48 must then all be clear.
     */
    public static boolean isInRange(long va, boolean topByteIgnore0) {
        if (topByteIgnore0 && !selectsTtbr1(va)) {
            return ((va << 8) >> (VA_BITS + 8)) == 0;
        }
        return isInRange(va);
    }

    /** The index at one level. */
    public int index(Arm64Level level) {
        return level.index(va);
    }

    /** True when the address is inside a translation range. */
    public boolean inRange() {
        return isInRange(va);
    }

    /** For example {@code 0x0000ffffb7e1d123 = TTBR0 | L0 511 | L1 510 | L2 447 | L3 29 | offset 0x123}. */
    @Override
    public String toString() {
        return String.format("%#018x = %s | L0 %d | L1 %d | L2 %d | L3 %d | offset %#x", va,
                inRange() ? (ttbr1 ? "TTBR1" : "TTBR0") : "out of range", l0, l1, l2, l3, offset);
    }
}
