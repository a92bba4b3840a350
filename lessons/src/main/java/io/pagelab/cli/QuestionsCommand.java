package io.pagelab.cli;

import io.pagelab.exercise.Exercise;
import io.pagelab.exercise.ExerciseCatalog;
import io.pagelab.exercise.ExerciseInfo;
import io.pagelab.exercise.ExerciseScore;
import io.pagelab.exercise.ExerciseStatus;
import io.pagelab.exercise.Exercises;
import io.pagelab.exercise.GradeReport;
import io.pagelab.exercise.GradeReportJson;
import io.pagelab.exercise.PagelabHome;
import io.pagelab.exercise.Style;
import io.pagelab.exercise.TextWidth;
import io.pagelab.exercise.Workspace;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code pagelab questions [--topic X] [--long]}: the 59 interview questions with their titles in
 * Chinese and English, topic, issue part, and status: "not yet executable" (no grader yet),
 * "not attempted", or the learner's last score from {@code workspace/grade-report.json}.
 */
@Command(name = "questions", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"List the 59 interview questions with your status on each.",
            "列出59个面试题（59问：内存管理）及你的完成情况。"},
        footer = {"", "Grade one with `pagelab grade q05` (your code is in workspace/q05/)."})
public final class QuestionsCommand implements Callable<Integer> {
    /** The catalog this command lists (provided by the interview-q module). */
    public static final String CATALOG = "interview-q";

    private static final int TOPIC = 14;
    private static final int STATUS = 20;

    @Option(names = "--topic", paramLabel = "TOPIC", description = "Only questions on this topic (boot, paging, buddy, slab...).")
    private String topic;

    @Option(names = {"-l", "--long"}, description = "Also show what you implement for each question.")
    private boolean longFormat;

    @Spec
    private CommandSpec spec;

    private final Supplier<Exercises> exercises;
    private final PrintStream out;
    private final Style style;

    /** For picocli: the repository from {@code -Dpagelab.home}, UTF-8 stdout, colour if a terminal. */
    public QuestionsCommand() {
        this(() -> Exercises.load(PagelabHome.resolve()), new PrintStream(System.out, true, StandardCharsets.UTF_8),
                Style.detect());
    }

    /** For tests and embedding: the exercises (loaded when the command runs), stream and style. */
    public QuestionsCommand(Supplier<Exercises> exercises, PrintStream out, Style style) {
        this.exercises = exercises;
        this.out = out;
        this.style = style;
    }

    @Override
    public Integer call() {
        Exercises all = exercises.get();
        Optional<ExerciseCatalog> catalog = all.catalogs().stream().filter(c -> c.name().equals(CATALOG)).findFirst();
        if (catalog.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "the interview questions are not on the class path: "
                    + "build them with `mvn -B -pl interview-q -am test` and run ./pagelab again");
        }
        List<Exercise> questions = all.inCatalog(CATALOG);
        if (topic != null) {
            TreeSet<String> topics = questions.stream().map(q -> q.info().topic())
                    .collect(Collectors.toCollection(TreeSet::new));
            if (!topics.contains(topic)) {
                throw new ParameterException(spec.commandLine(), "there is no topic '" + topic + "': topics are "
                        + String.join(", ", topics));
            }
            questions = questions.stream().filter(q -> q.info().topic().equals(topic)).collect(Collectors.toList());
        }
        Optional<GradeReport> report = GradeReportJson.read(Workspace.reportFile(all.home()));
        long executable = questions.stream().filter(Exercise::executable).count();
        out.println(style.bold(catalog.get().title()) + "  (" + questions.size() + " listed, " + executable
                + " executable)");
        out.println();
        out.println(style.bold((" " + TextWidth.padRight("id", 4) + " " + TextWidth.padRight("topic", TOPIC)
                + TextWidth.padRight("part", 6) + TextWidth.padRight("status", STATUS) + "question").stripTrailing()));
        for (Exercise q : questions) {
            ExerciseInfo info = q.info();
            out.println(" " + TextWidth.padRight(info.id(), 4) + " " + TextWidth.padRight(info.topic(), TOPIC)
                    + TextWidth.padRight(info.part(), 6) + status(q, report) + info.titleZh() + "  " + info.titleEn());
            if (longFormat && !info.task().isEmpty()) {
                out.println(" ".repeat(5 + TOPIC + 6 + STATUS) + style.dim("you implement: " + info.task()));
            }
        }
        out.println();
        out.println("Grade one with: ./pagelab grade <id>   (your code: workspace/<id>/)");
        out.flush();
        return 0;
    }

    private String status(Exercise q, Optional<GradeReport> report) {
        if (!q.executable()) {
            return style.dim(TextWidth.padRight("not yet executable", STATUS));
        }
        Optional<ExerciseScore> last = report.flatMap(r -> r.exercise(q.id()));
        if (last.isEmpty()) {
            return TextWidth.padRight("not attempted", STATUS);
        }
        ExerciseScore score = last.get();
        String words = score.status() == ExerciseStatus.DOES_NOT_COMPILE ? "does not compile"
                : score.earned() + "/" + score.possible() + " " + score.status().words();
        return style.status(score.status(), TextWidth.padRight(words, STATUS));
    }
}
