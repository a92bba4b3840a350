package io.pagelab.exercise;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One exercise as the runner sees it: the catalog's facts, where its sources live, and the grader
 * classes found for it. Source directories are flat: every {@code *.java} directly inside is part
 * of the exercise.
 *
 * <pre>
 * stubs      &lt;home&gt;/&lt;stubRoot&gt;/io/pagelab/questions/q05/E820Sanitizer.java
 * reference  &lt;home&gt;/&lt;referenceRoot&gt;/io/pagelab/questions/q05/E820Sanitizer.java
 * workspace  &lt;home&gt;/workspace/q05/E820Sanitizer.java   (the learner's copy)
 * </pre>
 *
 * @param info          the catalog entry
 * @param catalog       the catalog's name
 * @param stubRoot      the catalog's stub root, relative to the repository root
 * @param referenceRoot the catalog's reference root, relative to the repository root
 * @param graders       grader classes with this id (empty: not executable yet)
 */
public record Exercise(ExerciseInfo info, String catalog, Path stubRoot, Path referenceRoot,
                       List<GraderClass> graders) {
    public Exercise {
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(catalog, "catalog");
        Objects.requireNonNull(stubRoot, "stubRoot");
        Objects.requireNonNull(referenceRoot, "referenceRoot");
        graders = List.copyOf(graders);
        for (GraderClass grader : graders) {
            checkArgument(grader.exerciseId().equals(info.id()), "grader %s is for %s, not %s",
                    grader.className(), grader.exerciseId(), info.id());
        }
    }

    public String id() {
        return info.id();
    }

    /** True when at least one grader exists: only then can the exercise be graded. */
    public boolean executable() {
        return !graders.isEmpty();
    }

    /** {@code io/pagelab/questions/q05} */
    public Path packagePath() {
        return Path.of(info.packageName().replace('.', '/'));
    }

    public Path stubDir(Path home) {
        return home.resolve(stubRoot).resolve(packagePath());
    }

    public Path referenceDir(Path home) {
        return home.resolve(referenceRoot).resolve(packagePath());
    }

    public Path workspaceDir(Path home) {
        return Workspace.exerciseDir(home, id());
    }

    public Path sourceDir(SourceSet set, Path home) {
        switch (set) {
            case WORKSPACE:
                return workspaceDir(home);
            case STUBS:
                return stubDir(home);
            case REFERENCE:
                return referenceDir(home);
            default:
                throw new AssertionError(set);
        }
    }

    /** The pristine stub files, sorted; empty when the stub directory does not exist. */
    public List<Path> stubFiles(Path home) {
        return javaFiles(stubDir(home));
    }

    /** The {@code *.java} files of one source set, sorted; empty when its directory is missing. */
    public List<Path> sourceFiles(SourceSet set, Path home) {
        return javaFiles(sourceDir(set, home));
    }

    static List<Path> javaFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".java"))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }
}
