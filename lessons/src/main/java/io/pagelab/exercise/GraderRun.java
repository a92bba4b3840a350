package io.pagelab.exercise;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.EngineFilter;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one exercise's grader classes on the JUnit Platform and turns the events into one
 * {@link TestScore} per scored method.
 *
 * <p>Learner code cannot stop the run: every test (and lifecycle method) has a timeout and runs
 * in its own thread (Jupiter's {@code SEPARATE_THREAD} mode), and the whole run happens on a
 * daemon thread, so the timeout threads Jupiter creates from it are daemons too. A test spinning
 * forever fails after its timeout and its thread can never keep the JVM alive. Exceptions, a
 * {@link StackOverflowError}, even an {@link OutOfMemoryError} fail tests, never the run.
 */
final class GraderRun {
    private static final Logger log = LoggerFactory.getLogger(GraderRun.class);
    private static final String JUPITER = "junit-jupiter";

    private final Launcher launcher;

    GraderRun() {
        // Only the launcher itself: no listeners or filters that happen to be on the class path.
        this.launcher = LauncherFactory.create(LauncherConfig.builder()
                .enableTestEngineAutoRegistration(true)
                .enableTestExecutionListenerAutoRegistration(false)
                .enablePostDiscoveryFilterAutoRegistration(false)
                .enableLauncherSessionListenerAutoRegistration(false)
                .enableLauncherDiscoveryListenerAutoRegistration(false)
                .build());
    }

    /**
     * @param graders   the grader classes, loaded by {@code loader}
     * @param scored    the scored tests of those classes
     * @param loader    the exercise class loader (also the run's context class loader)
     * @param describe  plain words for a failure
     * @param onTest    called after each test invocation
     */
    List<TestScore> run(List<Class<?>> graders, List<ScoredTest> scored, Duration timeout, ClassLoader loader,
                        FailureMessage describe, BiConsumer<ScoredTest, Boolean> onTest) {
        Map<String, ScoredTest> byKey = new LinkedHashMap<>();
        scored.forEach(t -> byKey.putIfAbsent(t.key(), t));
        Collector collector = new Collector(byKey, onTest);
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(graders.stream().map(c -> selectClass(c)).collect(Collectors.toList()))
                .filters(EngineFilter.includeEngines(JUPITER))
                .enableImplicitConfigurationParameters(false)
                .configurationParameter("junit.jupiter.execution.timeout.default", timeout.toMillis() + " ms")
                .configurationParameter("junit.jupiter.execution.timeout.thread.mode.default", "SEPARATE_THREAD")
                .configurationParameter("junit.jupiter.execution.timeout.mode", "enabled")
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "false")
                .configurationParameter("junit.jupiter.testmethod.order.default", DeclarationOrder.class.getName())
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "false")
                .build();

        AtomicReference<Throwable> crash = new AtomicReference<>();
        Thread runner = new Thread(() -> {
            try {
                launcher.execute(request, collector);
            } catch (Throwable t) { // even an OutOfMemoryError: the other exercises still grade
                crash.set(t);
            }
        }, "pagelab-grader");
        runner.setDaemon(true);
        runner.setContextClassLoader(loader);
        runner.start();
        try {
            runner.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            crash.compareAndSet(null, e);
        }
        if (crash.get() != null) {
            log.warn("grader run stopped early: {}", crash.get().toString());
            collector.runFailure.compareAndSet(null, crash.get());
        }
        return byKey.values().stream().map(t -> collector.verdict(t, describe)).collect(Collectors.toList());
    }

    /** Per scored method: passes, the first failure, a skip. */
    private static final class Collector implements TestExecutionListener {
        private final Map<String, ScoredTest> scored;
        private final BiConsumer<ScoredTest, Boolean> onTest;
        private final Map<String, Integer> passes = new HashMap<>();
        private final Map<String, Throwable> failures = new HashMap<>();
        private final Map<String, String> skips = new HashMap<>();
        private final Map<String, Throwable> classFailures = new HashMap<>();
        private final AtomicReference<Throwable> runFailure = new AtomicReference<>();
        private volatile TestPlan plan;

        Collector(Map<String, ScoredTest> scored, BiConsumer<ScoredTest, Boolean> onTest) {
            this.scored = scored;
            this.onTest = onTest;
        }

        @Override
        public void testPlanExecutionStarted(TestPlan testPlan) {
            this.plan = testPlan;
        }

        @Override
        public void executionSkipped(TestIdentifier id, String reason) {
            owner(id).ifPresent(key -> skips.putIfAbsent(key, reason));
            if (owner(id).isEmpty()) {
                className(id).ifPresent(c -> classFailures.putIfAbsent(c, new AssertionError("skipped: " + reason)));
            }
        }

        @Override
        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            boolean ok = result.getStatus() == TestExecutionResult.Status.SUCCESSFUL;
            Throwable thrown = result.getThrowable().orElseGet(() -> new AssertionError("aborted"));
            Optional<String> key = owner(id);
            if (key.isPresent()) {
                if (ok && id.isTest()) {
                    passes.merge(key.get(), 1, Integer::sum);
                } else if (!ok) {
                    failures.putIfAbsent(key.get(), thrown);
                }
                if (id.isTest()) {
                    onTest.accept(scored.get(key.get()), ok);
                }
            } else if (!ok) {
                Optional<String> className = className(id);
                if (className.isPresent()) {
                    classFailures.putIfAbsent(className.get(), thrown);
                } else {
                    runFailure.compareAndSet(null, thrown);
                }
            }
        }

        /** The scored method this identifier belongs to: itself, or an ancestor (parameterized, dynamic). */
        private Optional<String> owner(TestIdentifier id) {
            for (TestIdentifier i = id; i != null; i = plan == null ? null : plan.getParent(i).orElse(null)) {
                Optional<TestSource> source = i.getSource();
                if (source.isPresent() && source.get() instanceof MethodSource) {
                    MethodSource method = (MethodSource) source.get();
                    String key = method.getClassName() + "#" + method.getMethodName();
                    if (scored.containsKey(key)) {
                        return Optional.of(key);
                    }
                }
            }
            return Optional.empty();
        }

        private static Optional<String> className(TestIdentifier id) {
            return id.getSource().filter(s -> s instanceof ClassSource).map(s -> ((ClassSource) s).getClassName());
        }

        TestScore verdict(ScoredTest test, FailureMessage describe) {
            String key = test.key();
            Throwable failure = failures.get(key);
            int passed = passes.getOrDefault(key, 0);
            if (failure == null && passed == 0) {
                failure = enclosingClassFailure(test.className()).orElse(runFailure.get());
            }
            if (failure != null) {
                return TestScore.failed(test, describe.describe(failure), FailureMessage.isTodo(failure));
            }
            if (passed > 0) {
                return TestScore.passed(test);
            }
            if (skips.containsKey(key)) {
                return new TestScore(test, TestScore.Outcome.SKIPPED, "skipped: " + skips.get(key), false);
            }
            return TestScore.failed(test, "did not run: the grader produced no test case", false);
        }

        private Optional<Throwable> enclosingClassFailure(String className) {
            List<String> candidates = new ArrayList<>();
            for (String c = className; ; c = c.substring(0, c.lastIndexOf('$'))) {
                candidates.add(c);
                if (c.lastIndexOf('$') < 0) {
                    break;
                }
            }
            return candidates.stream().map(classFailures::get).filter(t -> t != null).findFirst();
        }
    }
}
