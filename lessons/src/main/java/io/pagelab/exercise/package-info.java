/**
 * Graded exercises: the catalog SPI, the annotations graders carry, and the grading pipeline behind
 * {@code pagelab grade}.
 *
 * <h2>Adding an exercise (question {@code q05} as the example)</h2>
 * <pre>
 * interview-q/src/stubs/java/io/pagelab/questions/q05/E820Sanitizer.java
 *     the learner's starting point: same class and signatures as the reference, bodies
 *     {@code throw new Todo("q05/E820Sanitizer.java");}
 * interview-q/src/reference/java/io/pagelab/questions/q05/E820Sanitizer.java
 *     the reference solution (a test source root: Surefire runs the graders against it)
 * interview-q/src/test/java/io/pagelab/questions/q05/E820SanitizerTest.java
 *     the grader:
 *         &#64;Grader(id = "q05")
 *         class E820SanitizerTest {
 *             &#64;Test &#64;Points(2) &#64;Hint("Same-type neighbours merge into one range.")
 *             void adjacentRamRangesMerge() { ... }
 *         }
 * </pre>
 * The catalog row already exists ({@code questions.tsv}); the grader's {@code @Grader} makes the
 * question executable. {@code GradersAgreeTest} then requires full marks on the reference and
 * zero on the stub, with every test failing on it. Several files per exercise are fine: every
 * {@code *.java} of the package directory is compiled. A learner's copy is flat:
 * {@code workspace/q05/E820Sanitizer.java}.
 *
 * <h2>Rules for graders</h2>
 * <ul>
 *   <li>Every test method has {@link io.pagelab.exercise.Points} and {@link io.pagelab.exercise.Hint}.
 *       Points count per method: a parameterized test or test factory earns them only when every
 *       invocation passes.</li>
 *   <li>Tests run in the order they are written; the first failing one gives the next hint, so
 *       put the basics first.</li>
 *   <li>Every test must fail on the stub: call the learner's code in each one.</li>
 *   <li>Learner code runs with a per-test timeout (10 s) in its own thread; an endless loop, an
 *       exception or a stack overflow fails that test only.</li>
 * </ul>
 *
 * <h2>The pipeline</h2>
 * {@link io.pagelab.exercise.Exercises} joins the {@link io.pagelab.exercise.ExerciseCatalog}s
 * (ServiceLoader) with the graders found on the class path; {@link io.pagelab.exercise.Grading}
 * compiles one source set ({@link io.pagelab.exercise.SourceSet}: workspace, stubs or reference)
 * with javac, loads it child-first beside the graders and runs them on the JUnit Platform;
 * {@link io.pagelab.exercise.ScoreTable} and {@link io.pagelab.exercise.GradeReportJson} show the
 * {@link io.pagelab.exercise.GradeReport}.
 */
package io.pagelab.exercise;
