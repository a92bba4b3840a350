package io.pagelab.hardware.ram;

import io.pagelab.hardware.firmware.SampleFirmware;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Cost of one SimulatedRam access on the 4 GiB QEMU machine: an aligned long inside a touched
 * frame (the fast path), a long crossing a frame boundary (byte by byte), random addresses over
 * 16 MiB of touched frames (probe of the pfn table), untouched memory, and a whole-page bulk copy.
 *
 * <pre>
 * mvn -B -P bench -pl mm-hardware -am package -DskipTests
 * java -jar mm-hardware/target/benchmarks.jar -f 1 -wi 2 -i 3 -w 1s -r 1s
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SimulatedRamBench {
    private static final long BASE = 0x1000000L; // 16 MiB, inside usable 0x100000-0xbffdffff
    private static final int FRAMES = 4096;      // 16 MiB of touched frames
    private static final int MASK = 1023;

    private SimulatedRam ram;
    private long[] randomAddresses;
    private final byte[] page = new byte[4096];
    private int i;

    @Setup
    public void setUp() {
        ram = SimulatedRam.of(SampleFirmware.qemu4G());
        for (int f = 0; f < FRAMES; f++) {
            ram.writeLong(BASE + f * 4096L, f);
        }
        Random random = new Random(42);
        randomAddresses = new long[MASK + 1];
        for (int k = 0; k < randomAddresses.length; k++) {
            randomAddresses[k] = BASE + (random.nextInt(FRAMES * 512) * 8L);
        }
    }

    @Benchmark
    public long readLongSamePage() {
        return ram.readLong(BASE + 8 * (i++ & 511));
    }

    @Benchmark
    public void writeLongSamePage() {
        ram.writeLong(BASE + 8 * (i++ & 511), i);
    }

    @Benchmark
    public long readLongRandomTouchedFrames() {
        return ram.readLong(randomAddresses[i++ & MASK]);
    }

    @Benchmark
    public void writeLongRandomTouchedFrames() {
        ram.writeLong(randomAddresses[i++ & MASK], i);
    }

    @Benchmark
    public long readLongCrossingFrames() {
        return ram.readLong(BASE + 4093 + 4096L * (i++ & 1023));
    }

    @Benchmark
    public long readLongUntouched() {
        return ram.readLong(0x80000000L + 8L * (i++ & 0xffff));
    }

    @Benchmark
    public byte[] readBytesWholePage() {
        ram.readBytes(BASE + 4096L * (i++ & 1023), page, 0, 4096);
        return page;
    }
}
