package io.pagelab.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * The streams a pagelab command talks to, and whether it may colour its output.
 *
 * <p>Colour only when output goes to a terminal and the environment variable {@code NO_COLOR} is
 * not set. pagelab's rule is stricter than the NO_COLOR convention's: set to any value, even the
 * empty string, it turns colour off (the same rule as {@code io.pagelab.exercise.Style}). Output is
 * always UTF-8 (lessons print Chinese titles and box-drawing characters), whatever the platform's
 * default charset.
 *
 * @param in     where {@code pagelab e820 -} reads
 * @param out    normal output
 * @param err    errors and hints
 * @param colour whether ANSI colour is on
 */
public record Terminal(InputStream in, PrintStream out, PrintStream err, boolean colour) {

    public Terminal {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
    }

    /**
     * The process's own streams, as UTF-8, with colour when {@link #colourWanted} says so. Input is
     * {@code System.in}, not a new FileInputStream on descriptor 0: on JDK 17 the latter's
     * readAllBytes() seeks, which fails on a pipe ("Illegal seek").
     */
    public static Terminal system() {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        return new Terminal(System.in, out, err,
                colourWanted(System.console() != null, System.getenv()));
    }

    /** Colour only on a terminal, and never when {@code NO_COLOR} is set, whatever its value. */
    public static boolean colourWanted(boolean onTerminal, Map<String, String> environment) {
        return onTerminal && !environment.containsKey("NO_COLOR");
    }

    /** True when standard input is most likely the keyboard (nothing piped in). */
    public static boolean stdinIsTerminal() {
        // System.console() is non-null only when both stdin and stdout are terminals.
        return System.console() != null;
    }
}
