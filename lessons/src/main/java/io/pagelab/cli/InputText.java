package io.pagelab.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The text a command reads from {@code FILE}, or from standard input for {@code -} (or no
 * argument when input is piped), the convention of {@code pagelab e820} and {@code pagelab
 * proc-script}. On failure the reason is already printed and {@link #exitCode()} says how to end.
 *
 * @param text     what was read, or null on failure
 * @param exitCode 0, {@link Pagelab#EXIT_USAGE} (nothing given on a terminal) or
 *                 {@link Pagelab#EXIT_BAD_INPUT} (no such file)
 * @param where    the name errors should use: the file, or {@code <stdin>}
 */
record InputText(String text, int exitCode, String where) {

    static InputText read(Terminal terminal, String source, String command, String hint) throws IOException {
        if (source == null || source.equals("-")) {
            if (source == null && Terminal.stdinIsTerminal()) {
                terminal.err().println("pagelab " + command + ": " + hint);
                return new InputText(null, Pagelab.EXIT_USAGE, "<stdin>");
            }
            return new InputText(new String(terminal.in().readAllBytes(), StandardCharsets.UTF_8), 0, "<stdin>");
        }
        try {
            return new InputText(Files.readString(Path.of(source), StandardCharsets.UTF_8), 0, source);
        } catch (NoSuchFileException e) {
            terminal.err().println("pagelab " + command + ": no such file: " + source);
            return new InputText(null, Pagelab.EXIT_BAD_INPUT, source);
        }
    }

    boolean ok() {
        return text != null;
    }
}
