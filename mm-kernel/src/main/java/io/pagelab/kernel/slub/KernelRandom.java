package io.pagelab.kernel.slub;

import io.pagelab.api.error.InvalidArgumentException;
import java.util.SplittableRandom;

/**
 * The kernel's random-number calls SLUB uses (include/linux/random.h, Linux 6.x):
 * get_random_long() for the per-cache freelist secret, get_random_u32_below() for the shuffle and
 * the start position of each slab, driven by a seed the user chooses.
 *
 * <p>Differs from Linux on purpose: the numbers come from {@link SplittableRandom} (SplitMix64), so a
 * run is repeatable from its seed; Linux draws them from its ChaCha20 CRNG, which nobody can seed.
 * The algorithms that consume them (Fisher-Yates, the start position) are the kernel's, so the
 * same numbers would give the kernel's freelists. get_random_u32_below() is unbiased, as the
 * kernel's is (the kernel uses Lemire's multiply-and-reject; this uses SplittableRandom.nextInt(bound)).
 */
public final class KernelRandom {
    private final long seed;
    private final SplittableRandom rng;

    /** A generator whose whole output is fixed by {@code seed}. */
    public KernelRandom(long seed) {
        this.seed = seed;
        this.rng = new SplittableRandom(seed);
    }

    /** The seed this generator started from. */
    public long seed() {
        return seed;
    }

    /** get_random_long(): 64 random bits. */
    public long getRandomLong() {
        return rng.nextLong();
    }

    /** get_random_u32(): 32 random bits, as a non-negative long. */
    public long getRandomU32() {
        return rng.nextInt() & 0xffff_ffffL;
    }

    /**
     * get_random_u32_below(ceil): uniform in [0, ceil).
     *
     * @throws InvalidArgumentException when ceil is not positive (the kernel requires ceil &gt; 0)
     */
    public int getRandomU32Below(int ceil) {
        InvalidArgumentException.check(ceil > 0, "get_random_u32_below(%s): the bound must be at least 1", ceil);
        return rng.nextInt(ceil);
    }

    @Override
    public String toString() {
        return "KernelRandom(seed " + seed + ")";
    }
}
