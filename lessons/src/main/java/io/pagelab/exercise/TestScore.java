package io.pagelab.exercise;

import java.util.Objects;

/**
 * How one grader test went.
 *
 * @param test    the scored test
 * @param outcome passed, failed or skipped (a skipped test counts for nothing either way)
 * @param failure the first failure in plain words; empty when it passed
 * @param todo    whether it failed because learner code still throws {@link Todo}
 */
public record TestScore(ScoredTest test, Outcome outcome, String failure, boolean todo) {
    /** The verdict on one test method (all of a parameterized test's invocations together). */
    public enum Outcome { PASSED, FAILED, SKIPPED }

    public TestScore {
        Objects.requireNonNull(test, "test");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(failure, "failure");
    }

    public static TestScore passed(ScoredTest test) {
        return new TestScore(test, Outcome.PASSED, "", false);
    }

    public static TestScore failed(ScoredTest test, String failure, boolean todo) {
        return new TestScore(test, Outcome.FAILED, failure, todo);
    }

    public boolean passed() {
        return outcome == Outcome.PASSED;
    }

    public boolean failed() {
        return outcome == Outcome.FAILED;
    }

    /** Points earned: all or nothing. */
    public int earned() {
        return passed() ? test.points() : 0;
    }

    /** Points at stake (zero for a skipped test). */
    public int possible() {
        return outcome == Outcome.SKIPPED ? 0 : test.points();
    }
}
