package io.pagelab.lessons;

import java.util.List;

/**
 * A lesson: a live simulation narrated step by step, with text diagrams, for one topic of the
 * curriculum (for example "where does memory come from?").
 *
 * <p>Lessons are plug-ins found with {@link java.util.ServiceLoader}: an implementation has a
 * public no-argument constructor and is listed in
 * {@code META-INF/services/io.pagelab.lessons.Lesson}. The order of that file is the curriculum
 * order ({@link Lessons#all()}), so the first line is the lesson the tour shows.
 *
 * <p>A lesson runs without waiting for input and writes only through its {@link LessonContext},
 * so the same lesson works on a terminal, in a pipe and in a test that captures its output. It
 * must be deterministic: two runs print the same text.
 */
public interface Lesson {

    /** Short, stable, lower-case identifier used on the command line: {@code pagelab run e820}. */
    String id();

    /** The title in Chinese, as the learner's source material would ask it. */
    String titleZh();

    /** The title in English. */
    String titleEn();

    /** The interview questions this lesson explains, as ids {@code "q01"} to {@code "q59"}. */
    List<String> questions();

    /**
     * Runs the simulation and narrates it through {@code ctx}: numbered steps
     * ({@link LessonContext#step}), explanations ({@link LessonContext#say}) and diagrams
     * ({@link LessonContext#diagram}).
     */
    void run(LessonContext ctx);
}
