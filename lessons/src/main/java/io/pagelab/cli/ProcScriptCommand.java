package io.pagelab.cli;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.kernel.mm.Kernel;
import io.pagelab.kernel.mm.KernelConfig;
import io.pagelab.kernel.mm.ProgramImage;
import io.pagelab.kernel.mm.Task;
import io.pagelab.kernel.procfs.ProcPid;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code pagelab proc-script FILE|-}: runs a scenario of system calls and /proc reads on a
 * simulated process (docs/proc-script.md), one line at a time, and prints what each returns, in
 * the same format as the C program that runs the same file on a real kernel.
 *
 * <pre>
 *   printf 'mmap 0 0x3000 rw- private anon\ntouch $1 w\nsmaps\n' | pagelab proc-script --no-aslr -
 * </pre>
 */
@Command(name = "proc-script", mixinStandardHelpOptions = true, versionProvider = Pagelab.Version.class,
        description = {
            "Run a scenario, one system call or command a line (mmap, munmap, mprotect, mremap, madvise,"
                + " brk, touch, fork, switch, exit, maps, smaps, smaps_rollup, status, statm, numa_maps,"
                + " meminfo), on a simulated process and print each result.",
            "在模拟进程上逐行执行系统调用脚本，并打印每一步的结果与 /proc 文件。"},
        footer = {"", "Example: printf 'mmap 0 0x3000 rw- private anon\\nmaps\\n' | pagelab proc-script --no-aslr -",
            "Syntax: docs/proc-script.md"})
final class ProcScriptCommand implements Callable<Integer> {

    @ParentCommand
    private Pagelab parent;

    @Parameters(arity = "0..1", paramLabel = "FILE|-", description = "The script, or - for standard input.")
    private String source;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of every random choice (ASLR); default 0.")
    private long seed;

    @Option(names = "--no-aslr", description = "Turn randomization off, as setarch -R does.")
    private boolean noAslr;

    @Option(names = "--ram", paramLabel = "MiB", description = "RAM of the simulated machine in MiB (default 512).")
    private long ramMib = 512;

    @Override
    public Integer call() throws IOException {
        Terminal terminal = parent.terminal();
        InputText input = InputText.read(terminal, source, "proc-script", "give a FILE, or pipe a script in (see --help)");
        if (!input.ok()) {
            return input.exitCode();
        }
        String text = input.text();
        KernelConfig cfg;
        try {
            cfg = KernelConfig.defaults().withSeed(seed).withRam(ramMib << 20);
        } catch (InvalidArgumentException e) {
            terminal.err().println("pagelab proc-script: " + e.getMessage());
            return Pagelab.EXIT_USAGE;
        }
        if (noAslr) {
            cfg = cfg.withoutAslr();
        }
        Kernel kernel = Kernel.boot(cfg);
        Task task = kernel.exec(ProgramImage.hello());
        try {
            terminal.out().print(ProcPid.script(kernel, task).run(text));
        } catch (InvalidArgumentException e) {
            terminal.err().println("pagelab proc-script: " + input.where() + ": " + e.getMessage());
            return Pagelab.EXIT_BAD_INPUT;
        }
        terminal.out().flush();
        return 0;
    }
}
