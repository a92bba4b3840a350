package io.pagelab.hardware.mmu;

import io.pagelab.api.Prot;
import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.hardware.ram.SimulatedRam;
import io.pagelab.hardware.tlb.TlbConfig;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Cost of one translation on the 4 GiB QEMU machine with 1024 user pages mapped 4 KiB each (two
 * page tables' worth, 4 MiB of address space):
 * <ul>
 *   <li>{@code tlbHit}: Mmu.translate of 16 pages that stay in the dTLB (canonical check, lookup,
 *       rights check);</li>
 *   <li>{@code walk4Level} / {@code walk5Level}: PageWalker.walk alone, four (five) entry reads from
 *       SimulatedRam, A bits already set;</li>
 *   <li>{@code tlbMissThenWalk}: Mmu.translate with no TLB at all, so every call misses and walks.</li>
 * </ul>
 *
 * <pre>
 * mvn -B -P bench -pl mm-hardware -am package -DskipTests
 * java -jar mm-hardware/target/benchmarks.jar MmuBench -f 1 -wi 2 -i 3 -w 1s -r 1s
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MmuBench {
    private static final long BASE = 0x00007f0000000000L;
    private static final int PAGES = 1024;

    private long[] va;
    private Mmu mmu;
    private Mmu noTlb;
    private PageWalker walker;
    private long cr3;
    private long cr3Five;
    private CpuState cpu;
    private CpuState cpuFive;
    private int i;

    @Setup
    public void setUp() {
        SimulatedRam ram = SimulatedRam.of(SampleFirmware.qemu4G());
        BumpPageTableAllocator pool = new BumpPageTableAllocator(ram, 0x1000000L, 0x2000000L);
        X86PageTable table = X86PageTable.create(ram, pool);
        X86PageTable five = X86PageTable.builder(ram, pool).mode(PagingMode.FIVE_LEVEL).build();
        va = new long[PAGES];
        for (int p = 0; p < PAGES; p++) {
            va[p] = BASE + p * 4096L + (p * 8L & 0xfff);
            table.map(BASE + p * 4096L, 0x10000 + p, Prot.USER_RW);
            five.map(BASE + p * 4096L, 0x10000 + p, Prot.USER_RW);
        }
        cpu = CpuState.linux().user();
        cpuFive = CpuState.linux(PagingMode.FIVE_LEVEL).user();
        cr3 = table.cr3(1);
        cr3Five = five.cr3(1);
        walker = new PageWalker(ram);
        mmu = new Mmu(ram, TlbConfig.skylake(), cpu);
        mmu.loadCr3(cr3);
        noTlb = new Mmu(ram, TlbConfig.none(), cpu);
        noTlb.loadCr3(cr3);
        for (long v : va) { // set every A bit once, so the measured walks only read
            walker.walk(cr3, v, Access.READ, cpu);
            walker.walk(cr3Five, v, Access.READ, cpuFive);
        }
    }

    @Benchmark
    public long tlbHit() {
        return mmu.translate(va[i++ & 15], Access.READ);
    }

    @Benchmark
    public long walk4Level() {
        return walker.walk(cr3, va[i++ & (PAGES - 1)], Access.READ, cpu);
    }

    @Benchmark
    public long walk5Level() {
        return walker.walk(cr3Five, va[i++ & (PAGES - 1)], Access.READ, cpuFive);
    }

    @Benchmark
    public long tlbMissThenWalk() {
        return noTlb.translate(va[i++ & (PAGES - 1)], Access.READ);
    }
}
