package io.pagelab.cli;

import io.pagelab.hardware.firmware.E820FormatException;
import io.pagelab.hardware.firmware.FirmwareMemoryMap;
import io.pagelab.kernel.boot.BootConfig;
import io.pagelab.kernel.boot.BootMemory;
import io.pagelab.kernel.boot.BootMemoryResult;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code pagelab e820 [FILE|-]}: boots the simulated kernel on a firmware table given as dmesg
 * {@code BIOS-e820:} lines and prints what the kernel makes of it
 * ({@link BootMemory#boot}): the sanitized table, the early e820 edits, the end of RAM, the zones
 * and node ranges, and the PCI gap, as dmesg would. Other input lines (timestamps, the rest of a
 * dmesg) are ignored.
 *
 * <pre>
 *   sudo dmesg | pagelab e820 -
 *   pagelab e820 saved-dmesg.txt
 * </pre>
 *
 * <p>A malformed line stops with exit code 1 and the parser's message, which names the line.
 */
@Command(name = "e820", mixinStandardHelpOptions = true, versionProvider = Pagelab.Version.class,
        description = {
            "Read BIOS-e820 lines (as dmesg prints them) from FILE or standard input, and print the"
                + " sanitized e820 table and the kernel's boot report for that machine.",
            "读取 dmesg 中的 BIOS-e820 行，打印整理后的 e820 表与启动报告。"},
        footer = {"", "Example: sudo dmesg | pagelab e820 -"})
final class E820Command implements Callable<Integer> {

    @ParentCommand
    private Pagelab parent;

    @Parameters(arity = "0..1", paramLabel = "FILE|-",
            description = "A file with BIOS-e820 lines, or - for standard input (the default when input is piped).")
    private String source;

    @Option(names = "--memblock-debug",
            description = "Also print the MEMBLOCK configuration, as booting with memblock=debug does.")
    private boolean memblockDebug;

    @Override
    public Integer call() throws IOException {
        Terminal terminal = parent.terminal();
        InputText input = InputText.read(terminal, source, "e820",
                "give a FILE, or pipe BIOS-e820 lines in: sudo dmesg | pagelab e820 -");
        if (!input.ok()) {
            return input.exitCode();
        }
        String text = input.text();
        FirmwareMemoryMap firmware;
        try {
            firmware = FirmwareMemoryMap.parse(text);
        } catch (E820FormatException e) {
            terminal.err().println("pagelab e820: " + input.where() + ": " + e.getMessage());
            return Pagelab.EXIT_BAD_INPUT;
        }
        return print(terminal, firmware);
    }

    private int print(Terminal terminal, FirmwareMemoryMap firmware) {
        BootMemoryResult boot;
        try {
            boot = BootMemory.boot(firmware, BootConfig.defaults().withMemblockDebug(memblockDebug));
        } catch (IllegalArgumentException e) {
            // a table the kernel would not use (fewer than 2 entries, a range wrapping past 2^64)
            terminal.err().println("pagelab e820: " + e.getMessage());
            return Pagelab.EXIT_BAD_INPUT;
        }
        boot.report().forEach(terminal.out()::println);
        return 0;
    }
}
