package io.pagelab.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.api.AddressSpace;
import io.pagelab.api.Prot;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FileMappingTest {

    private static Kernel noAslr() {
        return Kernel.boot(KernelConfig.defaults().withoutAslr().withRam(256L << 20));
    }

    @Test
    void twoProcessesMappingAFileSharedSeeEachOthersWrites() {
        Kernel k = noAslr();
        MappedFile f = k.createFile("/tmp/shared.bin", 4242, new byte[8192]);
        Task a = k.exec(ProgramImage.hello());
        Task b = k.exec(ProgramImage.hello());
        long pa = a.mm().mmapFile(0, 8192, Prot.USER_RW, AddressSpace.MAP_SHARED, f, 0);
        long pb = b.mm().mmapFile(0, 8192, Prot.USER_RW, AddressSpace.MAP_SHARED, f, 0);
        a.mm().writeLong(pa + 4096, 0xfeed);
        assertThat(b.mm().readLong(pb + 4096)).isEqualTo(0xfeed);
        // one page-cache page, mapped by both: each counts it in RssFile
        assertThat(a.mm().counters().filePages()).isEqualTo(1);
        assertThat(b.mm().counters().filePages()).isEqualTo(1);
        assertThat(k.rmap(a.mm().translate(pa + 4096) >>> 12)).hasSize(2);
    }

    @Test
    void aPrivateFileMappingReadsTheFileAndCopiesOnWrite() {
        Kernel k = noAslr();
        byte[] content = "hello, page cache".getBytes(StandardCharsets.US_ASCII);
        MappedFile f = k.createFile("/tmp/hello.txt", 77, content);
        Task t = k.exec(ProgramImage.hello());
        long p = t.mm().mmapFile(0, 4096, Prot.USER_RW, AddressSpace.MAP_PRIVATE, f, 0);
        assertThat(t.mm().readByte(p)).isEqualTo((byte) 'h');
        long cachePfn = t.mm().translate(p) >>> 12;
        assertThat(t.mm().counters().majFlt()).isEqualTo(1); // the first read went to "disk"
        t.mm().writeByte(p, (byte) 'J');
        assertThat(t.mm().translate(p) >>> 12).isNotEqualTo(cachePfn);
        assertThat(t.mm().readByte(p)).isEqualTo((byte) 'J');
        assertThat(k.ram().readByte(cachePfn << 12)).isEqualTo((byte) 'h'); // the file is unchanged
        assertThat(t.mm().counters().anonPages()).isEqualTo(1);
        assertThat(t.mm().counters().filePages()).isZero();
    }

    @Test
    void copyAndFillWorkAcrossPagesAndOverlaps() {
        Kernel k = noAslr();
        Task t = k.exec(ProgramImage.hello());
        long a = t.mm().mmap(0, 0x4000, Prot.USER_RW, AddressSpace.MAP_PRIVATE | AddressSpace.MAP_ANONYMOUS);
        t.mm().fill(a + 0xff0, 0x5a, 0x20); // crosses the first page boundary
        assertThat(t.mm().readByte(a + 0xfef)).isZero();
        assertThat(t.mm().readLong(a + 0xff8)).isEqualTo(0x5a5a5a5a5a5a5a5aL);
        t.mm().copy(a + 0x2ff0, a + 0xff0, 0x20); // disjoint, both cross a boundary
        assertThat(t.mm().readLong(a + 0x3008)).isEqualTo(0x5a5a5a5a5a5a5a5aL);
        for (int i = 0; i < 16; i++) {
            t.mm().writeByte(a + i, (byte) i);
        }
        t.mm().copy(a + 3, a, 16); // memmove: overlapping, forward
        assertThat(t.mm().readByte(a + 3 + 15)).isEqualTo((byte) 15);
        assertThat(t.mm().readByte(a + 3)).isZero();
    }

    @Test
    void aSixtyFourGibMachineRunsAProcessInTheTestHeap() {
        // surefire runs with -Xmx512m: per-frame metadata is per present section, pages are sparse
        Kernel k = Kernel.boot(KernelConfig.defaults().withoutAslr().withRam(64L << 30));
        Task t = k.exec(ProgramImage.hello());
        long a = t.mm().mmap(0, 1L << 30, Prot.USER_RW, AddressSpace.MAP_PRIVATE | AddressSpace.MAP_ANONYMOUS);
        for (long p = a; p < a + (1L << 30); p += 1L << 20) {
            t.mm().writeLong(p, p); // one page per MiB: 1024 pages
        }
        assertThat(t.mm().counters().anonPages()).isEqualTo(1024);
        assertThat(t.mm().readLong(a + (512L << 20))).isEqualTo(a + (512L << 20));
        k.exit(t);
    }

    @Test
    void munmapGivesBackThePageTablesOfTheHoleItLeaves() {
        Kernel k = noAslr();
        Task t = k.exec(ProgramImage.hello());
        Mm mm = t.mm();
        assertThat(mm.counters().pgtablesBytes()).isZero(); // nothing faulted yet: the PGD alone
        // 4 MiB is placed 2 MiB-aligned at 0x7ffff7a00000 (below [vvar] at 0x7ffff7ff9000)
        long a = mm.mmap(0, 4L << 20, Prot.USER_RW, AddressSpace.MAP_PRIVATE | AddressSpace.MAP_ANONYMOUS);
        assertThat(a).isEqualTo(0x7ffff7a00000L);
        mm.writeByte(a, (byte) 1);
        mm.writeByte(a + (2L << 20), (byte) 1);
        // a PUD table, a PMD table and two PTE tables (one per 2 MiB): VmPTE 16 kB
        assertThat(mm.counters().pgtablesBytes()).isEqualTo(4 * 4096);
        long tablesBefore = k.pageCounts().pageTables();
        mm.munmap(a, 4L << 20);
        // free_pgtables: both PTE tables lie inside the hole [0x555555559000, 0x7ffff7ff9000); the PMD
        // and PUD tables also cover [vvar] and stay
        assertThat(mm.counters().pgtablesBytes()).isEqualTo(2 * 4096);
        assertThat(k.pageCounts().pageTables()).isEqualTo(tablesBefore - 2);
    }
}
