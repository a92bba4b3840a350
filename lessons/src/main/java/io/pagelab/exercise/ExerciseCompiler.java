package io.pagelab.exercise;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiles one exercise's sources with the JDK's own compiler ({@link ToolProvider}) in this JVM,
 * against a class path that holds the simulator but not the graders' directories, so learner code
 * cannot lean on a reference solution's classes.
 */
final class ExerciseCompiler {
    private static final Logger log = LoggerFactory.getLogger(ExerciseCompiler.class);
    private static final int MAX_PROBLEMS = 20;

    private final List<Path> classPath;
    private final Path home;

    /**
     * @param classPath entries to compile against
     * @param home      paths in messages are shown relative to it
     */
    ExerciseCompiler(List<Path> classPath, Path home) {
        this.classPath = List.copyOf(classPath);
        this.home = home;
    }

    /** The entries of {@code java.class.path} except {@code excluded} (the grader roots). */
    static List<Path> classPathWithout(Set<Path> excluded) {
        return Arrays.stream(System.getProperty("java.class.path", "").split(File.pathSeparator))
                .filter(s -> !s.isBlank())
                .map(s -> Path.of(s).toAbsolutePath().normalize())
                .filter(p -> !excluded.contains(p))
                .distinct()
                .collect(Collectors.toList());
    }

    /** Compiled classes in {@code outDir}, or the errors in plain words. */
    CompileResult compile(List<Path> sources, Path outDir) {
        if (sources.isEmpty()) {
            return CompileResult.failed(outDir, List.of(new CompileProblem("(no file)", 0,
                    "there is no .java file to compile")));
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("grading needs the Java compiler, and this Java is a runtime "
                    + "without one: set JAVA_HOME to a JDK 17 or newer");
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ENGLISH,
                StandardCharsets.UTF_8)) {
            Files.createDirectories(outDir);
            List<String> options = List.of("-d", outDir.toString(),
                    "-classpath", classPath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)),
                    "-encoding", "UTF-8", "-proc:none", "-implicit:none", "-g", "-nowarn",
                    "-Xmaxerrs", String.valueOf(MAX_PROBLEMS));
            Iterable<? extends JavaFileObject> units = files.getJavaFileObjectsFromPaths(sources);
            StringWriter javacOutput = new StringWriter();
            boolean ok = javac.getTask(javacOutput, files, diagnostics, options, null, units).call();
            List<CompileProblem> problems = new ArrayList<>();
            for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                if (d.getKind() == Diagnostic.Kind.ERROR) {
                    problems.add(new CompileProblem(fileName(d), Math.max(0, d.getLineNumber()),
                            oneLine(d.getMessage(Locale.ENGLISH))));
                }
            }
            if (!ok && problems.isEmpty()) {
                problems.add(new CompileProblem("(javac)", 0, oneLine(javacOutput.toString())));
            }
            log.debug("compiled {} file(s) into {}: {}", sources.size(), outDir, ok ? "ok" : problems);
            return ok ? CompileResult.succeeded(outDir, classNames(outDir)) : CompileResult.failed(outDir, problems);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot compile into " + outDir, e);
        }
    }

    private String fileName(Diagnostic<? extends JavaFileObject> d) {
        if (d.getSource() == null) {
            return "(javac)";
        }
        Path file = Path.of(d.getSource().toUri()).toAbsolutePath().normalize();
        return file.startsWith(home) ? home.relativize(file).toString() : file.toString();
    }

    /** javac's multi-line message ("cannot find symbol\n  symbol: ...") on one line. */
    static String oneLine(String message) {
        return Arrays.stream(message.split("\\R")).map(String::strip).filter(s -> !s.isEmpty())
                .collect(Collectors.joining("; "));
    }

    private static Set<String> classNames(Path outDir) throws IOException {
        try (Stream<Path> files = Files.walk(outDir)) {
            return files.filter(f -> f.toString().endsWith(".class"))
                    .map(f -> {
                        String relative = outDir.relativize(f).toString();
                        return relative.substring(0, relative.length() - ".class".length())
                                .replace(File.separatorChar, '.');
                    })
                    .collect(Collectors.toUnmodifiableSet());
        }
    }
}
