package io.pagelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.hardware.firmware.SampleFirmware;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the pagelab command line in-process with captured streams. */
class PagelabTest {

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
    void withoutArgumentsTheTourListsTheLessonsAndRunsTheFirst() {
        assertThat(run("")).isZero();

        assertThat(out()).contains("Lessons / 课程").contains("e820").contains("内存从哪里来？e820 与 memblock")
                .contains("Where does memory come from? e820 and memblock")
                .contains("── Step 1 / 第 1 步");
        assertThat(err()).isEmpty();
    }

    @Test
    void lessonsListsIdsAndBothTitles() {
        assertThat(run("", "lessons")).isZero();

        // the id column is as wide as the longest id, so any run of spaces may follow "e820"
        assertThat(out()).containsPattern("e820 +内存从哪里来？e820 与 memblock").contains("[q01 q02 q05 q06 q07]");
        assertThat(out()).doesNotContain("Step 1");
    }

    @Test
    void runningAnUnknownLessonFailsAndListsTheValidIds() {
        assertThat(run("", "run", "no-such-lesson")).isEqualTo(Pagelab.EXIT_USAGE);

        assertThat(err()).contains("no-such-lesson").contains("valid ids: e820");
        assertThat(out()).isEmpty();
    }

    @Test
    void runningTheE820LessonShowsItsSteps() {
        assertThat(run("", "run", "e820")).isZero();

        assertThat(out()).contains("INT 0x15").contains("What to remember");
    }

    @Test
    void e820OnAFileWithTableAPrintsTheSanitizedTable(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("dmesg.txt");
        Files.writeString(file, SampleFirmware.QEMU_4G_DMESG, StandardCharsets.UTF_8);

        assertThat(run("", "e820", file.toString())).isZero();

        // table (a) is already clean: the kernel prints it unchanged (linux-reference.md §2.4 (a))
        assertThat(out()).contains("BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable")
                .contains("BIOS-e820: [mem 0x0000000100000000-0x000000013fffffff] usable");
        // and the boot report: verbatim lines of the same real boot
        assertThat(out()).contains("e820: remove [mem 0x000a0000-0x000fffff] usable")
                .contains("last_pfn = 0x140000 max_arch_pfn = 0x400000000")
                .contains("Zone ranges:")
                .contains("  Normal   [mem 0x0000000100000000-0x000000013fffffff]")
                .contains("[mem 0xc0000000-0xfeffbfff] available for PCI devices");
        assertThat(out()).doesNotContain("MEMBLOCK configuration:");
        assertThat(err()).isEmpty();
    }

    @Test
    void e820WithMemblockDebugAlsoPrintsTheMemblockConfiguration() {
        assertThat(run(SampleFirmware.QEMU_4G_DMESG, "e820", "--memblock-debug", "-")).isZero();

        assertThat(out()).contains("MEMBLOCK configuration:").contains("memory.cnt  = 0x3");
    }

    @Test
    void e820RefusesATableTheKernelWouldIgnore() {
        // Linux ignores an e820 table of fewer than 2 entries (append_e820_table)
        assertThat(run("BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n", "e820", "-"))
                .isEqualTo(Pagelab.EXIT_BAD_INPUT);

        assertThat(err()).contains("fewer than 2 entries");
    }

    @Test
    void e820ReadsStandardInputWithADash() {
        assertThat(run(SampleFirmware.QEMU_4G_DMESG, "e820", "-")).isZero();

        assertThat(out()).contains("BIOS-e820: [mem 0x00000000fffc0000-0x00000000ffffffff] reserved");
    }

    @Test
    void e820ReadsPipedStandardInputWithoutAnArgument() {
        // under the test runner System.console() is null: stdin counts as piped
        assertThat(run(SampleFirmware.QEMU_4G_DMESG, "e820")).isZero();

        assertThat(out()).contains("BIOS-e820: [mem 0x0000000000100000-0x00000000bffdffff] usable");
    }

    @Test
    void malformedE820TextFailsWithTheLineNumberAndNoStackTrace(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.txt");
        Files.writeString(file, "BIOS-provided physical RAM map:\n"
                + "BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
                + "BIOS-e820: [mem 0x0000000000100000-] usable\n", StandardCharsets.UTF_8);

        assertThat(run("", "e820", file.toString())).isNotZero();

        assertThat(err()).contains("line 3").contains("bad.txt");
        assertThat(err()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(out()).isEmpty();
    }

    @Test
    void e820OnAMissingFileSaysSo(@TempDir Path dir) {
        assertThat(run("", "e820", dir.resolve("absent.txt").toString())).isEqualTo(Pagelab.EXIT_BAD_INPUT);

        assertThat(err()).contains("no such file").contains("absent.txt");
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"lessons", "run", "e820", "grade", "questions"}) {
            out.reset();
            assertThat(run("", command, "--help")).as("%s --help", command).isZero();
            assertThat(out()).as("%s --help", command).contains("Usage: pagelab " + command);
        }
        out.reset();
        assertThat(run("", "--help")).isZero();
        assertThat(out()).contains("Usage: pagelab").contains("NO_COLOR");
    }

    @Test
    void versionNamesPagelabAndJava() {
        assertThat(run("", "--version")).isZero();

        assertThat(out()).startsWith("pagelab ").contains("Java ");
    }

    @Test
    void anUnknownCommandIsAUsageError() {
        assertThat(run("", "frobnicate")).isEqualTo(Pagelab.EXIT_USAGE);

        assertThat(err()).contains("frobnicate");
    }
}
