package io.pagelab.kernel.slub;

import io.pagelab.api.Gfp;
import io.pagelab.hardware.firmware.FirmwareMemoryMap;
import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.hardware.ram.SimulatedRam;
import io.pagelab.kernel.boot.BootMemory;
import io.pagelab.kernel.buddy.BuddyAllocator;
import io.pagelab.kernel.buddy.MmCoreInit;
import io.pagelab.kernel.kmalloc.KmallocAllocator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * SLUB on the buddy allocator of a booted 256 MiB QEMU machine (hardened and randomized freelists,
 * as distributions build): a kmem_cache_alloc + kmem_cache_free pair on the fast path (the
 * object comes from and goes back to the CPU's lockless freelist), and kmalloc + kfree of mixed
 * sizes (8 B .. 8 KiB from the caches, one in 64 a large kmalloc of 16 KiB).
 *
 * <pre>
 * mvn -B -P bench -pl mm-kernel -am package -DskipTests
 * java -jar mm-kernel/target/benchmarks.jar -f 1 -wi 2 -i 3 -w 1s -r 1s SlubBench
 * </pre>
 *
 * <p>Figures on a shared 2-core machine (load 5..8), two runs each: the fast-path pair 12.4 / 13.7
 * ns/op (24.3 / 23.6 before the primitive pfn maps and the resolved slab geometry; issue target
 * 30), kmalloc/kfree mixed 35.0 / 35.7 ns/op (56.5 / 57.2 before). With {@code -prof gc}: no
 * allocation on the fast path, 0.4 B/op on the mixed path (the 1-in-64 large kmalloc's record;
 * 100 B/op before, from boxed pfn keys and eagerly built debug-log strings).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SlubBench {
    private SlubCache cache;
    private KmallocAllocator kmalloc;
    private final long[] sizes = new long[1024];
    private final long[] held = new long[64];
    private int next;

    @Setup
    public void setUp() {
        FirmwareMemoryMap fw = SampleFirmware.qemu(256L << 20);
        BuddyAllocator buddy = MmCoreInit.init(BootMemory.boot(fw)).allocator();
        SlabCaches slabs = new SlabCaches(buddy, DirectMap.of(SimulatedRam.of(fw)), SlubParams.defaults(4),
                SlubConfig.DISTRIBUTION, new KernelRandom(42), 4, true);
        cache = slabs.create(KmemCacheArgs.of("bench_object", 128, 8, 0, false));
        cache.free(cache.alloc(Gfp.GFP_KERNEL)); // a CPU slab with a warm freelist
        kmalloc = new KmallocAllocator(slabs);
        SplittableRandom rnd = new SplittableRandom(42);
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = i % 64 == 63 ? 16384 : 1 + rnd.nextInt(i % 2 == 0 ? 256 : 8192);
        }
        // keep some objects of every size live, so slabs stay and frees hit partial slabs too
        for (int i = 0; i < held.length; i++) {
            held[i] = kmalloc.kmalloc(sizes[i], Gfp.GFP_KERNEL);
        }
    }

    /** kmem_cache_alloc + kmem_cache_free: both on the per-CPU lockless freelist. */
    @Benchmark
    public long kmemCacheAllocFreeFastPath() {
        long p = cache.alloc(Gfp.GFP_KERNEL);
        cache.free(p);
        return p;
    }

    /**
     * kmalloc of the next size and kfree of an object allocated 64 calls earlier (so objects live
     * a while, as in a kernel); one kmalloc + one kfree per operation.
     */
    @Benchmark
    public long kmallocKfreeMixedSizes() {
        int i = next++ & (sizes.length - 1);
        long p = kmalloc.kmalloc(sizes[i], Gfp.GFP_KERNEL);
        int slot = i & (held.length - 1);
        kmalloc.kfree(held[slot]);
        held[slot] = p;
        return p;
    }
}
