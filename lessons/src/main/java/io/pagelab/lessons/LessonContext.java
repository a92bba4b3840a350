package io.pagelab.lessons;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.PrintStream;
import java.util.List;
import java.util.Objects;

/**
 * Where a {@link Lesson} writes: the output stream, whether colour is on, and the few shapes a
 * lesson's narration takes (a banner, numbered steps, paragraphs, diagrams, kernel log lines).
 *
 * <p>Output looks like this (colour aside):
 * <pre>
 * ══ e820 · 内存从哪里来？e820 与 memblock ══
 *    Where does memory come from? e820 and memblock
 *
 * ── Step 1 / 第 1 步 · The BIOS walk · BIOS 逐条报告 ──
 *   text of the explanation
 *
 *   ┌ caption
 *   │ diagram line
 *   └
 * </pre>
 *
 * <p>The context never reads input, so lessons run unattended (in a pipe, in a test). It is not
 * thread-safe; one lesson run uses one context.
 */
public final class LessonContext {

    private final PrintStream out;
    private final boolean colour;
    private int steps;

    /**
     * @param out    where the lesson writes
     * @param colour whether to emit ANSI colour (only on a terminal, and never with NO_COLOR)
     */
    public LessonContext(PrintStream out, boolean colour) {
        this.out = Objects.requireNonNull(out, "out");
        this.colour = colour;
    }

    /** A context without colour, as tests and pipes use. */
    public static LessonContext plain(PrintStream out) {
        return new LessonContext(out, false);
    }

    /** The stream the lesson writes to. Prefer the structured methods below. */
    public PrintStream out() {
        return out;
    }

    /** Whether ANSI colour is on. */
    public boolean colour() {
        return colour;
    }

    /** How many steps have been shown so far. */
    public int stepsShown() {
        return steps;
    }

    /** Wraps {@code text} in the tone's colour when colour is on; returns it unchanged otherwise. */
    public String paint(Tone tone, String text) {
        Objects.requireNonNull(tone, "tone");
        Objects.requireNonNull(text, "text");
        return colour ? tone.apply(text) : text;
    }

    /** The lesson's title block: id, Chinese title, English title and the questions it covers. */
    public void banner(Lesson lesson) {
        out.println(paint(Tone.HEADING, "══ " + lesson.id() + " · " + lesson.titleZh() + " ══"));
        out.println("   " + lesson.titleEn());
        if (!lesson.questions().isEmpty()) {
            out.println(paint(Tone.DIM, "   interview questions / 面试题: " + String.join(" ", lesson.questions())));
        }
    }

    /**
     * Starts the next numbered step and prints its heading in both languages.
     *
     * @return the number of this step, starting at 1
     */
    public int step(String titleEn, String titleZh) {
        checkArgument(!titleEn.isBlank(), "step title (English) must not be blank");
        steps++;
        out.println();
        out.println(paint(Tone.HEADING,
                "── Step " + steps + " / 第 " + steps + " 步 · " + titleEn + " · " + titleZh + " ──"));
        return steps;
    }

    /** Prints explanation lines, indented by two spaces. */
    public void say(String... lines) {
        for (String line : lines) {
            out.println(line.isEmpty() ? "" : "  " + line);
        }
    }

    /** Prints one line in a tone (for example a conclusion in {@link Tone#EMPHASIS}). */
    public void say(Tone tone, String line) {
        out.println("  " + paint(tone, line));
    }

    /**
     * Prints lines the simulated kernel logs, as {@code dmesg} would show them (without the
     * timestamp), indented and marked so they stand apart from the explanation.
     */
    public void kernelLog(List<String> lines) {
        for (String line : lines) {
            out.println("  " + paint(Tone.DIM, "dmesg│ ") + paint(Tone.KERNEL_LOG, line));
        }
    }

    /**
     * Prints a diagram in a frame with a caption. Lines may already contain colour from
     * {@link #paint}; they are printed as given.
     */
    public void diagram(String caption, List<String> lines) {
        out.println();
        out.println("  " + paint(Tone.DIM, "┌ ") + paint(Tone.EMPHASIS, caption));
        for (String line : lines) {
            out.println("  " + paint(Tone.DIM, "│ ") + line);
        }
        out.println("  " + paint(Tone.DIM, "└"));
    }
}
