package io.pagelab.exercise;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds {@link Grader} classes in class-path directories. A class file is loaded (without being
 * initialised) only when its constant pool mentions the annotation's descriptor, so scanning a
 * {@code test-classes} directory costs a file read per class, not a class load. Jars are not
 * scanned: graders live in a module's {@code target/test-classes}.
 */
public final class GraderScanner {
    private static final Logger log = LoggerFactory.getLogger(GraderScanner.class);
    private static final byte[] DESCRIPTOR =
            ("L" + Grader.class.getName().replace('.', '/') + ";").getBytes(StandardCharsets.UTF_8);

    private GraderScanner() {
    }

    /** Every grader in the directories of {@code java.class.path}. */
    public static List<GraderClass> scanClassPath() {
        return scan(classPathDirectories());
    }

    /** The directories (not jars) named in {@code java.class.path}, in order. */
    public static List<Path> classPathDirectories() {
        return Arrays.stream(System.getProperty("java.class.path", "").split(File.pathSeparator))
                .filter(s -> !s.isBlank())
                .map(s -> Path.of(s).toAbsolutePath().normalize())
                .filter(Files::isDirectory)
                .distinct()
                .collect(Collectors.toList());
    }

    /** Every grader in {@code roots}, sorted by exercise id then class name. */
    public static List<GraderClass> scan(List<Path> roots) {
        List<GraderClass> found = new ArrayList<>();
        for (Path root : new LinkedHashSet<>(roots)) {
            found.addAll(scanRoot(root.toAbsolutePath().normalize()));
        }
        found.sort(Comparator.comparing(GraderClass::exerciseId).thenComparing(GraderClass::className));
        return List.copyOf(found);
    }

    private static List<GraderClass> scanRoot(Path root) {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        Set<String> candidates = new LinkedHashSet<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(f -> f.getFileName().toString().endsWith(".class"))
                    .filter(f -> !f.getFileName().toString().contains("$"))
                    .filter(GraderScanner::mentionsGrader)
                    .map(f -> className(root, f))
                    .sorted()
                    .forEach(candidates::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot scan " + root + " for graders", e);
        }
        if (candidates.isEmpty()) {
            return List.of();
        }
        // Parent first: a root on the class path resolves to the application's own classes.
        ClassLoader loader = new URLClassLoader(new URL[] {toUrl(root)}, GraderScanner.class.getClassLoader());
        List<GraderClass> graders = new ArrayList<>();
        for (String name : candidates) {
            try {
                Class<?> type = Class.forName(name, false, loader);
                Grader grader = type.getAnnotation(Grader.class);
                if (grader != null) {
                    log.debug("grader {} for {} in {}", name, grader.id(), root);
                    graders.add(new GraderClass(grader.id(), type, root));
                }
            } catch (ClassNotFoundException | LinkageError e) {
                log.warn("cannot load grader candidate {} from {}: {}", name, root, e.toString());
            }
        }
        return graders;
    }

    static URL toUrl(Path dir) {
        try {
            return dir.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("not a usable class-path directory: " + dir, e);
        }
    }

    private static boolean mentionsGrader(Path classFile) {
        try {
            return indexOf(Files.readAllBytes(classFile), DESCRIPTOR) >= 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + classFile, e);
        }
    }

    private static String className(Path root, Path classFile) {
        String relative = root.relativize(classFile).toString();
        return relative.substring(0, relative.length() - ".class".length())
                .replace(File.separatorChar, '.');
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
