package io.pagelab.cli;

import io.pagelab.exercise.ConsoleProgress;
import io.pagelab.exercise.Exercise;
import io.pagelab.exercise.Exercises;
import io.pagelab.exercise.GradeReport;
import io.pagelab.exercise.GradeRequest;
import io.pagelab.exercise.Grading;
import io.pagelab.exercise.PagelabHome;
import io.pagelab.exercise.ScoreTable;
import io.pagelab.exercise.SourceSet;
import io.pagelab.exercise.Style;
import io.pagelab.exercise.UnknownExerciseException;
import io.pagelab.exercise.Workspace;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pagelab grade [ids...] [--reference | --stubs] [--json FILE] [--timeout SECONDS]}: compiles
 * the learner's code in {@code workspace/} (created from the stubs on first use, never overwritten),
 * runs the graders and prints the score table; progress goes to stderr. The last line is
 * {@code N passed, N failed}; the exit code is 0 only when everything graded scored full marks.
 */
@Command(name = "grade", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Grade your exercise code in workspace/ and print a score table, failures and the next hint.",
            "给你在 workspace/ 中的练习代码评分：得分表、失败原因和下一条提示。"},
        footer = {"", "Exit status: 0 when every exercise graded scored full marks, 1 otherwise, 2 on a usage error.",
            "Your scores are kept in workspace/grade-report.json; `pagelab questions` shows them."})
public final class GradeCommand implements Callable<Integer> {
    @Parameters(paramLabel = "ID", arity = "0..*",
            description = "Exercises to grade: q05 (or 5), l01... Default: every exercise that has a grader.")
    private List<String> ids = new ArrayList<>();

    @Option(names = "--reference",
            description = "Grade the reference solutions instead of your workspace (teachers: expect full marks).")
    private boolean reference;

    @Option(names = "--stubs", description = "Grade the untouched stubs (maintainers: expect zero).")
    private boolean stubs;

    @Option(names = "--json", paramLabel = "FILE",
            description = "Write the JSON report here (default: workspace/grade-report.json for your code, "
                    + "target/grade-report-<reference|stubs>.json otherwise).")
    private Path json;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "Time limit per test; a test still running after it fails (default: ${DEFAULT-VALUE}).")
    private int timeoutSeconds;

    @Spec
    private CommandSpec spec;

    private final Supplier<Exercises> exercises;
    private final PrintStream out;
    private final PrintStream err;
    private final Style style;

    /** For picocli: the repository from {@code -Dpagelab.home}, UTF-8 stdout/stderr, colour if a terminal. */
    public GradeCommand() {
        this(() -> Exercises.load(PagelabHome.resolve()), new PrintStream(System.out, true, StandardCharsets.UTF_8),
                new PrintStream(System.err, true, StandardCharsets.UTF_8), Style.detect());
    }

    /**
     * For tests and embedding: the exercises (loaded when the command runs, so {@code --help} stays
     * quick), streams and style.
     */
    public GradeCommand(Supplier<Exercises> exercises, PrintStream out, PrintStream err, Style style) {
        this.exercises = exercises;
        this.out = out;
        this.err = err;
        this.style = style;
    }

    @Override
    public Integer call() {
        if (reference && stubs) {
            throw new ParameterException(spec.commandLine(), "choose one of --reference and --stubs, not both");
        }
        if (timeoutSeconds < 1) {
            throw new ParameterException(spec.commandLine(),
                    "--timeout " + timeoutSeconds + " is not allowed: give at least 1 second");
        }
        SourceSet source = reference ? SourceSet.REFERENCE : stubs ? SourceSet.STUBS : SourceSet.WORKSPACE;
        Exercises all = exercises.get();
        Path home = all.home();
        List<Exercise> selected;
        try {
            selected = all.selectExecutable(ids);
        } catch (UnknownExerciseException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (source == SourceSet.WORKSPACE) {
            Workspace.ensure(home, selected, err);
        }
        Path report = json != null ? json.toAbsolutePath() : defaultReport(home, source);
        GradeReport result;
        try {
            result = new Grading(all, new ConsoleProgress(err)).grade(new GradeRequest(ids, source,
                    Duration.ofSeconds(timeoutSeconds), Optional.of(report)));
        } catch (IllegalStateException e) {
            err.println("pagelab grade: " + e.getMessage());
            return 2;
        }
        out.print(ScoreTable.render(result, style));
        out.println();
        out.println("report: " + (report.startsWith(home) ? home.relativize(report) : report));
        out.println(result.summaryLine());
        out.flush();
        return result.allFullMarks() ? 0 : 1;
    }

    private static Path defaultReport(Path home, SourceSet source) {
        return source == SourceSet.WORKSPACE ? Workspace.reportFile(home)
                : home.resolve("target").resolve("grade-report-" + source.label() + ".json");
    }
}
