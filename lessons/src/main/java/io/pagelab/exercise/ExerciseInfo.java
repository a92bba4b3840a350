package io.pagelab.exercise;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.regex.Pattern;

/**
 * What a catalog says about one exercise, before anything is compiled or run. Whether it can be
 * graded is not a catalog fact: it becomes {@link Exercise#executable() executable} when a
 * {@link Grader} for its id is found on the class path.
 *
 * @param id          {@code q05}, {@code l01}: letters then at least two digits
 * @param titleZh     the title in Chinese (for the questions: the question as the seed asks it)
 * @param titleEn     our English rendering
 * @param topic       a short lower-case grouping word: {@code boot}, {@code paging}, {@code buddy}...
 * @param part        which part of the project builds it (for the questions: the issue letter
 *                    F, T, P, O, U, M, or {@code later})
 * @param task        one line: what the learner implements
 * @param packageName the Java package of the exercise's stub and reference classes
 */
public record ExerciseInfo(String id, String titleZh, String titleEn, String topic, String part,
                           String task, String packageName) {
    private static final Pattern ID = Pattern.compile("[a-z]+\\d{2,}");
    private static final Pattern TOPIC = Pattern.compile("[a-z][a-z0-9-]*");
    private static final Pattern PACKAGE = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");

    public ExerciseInfo {
        checkArgument(id != null && ID.matcher(id).matches(),
                "exercise id %s must be lower-case letters then two or more digits, like q05", id);
        checkArgument(titleZh != null && !titleZh.isBlank(), "exercise %s needs a Chinese title", id);
        checkArgument(titleEn != null && !titleEn.isBlank(), "exercise %s needs an English title", id);
        checkArgument(topic != null && TOPIC.matcher(topic).matches(),
                "exercise %s topic %s must be one lower-case word (a-z, 0-9, -)", id, topic);
        checkArgument(part != null && !part.isBlank(), "exercise %s needs a part (issue)", id);
        checkArgument(task != null, "exercise %s task must not be null (may be empty)", id);
        checkArgument(packageName != null && PACKAGE.matcher(packageName).matches(),
                "exercise %s package %s is not a Java package name", id, packageName);
    }

    /** The title in both languages, Chinese first: {@code 探知的e820表如何处理？ How is ...}. */
    public String title() {
        return titleZh + " " + titleEn;
    }
}
