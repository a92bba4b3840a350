package io.pagelab.questions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.pagelab.exercise.Exercise;
import io.pagelab.exercise.Exercises;
import io.pagelab.exercise.GraderAgreement;
import io.pagelab.exercise.GraderClass;
import io.pagelab.exercise.PagelabHome;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every question grader, found by its {@code @Grader} annotation (no list here), must give the
 * reference solution full marks and the untouched stub zero with every test failing, and every
 * grader test must carry {@code @Points} and {@code @Hint}. The graders are compiled and run
 * exactly as {@code pagelab grade} runs them on a learner's workspace.
 */
class GradersAgreeTest {
    private static final Logger log = LoggerFactory.getLogger(GradersAgreeTest.class);

    private final Exercises exercises = Exercises.load(PagelabHome.resolve());

    @TestFactory
    Stream<DynamicTest> everyGraderGivesTheReferenceFullMarksAndTheStubZero() {
        List<Exercise> graded = exercises.inCatalog(InterviewQuestions.NAME).stream()
                .filter(Exercise::executable).collect(Collectors.toList());
        if (graded.isEmpty()) {
            return Stream.of(dynamicTest("no question has a grader yet: nothing to check",
                    () -> log.info("no question has a grader yet: nothing to check")));
        }
        return graded.stream().map(q -> dynamicTest(q.id() + ": reference full marks, stub zero",
                () -> assertThat(GraderAgreement.defects(exercises, q)).as("defects of %s's grader", q.id()).isEmpty()));
    }

    @Test
    void everyQuestionGraderNamesAQuestionOfTheCatalog() {
        assertThat(exercises.orphanGraders()).extracting(GraderClass::className)
                .as("graders whose @Grader id is not a question").isEmpty();
    }

    @Test
    void homeIsTheRepositoryRoot() {
        assertThat(exercises.home().resolve("interview-q/pom.xml")).exists();
    }
}
