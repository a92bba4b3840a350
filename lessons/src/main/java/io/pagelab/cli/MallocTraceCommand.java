package io.pagelab.cli;

import io.pagelab.api.AddressSpace;
import io.pagelab.userspace.malloclab.AllocatorFault;
import io.pagelab.userspace.malloclab.HeapAllocator;
import io.pagelab.userspace.malloclab.HeapAllocators;
import io.pagelab.userspace.malloclab.LabProcess;
import io.pagelab.userspace.malloclab.MallocLab;
import io.pagelab.userspace.malloclab.MallocLabTable;
import io.pagelab.userspace.malloclab.RepTrace;
import io.pagelab.userspace.malloclab.RepTraceException;
import io.pagelab.userspace.malloclab.TraceResult;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code pagelab malloc-trace}: replays malloc-lab traces ({@code .rep}) on an allocator in a
 * simulated process ({@link LabProcess}).
 *
 * <pre>
 *   pagelab malloc-trace                           every bundled trace on ptmalloc: the table
 *   pagelab malloc-trace small.rep my.rep --allocator segregated
 *   pagelab malloc-trace --offsets large           where each block lands, as replay.c prints it:
 *   diff &lt;(pagelab malloc-trace --offsets my.rep) &lt;(setarch x86_64 -R env -i ./replay my.rep)
 * </pre>
 *
 * <p>A TRACE is a file, {@code -} for standard input, or the name of a bundled trace (with or
 * without {@code .rep}). A malformed trace or an allocator breaking the malloc contract stops
 * with exit code 1 and a message naming the line.
 */
@Command(name = "malloc-trace", mixinStandardHelpOptions = true, versionProvider = Pagelab.Version.class,
        sortOptions = false,
        description = {
            "Replay malloc-lab traces (.rep) on an allocator: utilization and throughput per trace.",
            "在分配器上重放 malloc-lab 轨迹（.rep），打印每条轨迹的利用率与吞吐量。",
            "With --offsets: where each block lands, in the format of mm-userspace/src/test/c/replay.c,"
                + " so the output can be diffed against real glibc.",
            "加 --offsets：打印每个块的位置，格式与 replay.c 相同，可与真实 glibc 的输出直接 diff。"},
        footer = {"", "TRACE: a file, - for standard input, or a bundled trace name. Bundled traces: see --list."})
final class MallocTraceCommand implements Callable<Integer> {

    @ParentCommand
    private Pagelab parent;

    @Parameters(paramLabel = "TRACE", arity = "0..*",
            description = "Traces to replay (default: every bundled trace; --offsets needs exactly one).")
    private List<String> traces = new ArrayList<>();

    @Option(names = {"-a", "--allocator"}, paramLabel = "NAME", defaultValue = "ptmalloc",
            description = "The allocator (default: ${DEFAULT-VALUE}); --list shows the names.")
    private String allocator;

    @Option(names = "--offsets",
            description = "Print one line per call, a <id> <size> heap+0x<hex> / mmap+0x<hex>, r ..., f <id>.")
    private boolean offsets;

    @Option(names = "--passes", paramLabel = "N", defaultValue = "1",
            description = "Timed replays per trace for the throughput (default: ${DEFAULT-VALUE}).")
    private int passes;

    @Option(names = "--list", description = "List the bundled traces and the allocators, and stop.")
    private boolean list;

    @Override
    public Integer call() throws IOException {
        Terminal terminal = parent.terminal();
        if (list) {
            terminal.out().println("Bundled traces / 内置轨迹:");
            for (Map.Entry<String, String> e : RepTrace.bundled().entrySet()) {
                terminal.out().printf("  %-13s %s%n", e.getKey(), e.getValue());
            }
            terminal.out().println("Allocators / 分配器: " + String.join(", ", HeapAllocators.names()));
            return 0;
        }
        if (passes < 1) {
            return usage(terminal, "--passes " + passes + " must be at least 1");
        }
        if (offsets && traces.size() != 1) {
            return usage(terminal, "--offsets replays exactly one TRACE (" + traces.size() + " given)");
        }
        if (!HeapAllocators.names().contains(allocator)) {
            return usage(terminal, "no allocator named '" + allocator + "'; known: "
                    + String.join(", ", HeapAllocators.names()));
        }
        List<RepTrace> loaded = new ArrayList<>();
        try {
            if (traces.isEmpty()) {
                for (String name : RepTrace.bundled().keySet()) {
                    loaded.add(RepTrace.bundled(name));
                }
            }
            for (String t : traces) {
                RepTrace trace = load(terminal, t);
                if (trace == null) {
                    return Pagelab.EXIT_BAD_INPUT;
                }
                loaded.add(trace);
            }
            if (offsets) {
                HeapAllocator a = HeapAllocators.byName(allocator);
                AddressSpace process = new LabProcess();
                for (String line : MallocLab.offsets(loaded.get(0), a, process)) {
                    terminal.out().println(line);
                }
                return 0;
            }
            List<TraceResult> results = MallocLab.run(loaded, () -> HeapAllocators.byName(allocator), passes);
            terminal.out().println("Allocator / 分配器: " + allocator
                    + "   (util = peak payload / peak heap; heap = brk growth + mmapped bytes)");
            MallocLabTable.render(results).forEach(terminal.out()::println);
            return 0;
        } catch (RepTraceException | AllocatorFault e) {
            terminal.err().println("pagelab malloc-trace: " + e.getMessage());
            return Pagelab.EXIT_BAD_INPUT;
        }
    }

    private static int usage(Terminal terminal, String message) {
        terminal.err().println("pagelab malloc-trace: " + message);
        return Pagelab.EXIT_USAGE;
    }

    /** A file, stdin or a bundled trace; null (after a message) if none of them. */
    private static RepTrace load(Terminal terminal, String source) throws IOException {
        if (source.equals("-")) {
            return RepTrace.parse("<stdin>", new InputStreamReader(terminal.in(), StandardCharsets.US_ASCII));
        }
        Path file = Path.of(source);
        if (Files.isRegularFile(file)) {
            return RepTrace.read(file);
        }
        String bundled = source.endsWith(".rep") ? source : source + ".rep";
        if (RepTrace.bundled().containsKey(bundled)) {
            return RepTrace.bundled(bundled);
        }
        terminal.err().println("pagelab malloc-trace: " + source + " is neither a file nor a bundled trace ("
                + String.join(", ", RepTrace.bundled().keySet()) + ")");
        return null;
    }
}
