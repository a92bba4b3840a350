package io.pagelab.exercise;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Turns what a grader test threw into one line a learner can act on: the assertion's own words,
 * or what learner code did wrong and where ({@code E820Sanitizer.java:42}). Never a stack trace.
 */
final class FailureMessage {
    private static final int MAX_LENGTH = 300;
    private static final int MAX_LINES = 3;

    private final Predicate<String> isExerciseClass;
    private final Duration timeout;

    /**
     * @param isExerciseClass whether a binary class name is learner code (to point at its line)
     * @param timeout         the per-test timeout, for the timed-out message
     */
    FailureMessage(Predicate<String> isExerciseClass, Duration timeout) {
        this.isExerciseClass = isExerciseClass;
        this.timeout = timeout;
    }

    private static final Pattern TODO_TEXT = Pattern.compile("not implemented yet — edit \\S+\\.java");

    /** Whether the failure comes from a stub's {@link Todo}, thrown or quoted by an assertion. */
    static boolean isTodo(Throwable t) {
        return todoMessage(t).isPresent();
    }

    /**
     * The Todo's message: from a thrown {@link Todo}, or quoted in an assertion's message (an
     * {@code assertThatThrownBy(...).isInstanceOf(X.class)} that caught the Todo instead of X).
     */
    private static Optional<String> todoMessage(Throwable t) {
        Optional<Todo> todo = find(t, Todo.class);
        if (todo.isPresent()) {
            return Optional.of(todo.get().getMessage());
        }
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof AssertionError && c.getMessage() != null) {
                Matcher m = TODO_TEXT.matcher(c.getMessage());
                if (m.find()) {
                    return Optional.of(m.group());
                }
            }
        }
        return Optional.empty();
    }

    String describe(Throwable t) {
        String words = describeUncapped(t);
        return words.length() <= MAX_LENGTH ? words : words.substring(0, MAX_LENGTH - 1) + "…";
    }

    private String describeUncapped(Throwable t) {
        Optional<String> todo = todoMessage(t);
        if (todo.isPresent()) {
            return todo.get();
        }
        if (isTimeout(t)) {
            Throwable where = t.getCause() != null ? t.getCause() : t;
            return "timed out after " + human(timeout) + ": an endless loop, or far too slow?"
                    + location(where).map(l -> " (it was running " + l + ")").orElse("");
        }
        Optional<StackOverflowError> overflow = find(t, StackOverflowError.class);
        if (overflow.isPresent()) {
            return "stack overflow (StackOverflowError)" + location(overflow.get()).map(l -> " " + l).orElse("")
                    + ": does the recursion ever reach its base case?";
        }
        if (t instanceof AssertionError) {
            return t.getMessage() == null ? "assertion failed" : compact(t.getMessage());
        }
        if (t instanceof LinkageError && !(t instanceof ExceptionInInitializerError)) {
            return "your classes do not match what the grader expects (" + t.getClass().getSimpleName() + ": "
                    + compact(String.valueOf(t.getMessage()))
                    + "): keep the stub's class, method names and signatures";
        }
        Throwable cause = t instanceof ExceptionInInitializerError && t.getCause() != null ? t.getCause() : t;
        String message = cause.getMessage() == null ? "" : ": " + compact(cause.getMessage());
        return "threw " + cause.getClass().getSimpleName() + message + location(cause).map(l -> " " + l).orElse("");
    }

    private Optional<String> location(Throwable t) {
        return Arrays.stream(t.getStackTrace())
                .filter(frame -> isExerciseClass.test(frame.getClassName()))
                .findFirst()
                .map(frame -> "at " + frame.getFileName() + ":" + frame.getLineNumber());
    }

    private static boolean isTimeout(Throwable t) {
        if (t instanceof TimeoutException) {
            return true;
        }
        String message = t.getMessage();
        return t instanceof AssertionError && message != null && message.contains("timed out after");
    }

    /** The first few non-blank lines on one line: AssertJ puts "[description]" and values on separate lines. */
    static String compact(String message) {
        return Arrays.stream(message.split("\\R")).map(String::strip).filter(s -> !s.isEmpty())
                .limit(MAX_LINES).collect(Collectors.joining(" "));
    }

    static String human(Duration d) {
        long millis = d.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    private static <T extends Throwable> Optional<T> find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return Optional.of(type.cast(c));
            }
        }
        return Optional.empty();
    }
}
