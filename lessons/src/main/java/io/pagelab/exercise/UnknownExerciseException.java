package io.pagelab.exercise;

/** A learner named an exercise that does not exist, or one that cannot be graded yet. */
public final class UnknownExerciseException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public UnknownExerciseException(String message) {
        super(message);
    }
}
