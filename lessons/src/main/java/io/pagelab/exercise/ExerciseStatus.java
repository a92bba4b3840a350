package io.pagelab.exercise;

/** One word for how an exercise went, as the score table and the JSON report say it. */
public enum ExerciseStatus {
    FULL_MARKS("full marks"),
    PARTIAL("partial"),
    /** Every failure is a stub's {@link Todo}: the learner has not begun. */
    NOT_STARTED("not started"),
    ZERO("zero"),
    DOES_NOT_COMPILE("does not compile");

    private final String words;

    ExerciseStatus(String words) {
        this.words = words;
    }

    public String words() {
        return words;
    }

    /** The status whose {@link #words()} are {@code words}. */
    public static ExerciseStatus ofWords(String words) {
        for (ExerciseStatus status : values()) {
            if (status.words.equals(words)) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown exercise status '" + words + "'");
    }
}
