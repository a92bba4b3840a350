package io.pagelab.exercise;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Run in a JVM of its own by {@link EndlessLoopTest}: grades the toy solution whose pfnUp never
 * returns, with a 300 ms timeout, prints the table and returns from main without System.exit.
 * The JVM must then exit by itself although three grader threads are still spinning.
 */
public final class EndlessLoopMain {
    private EndlessLoopMain() {
    }

    public static void main(String[] args) {
        ToyLab lab = ToyLab.create(Path.of(args[0])).withWorkspaceVariant("loops");
        GradeReport report = new Grading(lab.exercises(), new ConsoleProgress(System.err)).grade(
                new GradeRequest(List.of("t01"), SourceSet.WORKSPACE, Duration.ofMillis(300), Optional.empty()));
        System.out.print(ScoreTable.render(report, Style.plain()));
        System.out.println(report.summaryLine());
    }
}
