package io.pagelab.exercise;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of one grading run.
 *
 * @param source    which sources were graded
 * @param gradedAt  when the run started
 * @param exercises one score per exercise graded, in request order
 */
public record GradeReport(SourceSet source, Instant gradedAt, List<ExerciseScore> exercises) {
    public GradeReport {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(gradedAt, "gradedAt");
        exercises = List.copyOf(exercises);
    }

    /** Tests passed, over all exercises. */
    public long passed() {
        return exercises.stream().mapToLong(ExerciseScore::passedTests).sum();
    }

    /** Tests failed, over all exercises (tests of an exercise that did not compile count as failed). */
    public long failed() {
        return exercises.stream().mapToLong(ExerciseScore::failedTests).sum();
    }

    /** True when every exercise graded scored full marks (vacuously true for an empty run). */
    public boolean allFullMarks() {
        return exercises.stream().allMatch(ExerciseScore::fullMarks);
    }

    public Optional<ExerciseScore> exercise(String id) {
        return exercises.stream().filter(e -> e.id().equals(id)).findFirst();
    }

    /** The closing line CI and learners read: {@code 3 passed, 4 failed}. */
    public String summaryLine() {
        return passed() + " passed, " + failed() + " failed";
    }
}
