package io.pagelab.exercise;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * What compiling one exercise produced.
 *
 * @param classesDir where the class files went
 * @param classNames binary names of the compiled classes (empty when compilation failed)
 * @param problems   the errors (empty on success)
 */
record CompileResult(Path classesDir, Set<String> classNames, List<CompileProblem> problems) {
    CompileResult {
        classNames = Set.copyOf(classNames);
        problems = List.copyOf(problems);
    }

    static CompileResult succeeded(Path classesDir, Set<String> classNames) {
        return new CompileResult(classesDir, classNames, List.of());
    }

    static CompileResult failed(Path classesDir, List<CompileProblem> problems) {
        return new CompileResult(classesDir, Set.of(), problems);
    }

    boolean ok() {
        return problems.isEmpty();
    }
}
