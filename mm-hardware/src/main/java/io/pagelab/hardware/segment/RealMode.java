package io.pagelab.hardware.segment;

import io.pagelab.api.error.InvalidArgumentException;

/**
 * Real-mode addressing, the 8086's: a 16-bit segment and a 16-bit offset make a 20-bit physical
 * address, {@code segment * 16 + offset}. The kernel's setup code (arch/x86/boot/) runs in this
 * mode, and arch/x86/boot/a20.c: enable_a20() switches the A20 gate on before it leaves it.
 *
 * <pre>
 *   segment  ssss ssss ssss ssss 0000      (shifted left by 4)
 * + offset        oooo oooo oooo oooo
 *   = linear up to 0xFFFF0 + 0xFFFF = 0x10FFEF  (21 bits: one carry beyond 1 MiB)
 *
 *   A20 off: address line 20 is held at 0, so 0x100000..0x10FFEF wraps to 0x0..0xFFEF (the 8086's
 *            behaviour, which some DOS programs relied on)
 *   A20 on : the carry reaches the bus: 0x100000..0x10FFEF is the "high memory area" (HMA),
 *            65520 bytes above 1 MiB reachable from real mode
 * </pre>
 *
 * <p>a20.c tests the gate exactly this way: it writes the int 0x80 vector at 0000:0200 and reads
 * FFFF:0210; the two name the same byte (0x200) only while A20 is off, because FFFF:0210 is 0x100200.
 *
 * <p>Differs from hardware: the gate here is a parameter, not keyboard-controller or port 0x92 state.
 */
public final class RealMode {
    /** The highest address real mode can form: FFFF:FFFF = 0xFFFF0 + 0xFFFF. */
    public static final long HMA_END = 0x10FFEFL;
    /** The first byte above the 8086's 1 MiB address space. */
    public static final long ONE_MIB = 0x100000L;
    /** Address line 20: the bit the A20 gate forces to 0 when it is off. */
    public static final long A20_BIT = 1L << 20;
    /** Where a reset x86 CPU fetches its first instruction in real mode: F000:FFF0. */
    public static final long RESET_VECTOR = 0xFFFF0L;

    private RealMode() {
    }

    /**
     * The physical address {@code segment:offset} names in real mode.
     *
     * @param segment a 16-bit segment value, 0..0xFFFF
     * @param offset a 16-bit offset, 0..0xFFFF
     * @param a20Enabled whether the A20 gate lets bit 20 through
     * @throws InvalidArgumentException when segment or offset does not fit in 16 bits
     */
    public static long linear(int segment, int offset, boolean a20Enabled) {
        check16("segment", segment);
        check16("offset", offset);
        long address = ((long) segment << 4) + offset;
        return a20(address, a20Enabled);
    }

    /**
     * What the A20 gate does to any physical address: with the gate off, bit 20 reads as 0 (so
     * every odd megabyte aliases the even one below it); with it on, the address passes unchanged.
     */
    public static long a20(long physical, boolean a20Enabled) {
        return a20Enabled ? physical : physical & ~A20_BIT;
    }

    private static void check16(String what, int value) {
        if ((value & ~0xFFFF) != 0) {
            throw new InvalidArgumentException(String.format(
                    "real-mode %s %#x does not fit in 16 bits: segment and offset registers hold 0x0..0xffff",
                    what, value));
        }
    }
}
