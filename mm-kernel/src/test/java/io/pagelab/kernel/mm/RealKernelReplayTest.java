package io.pagelab.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fidelity test of issue 6: each scenario under {@code scenarios/} was run by
 * {@code mm-kernel/src/test/c/procscript.c} on Linux 6.18 under {@code setarch -R} (see
 * capture-maps.sh, which re-captures the transcripts). The simulated process is rebuilt from the
 * real process's first /proc/self/maps, then replays the same script; every system call must
 * return the same value or errno, and every later /proc/self/maps must list the same anonymous,
 * [heap] and [stack] lines (file lines come from the snapshot and are compared too).
 */
class RealKernelReplayTest {

    private static String resource(String name) throws IOException {
        try (InputStream in = RealKernelReplayTest.class.getResourceAsStream("scenarios/" + name)) {
            assertThat(in).as("resource scenarios/%s", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The transcript split into the initial maps block and the rest. */
    private record Transcript(String initialMaps, String rest) {
        static Transcript parse(String text) {
            StringBuilder body = new StringBuilder();
            for (String l : text.split("\n", -1)) {
                if (!l.startsWith("# ")) {
                    body.append(l).append('\n');
                }
            }
            String b = body.toString();
            if (b.endsWith("\n\n")) {
                b = b.substring(0, b.length() - 1);
            }
            int first = b.indexOf("== maps ==\n");
            int after = first + "== maps ==\n".length();
            int next = after;
            while (next < b.length() && !b.startsWith("==", next) && isMapsLine(b, next)) {
                next = b.indexOf('\n', next) + 1;
            }
            return new Transcript(b.substring(after, next), b.substring(next));
        }

        private static boolean isMapsLine(String b, int at) {
            int sp = b.indexOf(' ', at);
            int dash = b.indexOf('-', at);
            return dash > at && dash < sp;
        }
    }

    private static long startBrk(String maps) {
        // ASLR off on 6.18: the break starts at the end of the program's last mapping (bss included)
        long end = 0;
        for (String l : maps.split("\n")) {
            long s = Long.parseUnsignedLong(l.substring(0, l.indexOf('-')), 16);
            long e = Long.parseUnsignedLong(l.substring(l.indexOf('-') + 1, l.indexOf(' ')), 16);
            if (s >= 0x555555554000L && s < 0x600000000000L && (end == 0 || s == end)) {
                end = e;
            }
        }
        return end;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"merge-split", "brk", "errors", "mremap", "thp-hints", "brk-collide", "stack-guard",
            "fixed-span", "mremap-edges"})
    void replayOnTheSimulatorPrintsWhatLinuxPrinted(String name) throws IOException {
        String script = resource(name + ".ps");
        Transcript real = Transcript.parse(resource(name + ".transcript"));
        Kernel k = Kernel.boot(KernelConfig.defaults().withoutAslr().withRam(256L << 20));
        Task t = k.spawnFromMaps("procscript", real.initialMaps(), startBrk(real.initialMaps()));
        String simulated = new ProcScript(k, t).run(script);
        Transcript sim = Transcript.parse(simulated);
        assertThat(sim.initialMaps()).isEqualTo(real.initialMaps());
        assertThat(lines(sim.rest())).containsExactlyElementsOf(lines(real.rest()));
    }

    /**
     * The transcript's lines, with the inode of a shared anonymous mapping's "/dev/zero (deleted)"
     * replaced by "INO": shmem_zero_setup() takes the next inode of the kernel-wide shmem mount
     * (get_next_ino()), which depends on everything the machine did before, not on the process.
     */
    private static List<String> lines(String s) {
        List<String> out = new ArrayList<>();
        for (String l : s.split("\n")) {
            if (!l.isEmpty()) {
                out.add(SHMEM_INODE.matcher(l).replaceFirst("00:01 INO /dev/zero (deleted)"));
            }
        }
        return out;
    }

    private static final Pattern SHMEM_INODE = Pattern.compile("00:01 [0-9]+ +/dev/zero \\(deleted\\)$");
}
