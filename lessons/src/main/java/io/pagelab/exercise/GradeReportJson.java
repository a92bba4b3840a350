package io.pagelab.exercise;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The grade report as JSON, for CI and for {@code pagelab questions} (which shows the learner's
 * last score per exercise). A learner's report accumulates: grading q05 today keeps yesterday's
 * q06 entry.
 *
 * <pre>
 * { "report": "pagelab grade", "version": 1, "source": "workspace", "gradedAt": "2025-...Z",
 *   "passed": 3, "failed": 1, "allFullMarks": false,
 *   "exercises": [ { "id": "q05", "titleZh": "...", "titleEn": "...", "status": "partial",
 *                    "earned": 3, "possible": 5, "passed": 2, "failed": 1, "gradedAt": "...",
 *                    "compileErrors": [ { "file": "...", "line": 12, "message": "..." } ],
 *                    "tests": [ { "grader": "io...E820SanitizerTest", "method": "...", "points": 2,
 *                                 "hint": "...", "outcome": "failed", "failure": "...", "todo": false } ] } ] }
 * </pre>
 */
public final class GradeReportJson {
    private static final Logger log = LoggerFactory.getLogger(GradeReportJson.class);
    private static final String REPORT = "pagelab grade";
    private static final long VERSION = 1;

    private GradeReportJson() {
    }

    /**
     * Writes {@code report} to {@code file}. A workspace report is merged into the workspace report
     * already there: exercises graded now replace their old entries, the others stay.
     */
    public static void write(GradeReport report, Path file) {
        GradeReport toWrite = report;
        if (report.source() == SourceSet.WORKSPACE) {
            toWrite = read(file).filter(old -> old.source() == SourceSet.WORKSPACE)
                    .map(old -> merge(old, report)).orElse(report);
        }
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".grade-report", ".json");
            Files.writeString(tmp, toJson(toWrite), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the grade report to " + file, e);
        }
    }

    /** The report in {@code file}; empty when there is none or it cannot be read (logged). */
    public static Optional<GradeReport> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(fromJson(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (IOException | RuntimeException e) {
            log.warn("ignoring unreadable grade report {}: {}", file, e.toString());
            return Optional.empty();
        }
    }

    static GradeReport merge(GradeReport old, GradeReport now) {
        Map<String, ExerciseScore> byId = new LinkedHashMap<>();
        old.exercises().forEach(e -> byId.put(e.id(), e));
        now.exercises().forEach(e -> byId.put(e.id(), e));
        return new GradeReport(now.source(), now.gradedAt(), new ArrayList<>(byId.values()));
    }

    public static String toJson(GradeReport report) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("report", REPORT);
        root.put("version", VERSION);
        root.put("source", report.source().label());
        root.put("gradedAt", report.gradedAt().toString());
        root.put("passed", report.passed());
        root.put("failed", report.failed());
        root.put("allFullMarks", report.allFullMarks());
        List<Object> exercises = new ArrayList<>();
        for (ExerciseScore e : report.exercises()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", e.id());
            m.put("titleZh", e.titleZh());
            m.put("titleEn", e.titleEn());
            m.put("source", e.source().label());
            m.put("status", e.status().words());
            m.put("earned", (long) e.earned());
            m.put("possible", (long) e.possible());
            m.put("passed", e.passedTests());
            m.put("failed", e.failedTests());
            m.put("gradedAt", e.gradedAt().toString());
            List<Object> problems = new ArrayList<>();
            for (CompileProblem p : e.compileProblems()) {
                Map<String, Object> pm = new LinkedHashMap<>();
                pm.put("file", p.file());
                pm.put("line", p.line());
                pm.put("message", p.message());
                problems.add(pm);
            }
            m.put("compileErrors", problems);
            List<Object> tests = new ArrayList<>();
            for (TestScore t : e.tests()) {
                Map<String, Object> tm = new LinkedHashMap<>();
                tm.put("grader", t.test().className());
                tm.put("method", t.test().method());
                tm.put("points", (long) t.test().points());
                tm.put("hint", t.test().hint());
                tm.put("outcome", t.outcome().name().toLowerCase(java.util.Locale.ROOT));
                tm.put("failure", t.failure());
                tm.put("todo", t.todo());
                tests.add(tm);
            }
            m.put("tests", tests);
            exercises.add(m);
        }
        root.put("exercises", exercises);
        return Json.write(root);
    }

    public static GradeReport fromJson(String json) {
        Map<?, ?> root = map(Json.parse(json), "report");
        if (!REPORT.equals(root.get("report"))) {
            throw new IllegalArgumentException("not a pagelab grade report (\"report\" is " + root.get("report") + ")");
        }
        List<ExerciseScore> exercises = new ArrayList<>();
        for (Object o : list(root.get("exercises"), "exercises")) {
            Map<?, ?> m = map(o, "exercise");
            List<CompileProblem> problems = new ArrayList<>();
            for (Object p : list(m.get("compileErrors"), "compileErrors")) {
                Map<?, ?> pm = map(p, "compile error");
                problems.add(new CompileProblem(str(pm, "file"), num(pm, "line"), str(pm, "message")));
            }
            List<TestScore> tests = new ArrayList<>();
            for (Object t : list(m.get("tests"), "tests")) {
                Map<?, ?> tm = map(t, "test");
                String hint = str(tm, "hint");
                ScoredTest test = new ScoredTest(str(tm, "grader"), str(tm, "method"), (int) num(tm, "points"),
                        hint, true, !hint.isEmpty());
                tests.add(new TestScore(test,
                        TestScore.Outcome.valueOf(str(tm, "outcome").toUpperCase(java.util.Locale.ROOT)),
                        str(tm, "failure"), Boolean.TRUE.equals(tm.get("todo"))));
            }
            exercises.add(new ExerciseScore(str(m, "id"), str(m, "titleZh"), str(m, "titleEn"),
                    SourceSet.ofLabel(str(m, "source")), problems, tests, Instant.parse(str(m, "gradedAt"))));
        }
        return new GradeReport(SourceSet.ofLabel(str(root, "source")), Instant.parse(str(root, "gradedAt")),
                exercises);
    }

    private static Map<?, ?> map(Object o, String what) {
        if (!(o instanceof Map)) {
            throw new IllegalArgumentException(what + " should be a JSON object");
        }
        return (Map<?, ?>) o;
    }

    private static List<?> list(Object o, String what) {
        if (o == null) {
            return List.of();
        }
        if (!(o instanceof List)) {
            throw new IllegalArgumentException(what + " should be a JSON array");
        }
        return (List<?>) o;
    }

    private static String str(Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof String)) {
            throw new IllegalArgumentException("\"" + key + "\" should be a string, found " + v);
        }
        return (String) v;
    }

    private static long num(Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof Number)) {
            throw new IllegalArgumentException("\"" + key + "\" should be a number, found " + v);
        }
        return ((Number) v).longValue();
    }
}
