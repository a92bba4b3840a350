package io.pagelab.kernel.buddy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.pagelab.api.Gfp;
import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.kernel.boot.BootMemory;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One allocation and its free, on the buddy allocator of a booted 4 GiB QEMU machine, next to
 * Netty's PooledByteBufAllocator on the same sizes (4 KiB for order 0, 32 KiB for order 3; heap
 * buffers, thread caches on, its defaults).
 *
 * <pre>
 * mvn -B -P bench -pl mm-kernel -am package -DskipTests
 * java -jar mm-kernel/target/benchmarks.jar -f 1 -wi 3 -i 5 -w 1s -r 1s BuddyAllocatorBench
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BuddyAllocatorBench {
    private BuddyAllocator buddy;
    private BuddyAllocator buddyPcp;
    private final PooledByteBufAllocator netty = PooledByteBufAllocator.DEFAULT;

    @Setup
    public void setUp() {
        buddy = MmCoreInit.init(BootMemory.boot(SampleFirmware.qemu4G())).allocator();
        buddyPcp = MmCoreInit.init(BootMemory.boot(SampleFirmware.qemu4G()), BuddyConfig.defaults().withCpus(2))
                .allocator();
    }

    @Benchmark
    public long order0AllocFreeKernelPcp() {
        long pfn = buddyPcp.allocPages(0, Gfp.GFP_KERNEL);
        buddyPcp.freePages(pfn, 0);
        return pfn;
    }

    @Benchmark
    public long order3AllocFreeKernelPcp() {
        long pfn = buddyPcp.allocPages(3, Gfp.GFP_KERNEL);
        buddyPcp.freePages(pfn, 3);
        return pfn;
    }

    @Benchmark
    public long order0AllocFreeKernel() {
        long pfn = buddy.allocPages(0, Gfp.GFP_KERNEL);
        buddy.freePages(pfn, 0);
        return pfn;
    }

    @Benchmark
    public long order0AllocFreeMovable() {
        long pfn = buddy.allocPages(0, Gfp.GFP_HIGHUSER_MOVABLE);
        buddy.freePages(pfn, 0);
        return pfn;
    }

    @Benchmark
    public long order3AllocFreeKernel() {
        long pfn = buddy.allocPages(3, Gfp.GFP_KERNEL);
        buddy.freePages(pfn, 3);
        return pfn;
    }

    @Benchmark
    public int nettyPooled4KiB() {
        ByteBuf b = netty.heapBuffer(4096, 4096);
        int c = b.capacity();
        b.release();
        return c;
    }

    @Benchmark
    public int nettyPooled32KiB() {
        ByteBuf b = netty.heapBuffer(32768, 32768);
        int c = b.capacity();
        b.release();
        return c;
    }
}
