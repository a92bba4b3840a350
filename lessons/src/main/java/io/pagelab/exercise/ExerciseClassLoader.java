package io.pagelab.exercise;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;

/**
 * Loads one exercise's freshly compiled classes and its graders, child first, so that a grader
 * binds to the learner's classes and not to the reference classes that sit next to it in
 * {@code target/test-classes}.
 *
 * <pre>
 * loadClass(name)
 *   java.*, org.junit.*, io.pagelab.exercise.* ...  → parent (one copy of the test API)
 *   found in the compiled exercise directory       → defined here
 *   an exercise class missing from it              → ClassNotFoundException (never the reference's)
 *   found in a grader root                         → defined here (binds to the classes above)
 *   anything else (the simulator, libraries)       → parent
 * </pre>
 */
final class ExerciseClassLoader extends ClassLoader {
    private static final List<String> PARENT_ONLY = List.of("java.", "javax.", "jdk.", "sun.", "com.sun.",
            "org.junit.", "org.opentest4j.", "org.apiguardian.", "org.assertj.", "org.slf4j.",
            "ch.qos.logback.", "net.bytebuddy.", "org.mockito.", Grader.class.getPackageName() + ".");

    static {
        registerAsParallelCapable();
    }

    private final Path exerciseClasses;
    private final List<Path> graderRoots;
    private final Set<String> exerciseTopLevelNames;

    /**
     * @param exerciseClasses       the compiled exercise ({@code javac -d} directory)
     * @param graderRoots           directories holding the grader classes
     * @param exerciseTopLevelNames binary names of the exercise's top-level classes in any source
     *                              set; these (and their nested classes) load only from
     *                              {@code exerciseClasses}
     */
    ExerciseClassLoader(Path exerciseClasses, List<Path> graderRoots, Set<String> exerciseTopLevelNames,
                        ClassLoader parent) {
        super("pagelab-exercise", parent);
        this.exerciseClasses = exerciseClasses;
        this.graderRoots = List.copyOf(graderRoots);
        this.exerciseTopLevelNames = Set.copyOf(exerciseTopLevelNames);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> loaded = findLoadedClass(name);
            if (loaded == null) {
                loaded = loadChildFirst(name);
            }
            if (resolve) {
                resolveClass(loaded);
            }
            return loaded;
        }
    }

    private Class<?> loadChildFirst(String name) throws ClassNotFoundException {
        if (PARENT_ONLY.stream().anyMatch(name::startsWith)) {
            return getParent().loadClass(name);
        }
        Path own = classFile(exerciseClasses, name);
        if (Files.isRegularFile(own)) {
            return define(name, own);
        }
        if (isExerciseClass(name)) {
            throw new ClassNotFoundException(name + " is part of the exercise but was not among its compiled "
                    + "classes (was its file deleted or renamed?)");
        }
        for (Path root : graderRoots) {
            Path graderFile = classFile(root, name);
            if (Files.isRegularFile(graderFile)) {
                return define(name, graderFile);
            }
        }
        return getParent().loadClass(name);
    }

    private boolean isExerciseClass(String name) {
        int nested = name.indexOf('$');
        return exerciseTopLevelNames.contains(nested < 0 ? name : name.substring(0, nested));
    }

    private Class<?> define(String name, Path file) throws ClassNotFoundException {
        try {
            byte[] bytes = Files.readAllBytes(file);
            return defineClass(name, bytes, 0, bytes.length);
        } catch (IOException e) {
            throw new ClassNotFoundException("cannot read " + file, e);
        }
    }

    private static Path classFile(Path root, String name) {
        return root.resolve(name.replace('.', '/') + ".class");
    }

    @Override
    public URL getResource(String name) {
        URL own = findResource(name);
        return own != null ? own : getParent().getResource(name);
    }

    @Override
    protected URL findResource(String name) {
        List<URL> found = ownResources(name);
        return found.isEmpty() ? null : found.get(0);
    }

    @Override
    protected Enumeration<URL> findResources(String name) {
        return Collections.enumeration(ownResources(name));
    }

    private List<URL> ownResources(String name) {
        List<URL> found = new ArrayList<>();
        List<Path> dirs = new ArrayList<>();
        dirs.add(exerciseClasses);
        dirs.addAll(graderRoots);
        for (Path dir : dirs) {
            Path file = dir.resolve(name).normalize();
            if (file.startsWith(dir) && Files.isRegularFile(file)) {
                try {
                    found.add(file.toUri().toURL());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return found;
    }
}
