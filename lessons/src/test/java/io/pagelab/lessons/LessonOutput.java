package io.pagelab.lessons;

import io.pagelab.exercise.TextWidth;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

/** Runs a lesson without colour and captures what it prints, for the lesson tests. */
public final class LessonOutput {

    /** The terminal width every lesson line must fit in. */
    public static final int MAX_COLUMNS = 90;

    private LessonOutput() {
    }

    /** Everything {@code lesson} prints in one run. */
    public static String of(Lesson lesson) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        lesson.run(LessonContext.plain(new PrintStream(bytes, true, StandardCharsets.UTF_8)));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The lines wider than {@link #MAX_COLUMNS} terminal columns (Chinese characters count two). */
    public static List<String> tooWide(String output) {
        return output.lines().filter(line -> TextWidth.of(line) > MAX_COLUMNS).collect(Collectors.toList());
    }
}
