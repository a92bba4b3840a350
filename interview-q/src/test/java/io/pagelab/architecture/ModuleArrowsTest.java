package io.pagelab.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Keeps the module arrows of DEVELOPERS.md pointing down:
 *
 * <pre>
 *   mm-api  &lt;-  mm-hardware  &lt;-  mm-kernel  &lt;-  mm-userspace  &lt;-  lessons  &lt;-  interview-q
 *   io.pagelab.api  .hardware      .kernel        .userspace        .lessons       .questions
 *                                                                   .exercise
 *                                                                   .cli
 * </pre>
 *
 * Maven already refuses an upward module dependency; these rules also catch the package-level
 * slips Maven cannot see (an API type that mentions an implementation, a library class that
 * reaches into the CLI) and state the rule where a reader looks for it. Interview-q is the
 * bottom of the table, so its classpath holds every module: the rules run here.
 */
@AnalyzeClasses(packages = "io.pagelab", importOptions = ImportOption.DoNotIncludeTests.class)
class ModuleArrowsTest {

    private static final String API = "io.pagelab.api..";
    private static final String HARDWARE = "io.pagelab.hardware..";
    private static final String KERNEL = "io.pagelab.kernel..";
    private static final String USERSPACE = "io.pagelab.userspace..";
    private static final String[] LESSONS = {"io.pagelab.lessons..", "io.pagelab.exercise..", "io.pagelab.cli.."};
    private static final String QUESTIONS = "io.pagelab.questions..";

    @ArchTest
    static final ArchRule apiDependsOnlyOnTheJdkGuavaAndSlf4j = classes()
            .that().resideInAPackage(API)
            .should().onlyDependOnClassesThat().resideInAnyPackage(
                    API, "java..", "javax.annotation..", "com.google.common..", "org.slf4j..")
            .because("mm-api is the SDK every implementation builds on: it names no implementation");

    @ArchTest
    static final ArchRule hardwareDoesNotReachUp = noClasses()
            .that().resideInAPackage(HARDWARE)
            .should().dependOnClassesThat().resideInAnyPackage(
                    concat(new String[] {KERNEL, USERSPACE, QUESTIONS}, LESSONS))
            .because("mm-hardware may depend on mm-api only");

    @ArchTest
    static final ArchRule kernelDoesNotReachUp = noClasses()
            .that().resideInAPackage(KERNEL)
            .should().dependOnClassesThat().resideInAnyPackage(concat(new String[] {USERSPACE, QUESTIONS}, LESSONS))
            .because("mm-kernel may depend on mm-api and mm-hardware only");

    @ArchTest
    static final ArchRule userspaceDoesNotReachUp = noClasses()
            .that().resideInAPackage(USERSPACE)
            .should().dependOnClassesThat().resideInAnyPackage(concat(new String[] {QUESTIONS}, LESSONS))
            .because("mm-userspace may depend on mm-api, mm-hardware and mm-kernel only");

    @ArchTest
    static final ArchRule lessonsDoNotDependOnTheQuestions = noClasses()
            .that().resideInAnyPackage(LESSONS)
            .should().dependOnClassesThat().resideInAPackage(QUESTIONS)
            .because("interview-q sits below lessons: the CLI finds questions through ServiceLoader");

    private static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
