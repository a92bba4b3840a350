package io.pagelab.exercise;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One exercise's grade: every scored test, or the compile errors that kept them from running.
 *
 * @param id              the exercise id
 * @param titleZh         its Chinese title
 * @param titleEn         its English title
 * @param source          which sources were graded
 * @param compileProblems compile errors (then every test is failed and the exercise scores 0)
 * @param tests           one entry per scored test method
 * @param gradedAt        when it was graded
 */
public record ExerciseScore(String id, String titleZh, String titleEn, SourceSet source,
                            List<CompileProblem> compileProblems, List<TestScore> tests, Instant gradedAt) {
    public ExerciseScore {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(titleZh, "titleZh");
        Objects.requireNonNull(titleEn, "titleEn");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(gradedAt, "gradedAt");
        compileProblems = List.copyOf(compileProblems);
        tests = List.copyOf(tests);
    }

    public int earned() {
        return tests.stream().mapToInt(TestScore::earned).sum();
    }

    public int possible() {
        return tests.stream().mapToInt(TestScore::possible).sum();
    }

    public long passedTests() {
        return tests.stream().filter(TestScore::passed).count();
    }

    public long failedTests() {
        return tests.stream().filter(TestScore::failed).count();
    }

    public boolean compiled() {
        return compileProblems.isEmpty();
    }

    /** Full marks: it compiled, had something at stake, and every test passed. */
    public boolean fullMarks() {
        return compiled() && possible() > 0 && earned() == possible();
    }

    public ExerciseStatus status() {
        if (!compiled()) {
            return ExerciseStatus.DOES_NOT_COMPILE;
        }
        if (fullMarks()) {
            return ExerciseStatus.FULL_MARKS;
        }
        if (earned() > 0) {
            return ExerciseStatus.PARTIAL;
        }
        boolean allTodo = tests.stream().filter(TestScore::failed).allMatch(TestScore::todo);
        return allTodo && failedTests() > 0 ? ExerciseStatus.NOT_STARTED : ExerciseStatus.ZERO;
    }

    /** The first failed test in grader order: its hint is the learner's next step. */
    public Optional<TestScore> firstFailure() {
        return tests.stream().filter(TestScore::failed).findFirst();
    }
}
