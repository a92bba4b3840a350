package io.pagelab.kernel.mm;

import io.pagelab.api.error.InvalidArgumentException;

/**
 * The knobs of a simulated machine running processes, with Linux's defaults.
 *
 * @param ramBytes          RAM of the QEMU-shaped machine (at least 64 MiB)
 * @param seed              where every random choice comes from (ASLR); same seed, same layout
 * @param randomizeVaSpace  kernel.randomize_va_space: 0 off (like {@code setarch -R}), 1 stack,
 *                          mmap and vdso, 2 (default) also brk
 * @param mmapRndBits       vm.mmap_rnd_bits, 28..32 on x86-64 (default 28)
 * @param stackRlimit       RLIMIT_STACK soft limit in bytes (default 8 MiB)
 * @param stackGuardGapPages stack_guard_gap in pages (default 256 = 1 MiB)
 * @param thpAligned        place anonymous mappings whose length is a multiple of 2 MiB on a 2 MiB
 *                          boundary (Linux 6.7+ with CONFIG_TRANSPARENT_HUGEPAGE; default true)
 */
public record KernelConfig(long ramBytes, long seed, int randomizeVaSpace, int mmapRndBits, long stackRlimit,
                           long stackGuardGapPages, boolean thpAligned) {
    /** ARCH_MMAP_RND_BITS_MIN on x86-64: the default of vm.mmap_rnd_bits. */
    public static final int MMAP_RND_BITS_DEFAULT = 28;

    public KernelConfig {
        InvalidArgumentException.check(ramBytes >= (64L << 20), "RAM of %s bytes is too small: at least 64 MiB", ramBytes);
        InvalidArgumentException.check(randomizeVaSpace >= 0 && randomizeVaSpace <= 2,
                "randomize_va_space %s is not allowed: 0, 1 or 2", randomizeVaSpace);
        InvalidArgumentException.check(mmapRndBits >= 28 && mmapRndBits <= 32,
                "mmap_rnd_bits %s is out of range: x86-64 allows 28..32", mmapRndBits);
        InvalidArgumentException.check(stackRlimit >= (128L << 10),
                "RLIMIT_STACK of %s bytes is too small for this model: at least 128 KiB", stackRlimit);
        InvalidArgumentException.check(stackGuardGapPages >= 0, "stack_guard_gap %s must be >= 0", stackGuardGapPages);
    }

    /** 1 GiB, seed 0, ASLR fully on, Linux defaults. */
    public static KernelConfig defaults() {
        return new KernelConfig(1L << 30, 0, 2, MMAP_RND_BITS_DEFAULT, 8L << 20, 256, true);
    }

    /** The same with randomization off, as under {@code setarch -R} or in gdb. */
    public KernelConfig withoutAslr() {
        return new KernelConfig(ramBytes, seed, 0, mmapRndBits, stackRlimit, stackGuardGapPages, thpAligned);
    }

    public KernelConfig withSeed(long s) {
        return new KernelConfig(ramBytes, s, randomizeVaSpace, mmapRndBits, stackRlimit, stackGuardGapPages, thpAligned);
    }

    public KernelConfig withRam(long bytes) {
        return new KernelConfig(bytes, seed, randomizeVaSpace, mmapRndBits, stackRlimit, stackGuardGapPages, thpAligned);
    }

    public KernelConfig withMmapRndBits(int bits) {
        return new KernelConfig(ramBytes, seed, randomizeVaSpace, bits, stackRlimit, stackGuardGapPages, thpAligned);
    }

    public KernelConfig withStackRlimit(long bytes) {
        return new KernelConfig(ramBytes, seed, randomizeVaSpace, mmapRndBits, bytes, stackGuardGapPages, thpAligned);
    }

    public KernelConfig withRandomizeVaSpace(int level) {
        return new KernelConfig(ramBytes, seed, level, mmapRndBits, stackRlimit, stackGuardGapPages, thpAligned);
    }

    public KernelConfig withThpAligned(boolean on) {
        return new KernelConfig(ramBytes, seed, randomizeVaSpace, mmapRndBits, stackRlimit, stackGuardGapPages, on);
    }

    /** True when randomize_va_space is not 0 (PF_RANDOMIZE for new processes). */
    public boolean randomize() {
        return randomizeVaSpace > 0;
    }
}
