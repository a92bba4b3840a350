package io.pagelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pagelab malloc-trace}, run in-process with captured streams. */
class MallocTraceCommandTest {
    private static final String SHORT = "4096\n4\n10\n1\na 0 24\na 1 100\na 2 2000\nf 1\na 3 40\n"
            + "r 0 500\nf 2\nr 3 3000\nf 0\nf 3\n";

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String stdin, String... args) {
        Terminal terminal = new Terminal(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                false);
        return Pagelab.commandLine(terminal).execute(args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theTableHasARowPerTraceAndATotal() {
        assertThat(run("", "malloc-trace", "short", "small.rep", "--allocator", "implicit")).isZero();

        assertThat(out()).contains("Allocator / 分配器: implicit")
                .containsPattern("(?m)^trace +calls +util +peak payload +peak heap +Kcalls/s$")
                .containsPattern("(?m)^short\\.rep +10 +\\d+\\.\\d% +3500 +\\d+ +\\d+$")
                .containsPattern("(?m)^small\\.rep +3254 ")
                .containsPattern("(?m)^total +3264 +\\d+\\.\\d%");
        assertThat(err()).isEmpty();
    }

    @Test
    void aTraceFileAndStandardInputAreReadToo(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("mine.rep");
        Files.writeString(file, SHORT, StandardCharsets.US_ASCII);

        assertThat(run(SHORT, "malloc-trace", file.toString(), "-", "-a", "explicit")).isZero();

        assertThat(out()).containsPattern("(?m)^mine\\.rep +10 ").containsPattern("(?m)^<stdin> +10 ");
    }

    @Test
    void offsetsPrintTheHarnessFormatForAnyAllocator() {
        assertThat(run("", "malloc-trace", "--offsets", "short", "--allocator", "implicit")).isZero();

        String[] lines = out().split("\n");
        assertThat(lines).hasSize(10);
        assertThat(lines[0]).matches("a 0 24 heap\\+0x[0-9a-f]+");
        assertThat(lines[3]).isEqualTo("f 1");
        assertThat(lines[5]).matches("r 0 500 heap\\+0x[0-9a-f]+");
    }

    @Test
    void offsetsWithPtmallocAreWhatGlibc236Prints() {
        // real glibc 2.36 (Debian 2.36-9+deb12u14): replay.c on short.rep under setarch -R, the
        // fixture mm-userspace/src/test/resources/.../fixtures/short.offsets
        assertThat(run(SHORT, "malloc-trace", "--offsets", "-")).isZero();

        assertThat(out()).isEqualTo("a 0 24 heap+0x2a0\na 1 100 heap+0x2c0\na 2 2000 heap+0x330\nf 1\n"
                + "a 3 40 heap+0xb10\nr 0 500 heap+0xb40\nf 2\nr 3 3000 heap+0xd40\nf 0\nf 3\n");
    }

    @Test
    void ptmallocIsTheDefaultAllocatorOfTheTable() {
        assertThat(run("", "malloc-trace", "short")).isZero();

        // glibc's first sysmalloc (for the 0x290 tcache chunk) grows the break by
        // 0x290 + top_pad 0x20000 + MINSIZE 0x20 = 0x202b0, page-rounded 0x21000 = 135168
        // (linux-reference.md §5.2); short.rep's chunks end at heap+0xd30+0xbc0 = 0x18f0 < 0x21000,
        // so the heap never grows again: utilization 3500 / 135168 = 2.6%
        assertThat(out()).contains("Allocator / 分配器: ptmalloc")
                .containsPattern("(?m)^short\\.rep +10 +2\\.6% +3500 +135168 ");
    }

    @Test
    void offsetsNeedExactlyOneTrace() {
        assertThat(run("", "malloc-trace", "--offsets", "short", "small")).isEqualTo(Pagelab.EXIT_USAGE);

        assertThat(err()).contains("--offsets replays exactly one TRACE (2 given)");
    }

    @Test
    void aMalformedTraceNamesTheLine() {
        assertThat(run("0\n1\n1\n1\nf 0\n", "malloc-trace", "-", "-a", "implicit")).isEqualTo(Pagelab.EXIT_BAD_INPUT);

        assertThat(err()).contains("<stdin>:5: \"f 0\": id 0 is not allocated here; 'f' needs a live id");
    }

    @Test
    void anUnknownTraceListsTheBundledOnes() {
        assertThat(run("", "malloc-trace", "nope.rep", "-a", "implicit")).isEqualTo(Pagelab.EXIT_BAD_INPUT);

        assertThat(err()).contains("nope.rep is neither a file nor a bundled trace (short.rep, small.rep");
    }

    @Test
    void anUnknownAllocatorListsTheKnownOnes() {
        assertThat(run("", "malloc-trace", "short", "-a", "best-fit")).isEqualTo(Pagelab.EXIT_USAGE);

        assertThat(err()).contains("no allocator named 'best-fit'; known: ").contains("implicit").contains("segregated");
    }

    @Test
    void listShowsTracesAndAllocators() {
        assertThat(run("", "malloc-trace", "--list")).isZero();

        assertThat(out()).contains("short.rep").contains("large.rep").contains("Allocators / 分配器: ")
                .contains("explicit");
    }
}
