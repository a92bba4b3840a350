package io.pagelab.exercise;

import static com.google.common.base.Preconditions.checkArgument;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Nested;
import org.junit.platform.commons.annotation.Testable;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * A grader test method and what it is worth, read from the grader class before it runs: the
 * score table lists every scored test even when learner code never got to run.
 *
 * @param className  binary name of the class the test runs in (a {@code @Nested} class for nested tests)
 * @param method     the method name
 * @param points     its {@link Points}, 1 when missing (a grader defect)
 * @param hint       its {@link Hint}, empty when missing (a grader defect)
 * @param hasPoints  whether {@code @Points} is present
 * @param hasHint    whether {@code @Hint} is present with some text
 */
public record ScoredTest(String className, String method, int points, String hint, boolean hasPoints,
                         boolean hasHint) {
    public ScoredTest {
        Objects.requireNonNull(className, "className");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(hint, "hint");
        checkArgument(points >= 1, "%s.%s: @Points(%s) must be at least 1", className, method, points);
    }

    /** Identity of the test across class loaders: {@code binary class name#method}. */
    public String key() {
        return className + "#" + method;
    }

    /** {@code E820SanitizerTest.mergesAdjacentRanges}, with {@code Outer.Inner} for nested classes. */
    public String displayName() {
        String simple = className.substring(className.lastIndexOf('.') + 1).replace('$', '.');
        return simple + "." + method;
    }

    /**
     * The test methods of a grader class and of its {@code @Nested} classes, inherited ones
     * included (superclass tests first), in declaration order.
     */
    public static List<ScoredTest> of(Class<?> grader) {
        List<ScoredTest> tests = new ArrayList<>();
        collect(grader, tests);
        return List.copyOf(tests);
    }

    private static int depth(Class<?> c) {
        int depth = 0;
        for (Class<?> s = c.getSuperclass(); s != null; s = s.getSuperclass()) {
            depth++;
        }
        return depth;
    }

    private static void collect(Class<?> type, List<ScoredTest> into) {
        List<Method> methods = new ArrayList<>(ReflectionSupport.findMethods(type,
                m -> AnnotationSupport.isAnnotated(m, Testable.class), HierarchyTraversalMode.TOP_DOWN));
        methods.sort(Comparator.comparingInt((Method m) -> depth(m.getDeclaringClass()))
                .thenComparingInt(m -> DeclarationOrder.indexOf(DeclarationOrder.methodNames(m.getDeclaringClass()), m)));
        for (Method m : methods) {
            Points points = m.getAnnotation(Points.class);
            Hint hint = m.getAnnotation(Hint.class);
            into.add(new ScoredTest(type.getName(), m.getName(), points == null ? 1 : Math.max(1, points.value()),
                    hint == null ? "" : hint.value().strip(), points != null && points.value() >= 1,
                    hint != null && !hint.value().isBlank()));
        }
        for (Class<?> nested : ReflectionSupport.findNestedClasses(type, c -> c.isAnnotationPresent(Nested.class))) {
            collect(nested, into);
        }
    }
}
