package io.pagelab.exercise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every lesson-exercise grader (found by {@code @Grader}, ids listed in lesson-exercises.tsv) gives
 * the reference full marks and the untouched stub zero, every test failing; the interview-q
 * module has the same check for the questions.
 */
class LessonGradersAgreeTest {
    private static final Logger log = LoggerFactory.getLogger(LessonGradersAgreeTest.class);

    private final Exercises exercises = Exercises.load(PagelabHome.resolve());

    @TestFactory
    Stream<DynamicTest> everyLessonGraderGivesTheReferenceFullMarksAndTheStubZero() {
        List<Exercise> graded = exercises.inCatalog(LessonExercises.NAME).stream()
                .filter(Exercise::executable).collect(Collectors.toList());
        if (graded.isEmpty()) {
            return Stream.of(dynamicTest("no lesson exercise has a grader yet: nothing to check",
                    () -> log.info("no lesson exercise has a grader yet: nothing to check")));
        }
        return graded.stream().map(e -> dynamicTest(e.id() + ": reference full marks, stub zero",
                () -> assertThat(GraderAgreement.defects(exercises, e)).as("defects of %s's grader", e.id()).isEmpty()));
    }

    @Test
    void lessonCatalogIsRegisteredWithServiceLoader() {
        assertThat(exercises.catalogs()).extracting(ExerciseCatalog::name).contains(LessonExercises.NAME);
    }
}
