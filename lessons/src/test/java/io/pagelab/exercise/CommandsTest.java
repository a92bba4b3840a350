package io.pagelab.exercise;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.cli.GradeCommand;
import io.pagelab.cli.QuestionsCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code pagelab grade} and {@code pagelab questions} on the toy exercises. */
class CommandsTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final StringWriter usageErrors = new StringWriter();

    private int grade(ToyLab lab, String... args) {
        CommandLine cli = new CommandLine(new GradeCommand(lab::exercises,
                new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8), Style.plain()));
        cli.setErr(new PrintWriter(usageErrors, true));
        return cli.execute(args);
    }

    private int questions(ToyLab lab, String... args) {
        CommandLine cli = new CommandLine(new QuestionsCommand(lab::exercises,
                new PrintStream(stdout, true, StandardCharsets.UTF_8), Style.plain()));
        cli.setErr(new PrintWriter(usageErrors, true));
        return cli.execute(args);
    }

    private String out() {
        return stdout.toString(StandardCharsets.UTF_8);
    }

    private String lastLine() {
        String[] lines = out().split("\\R");
        return lines[lines.length - 1];
    }

    @Test
    void firstGradeCreatesTheWorkspaceAndScoresTheStubsZero() {
        ToyLab lab = ToyLab.create(dir);

        int exit = grade(lab, "t01");

        assertThat(exit).isEqualTo(1);
        assertThat(dir.resolve("workspace/t01/PageMath.java")).exists();
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("created workspace/t01/PageMath.java")
                .contains("[1/1] t01 ");
        assertThat(out()).contains("not started: not implemented yet — edit workspace/t01/PageMath.java");
        assertThat(lastLine()).isEqualTo("0 passed, 3 failed");
        assertThat(dir.resolve("workspace/grade-report.json")).exists();
    }

    @Test
    void referenceGradingScoresFullMarksAndExitsZero() {
        ToyLab lab = ToyLab.create(dir);

        int exit = grade(lab, "--reference", "t01");

        assertThat(exit).isZero();
        assertThat(lastLine()).isEqualTo("3 passed, 0 failed");
        assertThat(out()).contains("report: target/grade-report-reference.json");
        assertThat(dir.resolve("workspace")).doesNotExist();
    }

    @Test
    void unknownIdIsAUsageErrorInPlainWords() {
        ToyLab lab = ToyLab.create(dir);

        int exit = grade(lab, "q99");

        assertThat(exit).isEqualTo(2);
        assertThat(usageErrors.toString()).contains("there is no exercise 'q99'");
    }

    @Test
    void questionsShowsStatusFromTheLastWorkspaceReport() throws Exception {
        ToyLab lab = ToyLab.create(dir, QuestionsCommand.CATALOG);
        Files.createDirectories(dir.resolve("workspace/t01"));
        Files.copy(ToyLab.FIXTURE.resolve("variants/wrong.java"), dir.resolve("workspace/t01/PageMath.java"));
        grade(lab, "t01");
        stdout.reset();

        int exit = questions(lab);

        assertThat(exit).isZero();
        // wrong.java earns pfnDown's 1 point of 6 (see GradingTest)
        assertThat(out()).contains(" t01  boot          F     1/6 partial         页帧号如何计算？  How are page frame numbers computed?")
                .contains(" t02  boot          F     not attempted");
    }

    @Test
    void questionsRefusesAnUnknownTopicListingTheKnownOnes() {
        ToyLab lab = ToyLab.create(dir, QuestionsCommand.CATALOG);

        int exit = questions(lab, "--topic", "nope");

        assertThat(exit).isEqualTo(2);
        assertThat(usageErrors.toString()).contains("there is no topic 'nope': topics are boot");
    }

    @Test
    void helpDescribesTheCommandInBothLanguages() {
        ToyLab lab = ToyLab.create(dir);
        StringWriter help = new StringWriter();
        CommandLine cli = new CommandLine(new GradeCommand(lab::exercises, System.out, System.err, Style.plain()));
        cli.setOut(new PrintWriter(help, true));

        assertThat(cli.execute("--help")).isZero();
        assertThat(help.toString()).contains("--reference").contains("评分");
    }
}
