package io.pagelab.exercise;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The grading pipeline: for each exercise, compile the chosen sources (workspace, stubs or
 * reference) into a temporary directory, load them child-first next to the grader classes, run
 * the graders on the JUnit Platform, and score each test method.
 *
 * <pre>
 * workspace/q05/*.java ──javac──▶ /tmp/pagelab-grade-q05/ ─┐
 *                                                          ├─ ExerciseClassLoader ─▶ JUnit Launcher ─▶ ExerciseScore
 * target/test-classes/.../q05/E820SanitizerTest.class ─────┘
 * </pre>
 *
 * A compile error scores that exercise 0 (its tests all fail, "does not compile"); the others
 * still grade.
 */
public final class Grading {
    private static final Logger log = LoggerFactory.getLogger(Grading.class);

    private final Exercises exercises;
    private final GradingProgress progress;
    private final Clock clock;
    private GraderRun graderRun;

    public Grading(Exercises exercises) {
        this(exercises, GradingProgress.SILENT);
    }

    public Grading(Exercises exercises, GradingProgress progress) {
        this(exercises, progress, Clock.systemUTC());
    }

    Grading(Exercises exercises, GradingProgress progress, Clock clock) {
        this.exercises = exercises;
        this.progress = progress;
        this.clock = clock;
    }

    /**
     * Grades the requested exercises and writes the JSON report if one is asked for.
     *
     * @throws UnknownExerciseException when an id is unknown or not executable
     */
    public GradeReport grade(GradeRequest request) {
        List<Exercise> selected = exercises.selectExecutable(request.ids());
        Instant started = clock.instant();
        List<ExerciseScore> scores = new ArrayList<>();
        for (int i = 0; i < selected.size(); i++) {
            Exercise exercise = selected.get(i);
            progress.exerciseStarted(exercise, i + 1, selected.size());
            ExerciseScore score = grade(exercise, request.source(), request.timeout());
            progress.exerciseFinished(exercise, score);
            scores.add(score);
        }
        GradeReport report = new GradeReport(request.source(), started, scores);
        request.jsonReport().ifPresent(file -> GradeReportJson.write(report, file));
        return report;
    }

    /** Grades one executable exercise from {@code source}. */
    public ExerciseScore grade(Exercise exercise, SourceSet source, Duration timeout) {
        Path home = exercises.home();
        List<Path> graderRoots = exercise.graders().stream().map(GraderClass::root).distinct()
                .collect(Collectors.toList());
        List<ScoredTest> scored = exercise.graders().stream()
                .flatMap(g -> ScoredTest.of(g.type()).stream()).collect(Collectors.toList());
        Path tmp = createTempDir(exercise.id());
        try {
            ExerciseCompiler compiler = new ExerciseCompiler(
                    ExerciseCompiler.classPathWithout(new HashSet<>(graderRoots)), home);
            CompileResult compiled = compiler.compile(exercise.sourceFiles(source, home), tmp.resolve("classes"));
            if (!compiled.ok()) {
                List<TestScore> notRun = scored.stream()
                        .map(t -> TestScore.failed(t, "not run: the exercise does not compile", false))
                        .collect(Collectors.toList());
                return score(exercise, source, compiled.problems(), notRun);
            }
            ExerciseClassLoader loader = new ExerciseClassLoader(compiled.classesDir(), graderRoots,
                    exerciseTopLevelNames(exercise, home), Grading.class.getClassLoader());
            List<Class<?>> graders = new ArrayList<>();
            for (GraderClass grader : exercise.graders()) {
                graders.add(Class.forName(grader.className(), false, loader));
            }
            FailureMessage describe = new FailureMessage(
                    name -> compiled.classNames().contains(name), timeout);
            List<TestScore> tests = graderRun().run(graders, scored, timeout, loader, describe,
                    (test, passed) -> progress.testFinished(exercise, test, passed));
            return score(exercise, source, List.of(), tests);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("grader class of " + exercise.id() + " vanished: " + e.getMessage(), e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    private synchronized GraderRun graderRun() {
        if (graderRun == null) {
            graderRun = new GraderRun();
        }
        return graderRun;
    }

    private ExerciseScore score(Exercise exercise, SourceSet source, List<CompileProblem> problems,
                                List<TestScore> tests) {
        log.debug("{} ({}): {} tests, {} compile problems", exercise.id(), source.label(), tests.size(),
                problems.size());
        return new ExerciseScore(exercise.id(), exercise.info().titleZh(), exercise.info().titleEn(), source,
                problems, tests, clock.instant());
    }

    /** Every top-level class any source set of the exercise defines: these never load from elsewhere. */
    private static Set<String> exerciseTopLevelNames(Exercise exercise, Path home) {
        Set<String> names = new LinkedHashSet<>();
        for (SourceSet set : SourceSet.values()) {
            for (Path file : exercise.sourceFiles(set, home)) {
                String stem = file.getFileName().toString();
                names.add(exercise.info().packageName() + "." + stem.substring(0, stem.length() - ".java".length()));
            }
        }
        return names;
    }

    private static Path createTempDir(String id) {
        try {
            return Files.createTempDirectory("pagelab-grade-" + id + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory to compile " + id, e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            log.debug("could not delete {}: {}", dir, e.toString());
        }
    }
}
