package io.pagelab.kernel.procfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.kernel.mm.ProcMaps;
import io.pagelab.kernel.mm.Vma;
import org.junit.jupiter.api.Test;

/**
 * Smaps entries against the real captures of src/test/c/proc_samples.c (Linux 6.18 x86-64). For each
 * region the test accounts the pages the program touched, as worked out by hand in the comments, and
 * expects the captured entry byte for byte.
 */
class SmapsTest {
    /** mmap(PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS): rd wr mr mw me ac (VM_ACCOUNT: private writable). */
    private static final int ANON_RW = Vma.VM_READ | Vma.VM_WRITE | Vma.VM_MAYREAD | Vma.VM_MAYWRITE
            | Vma.VM_MAYEXEC | (int) SmapVmFlags.VM_ACCOUNT;

    private static Vma anonRegion(String label, int flags) {
        long[] r = ProcSamples.region(label);
        return Vma.anonymous(r[0], r[1], flags, null);
    }

    @Test
    void fourWrittenPagesOfASixteenPageAnonymousRegionArePrivateDirty() {
        // region A: 16 pages mapped, pages 0..3 written once. Each write fault allocates a page mapped
        // only here (mapcount 1) with the PTE young and dirty: Rss = Pss = Private_Dirty = 16 kB.
        Vma a = anonRegion("A", ANON_RW);
        MemSizeStats s = new MemSizeStats();
        for (int i = 0; i < 4; i++) {
            s.accountPage(PageKind.ANON, 1, true, true, false);
        }
        assertThat(Smaps.render(a, s, SmapsOptions.captured618())).isEqualTo(ProcSamples.smapsEntry(a.start()));
    }

    @Test
    void untouchedAndReadOnlyFaultedAnonymousMemoryHasNoRss() {
        // region B: never touched, no page. Region Z: every page read once; a read fault on anonymous
        // memory maps the shared zero page, which vm_normal_page() skips, so smaps counts nothing.
        for (String label : new String[] {"B", "Z"}) {
            Vma v = anonRegion(label, ANON_RW);
            assertThat(Smaps.render(v, new MemSizeStats(), SmapsOptions.captured618()))
                    .as("region %s", label).isEqualTo(ProcSamples.smapsEntry(v.start()));
        }
    }

    @Test
    void afterForkSharedPagesAreChargedHalfAndCowCopiesWhole() {
        // region D: 8 pages written, then fork(); the child keeps them. The parent then writes pages 0
        // and 1 again: COW gives it two new private pages. Six pages stay mapped by parent and child
        // (mapcount 2): Shared_Dirty 24 kB, Pss 6 * 4 / 2 = 12 kB; two private pages: Private_Dirty 8 kB,
        // Pss 8 kB. Rss 32 kB, Pss 20 kB. The parent's PTEs keep their young and dirty bits (fork marks
        // only the child's copies old).
        Vma d = anonRegion("D", ANON_RW);
        MemSizeStats s = new MemSizeStats();
        for (int i = 0; i < 2; i++) {
            s.accountPage(PageKind.ANON, 1, true, true, false);
        }
        for (int i = 0; i < 6; i++) {
            s.accountPage(PageKind.ANON, 2, true, true, false);
        }
        assertThat(s.pss()).isEqualTo(20 * 1024);
        assertThat(Smaps.render(d, s, SmapsOptions.captured618())).isEqualTo(ProcSamples.smapsEntry(d.start()));
    }

    @Test
    void sharedAnonymousMemoryIsShmemAndPrivateWhileOnlyOneProcessMapsIt() {
        // region C: mmap(MAP_SHARED|MAP_ANONYMOUS), 8 pages, pages 0 and 1 written. The pages belong to
        // a shmem file (maps shows "/dev/zero (deleted)"): not Anonymous. Mapped once each, they are
        // Private_Dirty even though the mapping is shared: Rss = Pss = Private_Dirty = 8 kB.
        long[] r = ProcSamples.region("C");
        String entry = ProcSamples.smapsEntry(r[0]);
        long flags = SmapVmFlags.VM_READ | SmapVmFlags.VM_WRITE | SmapVmFlags.VM_SHARED | SmapVmFlags.VM_MAYREAD
                | SmapVmFlags.VM_MAYWRITE | SmapVmFlags.VM_MAYEXEC | SmapVmFlags.VM_MAYSHARE;
        MemSizeStats s = new MemSizeStats();
        s.accountPage(PageKind.SHMEM, 1, true, true, false);
        s.accountPage(PageKind.SHMEM, 1, true, true, false);
        assertThat(Smaps.render(ProcSamples.firstLine(entry), r[0], r[1], flags, s, SmapsOptions.captured618()))
                .isEqualTo(entry);
    }

    @Test
    void mlockedPagesArePopulatedDirtyAndCountInLocked() {
        // region L: 4 pages, mlock()ed without touching. mlock populates a writable private VMA with
        // write faults (to break COW early), so the 4 pages are young and dirty; VM_LOCKED puts their
        // Pss in Locked (16 kB) and adds "lo" to VmFlags.
        Vma l = anonRegion("L", ANON_RW | Vma.VM_LOCKED);
        MemSizeStats s = new MemSizeStats();
        for (int i = 0; i < 4; i++) {
            s.accountPage(PageKind.ANON, 1, true, true, true);
        }
        assertThat(Smaps.render(l, s, SmapsOptions.captured618())).isEqualTo(ProcSamples.smapsEntry(l.start()));
    }

    @Test
    void aReadOnlyFileMappingReadOnceIsPrivateClean() {
        // region F: MAP_PRIVATE PROT_READ of a 4-page file that was written and fsync()ed (so the page
        // cache is clean), every page read. Page-cache pages mapped by this process only: mapcount 1,
        // Private_Clean 16 kB, Pss 16 kB, not Anonymous. The file was opened O_RDWR, so VM_MAYWRITE: "mw".
        long[] r = ProcSamples.region("F");
        String entry = ProcSamples.smapsEntry(r[0]);
        long flags = SmapVmFlags.VM_READ | SmapVmFlags.VM_MAYREAD | SmapVmFlags.VM_MAYWRITE | SmapVmFlags.VM_MAYEXEC;
        MemSizeStats s = new MemSizeStats();
        for (int i = 0; i < 4; i++) {
            s.accountPage(PageKind.FILE, 1, true, false, false);
        }
        assertThat(Smaps.render(ProcSamples.firstLine(entry), r[0], r[1], flags, s, SmapsOptions.captured618()))
                .isEqualTo(entry);
    }

    @Test
    void theMapsLineOfAnAnonymousRegionIsProcMapsOwn() {
        Vma a = anonRegion("A", ANON_RW);
        assertThat(ProcMaps.line(a)).isEqualTo(ProcSamples.firstLine(ProcSamples.smapsEntry(a.start())));
    }

    @Test
    void aDistributionKernelAddsProtectionKeyAndSoftDirty() {
        // linux-reference.md §6.7, x86-64 sample: a MAP_SHARED file page written once, with protection
        // keys enabled and CONFIG_MEM_SOFT_DIRTY: one page mapped once and dirty is Private_Dirty.
        String mapsLine = "71983918d000-71983918e000 rw-s 00000000 08:00 52986919                   "
                + "/media/ssd/Project/Linux-learning/test_shared.txt\n";
        long flags = SmapVmFlags.VM_READ | SmapVmFlags.VM_WRITE | SmapVmFlags.VM_SHARED | SmapVmFlags.VM_MAYREAD
                | SmapVmFlags.VM_MAYWRITE | SmapVmFlags.VM_MAYEXEC | SmapVmFlags.VM_MAYSHARE | SmapVmFlags.VM_SOFTDIRTY;
        MemSizeStats s = new MemSizeStats();
        s.accountPage(PageKind.FILE, 1, true, true, false);
        assertThat(Smaps.render(mapsLine, 0x71983918d000L, 0x71983918e000L, flags, s, SmapsOptions.distribution()))
                .isEqualTo(mapsLine
                        + "Size:                  4 kB\n"
                        + "KernelPageSize:        4 kB\n"
                        + "MMUPageSize:           4 kB\n"
                        + "Rss:                   4 kB\n"
                        + "Pss:                   4 kB\n"
                        + "Pss_Dirty:             4 kB\n"
                        + "Shared_Clean:          0 kB\n"
                        + "Shared_Dirty:          0 kB\n"
                        + "Private_Clean:         0 kB\n"
                        + "Private_Dirty:         4 kB\n"
                        + "Referenced:            4 kB\n"
                        + "Anonymous:             0 kB\n"
                        + "KSM:                   0 kB\n"
                        + "LazyFree:              0 kB\n"
                        + "AnonHugePages:         0 kB\n"
                        + "ShmemPmdMapped:        0 kB\n"
                        + "FilePmdMapped:         0 kB\n"
                        + "Shared_Hugetlb:        0 kB\n"
                        + "Private_Hugetlb:       0 kB\n"
                        + "Swap:                  0 kB\n"
                        + "SwapPss:               0 kB\n"
                        + "Locked:                0 kB\n"
                        + "THPeligible:           0\n"
                        + "ProtectionKey:         0\n"
                        + "VmFlags: rd wr sh mr mw me ms sd \n");
    }

    @Test
    void aHugeValueWidensItsColumnInsteadOfBeingCut() {
        // seq_put_decimal_ull_width pads to 8 columns but never truncates: a 100 GiB VMA is 104857600 kB
        MemSizeStats s = new MemSizeStats();
        String out = Smaps.render("0-0 ---p 00000000 00:00 0 \n", 0, 100L << 30, 0, s, SmapsOptions.captured618());
        assertThat(out).contains("Size:           104857600 kB\n");
    }

    @Test
    void theWholeFileIsOneEntryPerVmaInAddressOrder() {
        // regions A (four written pages) and B (untouched); inserted out of order, printed by address
        io.pagelab.kernel.mm.VmaSet vmas = new io.pagelab.kernel.mm.VmaSet();
        Vma a = anonRegion("A", ANON_RW);
        Vma b = anonRegion("B", ANON_RW);
        vmas.insert(b);
        vmas.insert(a);
        MemSizeStats fourDirty = new MemSizeStats();
        for (int i = 0; i < 4; i++) {
            fourDirty.accountPage(PageKind.ANON, 1, true, true, false);
        }
        String out = Smaps.render(vmas, v -> v.equals(a) ? fourDirty : new MemSizeStats(), SmapsOptions.captured618());
        assertThat(out).isEqualTo(ProcSamples.smapsEntry(a.start()) + ProcSamples.smapsEntry(b.start()));
    }

    @Test
    void aMapsLineWithoutItsNewlineIsRejected() {
        MemSizeStats s = new MemSizeStats();
        assertThatThrownBy(() -> Smaps.render("00400000-00401000 r--p", 0x400000, 0x401000, 1, s,
                SmapsOptions.captured618()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ending in a newline");
    }
}
