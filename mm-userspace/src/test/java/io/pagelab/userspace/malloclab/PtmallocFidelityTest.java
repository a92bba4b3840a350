package io.pagelab.userspace.malloclab;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.api.testkit.NaiveAddressSpace;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The ptmalloc model against real glibc 2.36: every bundled trace replayed on {@link io.pagelab.userspace.malloc.Ptmalloc}
 * in an ASLR-off process stand-in must put every block where glibc put it, line for line. The
 * expected lines are fixtures captured by {@code src/test/c/capture.sh} (replay.c under
 * {@code setarch x86_64 -R env -i}, Debian glibc 2.36-9+deb12u14), so no compiler is needed here.
 */
class PtmallocFidelityTest {

    /** The fixture of {@code trace}: its header comments and its lines. */
    private record Fixture(List<String> header, List<String> lines) {
    }

    private static Fixture fixture(String trace) {
        String name = "fixtures/" + trace.replace(".rep", ".offsets");
        InputStream in = PtmallocFidelityTest.class.getResourceAsStream(name);
        assertThat(in).as("fixture %s (run src/test/c/capture.sh)", name).isNotNull();
        List<String> header = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                (line.startsWith("#") ? header : lines).add(line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Fixture(header, lines);
    }

    @TestFactory
    Stream<DynamicTest> everyBlockLandsWhereGlibc236PutsIt() {
        return RepTrace.bundled().keySet().stream().map(name -> DynamicTest.dynamicTest(name,
                () -> compare(name, new NaiveAddressSpace())));
    }

    @TestFactory
    Stream<DynamicTest> theSameHoldsInTheLabProcessTheCommandLineUses() {
        // pagelab malloc-trace --offsets replays in a LabProcess (libc .data pre-mapped, its own
        // page store): its lines must be glibc's too, or diffing against replay.c would mislead
        return RepTrace.bundled().keySet().stream().map(name -> DynamicTest.dynamicTest(name,
                () -> compare(name, new LabProcess())));
    }

    private static void compare(String name, io.pagelab.api.AddressSpace process) {
        RepTrace trace = RepTrace.bundled(name);
        List<String> expected = fixture(name).lines();
        List<String> actual = MallocLab.offsets(trace, new PtmallocAllocator(), process);
        int same = 0;
        int first = -1;
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
            if (expected.get(i).equals(actual.get(i))) {
                same++;
            } else if (first < 0) {
                first = i;
            }
        }
        String where = first < 0 ? "" : String.format(
                "; first difference at trace line %d: glibc \"%s\", model \"%s\"",
                trace.ops().get(first).line(), expected.get(first), actual.get(first));
        assertThat(actual).as("%s: %d of %d lines identical%s", name, same, expected.size(), where)
                .isEqualTo(expected);
    }

    @Test
    void theFixturesComeFromGlibc236() {
        for (String name : RepTrace.bundled().keySet()) {
            assertThat(fixture(name).header()).as(name).anyMatch(h -> h.startsWith("# ldd --version: ")
                    && h.endsWith(" 2.36"));
        }
    }

    @Test
    void theFixturesReplayTheirTraceCallForCall() {
        // checks replay.c's own parsing: the fixture line without its placement is the trace line
        for (String name : RepTrace.bundled().keySet()) {
            List<String> lines = fixture(name).lines();
            List<TraceOp> ops = RepTrace.bundled(name).ops();
            assertThat(lines).as(name).hasSameSizeAs(ops);
            for (int i = 0; i < ops.size(); i++) {
                String line = lines.get(i);
                String call = ops.get(i).kind() == TraceOp.Kind.FREE ? line : line.substring(0, line.lastIndexOf(' '));
                assertThat(call).as("%s call %d", name, i).isEqualTo(ops.get(i).toString());
            }
        }
    }

    @Test
    void theFirstBlockOfAFreshProcessFollowsTheTcacheChunk() {
        // linux-reference.md §5.3: the 0x290-byte tcache_perthread_struct chunk comes first, so the
        // first user pointer is heap + 0x290 + 0x10 = heap + 0x2a0 (and glibc's fixture agrees)
        assertThat(fixture("short.rep").lines().get(0)).isEqualTo("a 0 24 heap+0x2a0");
        assertThat(MallocLab.offsets(RepTrace.bundled("short.rep"), new PtmallocAllocator(), new NaiveAddressSpace())
                .get(0)).isEqualTo("a 0 24 heap+0x2a0");
    }
}
