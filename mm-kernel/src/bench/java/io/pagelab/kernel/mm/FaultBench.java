package io.pagelab.kernel.mm;

import io.pagelab.api.AddressSpace;
import io.pagelab.api.Prot;
import io.pagelab.hardware.mmu.Access;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Demand paging and fork at scale (issue 6). {@code touch4GiB}: one write fault per page of a
 * fresh 4 GiB anonymous mapping (1,048,576 faults: allocate, clear, map); faults per second =
 * 1,048,576 / the time reported. {@code fork1GiB}: fork of a process with 1 GiB touched (262,144
 * PTEs write-protected and copied), then the child's exit.
 *
 * <pre>
 * mvn -B -P bench -pl mm-kernel -am package -DskipTests
 * java -Xmx3g -jar mm-kernel/target/benchmarks.jar FaultBench
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgs = {"-Xmx3g"})
public class FaultBench {
    private static final long FOUR_GIB = 4L << 30;
    private static final long ONE_GIB = 1L << 30;
    private Kernel kernel;
    private Task task;
    private long base;
    private Task child;

    @Setup(Level.Trial)
    public void boot() {
        kernel = Kernel.boot(KernelConfig.defaults().withRam(6L << 30).withSeed(1));
    }

    @Setup(Level.Invocation)
    public void freshProcess() {
        if (task != null && !task.exited()) {
            kernel.exit(task);
        }
        task = kernel.exec(ProgramImage.hello());
        base = task.mm().mmap(0, FOUR_GIB, Prot.USER_RW, AddressSpace.MAP_PRIVATE | AddressSpace.MAP_ANONYMOUS);
    }

    @Benchmark
    public long touch4GiB() {
        Mm mm = task.mm();
        for (long p = base; p < base + FOUR_GIB; p += 4096) {
            mm.touch(p, Access.WRITE);
        }
        return mm.rssPages();
    }

    /** fork of a process with 1 GiB touched; the child exits after each measurement. */
    @State(Scope.Thread)
    public static class Forked {
        Kernel kernel;
        Task parent;
        Task child;

        @Setup(Level.Trial)
        public void setup() {
            kernel = Kernel.boot(KernelConfig.defaults().withRam(2L << 30).withSeed(1));
            parent = kernel.exec(ProgramImage.hello());
            Mm mm = parent.mm();
            long a = mm.mmap(0, ONE_GIB, Prot.USER_RW, AddressSpace.MAP_PRIVATE | AddressSpace.MAP_ANONYMOUS);
            for (long p = a; p < a + ONE_GIB; p += 4096) {
                mm.touch(p, Access.WRITE);
            }
        }

        @TearDown(Level.Invocation)
        public void reap() {
            if (child != null) {
                kernel.exit(child);
                child = null;
            }
        }
    }

    @Benchmark
    public int fork1GiB(Forked f) {
        f.child = f.kernel.fork(f.parent);
        return f.child.pid();
    }
}
