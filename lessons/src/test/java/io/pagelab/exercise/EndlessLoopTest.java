package io.pagelab.exercise;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An endless loop in learner code: the test fails after its timeout, the run goes on, and the
 * spinning thread cannot keep the JVM alive. Proven in a separate JVM, so the spinning threads
 * die with it instead of eating a core for the rest of this test run.
 */
class EndlessLoopTest {
    @TempDir
    Path dir;

    @Test
    void endlessLoopFailsThatTestAfterItsTimeoutAndTheGradingJvmStillExits() throws Exception {
        Path output = dir.resolve("output.txt");
        Path home = Files.createDirectories(dir.resolve("home"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                EndlessLoopMain.class.getName(), home.toString())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();

        boolean exited = child.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            child.destroyForcibly();
        }
        String text = Files.readString(output, StandardCharsets.UTF_8);

        assertThat(exited).as("the grading JVM exits by itself; its output:%n%s", text).isTrue();
        assertThat(child.exitValue()).as(text).isZero();
        // loops.java: pfnUp spins (its 3 invocations time out), pfnDown and framesSpanned do not call it
        assertThat(text).contains("timed out after 300 ms").contains("at PageMath.java:")
                .endsWith("2 passed, 1 failed" + System.lineSeparator());
    }
}
