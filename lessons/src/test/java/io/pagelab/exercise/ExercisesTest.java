package io.pagelab.exercise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExercisesTest {
    @TempDir
    Path dir;

    @Test
    void idsAreNormalisedToTheCatalogsSpelling() {
        assertThat(Exercises.normalize("Q5")).isEqualTo("q05");
        assertThat(Exercises.normalize("5")).isEqualTo("q05");
        assertThat(Exercises.normalize("q59")).isEqualTo("q59");
        assertThat(Exercises.normalize("l1")).isEqualTo("l01");
    }

    @Test
    void unknownIdIsRefusedInPlainWordsListingWhatCanBeGraded() {
        ToyLab lab = ToyLab.create(dir);

        assertThatThrownBy(() -> lab.exercises().selectExecutable(List.of("t01", "x99")))
                .isInstanceOf(UnknownExerciseException.class)
                .hasMessage("there is no exercise 'x99' (ids look like q05 or l01). Exercises you can grade: "
                        + "t01 t02 (`pagelab questions` lists them all).");
    }

    @Test
    void exerciseWithoutAGraderIsNotExecutable() {
        Exercises exercises = Exercises.of(dir, List.of(new ToyCatalog()), List.of());

        assertThat(exercises.all()).extracting(Exercise::executable).containsExactly(false, false);
        assertThatThrownBy(() -> exercises.selectExecutable(List.of("t01")))
                .hasMessageStartingWith("t01 is not executable yet: it has no grader");
    }

    @Test
    void emptySelectionMeansEveryExecutableExercise() {
        ToyLab lab = ToyLab.create(dir);

        assertThat(lab.exercises().selectExecutable(List.of())).extracting(Exercise::id).containsExactly("t01", "t02");
    }

    @Test
    void graderForAnIdNoCatalogListsIsAnOrphan() {
        List<GraderClass> graders = GraderScanner.scan(List.of(ToyLab.graderClasses()));

        Exercises exercises = Exercises.of(dir, List.of(), graders);

        assertThat(exercises.orphanGraders()).hasSize(2);
        assertThat(exercises.all()).isEmpty();
    }

    @Test
    void exerciseSourcesAreTheJavaFilesOfItsPackageDirectory() {
        ToyLab lab = ToyLab.create(dir);
        Exercise t01 = lab.exercise("t01");

        assertThat(t01.stubFiles(lab.home()))
                .containsExactly(dir.resolve("stubs/io/pagelab/fixture/t01/PageMath.java"));
        assertThat(t01.workspaceDir(lab.home())).isEqualTo(dir.resolve("workspace/t01"));
    }
}
