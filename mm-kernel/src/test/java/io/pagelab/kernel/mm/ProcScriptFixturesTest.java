package io.pagelab.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Guards the real-kernel fixtures of the maps fidelity test (scenarios/*.ps and their .transcript,
 * captured by src/test/c/capture-maps.sh on Linux 6.18): every transcript must still belong to its
 * script, line by line, in the format of docs/proc-script.md. Editing a .ps without re-running the
 * capture fails here.
 */
class ProcScriptFixturesTest {
    private static final Pattern MAPS_LINE = Pattern.compile("[0-9a-f]{8,16}-[0-9a-f]{8,16} [-r][-w][-x][ps] .*");
    private static final Pattern RESULT = Pattern.compile("0x[0-9a-f]+|0|-1 E[A-Z]+|-1 SIGSEGV");
    private static final List<String> PROC_FILES =
            List.of("maps", "smaps", "smaps_rollup", "status", "statm", "numa_maps", "meminfo");

    @ParameterizedTest
    @ValueSource(strings = {"merge-split", "brk", "errors", "mremap", "thp-hints", "brk-collide", "stack-guard",
            "fixed-span", "mremap-edges"})
    void theTranscriptFollowsItsScriptLineByLine(String name) {
        List<String> script = scriptLines(resource(name + ".ps"));
        List<String> transcript = transcriptLines(resource(name + ".transcript"));
        assertThat(script.get(0)).as("a scenario starts with the initial layout").isEqualTo("maps");
        int t = 0;
        for (String cmd : script) {
            assertThat(t).as("%s: transcript ends before '%s'", name, cmd).isLessThan(transcript.size());
            String out = transcript.get(t++);
            if (PROC_FILES.contains(cmd)) {
                assertThat(out).isEqualTo("== " + cmd + " ==");
                int body = 0;
                while (t < transcript.size() && MAPS_LINE.matcher(transcript.get(t)).matches()) {
                    t++;
                    body++;
                }
                assertThat(body).as("%s: lines after '%s'", name, out).isPositive();
            } else {
                assertThat(out).as(name).startsWith(cmd + " = ");
                assertThat(out.substring(cmd.length() + 3)).as(out).matches(RESULT);
            }
        }
        assertThat(t).as("%s: transcript has lines beyond the script", name).isEqualTo(transcript.size());
    }

    /** Comments and blank lines dropped, tokens joined by single spaces (the transcript's echo). */
    static List<String> scriptLines(String text) {
        List<String> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            int hash = line.indexOf('#');
            String code = (hash >= 0 ? line.substring(0, hash) : line).trim();
            if (!code.isEmpty()) {
                out.add(String.join(" ", code.split("\\s+")));
            }
        }
        return out;
    }

    /** The transcript without its leading '#' header lines. */
    static List<String> transcriptLines(String text) {
        List<String> out = new ArrayList<>();
        boolean header = true;
        for (String line : text.split("\n")) {
            if (header && line.startsWith("#")) {
                continue;
            }
            header = false;
            out.add(line);
        }
        return out;
    }

    private static String resource(String name) {
        String path = "/io/pagelab/kernel/mm/scenarios/" + name;
        try (InputStream in = ProcScriptFixturesTest.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
