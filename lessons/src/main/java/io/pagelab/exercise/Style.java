package io.pagelab.exercise;

import java.util.Map;

/**
 * ANSI colour, only for a person at a terminal: on when {@link System#console()} exists and
 * {@code NO_COLOR} is not set, off in pipes, files and CI logs. pagelab's rule is stricter than
 * no-color.org's: {@code NO_COLOR} set to any value, even the empty string, turns colour off.
 */
public final class Style {
    private static final String RESET = "\u001b[0m";

    private final boolean colour;

    private Style(boolean colour) {
        this.colour = colour;
    }

    /** Colour when this process writes to a terminal and the environment does not forbid it. */
    public static Style detect() {
        return detect(System.console() != null, System.getenv());
    }

    static Style detect(boolean terminal, Map<String, String> env) {
        return new Style(terminal && !env.containsKey("NO_COLOR"));
    }

    public static Style plain() {
        return new Style(false);
    }

    public static Style colour() {
        return new Style(true);
    }

    public boolean isColour() {
        return colour;
    }

    public String green(String s) {
        return paint("32", s);
    }

    public String red(String s) {
        return paint("31", s);
    }

    public String yellow(String s) {
        return paint("33", s);
    }

    public String bold(String s) {
        return paint("1", s);
    }

    public String dim(String s) {
        return paint("2", s);
    }

    /** The colour that goes with a status: green full marks, yellow partial, red otherwise. */
    public String status(ExerciseStatus status, String s) {
        switch (status) {
            case FULL_MARKS:
                return green(s);
            case PARTIAL:
                return yellow(s);
            case NOT_STARTED:
                return dim(s);
            default:
                return red(s);
        }
    }

    private String paint(String code, String s) {
        return colour ? "\u001b[" + code + "m" + s + RESET : s;
    }
}
