package io.pagelab.exercise;

import java.nio.file.Path;

/**
 * The lesson exercises ({@code l01}...), listed in {@code lesson-exercises.tsv} next to this class.
 * Their stubs live in {@code lessons/src/stubs/java/io/pagelab/lessons/lNN/}, reference solutions
 * in {@code lessons/src/reference/java/io/pagelab/lessons/lNN/}, graders in the lessons tests.
 */
public final class LessonExercises extends TsvCatalog {
    public static final String NAME = "lessons";

    public LessonExercises() {
        super(NAME, "Lesson exercises 课程练习", "lesson-exercises.tsv", "io.pagelab.lessons",
                Path.of("lessons/src/stubs/java"), Path.of("lessons/src/reference/java"));
    }
}
