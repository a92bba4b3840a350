package io.pagelab.exercise;

import static com.google.common.base.Preconditions.checkArgument;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every exercise known to this run: the catalogs found with {@link ServiceLoader} joined with the
 * {@link Grader} classes found on the class path. A grader whose id no catalog knows is kept
 * aside as an {@link #orphanGraders() orphan} (a defect the agree-tests report).
 */
public final class Exercises {
    private static final Logger log = LoggerFactory.getLogger(Exercises.class);

    private final Path home;
    private final List<ExerciseCatalog> catalogs;
    private final Map<String, Exercise> byId;
    private final List<GraderClass> orphans;

    private Exercises(Path home, List<ExerciseCatalog> catalogs, List<GraderClass> graders) {
        this.home = home.toAbsolutePath().normalize();
        this.catalogs = List.copyOf(catalogs);
        Map<String, List<GraderClass>> gradersById = new LinkedHashMap<>();
        for (GraderClass grader : graders) {
            gradersById.computeIfAbsent(grader.exerciseId(), k -> new ArrayList<>()).add(grader);
        }
        Map<String, Exercise> exercises = new LinkedHashMap<>();
        for (ExerciseCatalog catalog : catalogs) {
            for (ExerciseInfo info : catalog.exercises()) {
                Exercise previous = exercises.put(info.id(), new Exercise(info, catalog.name(),
                        catalog.stubRoot(), catalog.referenceRoot(),
                        gradersById.getOrDefault(info.id(), List.of())));
                checkArgument(previous == null, "exercise id %s is in two catalogs: %s and %s",
                        info.id(), previous == null ? "" : previous.catalog(), catalog.name());
            }
        }
        this.byId = exercises;
        this.orphans = graders.stream().filter(g -> !exercises.containsKey(g.exerciseId()))
                .collect(Collectors.toUnmodifiableList());
        for (GraderClass orphan : orphans) {
            log.warn("grader {} names exercise {}, which no catalog lists", orphan.className(),
                    orphan.exerciseId());
        }
    }

    /** The catalogs registered with ServiceLoader and the graders on {@code java.class.path}. */
    public static Exercises load(Path home) {
        List<ExerciseCatalog> catalogs = new ArrayList<>();
        ServiceLoader.load(ExerciseCatalog.class, Exercises.class.getClassLoader()).forEach(catalogs::add);
        catalogs.sort((a, b) -> a.name().compareTo(b.name()));
        return of(home, catalogs, GraderScanner.scanClassPath());
    }

    /** Explicit catalogs and graders (tests, or a tool that scans elsewhere). */
    public static Exercises of(Path home, Collection<? extends ExerciseCatalog> catalogs,
                               Collection<GraderClass> graders) {
        return new Exercises(home, List.copyOf(catalogs), List.copyOf(graders));
    }

    /** The repository root the exercise paths are relative to. */
    public Path home() {
        return home;
    }

    public List<ExerciseCatalog> catalogs() {
        return catalogs;
    }

    /** Every exercise of every catalog, in catalog order. */
    public List<Exercise> all() {
        return List.copyOf(byId.values());
    }

    /** The exercises that have a grader. */
    public List<Exercise> executable() {
        return byId.values().stream().filter(Exercise::executable).collect(Collectors.toUnmodifiableList());
    }

    /** The exercises of the catalog called {@code catalogName} (empty if there is none). */
    public List<Exercise> inCatalog(String catalogName) {
        return byId.values().stream().filter(e -> e.catalog().equals(catalogName))
                .collect(Collectors.toUnmodifiableList());
    }

    /** Graders whose id no catalog lists. */
    public List<GraderClass> orphanGraders() {
        return orphans;
    }

    /** The exercise with this id; {@code Q5}, {@code q5} and {@code 5} all mean {@code q05}. */
    public Optional<Exercise> find(String id) {
        return Optional.ofNullable(byId.get(normalize(id)));
    }

    /**
     * The executable exercises named by {@code ids}, in the order given; all executable exercises
     * when {@code ids} is empty.
     *
     * @throws UnknownExerciseException naming every id that is unknown or not executable yet
     */
    public List<Exercise> selectExecutable(List<String> ids) {
        if (ids.isEmpty()) {
            return executable();
        }
        List<Exercise> selected = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String id : ids) {
            Optional<Exercise> exercise = find(id);
            if (exercise.isEmpty()) {
                problems.add("there is no exercise '" + id + "' (ids look like q05 or l01)");
            } else if (!exercise.get().executable()) {
                problems.add(exercise.get().id() + " is not executable yet: it has no grader");
            } else if (!selected.contains(exercise.get())) {
                selected.add(exercise.get());
            }
        }
        if (!problems.isEmpty()) {
            List<String> runnable = executable().stream().map(Exercise::id).collect(Collectors.toList());
            throw new UnknownExerciseException(String.join("; ", problems) + ". Exercises you can grade: "
                    + (runnable.isEmpty() ? "none yet" : String.join(" ", runnable))
                    + " (`pagelab questions` lists them all).");
        }
        return List.copyOf(selected);
    }

    /** {@code Q5} → {@code q05}, {@code 5} → {@code q05}, {@code l1} → {@code l01}. */
    static String normalize(String id) {
        String lower = id.trim().toLowerCase(Locale.ROOT);
        if (lower.matches("\\d+")) {
            lower = "q" + lower;
        }
        if (lower.matches("[a-z]+\\d")) {
            lower = lower.substring(0, lower.length() - 1) + "0" + lower.charAt(lower.length() - 1);
        }
        return lower;
    }
}
