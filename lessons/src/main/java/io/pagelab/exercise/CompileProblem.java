package io.pagelab.exercise;

import java.util.Objects;

/**
 * One compile error in plain words.
 *
 * @param file    the source file, relative to the repository root when it is inside it
 * @param line    1-based line, or 0 when javac gave none
 * @param message javac's message on one line
 */
public record CompileProblem(String file, long line, String message) {
    public CompileProblem {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(message, "message");
    }

    /** {@code workspace/q05/E820Sanitizer.java:12: cannot find symbol (symbol: variable x)} */
    @Override
    public String toString() {
        return (line > 0 ? file + ":" + line : file) + ": " + message;
    }
}
