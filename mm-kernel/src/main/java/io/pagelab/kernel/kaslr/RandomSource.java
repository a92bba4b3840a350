package io.pagelab.kernel.kaslr;

import io.pagelab.api.error.InvalidArgumentException;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Where KASLR's random numbers come from. The kernel's {@code kaslr_get_random_long()}
 * (arch/x86/lib/kaslr.c) mixes RDRAND, RDTSC and the i8254 timer into a boot-time hash; pagelab
 * takes 64-bit values from a source the user controls instead, so the same seed always gives the
 * same layout. Callers treat every value as unsigned, as the kernel's {@code unsigned long}.
 *
 * <p>{@link #seeded(long)} is {@link SplittableRandom#nextLong()} from the given seed: the first
 * value drawn is the "Physical" one, then "Virtual", then one per memory region.
 */
@FunctionalInterface
public interface RandomSource {

    /** The next 64 random bits. */
    long nextLong();

    /** A deterministic source: {@code new SplittableRandom(seed).nextLong()}, value after value. */
    static RandomSource seeded(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return random::nextLong;
    }

    /**
     * A source that returns exactly these values, in order (for exercises and hand-worked tests).
     *
     * @throws InvalidArgumentException from {@code nextLong()} once the values are used up
     */
    static RandomSource sequence(long... values) {
        long[] copy = values.clone();
        int[] next = {0};
        return () -> {
            if (next[0] >= copy.length) {
                throw new InvalidArgumentException(String.format(
                        "the scripted random source %s is used up after %d values", Arrays.toString(copy), copy.length));
            }
            return copy[next[0]++];
        };
    }
}
