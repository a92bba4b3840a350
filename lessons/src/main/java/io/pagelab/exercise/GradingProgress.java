package io.pagelab.exercise;

/**
 * Told what the runner is doing while it runs, to show progress (the CLI prints it on stderr).
 * Every method has an empty default.
 */
public interface GradingProgress {
    /** Prints nothing. */
    GradingProgress SILENT = new GradingProgress() { };

    /** About to compile exercise {@code index} (1-based) of {@code total}. */
    default void exerciseStarted(Exercise exercise, int index, int total) {
    }

    /** One invocation of a grader test finished. */
    default void testFinished(Exercise exercise, ScoredTest test, boolean passed) {
    }

    /** The exercise is graded. */
    default void exerciseFinished(Exercise exercise, ExerciseScore score) {
    }
}
