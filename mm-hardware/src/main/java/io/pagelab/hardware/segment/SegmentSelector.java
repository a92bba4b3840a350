package io.pagelab.hardware.segment;

import io.pagelab.api.error.InvalidArgumentException;

/**
 * A segment selector, the 16-bit value in CS, DS, SS...: which descriptor, in which table, asked
 * with which privilege.
 *
 * <pre>
 *  15                               3   2   1  0
 * +----------------------------------+----+------+
 * |              index               | TI | RPL  |
 * +----------------------------------+----+------+
 *   index: descriptor number (byte offset index * 8 in the table)
 *   TI   : 0 = GDT, 1 = LDT
 *   RPL  : requested privilege level, 0 (kernel) .. 3 (user)
 * </pre>
 *
 * <p>Linux's selectors (arch/x86/include/asm/segment.h, Linux 6.x, 64-bit):
 * {@code __KERNEL_CS = 2*8 = 0x10}, {@code __KERNEL_DS = 3*8 = 0x18},
 * {@code __USER32_CS = 4*8+3 = 0x23}, {@code __USER_DS = 5*8+3 = 0x2b},
 * {@code __USER_CS = 6*8+3 = 0x33}.
 *
 * @param index the descriptor number, 0..8191
 * @param ldt true when TI = 1 (the local descriptor table)
 * @param rpl the requested privilege level, 0..3
 */
public record SegmentSelector(int index, boolean ldt, int rpl) {
    /** 64-bit kernel code: GDT entry 2, RPL 0. */
    public static final int KERNEL_CS = 0x10;
    /** 64-bit kernel data: GDT entry 3, RPL 0. */
    public static final int KERNEL_DS = 0x18;
    /** 32-bit (compat) user code: GDT entry 4, RPL 3. */
    public static final int USER32_CS = 0x23;
    /** User data: GDT entry 5, RPL 3. */
    public static final int USER_DS = 0x2b;
    /** 64-bit user code: GDT entry 6, RPL 3. */
    public static final int USER_CS = 0x33;

    public SegmentSelector {
        if (index < 0 || index > 0x1FFF) {
            throw new InvalidArgumentException(String.format(
                    "selector index %d is out of range: 13 bits hold 0..8191", index));
        }
        if (rpl < 0 || rpl > 3) {
            throw new InvalidArgumentException(String.format(
                    "RPL %d is out of range: privilege levels are 0..3", rpl));
        }
    }

    /**
     * Splits a 16-bit selector value into its fields.
     *
     * @throws InvalidArgumentException when the value does not fit in 16 bits
     */
    public static SegmentSelector of(int selector) {
        if ((selector & ~0xFFFF) != 0) {
            throw new InvalidArgumentException(String.format(
                    "selector %#x does not fit in 16 bits: segment registers hold 0x0..0xffff", selector));
        }
        return new SegmentSelector(selector >>> 3, (selector & 0b100) != 0, selector & 0b11);
    }

    /** The 16-bit value: {@code index << 3 | TI << 2 | RPL}. */
    public int value() {
        return index << 3 | (ldt ? 0b100 : 0) | rpl;
    }

    /** True for the null selector (index 0 in the GDT, any RPL): loadable in DS..GS, never usable. */
    public boolean isNull() {
        return index == 0 && !ldt;
    }

    /**
     * The error code a #GP caused by this selector pushes: the selector with RPL cleared
     * (index and TI; bit 0, EXT, is 0 for faults raised by the program itself).
     */
    public int errorCode() {
        return value() & ~0b11;
    }

    @Override
    public String toString() {
        return String.format("%#x (index %d, %s, RPL %d)", value(), index, ldt ? "LDT" : "GDT", rpl);
    }
}
