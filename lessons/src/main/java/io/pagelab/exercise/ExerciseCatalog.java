package io.pagelab.exercise;

import java.nio.file.Path;
import java.util.List;

/**
 * A module's list of exercises, found with {@link java.util.ServiceLoader}: a module registers its
 * catalog in {@code META-INF/services/io.pagelab.exercise.ExerciseCatalog}. interview-q provides
 * the 59 questions, lessons the lesson exercises.
 *
 * <p>The catalog also says where the exercise sources live, relative to the repository root
 * ({@code pagelab.home}): an exercise with package {@code io.pagelab.questions.q05} has its
 * pristine stubs in {@code <stubRoot>/io/pagelab/questions/q05/*.java} and its reference solution
 * in {@code <referenceRoot>/io/pagelab/questions/q05/*.java}, one class per file, same names.
 */
public interface ExerciseCatalog {
    /** Short name, also the module: {@code interview-q}, {@code lessons}. */
    String name();

    /** Heading for listings, in both languages. */
    String title();

    /** The exercises, in the order learners meet them. */
    List<ExerciseInfo> exercises();

    /** Root of the pristine learner stubs, relative to the repository root. */
    Path stubRoot();

    /** Root of the reference solutions, relative to the repository root. */
    Path referenceRoot();
}
