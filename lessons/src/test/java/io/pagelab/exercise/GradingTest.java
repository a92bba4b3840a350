package io.pagelab.exercise;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline on toy exercise t01 (fixture: src/test/resources/fixture). Its grader has three
 * tests worth 1 + 2 + 3 = 6 points: pfnDown (1), pfnUp over three addresses (2), framesSpanned (3).
 */
class GradingTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private ExerciseScore grade(ToyLab lab, SourceSet source) {
        return new Grading(lab.exercises()).grade(lab.exercise("t01"), source, TIMEOUT);
    }

    private static TestScore test(ExerciseScore score, String method) {
        return score.tests().stream().filter(t -> t.test().method().equals(method)).findFirst().orElseThrow();
    }

    @Test
    void untouchedStubScoresZeroWithEveryTestFailingOnItsTodo() {
        ToyLab lab = ToyLab.create(dir);
        // the compiled reference PageMath sits beside the grader: binding to it would score 6
        assertThat(ToyLab.graderClasses().resolve("io/pagelab/fixture/t01/PageMath.class")).exists();

        ExerciseScore score = grade(lab, SourceSet.STUBS);

        assertThat(score.earned()).isZero();
        assertThat(score.possible()).isEqualTo(6);
        assertThat(score.tests()).hasSize(3).allMatch(TestScore::failed).allMatch(TestScore::todo);
        assertThat(score.status()).isEqualTo(ExerciseStatus.NOT_STARTED);
        assertThat(score.tests().get(0).failure())
                .isEqualTo("not implemented yet — edit workspace/t01/PageMath.java");
    }

    @Test
    void referenceScoresFullMarks() {
        ExerciseScore score = grade(ToyLab.create(dir), SourceSet.REFERENCE);

        assertThat(score.earned()).isEqualTo(6);
        assertThat(score.fullMarks()).isTrue();
        assertThat(score.status()).isEqualTo(ExerciseStatus.FULL_MARKS);
    }

    @Test
    void wrongSolutionScoresPartialAndItsFirstFailureCarriesThatTestsHint() {
        // wrong.java: pfnUp(addr) = addr >> 12, so pfnUp(4097) is 1 instead of 2 and
        // framesSpanned(0xfff, 2) = pfnUp(0x1001) - pfnDown(0xfff) = 1 - 0 instead of 2; pfnDown is right
        ExerciseScore score = grade(ToyLab.create(dir).withWorkspaceVariant("wrong"), SourceSet.WORKSPACE);

        assertThat(score.earned()).isEqualTo(1);
        assertThat(score.status()).isEqualTo(ExerciseStatus.PARTIAL);
        TestScore first = score.firstFailure().orElseThrow();
        assertThat(first.test().method()).isEqualTo("pfnUpRoundsUpToTheNextFrame");
        assertThat(first.test().hint()).isEqualTo("PFN_UP rounds up: add PAGE_SIZE - 1 before shifting.");
        assertThat(first.failure()).contains("pfnUp(4097)").contains("expected: 2").doesNotContain("\n");
    }

    @Test
    void parameterizedTestEarnsItsPointsOnlyWhenEveryInvocationPasses() {
        // with wrong.java, pfnUp(0) = 0 and pfnUp(4096) = 1 are right, pfnUp(4097) is not
        ExerciseScore score = grade(ToyLab.create(dir).withWorkspaceVariant("wrong"), SourceSet.WORKSPACE);

        TestScore pfnUp = test(score, "pfnUpRoundsUpToTheNextFrame");
        assertThat(pfnUp.failed()).isTrue();
        assertThat(pfnUp.earned()).isZero();
        assertThat(pfnUp.possible()).isEqualTo(2);
    }

    @Test
    void stackOverflowInLearnerCodeFailsOnlyTheTestThatRecurses() {
        // overflows.java: pfnDown calls itself forever; pfnUp and framesSpanned do not use it
        ExerciseScore score = grade(ToyLab.create(dir).withWorkspaceVariant("overflows"), SourceSet.WORKSPACE);

        TestScore pfnDown = test(score, "pfnDownDropsTheOffset");
        assertThat(pfnDown.failed()).isTrue();
        assertThat(pfnDown.failure()).startsWith("stack overflow (StackOverflowError) at PageMath.java:11");
        assertThat(score.earned()).isEqualTo(2 + 3);
    }

    @Test
    void compileErrorIsReportedInPlainWordsWithFileAndLineAndScoresZero() {
        // broken.java line 15 names `adr`, which is not declared
        ExerciseScore score = grade(ToyLab.create(dir).withWorkspaceVariant("broken"), SourceSet.WORKSPACE);

        assertThat(score.status()).isEqualTo(ExerciseStatus.DOES_NOT_COMPILE);
        assertThat(score.earned()).isZero();
        assertThat(score.failedTests()).isEqualTo(3);
        CompileProblem problem = score.compileProblems().get(0);
        assertThat(problem.file()).isEqualTo("workspace/t01/PageMath.java");
        assertThat(problem.line()).isEqualTo(15);
        assertThat(problem.message()).startsWith("cannot find symbol").contains("adr").doesNotContain("\n");
    }

    @Test
    void oneExerciseThatDoesNotCompileLeavesTheOthersGraded() throws Exception {
        ToyLab lab = ToyLab.create(dir).withWorkspaceVariant("broken");
        Path t02 = Workspace.exerciseDir(lab.home(), "t02");
        Files.createDirectories(t02);
        Files.copy(lab.home().resolve("reference/io/pagelab/fixture/t02/Counter.java"), t02.resolve("Counter.java"));

        GradeReport report = new Grading(lab.exercises()).grade(GradeRequest.of(SourceSet.WORKSPACE, List.of("t01", "t02")));

        assertThat(report.exercises().stream().map(e -> e.status()).collect(Collectors.toList()))
                .containsExactly(ExerciseStatus.DOES_NOT_COMPILE, ExerciseStatus.FULL_MARKS);
        // t01: 3 tests not run; t02: 3 tests pass
        assertThat(report.summaryLine()).isEqualTo("3 passed, 3 failed");
        assertThat(report.allFullMarks()).isFalse();
    }

    @Test
    void learnerRunWritesTheJsonReportAndKeepsEarlierExercises() throws Exception {
        ToyLab lab = ToyLab.create(dir).withWorkspaceVariant("wrong");
        Path t02 = Workspace.exerciseDir(lab.home(), "t02");
        Files.createDirectories(t02);
        Files.copy(lab.home().resolve("reference/io/pagelab/fixture/t02/Counter.java"), t02.resolve("Counter.java"));
        Path report = Workspace.reportFile(lab.home());
        Grading grading = new Grading(lab.exercises());

        grading.grade(GradeRequest.of(SourceSet.WORKSPACE, List.of("t02")).withJsonReport(report));
        grading.grade(GradeRequest.of(SourceSet.WORKSPACE, List.of("t01")).withJsonReport(report));

        GradeReport read = GradeReportJson.read(report).orElseThrow();
        assertThat(read.exercises()).extracting(ExerciseScore::id).containsExactly("t02", "t01");
        assertThat(read.exercise("t01").orElseThrow().earned()).isEqualTo(1);
        assertThat(read.exercise("t02").orElseThrow().status()).isEqualTo(ExerciseStatus.FULL_MARKS);
    }
}
