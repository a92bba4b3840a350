package io.pagelab.exercise;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What one grader test is worth. Points count per method: a {@code @ParameterizedTest} or a
 * {@code @TestFactory} earns them only when every one of its invocations passes.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Points {
    /** Points earned when the test passes; at least 1. */
    int value();
}
