package io.pagelab.exercise;

import java.io.PrintStream;

/**
 * Progress as one line per exercise: {@code [2/7] q05 .x.. 3/5 points}, a dot per passed test
 * invocation and an x per failure. Meant for stderr, so stdout keeps only the table.
 */
public final class ConsoleProgress implements GradingProgress {
    private final PrintStream err;

    public ConsoleProgress(PrintStream err) {
        this.err = err;
    }

    @Override
    public void exerciseStarted(Exercise exercise, int index, int total) {
        err.print("[" + index + "/" + total + "] " + exercise.id() + " ");
        err.flush();
    }

    @Override
    public void testFinished(Exercise exercise, ScoredTest test, boolean passed) {
        err.print(passed ? "." : "x");
        err.flush();
    }

    @Override
    public void exerciseFinished(Exercise exercise, ExerciseScore score) {
        err.println(score.compiled() ? " " + score.earned() + "/" + score.possible() + " points"
                : " does not compile");
    }
}
