package io.pagelab.kernel.layout;

import io.pagelab.api.error.GeneralProtectionFault;
import io.pagelab.api.error.InvalidArgumentException;

/**
 * Canonical x86-64 addresses (Documentation/arch/x86/x86_64/mm.rst, Linux 6.x): "Bits 63 through to
 * the most-significant implemented bit are sign extended." With 48-bit addresses (4-level paging)
 * bits 63..47 must all equal bit 47, with 57-bit addresses (5-level) bits 63..56 equal bit 56.
 *
 * <pre>
 *  48-bit  0x0000000000000000 .. 0x00007fffffffffff   user half, 128 TiB
 *          0x0000800000000000 .. 0xffff7fffffffffff   non-canonical: #GP, not #PF
 *          0xffff800000000000 .. 0xffffffffffffffff   kernel half, 128 TiB
 *  57-bit  0x0000000000000000 .. 0x00ffffffffffffff   user half, 64 PiB
 *          0xff00000000000000 .. 0xffffffffffffffff   kernel half, 64 PiB
 * </pre>
 *
 * <p>256 TiB of virtual space with 4-level paging comes from the 48 implemented bits; the 46 bits
 * sometimes quoted are the physical address limit (MAX_PHYSMEM_BITS), not the virtual one.
 */
public final class Canonical {
    /** Virtual address bits with 4-level paging. */
    public static final int BITS_4_LEVEL = 48;
    /** Virtual address bits with 5-level paging (LA57). */
    public static final int BITS_5_LEVEL = 57;

    private Canonical() {
    }

    /** True when bits 63..(bits-1) of {@code va} are all copies of bit (bits-1). */
    public static boolean isCanonical(long va, int bits) {
        checkBits(bits);
        int unused = 64 - bits;
        return (va << unused) >> unused == va;
    }

    /** {@code va} with bit (bits-1) copied into every bit above it, the canonical form of its low bits. */
    public static long signExtend(long va, int bits) {
        checkBits(bits);
        int unused = 64 - bits;
        return (va << unused) >> unused;
    }

    /** The last user (lower-half) address: 0x00007fffffffffff or 0x00ffffffffffffff. */
    public static long userEnd(int bits) {
        checkBits(bits);
        return (1L << (bits - 1)) - 1;
    }

    /** The first kernel (upper-half) address: 0xffff800000000000 or 0xff00000000000000. */
    public static long kernelStart(int bits) {
        checkBits(bits);
        return -1L << (bits - 1);
    }

    /** True for a canonical address of the upper (kernel) half. */
    public static boolean isKernelHalf(long va, int bits) {
        return va < 0 && isCanonical(va, bits);
    }

    /**
     * Returns {@code va} when canonical; otherwise throws the #GP a CPU raises for it.
     *
     * @throws GeneralProtectionFault for a non-canonical address, with the kernel's
     *         "probably for non-canonical address" wording
     */
    public static long check(long va, int bits) {
        if (!isCanonical(va, bits)) {
            throw GeneralProtectionFault.nonCanonical(va, bits);
        }
        return va;
    }

    private static void checkBits(int bits) {
        if (bits != BITS_4_LEVEL && bits != BITS_5_LEVEL) {
            throw new InvalidArgumentException(String.format(
                    "%d virtual address bits: x86-64 implements 48 (4-level paging) or 57 (5-level)", bits));
        }
    }
}
