package io.pagelab.exercise;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The check behind every module's agree-test: a grader must give the reference solution full
 * marks, and give the untouched stubs zero with every single test failing (a test that passes on
 * a stub cannot tell a learner anything: it is a grader defect). Every grader test must also say
 * what it is worth ({@link Points}) and what to do when it fails ({@link Hint}).
 */
public final class GraderAgreement {
    /** Per-test timeout when checking graders: references must be quick, stubs fail at once. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    private GraderAgreement() {
    }

    /** Every defect of the exercise's graders, stubs and reference, in plain words; empty if none. */
    public static List<String> defects(Exercises exercises, Exercise exercise) {
        Path home = exercises.home();
        List<String> defects = new ArrayList<>();
        if (exercise.stubFiles(home).isEmpty()) {
            defects.add(exercise.id() + ": no stub in " + home.relativize(exercise.stubDir(home)));
        }
        if (exercise.sourceFiles(SourceSet.REFERENCE, home).isEmpty()) {
            defects.add(exercise.id() + ": no reference solution in " + home.relativize(exercise.referenceDir(home)));
        }
        if (!defects.isEmpty()) {
            return defects;
        }
        defects.addAll(annotationDefects(exercise));
        Grading grading = new Grading(exercises);
        ExerciseScore reference = grading.grade(exercise, SourceSet.REFERENCE, TIMEOUT);
        reference.compileProblems().forEach(p -> defects.add(exercise.id() + ": the reference does not compile: " + p));
        if (reference.compiled()) {
            for (TestScore t : reference.tests()) {
                if (!t.passed()) {
                    defects.add(exercise.id() + ": " + t.test().displayName() + " fails on the reference solution: "
                            + t.failure());
                }
            }
        }
        ExerciseScore stub = grading.grade(exercise, SourceSet.STUBS, TIMEOUT);
        stub.compileProblems().forEach(p -> defects.add(exercise.id() + ": the stub does not compile: " + p));
        if (stub.compiled()) {
            for (TestScore t : stub.tests()) {
                if (!t.failed()) {
                    defects.add(exercise.id() + ": " + t.test().displayName() + " does not fail on the untouched stub ("
                            + t.outcome().name().toLowerCase(java.util.Locale.ROOT)
                            + "): a grader test that cannot fail is a defect");
                }
            }
        }
        return defects;
    }

    /** Grader tests without {@code @Points} or {@code @Hint}, and graders without tests. */
    public static List<String> annotationDefects(Exercise exercise) {
        List<String> defects = new ArrayList<>();
        for (GraderClass grader : exercise.graders()) {
            List<ScoredTest> tests = ScoredTest.of(grader.type());
            if (tests.isEmpty()) {
                defects.add(exercise.id() + ": grader " + grader.simpleName() + " has no test method");
            }
            for (ScoredTest t : tests) {
                if (!t.hasPoints()) {
                    defects.add(exercise.id() + ": " + t.displayName() + " has no @Points (at least 1)");
                }
                if (!t.hasHint()) {
                    defects.add(exercise.id() + ": " + t.displayName() + " has no @Hint");
                }
            }
        }
        return defects;
    }
}
