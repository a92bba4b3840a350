package io.pagelab.exercise;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    @Test
    void ensureCopiesEachStubFlatIntoTheExercisesWorkspaceDirectory() throws Exception {
        ToyLab lab = ToyLab.create(dir);

        List<Path> created = Workspace.ensure(lab.home(), lab.exercises().executable(), out);

        assertThat(created).containsExactly(dir.resolve("workspace/t01/PageMath.java"),
                dir.resolve("workspace/t02/Counter.java"));
        assertThat(Files.readString(created.get(0)))
                .isEqualTo(Files.readString(dir.resolve("stubs/io/pagelab/fixture/t01/PageMath.java")));
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("created workspace/t01/PageMath.java from the stub");
    }

    @Test
    void ensureNeverOverwritesTheLearnersFile() throws Exception {
        ToyLab lab = ToyLab.create(dir);
        Path mine = dir.resolve("workspace/t01/PageMath.java");
        Files.createDirectories(mine.getParent());
        Files.writeString(mine, "// my work");

        List<Path> created = Workspace.ensure(lab.home(), lab.exercises().executable(), out);

        assertThat(mine).hasContent("// my work");
        assertThat(created).containsExactly(dir.resolve("workspace/t02/Counter.java"));
    }

    @Test
    void secondEnsureCreatesNothing() {
        ToyLab lab = ToyLab.create(dir);
        Workspace.ensure(lab.home(), lab.exercises().executable(), out);

        assertThat(Workspace.ensure(lab.home(), lab.exercises().executable(), out)).isEmpty();
    }

    @Test
    void todoNamesTheWorkspaceFileToEdit() {
        assertThat(new Todo("q05/E820Sanitizer.java"))
                .hasMessage("not implemented yet — edit workspace/q05/E820Sanitizer.java");
    }
}
