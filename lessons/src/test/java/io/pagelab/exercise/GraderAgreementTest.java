package io.pagelab.exercise;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GraderAgreementTest {
    @TempDir
    Path dir;

    @Test
    void soundGraderHasNoDefects() {
        ToyLab lab = ToyLab.create(dir);

        assertThat(GraderAgreement.defects(lab.exercises(), lab.exercise("t01"))).isEmpty();
    }

    @Test
    void graderTestThatPassesOnTheStubIsADefect() {
        ToyLab lab = ToyLab.create(dir);

        // CounterGrader.aCounterCanBeCreated only constructs a Counter, which the stub can do
        assertThat(GraderAgreement.defects(lab.exercises(), lab.exercise("t02")))
                .anyMatch(d -> d.contains("CounterGrader.aCounterCanBeCreated does not fail on the untouched stub"));
    }

    @Test
    void graderTestWithoutAHintIsADefect() {
        ToyLab lab = ToyLab.create(dir);

        assertThat(GraderAgreement.annotationDefects(lab.exercise("t02")))
                .containsExactly("t02: CounterGrader.secondValueIsTwo has no @Hint");
    }

    @Test
    void missingReferenceSolutionIsADefect() throws Exception {
        ToyLab lab = ToyLab.create(dir);
        Files.delete(lab.home().resolve("reference/io/pagelab/fixture/t01/PageMath.java"));

        assertThat(GraderAgreement.defects(lab.exercises(), lab.exercise("t01")))
                .containsExactly("t01: no reference solution in reference/io/pagelab/fixture/t01");
    }
}
