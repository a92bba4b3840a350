package io.pagelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProcScriptCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String stdin, String... args) {
        Terminal terminal = new Terminal(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                false);
        return Pagelab.commandLine(terminal).execute(args);
    }

    @Test
    void aScriptPrintsEachResultAndTheProcFilesAskedFor() {
        int code = run("mmap 0 0x3000 rw- private anon\ntouch $1 w 0x3000\nmunmap $1+0x1000 0x1000\nstatus\n",
                "proc-script", "--no-aslr", "-");
        assertThat(code).isZero();
        String o = out.toString(StandardCharsets.UTF_8);
        // below the vvar/vdso pair that sits right under mmap_base 0x7ffff7fff000
        assertThat(o).startsWith("mmap 0 0x3000 rw- private anon = 0x7ffff7ff6000\n"
                + "touch $1 w 0x3000 = 0\nmunmap $1+0x1000 0x1000 = 0\n== status ==\n");
        assertThat(o).contains("RssAnon:\t       8 kB\n");
    }

    @Test
    void aFailingCallPrintsItsErrnoAndTheScriptGoesOn() {
        assertThat(run("mmap 0 0 rw- private anon\nbrk 0\n", "proc-script", "--no-aslr", "-")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .isEqualTo("mmap 0 0 rw- private anon = -1 EINVAL\nbrk 0 = 0x555555559000\n");
    }

    @Test
    void aBadLineIsNamedWithItsNumber() {
        assertThat(run("maps\nfrobnicate 1\n", "proc-script", "-")).isEqualTo(Pagelab.EXIT_BAD_INPUT);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("line 2: unknown command 'frobnicate'");
    }

    @Test
    void mlockFaultsThePagesInAndShowsInStatus() {
        assertThat(run("mmap 0 0x2000 rw- private anon\nmlock $1 0x2000\nstatus\n", "proc-script", "--no-aslr",
                "-")).isZero();
        // mlock populates the two pages (write faults: private writable) and counts them locked
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("mlock $1 0x2000 = 0\n")
                .contains("VmLck:\t       8 kB\n").contains("RssAnon:\t       8 kB\n");
    }
}
