package io.pagelab.exercise;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A repository in miniature for the pipeline tests: {@code <home>/stubs} and {@code <home>/reference}
 * copied from {@code src/test/resources/fixture}, and the fixture graders compiled (with the
 * reference beside them, as Maven does in interview-q) into {@code target/fixture-graders-*}, once
 * per JVM.
 */
final class ToyLab {
    static final Path FIXTURE = resource("/fixture");
    private static Path graderClasses;

    private final Path home;
    private final Exercises exercises;

    private ToyLab(Path home, String catalogName) {
        this.home = home;
        this.exercises = Exercises.of(home, List.of(new ToyCatalog(catalogName)),
                GraderScanner.scan(List.of(graderClasses())));
    }

    /** A fresh lab in {@code dir}. */
    static ToyLab create(Path dir) {
        return create(dir, "toy");
    }

    /** A fresh lab in {@code dir} whose catalog is called {@code catalogName}. */
    static ToyLab create(Path dir, String catalogName) {
        copyTree(FIXTURE.resolve("stubs"), dir.resolve("stubs"));
        copyTree(FIXTURE.resolve("reference"), dir.resolve("reference"));
        return new ToyLab(dir, catalogName);
    }

    Path home() {
        return home;
    }

    Exercises exercises() {
        return exercises;
    }

    Exercise exercise(String id) {
        return exercises.find(id).orElseThrow();
    }

    /** Puts {@code variants/<name>.java} in the workspace as the learner's t01 PageMath.java. */
    ToyLab withWorkspaceVariant(String name) {
        try {
            Path target = Workspace.exerciseDir(home, "t01").resolve("PageMath.java");
            Files.createDirectories(target.getParent());
            Files.copy(FIXTURE.resolve("variants").resolve(name + ".java"), target, StandardCopyOption.REPLACE_EXISTING);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fixture graders and references, compiled once per JVM. */
    static synchronized Path graderClasses() {
        if (graderClasses == null) {
            Path out;
            try {
                Path target = Files.createDirectories(Path.of("target").toAbsolutePath());
                out = Files.createTempDirectory(target, "fixture-graders-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Path created = out;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(created)));
            List<Path> sources = Stream.of("graders", "reference")
                    .flatMap(d -> javaFiles(FIXTURE.resolve(d)).stream()).collect(Collectors.toList());
            CompileResult result = new ExerciseCompiler(ExerciseCompiler.classPathWithout(Set.of()), out)
                    .compile(sources, out);
            if (!result.ok()) {
                throw new IllegalStateException("fixture graders do not compile: " + result.problems());
            }
            graderClasses = out;
        }
        return graderClasses;
    }

    private static List<Path> javaFiles(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copyTree(Path from, Path to) {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort, at JVM exit
        }
    }

    private static Path resource(String name) {
        try {
            return Path.of(ToyLab.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
