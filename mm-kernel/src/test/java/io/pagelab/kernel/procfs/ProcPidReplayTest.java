package io.pagelab.kernel.procfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.api.AddressSpace;
import io.pagelab.api.Prot;
import io.pagelab.kernel.mm.Kernel;
import io.pagelab.kernel.mm.KernelConfig;
import io.pagelab.kernel.mm.MappedFile;
import io.pagelab.kernel.mm.Mm;
import io.pagelab.kernel.mm.ProgramImage;
import io.pagelab.kernel.mm.Task;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * End to end against the real kernel: the simulated process does what
 * mm-kernel/src/test/c/proc_samples.c did on Linux 6.18 (capture-proc.sh) at the same addresses
 * (every region of samples/regions.txt: D, A, B, Z, C, L, F), and
 * its /proc/pid/smaps entries for those regions must equal the captured ones byte for byte
 * (the shmem inode of C is a kernel-wide counter and is left out).
 */
class ProcPidReplayTest {
    private static final int PRIV = AddressSpace.MAP_PRIVATE | AddressSpace.MAP_ANONYMOUS
            | AddressSpace.MAP_FIXED_NOREPLACE;
    private static final long PG = 4096;

    private static String sample(String name) throws IOException {
        try (InputStream in = ProcPidReplayTest.class.getResourceAsStream("samples/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static long region(String regions, String name) {
        for (String l : regions.split("\n")) {
            String[] f = l.trim().split("\\s+");
            if (f[0].equals(name)) {
                return Long.decode(f[1]);
            }
        }
        throw new AssertionError("no region " + name);
    }

    /** The smaps entry that starts at {@code start}: its header line through its VmFlags line. */
    private static String entry(String smaps, long start) {
        int at = smaps.indexOf(Long.toHexString(start) + "-");
        assertThat(at).as("entry at %x", start).isNotNegative();
        int flags = smaps.indexOf("VmFlags:", at);
        return smaps.substring(at, smaps.indexOf('\n', flags) + 1);
    }

    @Test
    void theSameRegionsGiveTheSameSmapsEntriesAsLinux() throws IOException {
        String regions = sample("regions.txt");
        String real = sample("smaps");
        Kernel k = Kernel.boot(KernelConfig.defaults().withoutAslr().withRam(256L << 20));
        Task t = k.exec(ProgramImage.hello());
        Mm mm = t.mm();
        long d = mm.mmap(region(regions, "D"), 8 * PG, Prot.USER_RW, PRIV);
        for (int i = 0; i < 8; i++) {
            mm.writeByte(d + i * PG, (byte) 1);
        }
        Task child = k.fork(t); // keeps D's pages mapped
        mm.writeByte(d, (byte) 2); // COW: the parent gets private copies of pages 0 and 1
        mm.writeByte(d + PG, (byte) 2);
        long a = mm.mmap(region(regions, "A"), 16 * PG, Prot.USER_RW, PRIV);
        for (int i = 0; i < 4; i++) {
            mm.writeByte(a + i * PG, (byte) 1);
        }
        long b = mm.mmap(region(regions, "B"), 8 * PG, Prot.USER_RW, PRIV);
        long z = mm.mmap(region(regions, "Z"), 4 * PG, Prot.USER_RW, PRIV);
        for (int i = 0; i < 4; i++) {
            mm.readByte(z + i * PG);
        }
        long c = mm.mmap(region(regions, "C"), 8 * PG, Prot.USER_RW, AddressSpace.MAP_SHARED
                | AddressSpace.MAP_ANONYMOUS | AddressSpace.MAP_FIXED_NOREPLACE);
        mm.writeByte(c, (byte) 1);
        mm.writeByte(c + PG, (byte) 1);
        long l = mm.mmap(region(regions, "L"), 4 * PG, Prot.USER_RW, PRIV);
        mm.mlock(l, 4 * PG);
        byte[] x = new byte[4 * 4096];
        Arrays.fill(x, (byte) 'x');
        MappedFile file = k.createFile(new MappedFile("/tmp/pagelab-proc-sample.dat", 0xfe, 0, 2147681),
                x.length, x);
        long f = mm.mmapFile(region(regions, "F"), 4 * PG, Prot.USER_R, AddressSpace.MAP_PRIVATE
                | AddressSpace.MAP_FIXED_NOREPLACE, file, 0);
        for (int i = 0; i < 4; i++) {
            mm.readByte(f + i * PG);
        }
        String sim = ProcPid.smaps(t);
        for (long start : new long[] {d, a, b, z, l, f}) {
            assertThat(entry(sim, start)).as("region at %x", start).isEqualTo(entry(real, start));
        }
        String simC = entry(sim, c).replaceFirst("00:01 \\d+ +", "00:01 INO ");
        String realC = entry(real, c).replaceFirst("00:01 \\d+ +", "00:01 INO ");
        assertThat(simC).isEqualTo(realC);
        assertThat(child.mm().counters().anonPages()).isEqualTo(8);
        assertThat(mm.counters().lockedVm()).isEqualTo(4); // VmLck: 16 kB in the captured status
        assertThat(child.mm().counters().lockedVm()).isZero();
        // numa_maps of the same regions (show_numa_map; the shmem inode is not printed there)
        String simNuma = ProcPid.numaMaps(t);
        String realNuma = sample("numa_maps");
        for (long start : new long[] {d, a, b, z, c, l, f}) {
            assertThat(numaLine(simNuma, start)).as("numa_maps at %x", start).isEqualTo(numaLine(realNuma, start));
        }
    }

    private static String numaLine(String numaMaps, long start) {
        for (String l : numaMaps.split("\n")) {
            if (l.startsWith(Long.toHexString(start) + " ")) {
                return l;
            }
        }
        throw new AssertionError("no numa_maps line at " + Long.toHexString(start));
    }
}
