package io.pagelab.questions;

import io.pagelab.exercise.TsvCatalog;
import java.nio.file.Path;

/**
 * The 59 classic interview questions on Linux memory management ("59问：内存管理" from the seed's
 * reading list), listed in {@code questions.tsv} next to this class: id, issue part, topic, the
 * question in Chinese and in our English, and what the learner implements.
 *
 * <p>A question becomes executable when its grader exists. Its files, for question {@code q05}:
 * <pre>
 * interview-q/src/stubs/java/io/pagelab/questions/q05/E820Sanitizer.java      the learner's stub
 * interview-q/src/reference/java/io/pagelab/questions/q05/E820Sanitizer.java  the reference solution
 * interview-q/src/test/java/io/pagelab/questions/q05/E820SanitizerTest.java   the grader, {@code @Grader(id = "q05")}
 * workspace/q05/E820Sanitizer.java                                             the learner's copy (git-ignored)
 * </pre>
 */
public final class InterviewQuestions extends TsvCatalog {
    /** The catalog's name, also its module. */
    public static final String NAME = "interview-q";

    /** How many questions the seed asks. */
    public static final int COUNT = 59;

    public InterviewQuestions() {
        super(NAME, "59 interview questions 59问：内存管理", "questions.tsv", "io.pagelab.questions",
                Path.of("interview-q/src/stubs/java"), Path.of("interview-q/src/reference/java"));
    }
}
