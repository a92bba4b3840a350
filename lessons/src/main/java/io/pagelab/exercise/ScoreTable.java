package io.pagelab.exercise;

import java.util.List;
import java.util.Optional;

/**
 * The learner-facing text of a grading run: a score table, the failures in plain words, and the
 * next hint. The closing {@code N passed, N failed} line is left to the caller, so it can come last.
 *
 * <pre>
 *  id   title                                        points  status        first failing hint
 *  q05  探知的e820表如何处理？ How is the probed e8…     3/5  partial       Ranges of the same type that…
 * </pre>
 */
public final class ScoreTable {
    private static final int TITLE = 44;
    private static final int STATUS = 16;
    private static final int HINT = 56;

    private ScoreTable() {
    }

    public static String render(GradeReport report, Style style) {
        StringBuilder out = new StringBuilder();
        out.append(style.bold("Grading " + report.source().description())).append('\n');
        if (report.exercises().isEmpty()) {
            return out.append("No exercise has a grader yet: nothing to grade.\n").toString();
        }
        out.append('\n');
        out.append(style.bold(row("id", "title", "points", "status", "first failing hint").stripTrailing()))
                .append('\n');
        for (ExerciseScore e : report.exercises()) {
            String status = e.status().words();
            String hint = e.compiled()
                    ? e.firstFailure().map(t -> t.test().hint()).orElse("")
                    : "fix the compile errors first";
            String cell = style.status(e.status(), TextWidth.padRight(status, STATUS));
            out.append(row(e.id(), e.titleZh() + " " + e.titleEn(), e.earned() + "/" + e.possible(), cell, hint)
                    .stripTrailing()).append('\n');
        }
        appendFailures(report.exercises(), style, out);
        appendNextHint(report.exercises(), style, out);
        return out.toString();
    }

    private static String row(String id, String title, String points, String status, String hint) {
        return " " + TextWidth.padRight(id, 4) + " " + TextWidth.padRight(TextWidth.truncate(title, TITLE), TITLE)
                + " " + TextWidth.padLeft(points, 7) + "  " + TextWidth.padRight(status, STATUS)
                + TextWidth.truncate(hint, HINT);
    }

    private static void appendFailures(List<ExerciseScore> exercises, Style style, StringBuilder out) {
        boolean any = exercises.stream().anyMatch(e -> !e.fullMarks());
        if (!any) {
            return;
        }
        out.append('\n').append(style.bold("What went wrong")).append('\n');
        for (ExerciseScore e : exercises) {
            if (e.fullMarks()) {
                continue;
            }
            if (!e.compiled()) {
                out.append("  ").append(style.red(e.id() + " does not compile")).append('\n');
                e.compileProblems().forEach(p -> out.append("       ").append(p).append('\n'));
                continue;
            }
            if (e.status() == ExerciseStatus.NOT_STARTED) {
                String first = e.firstFailure().map(TestScore::failure).orElse("");
                out.append("  ").append(e.id()).append(" not started: ").append(first).append('\n');
                continue;
            }
            if (e.possible() == 0) {
                out.append("  ").append(e.id()).append(": the grader has no test that ran\n");
            }
            for (TestScore t : e.tests()) {
                if (t.failed()) {
                    out.append("  ").append(e.id()).append(' ').append(t.test().displayName())
                            .append(" (").append(t.test().points()).append(t.test().points() == 1 ? " point)" : " points)")
                            .append('\n').append("       ").append(style.red(t.failure())).append('\n');
                }
            }
        }
    }

    private static void appendNextHint(List<ExerciseScore> exercises, Style style, StringBuilder out) {
        Optional<ExerciseScore> first = exercises.stream().filter(e -> !e.fullMarks()).findFirst();
        if (first.isEmpty()) {
            out.append('\n').append(style.green("Full marks on everything graded.")).append('\n');
            return;
        }
        ExerciseScore e = first.get();
        out.append('\n');
        if (!e.compiled()) {
            out.append(style.bold("Next: ")).append("make ").append(e.id())
                    .append(" compile (the first error is at ").append(e.compileProblems().get(0).file())
                    .append(e.compileProblems().get(0).line() > 0 ? ":" + e.compileProblems().get(0).line() : "")
                    .append(").\n");
            return;
        }
        e.firstFailure().ifPresent(t -> out.append(style.bold("Next hint (" + e.id() + " "
                + t.test().displayName() + "): ")).append(t.test().hint().isEmpty() ? "(this test has no hint)"
                : t.test().hint()).append('\n'));
    }
}
