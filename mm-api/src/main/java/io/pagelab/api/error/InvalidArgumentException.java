package io.pagelab.api.error;

import com.google.common.base.Strings;

/**
 * Misuse of an API, the simulator's EINVAL: an order above the maximum, unknown flags, a negative
 * length, an array range that does not fit the array. The message says what was wrong, the value
 * and what is allowed.
 *
 * <p>The {@code check} methods are for hot paths: they take primitive arguments, so nothing is
 * boxed unless the check fails. Templates use {@code %s} as Guava's {@code Preconditions} do.
 */
public final class InvalidArgumentException extends SimulationException {

    public InvalidArgumentException(String message) {
        super(message);
    }

    /** Throws with the formatted message unless {@code ok}. */
    public static void check(boolean ok, String template, long a) {
        if (!ok) {
            throw new InvalidArgumentException(Strings.lenientFormat(template, a));
        }
    }

    /** Throws with the formatted message unless {@code ok}. */
    public static void check(boolean ok, String template, long a, long b) {
        if (!ok) {
            throw new InvalidArgumentException(Strings.lenientFormat(template, a, b));
        }
    }

    /** Throws with the formatted message unless {@code ok}. */
    public static void check(boolean ok, String template, long a, long b, long c) {
        if (!ok) {
            throw new InvalidArgumentException(Strings.lenientFormat(template, a, b, c));
        }
    }
}
