package io.pagelab.kernel.procfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.api.AddressSpace;
import io.pagelab.api.Prot;
import io.pagelab.kernel.mm.Kernel;
import io.pagelab.kernel.mm.KernelConfig;
import io.pagelab.kernel.mm.ProgramImage;
import io.pagelab.kernel.mm.Task;
import org.junit.jupiter.api.Test;

class ProcPidTest {
    private static final int ANON = AddressSpace.MAP_PRIVATE | AddressSpace.MAP_ANONYMOUS;

    private static Kernel noAslr() {
        return Kernel.boot(KernelConfig.defaults().withoutAslr().withRam(256L << 20));
    }

    private static String entry(String smaps, String header) {
        int at = smaps.indexOf(header);
        int next = smaps.indexOf("VmFlags:", at);
        return smaps.substring(at, smaps.indexOf('\n', next) + 1);
    }

    @Test
    void pagesSharedAfterForkCountHalfInPss() {
        Kernel k = noAslr();
        Task parent = k.exec(ProgramImage.hello());
        long a = parent.mm().mmap(0, 0x4000, Prot.USER_RW, ANON);
        for (int i = 0; i < 4; i++) {
            parent.mm().writeLong(a + i * 4096L, i + 1);
        }
        Task child = k.fork(parent);
        child.mm().writeLong(a, 9); // the child's copy of page 0 is private now
        String e = entry(ProcPid.smaps(parent), Long.toHexString(a) + "-");
        // 4 pages resident; pages 1..3 shared with the child (mapcount 2): Pss = 4 + 3 * 4 / 2 = 10 kB;
        // written before fork, so dirty: Shared_Dirty 12 kB, Private_Dirty 4 kB.
        assertThat(e).contains("Rss:                  16 kB\n")
                .contains("Pss:                  10 kB\n")
                .contains("Shared_Dirty:         12 kB\n")
                .contains("Private_Dirty:         4 kB\n")
                .contains("Anonymous:            16 kB\n");
    }

    @Test
    void statusRssIsTheSumOfItsParts() {
        Kernel k = noAslr();
        Task t = k.exec(ProgramImage.hello());
        long a = t.mm().mmap(0, 0x10000, Prot.USER_RW, ANON);
        for (int i = 0; i < 16; i++) {
            t.mm().writeByte(a + i * 4096L, (byte) 1);
        }
        t.mm().readByte(0x555555555000L); // one text page from the page cache
        String s = ProcPid.status(t);
        // 16 anonymous pages = 64 kB, one file page = 4 kB
        assertThat(s).contains("VmRSS:\t      68 kB\n").contains("RssAnon:\t      64 kB\n")
                .contains("RssFile:\t       4 kB\n").contains("RssShmem:\t       0 kB\n");
    }

    @Test
    void rollupSumsEverySmapsEntry() {
        Kernel k = noAslr();
        Task t = k.exec(ProgramImage.hello());
        long a = t.mm().mmap(0, 0x3000, Prot.USER_RW, ANON);
        t.mm().writeByte(a, (byte) 1);
        t.mm().writeByte(0x7ffffffff000L - 8, (byte) 1);
        String r = ProcPid.smapsRollup(t);
        // first VMA 0x555555554000 to the end of the last VMA, [stack] at 7ffffffff000: show_smaps_rollup
        // walks the VMA tree, which does not hold the [vsyscall] gate (the captured samples/smaps_rollup
        // of a process whose smaps lists [vsyscall] ends at 7ffffffff000 too)
        assertThat(r).startsWith("555555554000-7ffffffff000 ---p 00000000 00:00 0");
        assertThat(r).contains("Rss:                   8 kB\n");
    }

    @Test
    void meminfoCountsAnonymousAndPageTables() {
        Kernel k = noAslr();
        Task t = k.exec(ProgramImage.hello());
        long a = t.mm().mmap(0, 0x100000, Prot.USER_RW, ANON);
        for (int i = 0; i < 256; i++) {
            t.mm().writeByte(a + i * 4096L, (byte) 1);
        }
        String m = ProcPid.meminfo(k);
        assertThat(m).startsWith("MemTotal:").contains("AnonPages:          1024 kB\n");
        assertThat(m).containsPattern("PageTables:\\s+\\d+ kB\n");
    }

    @Test
    void committedAsSumsTheAccountedAreasOfEveryProcessAndSharedMemory() {
        // mm/util.c vm_committed_as, charged by __vm_enough_memory: hello starts with its rw-p data
        // segment (2 pages, a private writable mapping: accountable_mapping) and its [stack] (0x21 pages,
        // VM_STACK_FLAGS includes VM_ACCOUNT): 35 pages. [vvar]/[vdso] and read-only segments are not charged.
        Kernel k = noAslr();
        Task t = k.exec(ProgramImage.hello());
        assertThat(k.committedPages()).isEqualTo(2 + 33);
        long a = t.mm().mmap(0, 16 * 4096, Prot.USER_RW, ANON);                               // +16
        t.mm().mmap(0, 8 * 4096, Prot.USER_RW, ANON | AddressSpace.MAP_NORESERVE);            // VM_NORESERVE: +0
        long ro = t.mm().mmap(0, 4 * 4096, Prot.USER_R, ANON);                                // not writable: +0
        t.mm().mmap(0, 2 * 4096, Prot.USER_RW, AddressSpace.MAP_SHARED | AddressSpace.MAP_ANONYMOUS); // shmem_acct_size: +2
        assertThat(k.committedPages()).isEqualTo(35 + 16 + 2);
        t.mm().mprotect(ro, 4 * 4096, Prot.USER_RW);                                          // mprotect_fixup charges: +4
        assertThat(k.committedPages()).isEqualTo(35 + 16 + 2 + 4);
        k.fork(t); // dup_mmap charges the child's VM_ACCOUNT areas again; the shmem object is shared
        assertThat(k.committedPages()).isEqualTo(2 * (35 + 16 + 4) + 2);
        t.mm().munmap(a, 16 * 4096);                                                          // -16
        long pages = 2 * (35 + 16 + 4) + 2 - 16;
        assertThat(ProcPid.meminfo(k)).contains(String.format("Committed_AS:   %8d kB\n", pages * 4));
    }
}
