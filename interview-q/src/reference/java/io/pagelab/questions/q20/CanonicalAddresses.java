package io.pagelab.questions.q20;

import io.pagelab.api.error.GeneralProtectionFault;
import io.pagelab.api.error.InvalidArgumentException;

/**
 * Q20 64位地址空间如何划分？ How is the 64-bit address space divided? (reference solution)
 *
 * <p>The canonical-address rule of Documentation/arch/x86/x86_64/mm.rst and TASK_SIZE_MAX of
 * arch/x86/include/asm/page_64_types.h (Linux 6.x).
 */
public final class CanonicalAddresses {
    public static final long PAGE_SIZE = 4096;

    private CanonicalAddresses() {
    }

    private static int bits(int levels) {
        if (levels != 4 && levels != 5) {
            throw new InvalidArgumentException(String.format("%d-level paging: x86-64 has 4 or 5 levels", levels));
        }
        return levels == 4 ? 48 : 57;
    }

    public static boolean isCanonical(long va, int levels) {
        return signExtend(va, levels) == va;
    }

    public static long signExtend(long va, int levels) {
        int unused = 64 - bits(levels);
        return (va << unused) >> unused;
    }

    public static boolean isKernelHalf(long va, int levels) {
        return va < 0 && isCanonical(va, levels);
    }

    public static long taskSizeMax(int levels) {
        return (1L << (bits(levels) - 1)) - PAGE_SIZE;
    }

    public static long halfSize(int levels) {
        return 1L << (bits(levels) - 1);
    }

    public static long checkAccess(long va, int levels) {
        if (!isCanonical(va, levels)) {
            throw GeneralProtectionFault.nonCanonical(va, bits(levels));
        }
        return va;
    }
}
