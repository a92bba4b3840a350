package io.pagelab.lessons;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.api.AddressSpace;
import io.pagelab.api.Prot;
import io.pagelab.hardware.Machine;
import io.pagelab.kernel.boot.BootMemory;
import io.pagelab.kernel.boot.BootMemoryResult;
import io.pagelab.kernel.mm.Kernel;
import io.pagelab.kernel.mm.KernelConfig;
import io.pagelab.kernel.mm.ProgramImage;
import io.pagelab.kernel.mm.Task;
import io.pagelab.kernel.procfs.ProcPid;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Keeps the library example of README.md honest: the same code lives here ({@link Hello}), is
 * compiled and run, and every line of the README's Java block must appear in this file.
 */
class ReadmeExampleTest {

    // ---- begin: the README example, verbatim
    public class Hello {
        public static void main(String[] args) {
            Machine machine = Machine.qemu4G();                          // a QEMU guest, 4 GiB, real firmware table
            BootMemoryResult boot = BootMemory.boot(machine.firmware()); // setup_arch(): e820, memblock, zones
            boot.e820().print("e820").forEach(System.out::println);      // the kernel's e820 table
            System.out.println(boot.zones().presentPages() + " pages of RAM in the zones");
        }
    }
    // ---- end

    // ---- begin: the second README example, verbatim
    public class Fork {
        public static void main(String[] args) {
            Kernel kernel = Kernel.boot(KernelConfig.defaults().withoutAslr()); // ASLR off, like setarch -R
            Task parent = kernel.exec(ProgramImage.hello());                    // execve() of a small PIE
            long a = parent.mm().mmap(0, 4096, Prot.USER_RW, AddressSpace.MAP_PRIVATE | AddressSpace.MAP_ANONYMOUS);
            parent.mm().writeLong(a, 42);                 // a page fault brings in a fresh page
            Task child = kernel.fork(parent);             // now shared, copy-on-write
            child.mm().writeLong(a, 7);                   // the child's write copies the page
            System.out.println(parent.mm().readLong(a) + " " + child.mm().readLong(a));
            System.out.print(ProcPid.maps(parent));       // /proc/pid/maps, byte for byte
        }
    }
    // ---- end

    private static final Path HOME = Path.of(System.getProperty("pagelab.home", "..")).toAbsolutePath().normalize();

    @Test
    void theExamplePrintsTheKernelsE820TableAndThePageCount() {
        PrintStream saved = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            Hello.main(new String[0]);
        } finally {
            System.setOut(saved);
        }
        String output = bytes.toString(StandardCharsets.UTF_8);

        // linux-reference.md §2.4 (a), after setup_arch reserved page 0: RAM starts at 0x1000
        assertThat(output).contains("e820: [mem 0x0000000000000000-0x0000000000000fff] reserved")
                .contains("e820: [mem 0x0000000000001000-0x000000000009fbff] usable")
                .contains("e820: [mem 0x0000000100000000-0x000000013fffffff] usable");
        // node ranges in pages: 0x9e + 0xbfee0 + 0x40000 = 1048446, "Total pages: 1048446" in §2.4 (a)
        assertThat(output).contains("1048446 pages of RAM in the zones");
    }

    @Test
    void theProcessExamplePrintsBothValuesAndTheMaps() {
        PrintStream saved = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            Fork.main(new String[0]);
        } finally {
            System.setOut(saved);
        }
        String output = bytes.toString(StandardCharsets.UTF_8);
        // the parent keeps 42; the page sits just below [vvar] (mmap_base 0x7ffff7fff000 - 6 pages)
        assertThat(output).startsWith("42 7\n")
                .contains("7ffff7ff8000-7ffff7ff9000 rw-p 00000000 00:00 0 \n")
                .contains("[stack]\n");
    }

    @Test
    void theReadmeShowsExactlyThisCode() throws IOException {
        String readme = Files.readString(HOME.resolve("README.md"), StandardCharsets.UTF_8);
        String thisFile = Files.readString(HOME.resolve(
                "lessons/src/test/java/io/pagelab/lessons/ReadmeExampleTest.java"), StandardCharsets.UTF_8);
        int blocks = 0;
        List<String> here = thisFile.lines().map(String::strip).collect(Collectors.toList());
        for (int start = readme.indexOf("```java\n"); start >= 0; start = readme.indexOf("```java\n", start + 7)) {
            blocks++;
            String block = readme.substring(start + "```java\n".length(), readme.indexOf("```", start + 7));
            List<String> lines = block.lines().map(String::strip).filter(line -> !line.isEmpty())
                    .collect(Collectors.toList());
            assertThat(lines).as("lines of README example %d", blocks).hasSizeGreaterThan(8);
            for (String line : lines) {
                if (line.startsWith("import ")) {
                    assertThat(here).as("README import must be one of this test's imports").contains(line);
                } else {
                    assertThat(here).as("README line must appear in ReadmeExampleTest").contains(line);
                }
            }
        }
        assertThat(blocks).as("```java blocks in README.md").isEqualTo(2);
    }
}
