package io.pagelab.exercise;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a JUnit 5 test class as the grader of one exercise. The grading runner finds grader
 * classes by this annotation (no list to maintain), compiles the learner's sources and runs the
 * class against them; every test method carries {@link Points} and {@link Hint}.
 *
 * <pre>
 * &#64;Grader(id = "q05")
 * class E820SanitizerTest {
 *     &#64;Test &#64;Points(2) &#64;Hint("Overlapping ranges keep the type with the higher priority.")
 *     void overlappingRangesKeepTheStrongerType() { ... }
 * }
 * </pre>
 *
 * <p>An exercise may have several grader classes; their points add up.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Grader {
    /** The exercise this class grades, as in the catalog: {@code q05}, {@code l01}. */
    String id();
}
