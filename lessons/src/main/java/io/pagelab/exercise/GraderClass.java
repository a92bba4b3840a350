package io.pagelab.exercise;

import static com.google.common.base.Preconditions.checkArgument;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A class annotated {@link Grader}, as found on the class path.
 *
 * @param exerciseId the id in its {@code @Grader}
 * @param type       the class as loaded for discovery (never run: the runner reloads it next to
 *                   the compiled learner classes); used to read its test methods and annotations
 * @param root       the class-path directory it was found in ({@code interview-q/target/test-classes})
 */
public record GraderClass(String exerciseId, Class<?> type, Path root) {
    public GraderClass {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(root, "root");
        checkArgument(exerciseId != null && !exerciseId.isBlank(), "grader %s has a blank exercise id",
                type.getName());
    }

    public String className() {
        return type.getName();
    }

    /** The class name without its package: {@code E820SanitizerTest}. */
    public String simpleName() {
        return type.getSimpleName();
    }
}
