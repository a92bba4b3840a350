package io.pagelab.exercise;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON report, the score table, colour and column widths. */
class ReportOutputTest {
    private static final Instant NOON = Instant.parse("2025-11-25T12:00:00Z");

    private static GradeReport sampleReport() {
        ScoredTest down = new ScoredTest("io.pagelab.fixture.t01.PageMathGrader", "pfnDown", 1, "shift right", true, true);
        ScoredTest up = new ScoredTest("io.pagelab.fixture.t01.PageMathGrader", "pfnUp", 2, "round \"up\"\nfirst", true, true);
        ExerciseScore t01 = new ExerciseScore("t01", "页帧号如何计算？", "How are page frame numbers computed?",
                SourceSet.WORKSPACE, List.of(),
                List.of(TestScore.passed(down), TestScore.failed(up, "[pfnUp(4097)] expected: 2 but was: 1", false)),
                NOON);
        ExerciseScore t02 = new ExerciseScore("t02", "计数器", "A counter", SourceSet.WORKSPACE,
                List.of(new CompileProblem("workspace/t02/Counter.java", 7, "';' expected")),
                List.of(TestScore.failed(down, "not run: the exercise does not compile", false)), NOON);
        return new GradeReport(SourceSet.WORKSPACE, NOON, List.of(t01, t02));
    }

    @Test
    void jsonReportReadsBackToTheSameReport() {
        GradeReport report = sampleReport();

        assertThat(GradeReportJson.fromJson(GradeReportJson.toJson(report))).isEqualTo(report);
    }

    @Test
    void jsonReportCarriesTotalsAndStatusWords() {
        String json = GradeReportJson.toJson(sampleReport());

        Map<?, ?> root = (Map<?, ?>) Json.parse(json);
        assertThat(root.get("passed")).isEqualTo(1L);
        assertThat(root.get("failed")).isEqualTo(2L);
        assertThat(json).contains("\"status\": \"partial\"").contains("\"status\": \"does not compile\"")
                .contains("\"hint\": \"round \\\"up\\\"\\nfirst\"");
    }

    @Test
    void scoreTableShowsPointsStatusAndFirstFailingHintWithoutColourWhenPlain() {
        String table = ScoreTable.render(sampleReport(), Style.plain());

        assertThat(table).doesNotContain("\u001b[")
                .contains(" t01  页帧号如何计算？ How are page frame numbers…     1/3  partial         round \"up\"")
                .contains("workspace/t02/Counter.java:7: ';' expected")
                .contains("[pfnUp(4097)] expected: 2 but was: 1")
                .contains("Next hint (t01 PageMathGrader.pfnUp): round \"up\"");
    }

    @Test
    void colourOnlyOnATerminalAndNeverWithNoColour() {
        assertThat(Style.detect(true, Map.of()).isColour()).isTrue();
        assertThat(Style.detect(false, Map.of()).isColour()).isFalse();
        // pagelab's rule (the issue): NO_COLOR set to any value, even the empty string, turns colour off
        assertThat(Style.detect(true, Map.of("NO_COLOR", "")).isColour()).isFalse();
    }

    @Test
    void chineseCharactersTakeTwoColumns() {
        // 页帧号如何计算 is 7 ideographs and ？ is U+FF1F FULLWIDTH QUESTION MARK: 8 wide characters
        assertThat(TextWidth.of("页帧号如何计算？")).isEqualTo(16);
        assertThat(TextWidth.of("e820")).isEqualTo(4);
        assertThat(TextWidth.truncate("页帧号如何", 6)).isEqualTo("页帧…");
    }

    @Test
    void assertjMessagesAreCompactedOntoOneLine() {
        assertThat(FailureMessage.compact("[free pages] \nexpected: 5\n but was: 4\nmore"))
                .isEqualTo("[free pages] expected: 5 but was: 4");
    }
}
