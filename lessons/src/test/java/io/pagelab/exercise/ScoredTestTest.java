package io.pagelab.exercise;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoredTestTest {
    @TempDir
    Path dir;

    @Test
    void graderTestsAreListedInTheOrderTheyAreWritten() {
        GraderClass grader = ToyLab.create(dir).exercise("t01").graders().get(0);

        List<ScoredTest> tests = ScoredTest.of(grader.type());

        // PageMathGrader.java declares them in this order, worth 1, 2 and 3 points
        assertThat(tests).extracting(ScoredTest::method).containsExactly("pfnDownDropsTheOffset",
                "pfnUpRoundsUpToTheNextFrame", "framesSpannedCountsPartialFrames");
        assertThat(tests).extracting(ScoredTest::points).containsExactly(1, 2, 3);
        assertThat(tests.get(0).displayName()).isEqualTo("PageMathGrader.pfnDownDropsTheOffset");
    }

    @Test
    void missingPointsCountOneAndAreFlagged() {
        ScoredTest test = new ScoredTest("a.B", "c", 1, "", false, false);

        assertThat(test.points()).isEqualTo(1);
        assertThat(test.hasPoints()).isFalse();
    }

    @Test
    void graderIsFoundByItsAnnotationWithTheDirectoryItCameFrom() {
        ToyLab lab = ToyLab.create(dir);

        assertThat(GraderScanner.scan(List.of(ToyLab.graderClasses())))
                .extracting(GraderClass::exerciseId, GraderClass::simpleName)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("t01", "PageMathGrader"),
                        org.assertj.core.groups.Tuple.tuple("t02", "CounterGrader"));
        assertThat(lab.exercise("t01").graders().get(0).root()).isEqualTo(ToyLab.graderClasses());
    }
}
