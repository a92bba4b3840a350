package io.pagelab.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.AddressSpace;
import io.pagelab.api.Prot;
import io.pagelab.api.error.Errno;
import io.pagelab.api.error.SegmentationFault;
import io.pagelab.api.error.SyscallException;
import io.pagelab.hardware.mmu.Access;
import org.junit.jupiter.api.Test;

class ProcessTest {
    private static final int ANON = AddressSpace.MAP_PRIVATE | AddressSpace.MAP_ANONYMOUS;

    private static Kernel noAslr() {
        return Kernel.boot(KernelConfig.defaults().withoutAslr().withRam(256L << 20));
    }

    @Test
    void helloWithoutAslrIsLaidOutLikeSetarchR() {
        Kernel k = noAslr();
        Task t = k.exec(ProgramImage.hello());
        // PIE at ELF_ET_DYN_BASE 0x555555554aaa aligned down; RW segment 0x3dd0+0x270 ends in page 0x4000,
        // so [0x3000, 0x5000) maps file offset 0x2000; vvar+vdso (6 pages) just below mmap_base
        // 0x7ffff7fff000 (TASK_SIZE - 128 MiB); stack = 1 argument page + 128 KiB below 0x7ffffffff000.
        assertThat(t.mm().maps()).isEqualTo(""
                + "555555554000-555555555000 r--p 00000000 08:01 1234567                    /usr/bin/hello\n"
                + "555555555000-555555556000 r-xp 00001000 08:01 1234567                    /usr/bin/hello\n"
                + "555555556000-555555557000 r--p 00002000 08:01 1234567                    /usr/bin/hello\n"
                + "555555557000-555555559000 rw-p 00002000 08:01 1234567                    /usr/bin/hello\n"
                + "7ffff7ff9000-7ffff7ffd000 r--p 00000000 00:00 0                          [vvar]\n"
                + "7ffff7ffd000-7ffff7fff000 r-xp 00000000 00:00 0                          [vdso]\n"
                + "7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]\n"
                + "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]\n");
        assertThat(t.mm().brk(0)).isEqualTo(0x555555559000L);
    }

    @Test
    void brkGrowthMakesAHeapAndTouchingItAddsOnePage() {
        Kernel k = noAslr();
        Mm mm = k.exec(ProgramImage.hello()).mm();
        long rss = mm.rssPages();
        assertThat(mm.brk(0x555555559000L + 0x21000)).isEqualTo(0x55555557a000L);
        assertThat(mm.maps()).contains("555555559000-55555557a000 rw-p 00000000 00:00 0                          [heap]\n");
        assertThat(mm.rssPages()).isEqualTo(rss);
        mm.writeByte(0x555555559010L, (byte) 7);
        assertThat(mm.rssPages()).isEqualTo(rss + 1);
        assertThat(mm.readByte(0x555555559010L)).isEqualTo((byte) 7);
        // shrinking gives the page back
        mm.brk(0x555555559000L);
        assertThat(mm.rssPages()).isEqualTo(rss);
        assertThat(mm.maps()).doesNotContain("[heap]");
    }

    @Test
    void anonymousMmapsGoTopDownAndMerge() {
        Kernel k = noAslr();
        Mm mm = k.exec(ProgramImage.hello()).mm();
        long a = mm.mmap(0, 0x3000, Prot.USER_RW, ANON);
        long b = mm.mmap(0, 0x1000, Prot.USER_RW, ANON);
        assertThat(a).isEqualTo(0x7ffff7ff9000L - 0x3000);
        assertThat(b).isEqualTo(a - 0x1000);
        assertThat(mm.maps()).contains("7ffff7ff5000-7ffff7ff9000 rw-p 00000000 00:00 0 \n");
    }

    @Test
    void aTwoMibMultipleIsPlacedOnATwoMibBoundary() {
        Kernel k = noAslr();
        Mm mm = k.exec(ProgramImage.hello()).mm();
        // thp_get_unmapped_area: search 4 MiB below 0x7ffff7ff9000 -> 0x7ffff7bf9000, then round up
        // by (0 - ret) & 0x1fffff = 0x7000 -> 0x7ffff7c00000 (what Linux 6.18 returns under setarch -R)
        assertThat(mm.mmap(0, 2L << 20, Prot.USER_RW, ANON)).isEqualTo(0x7ffff7c00000L);
    }

    @Test
    void readingFreshAnonymousMemoryMapsTheZeroPageAndCostsNoRss() {
        Kernel k = noAslr();
        Mm mm = k.exec(ProgramImage.hello()).mm();
        long a = mm.mmap(0, 0x10000, Prot.USER_RW, ANON);
        long rss = mm.rssPages();
        assertThat(mm.readLong(a + 0x100)).isZero();
        assertThat(mm.translate(a) >>> 12).isEqualTo(k.zeroPfn());
        assertThat(mm.rssPages()).isEqualTo(rss);
        mm.writeLong(a + 0x100, 42);
        assertThat(mm.translate(a) >>> 12).isNotEqualTo(k.zeroPfn());
        assertThat(mm.rssPages()).isEqualTo(rss + 1);
        assertThat(mm.readLong(a + 0x100)).isEqualTo(42);
    }

    @Test
    void forkSharesPagesCopyOnWrite() {
        Kernel k = noAslr();
        long free0 = k.buddy().freePageCount();
        Task parent = k.exec(ProgramImage.hello());
        Mm p = parent.mm();
        long a = p.mmap(0, 0x1000, Prot.USER_RW, ANON);
        p.writeLong(a, 1111);
        long pfn = p.translate(a) >>> 12;
        Task child = k.fork(parent);
        Mm c = child.mm();
        assertThat(c.translate(a) >>> 12).isEqualTo(pfn);
        assertThat(k.rmap(pfn)).hasSize(2);
        c.writeLong(a, 2222); // COW: the child gets its own copy
        assertThat(c.translate(a) >>> 12).isNotEqualTo(pfn);
        assertThat(p.readLong(a)).isEqualTo(1111);
        assertThat(c.readLong(a)).isEqualTo(2222);
        assertThat(k.rmap(pfn)).hasSize(1);
        p.writeLong(a, 3333); // the parent is the last mapper: it reuses its page
        assertThat(p.translate(a) >>> 12).isEqualTo(pfn);
        k.exit(child);
        k.exit(parent);
        assertThat(k.buddy().freePageCount() + k.pageCounts().file()).isEqualTo(free0);
    }

    @Test
    void sharedAnonymousMemoryIsSharedAcrossFork() {
        Kernel k = noAslr();
        Task parent = k.exec(ProgramImage.hello());
        long a = parent.mm().mmap(0, 0x2000, Prot.USER_RW, AddressSpace.MAP_SHARED | AddressSpace.MAP_ANONYMOUS);
        assertThat(parent.mm().maps()).contains("rw-s 00000000 00:01 1000                       /dev/zero (deleted)");
        Task child = k.fork(parent);
        child.mm().writeLong(a + 0x1000, 77);
        assertThat(parent.mm().readLong(a + 0x1000)).isEqualTo(77);
    }

    @Test
    void mprotectSplitsAndWritesToReadOnlyPagesAreSegvAccerr() {
        Kernel k = noAslr();
        Mm mm = k.exec(ProgramImage.hello()).mm();
        long a = mm.mmap(0, 0x3000, Prot.USER_RW, ANON);
        int before = mm.vmas().size();
        mm.mprotect(a + 0x1000, 0x1000, Prot.USER_R);
        assertThat(mm.vmas()).hasSize(before + 2);
        assertThatThrownBy(() -> mm.writeByte(a + 0x1000, (byte) 1)).isInstanceOfSatisfying(SegmentationFault.class,
                f -> assertThat(f.siCode()).isEqualTo(SegmentationFault.SEGV_ACCERR));
        mm.writeByte(a, (byte) 1);
        mm.mprotect(a + 0x1000, 0x1000, Prot.USER_RW);
        assertThat(mm.vmas()).hasSize(before); // merged back
    }

    @Test
    void accessOutsideEveryMappingIsSegvMaperr() {
        Mm mm = noAslr().exec(ProgramImage.hello()).mm();
        assertThatThrownBy(() -> mm.readByte(0x10000)).isInstanceOfSatisfying(SegmentationFault.class,
                f -> assertThat(f.siCode()).isEqualTo(SegmentationFault.SEGV_MAPERR));
    }

    @Test
    void badMmapArgumentsFailWithTheManPagesErrno() {
        Mm mm = noAslr().exec(ProgramImage.hello()).mm();
        assertThatThrownBy(() -> mm.mmap(0, 0, Prot.USER_RW, ANON)).isInstanceOfSatisfying(SyscallException.class,
                e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
        long a = mm.mmap(0, 0x2000, Prot.USER_RW, ANON);
        assertThatThrownBy(() -> mm.mmap(a, 0x1000, Prot.USER_RW, ANON | AddressSpace.MAP_FIXED_NOREPLACE))
                .isInstanceOfSatisfying(SyscallException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EEXIST));
        assertThatThrownBy(() -> mm.munmap(a + 1, 0x1000)).isInstanceOfSatisfying(SyscallException.class,
                e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
    }

    @Test
    void theStackGrowsDownOnAFault() {
        Mm mm = noAslr().exec(ProgramImage.hello()).mm();
        long below = 0x7ffffffde000L - 0x5000;
        mm.writeLong(below, 5);
        assertThat(mm.maps()).contains("7ffffffd9000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]");
    }

    @Test
    void munmapInTheMiddleSplitsAndFreesThePages() {
        Kernel k = noAslr();
        Mm mm = k.exec(ProgramImage.hello()).mm();
        long a = mm.mmap(0, 0x3000, Prot.USER_RW, ANON);
        for (int i = 0; i < 3; i++) {
            mm.writeByte(a + i * 0x1000L, (byte) 1);
        }
        long rss = mm.rssPages();
        mm.munmap(a + 0x1000, 0x1000);
        assertThat(mm.rssPages()).isEqualTo(rss - 1);
        assertThatThrownBy(() -> mm.readByte(a + 0x1000)).isInstanceOf(SegmentationFault.class);
        assertThat(mm.readByte(a + 0x2000)).isEqualTo((byte) 1);
    }

    @Test
    void mremapMovesPagesWhenItCannotGrow() {
        Kernel k = noAslr();
        Mm mm = k.exec(ProgramImage.hello()).mm();
        long a = mm.mmap(0, 0x1000, Prot.USER_RW, ANON);
        mm.mmap(0, 0x1000, Prot.USER_R, ANON); // below a; a is under the vvar, cannot grow up
        mm.writeLong(a, 99);
        long b = mm.mremap(a, 0x1000, 0x3000, AddressSpace.MREMAP_MAYMOVE);
        assertThat(b).isNotEqualTo(a);
        assertThat(mm.readLong(b)).isEqualTo(99);
        assertThatThrownBy(() -> mm.mremap(b, 0x3000, 0x9000, 0)).isInstanceOfSatisfying(SyscallException.class,
                e -> assertThat(e.errno()).isEqualTo(Errno.ENOMEM));
    }

    @Test
    void aMremapMoveDoesNotLeaveItsTransientSizeInVmPeak() {
        // mm/mremap.c move_vma: total_vm is raised by new_len before the old range is unmapped, and
        // hiwater_vm is saved before and restored after, so VmPeak never shows old + new at once.
        Kernel k = noAslr();
        Mm mm = k.exec(ProgramImage.hello()).mm();
        long t0 = mm.counters().totalVm();
        long a = mm.mmap(0, 0x1000, Prot.USER_RW, ANON);
        mm.mmap(0, 0x1000, Prot.USER_R, ANON); // blocks growth in place
        mm.mremap(a, 0x1000, 0x3000, AddressSpace.MREMAP_MAYMOVE);
        // before the move: t0 + 2 pages; after: t0 + 1 (the blocker) + 3 (the moved area) = t0 + 4;
        // the transient t0 + 2 + 3 = t0 + 5 must not be the peak
        assertThat(mm.counters().totalVm()).isEqualTo(t0 + 4);
        assertThat(mm.counters().hiwaterVm()).isEqualTo(t0 + 4);
    }

    @Test
    void aHintIsRoundedDownToAPageAndLiftedToMmapMinAddr() {
        // mm/mmap.c do_mmap -> round_hint_to_min(): hint &= PAGE_MASK; a non-zero hint below
        // vm.mmap_min_addr (65536 here) becomes PAGE_ALIGN(mmap_min_addr) = 0x10000.
        // arch/x86/kernel/sys_x86_64.c arch_get_unmapped_area_topdown then takes the free hint as is.
        Kernel k = noAslr();
        Mm mm = k.exec(ProgramImage.hello()).mm();
        assertThat(mm.mmap(0x8000, 0x1000, Prot.USER_RW, ANON)).isEqualTo(0x10000L);
        // 0x20fff & PAGE_MASK = 0x20000 (the generic PAGE_ALIGN would give 0x21000)
        assertThat(mm.mmap(0x20fff, 0x1000, Prot.USER_RW, ANON)).isEqualTo(0x20000L);
        // MAP_FIXED is not rounded: below mmap_min_addr it is refused (security_mmap_addr: EPERM)
        assertThatThrownBy(() -> mm.mmap(0x8000, 0x1000, Prot.USER_RW, ANON | AddressSpace.MAP_FIXED))
                .isInstanceOfSatisfying(SyscallException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EPERM));
    }

    @Test
    void aFreshPageCostsOneMinorFaultForAWriteAndTwoForAReadThenAWrite() {
        // mm/memory.c: a write fault on a none PTE is do_anonymous_page (one fault); a read maps the zero
        // page (do_anonymous_page), and the later write faults again on the read-only PTE (do_wp_page ->
        // wp_page_copy). mm_account_fault() adds each successful fault to min_flt.
        Kernel k = noAslr();
        Mm mm = k.exec(ProgramImage.hello()).mm();
        long a = mm.mmap(0, 0x2000, Prot.USER_RW, ANON);
        long before = mm.counters().minFlt();
        mm.touch(a, Access.WRITE);
        assertThat(mm.counters().minFlt() - before).isEqualTo(1);
        mm.touch(a, Access.WRITE); // present and writable: no fault
        assertThat(mm.counters().minFlt() - before).isEqualTo(1);
        mm.touch(a + 0x1000, Access.READ);
        mm.touch(a + 0x1000, Access.WRITE);
        assertThat(mm.counters().minFlt() - before).isEqualTo(3);
        assertThat(mm.counters().majFlt()).isZero();
    }

    @Test
    void readingAFilePageThatIsNotCachedIsAMajorFaultAndACachedOneIsMinor() {
        // mm/filemap.c filemap_fault: a page-cache miss reads the page and returns VM_FAULT_MAJOR
        // (maj_flt++); a hit is a minor fault. (Fault-around is not modelled: each page faults alone.)
        Kernel k = noAslr();
        Mm mm = k.exec(ProgramImage.hello()).mm();
        MappedFile f = k.createFile("/data/f", 77, new byte[0x2000]);
        long a = mm.mmapFile(0, 0x2000, Prot.USER_R, AddressSpace.MAP_PRIVATE, f, 0);
        long min0 = mm.counters().minFlt();
        long maj0 = mm.counters().majFlt();
        mm.touch(a, Access.READ);
        assertThat(mm.counters().majFlt() - maj0).isEqualTo(1);
        assertThat(mm.counters().minFlt() - min0).isZero();
        mm.munmap(a, 0x2000);
        long b = mm.mmapFile(0, 0x2000, Prot.USER_R, AddressSpace.MAP_PRIVATE, f, 0);
        mm.touch(b, Access.READ); // still in the page cache: minor
        assertThat(mm.counters().majFlt() - maj0).isEqualTo(1);
        assertThat(mm.counters().minFlt() - min0).isEqualTo(1);
    }

    @Test
    void aResidentPageMadeProtNoneFaultsYetStaysResidentAndKeepsItsData() {
        // mm/mprotect.c change_protection with vm_get_page_prot(VM_NONE) = PAGE_NONE on x86: P clear,
        // _PAGE_PROTNONE set. The MMU faults (access_error -> SEGV_ACCERR), but pte_present() is true,
        // so the page stays in RSS and comes back intact with the old rights (captured: scenarios/fixed-span).
        Kernel k = noAslr();
        Mm mm = k.exec(ProgramImage.hello()).mm();
        long a = mm.mmap(0, 0x1000, Prot.USER_RW, ANON);
        mm.writeLong(a, 0x1234);
        long rss = mm.rssPages();
        mm.mprotect(a, 0x1000, Prot.of(Prot.USER));
        assertThatThrownBy(() -> mm.readByte(a)).isInstanceOfSatisfying(SegmentationFault.class,
                e -> assertThat(e.siCode()).isEqualTo(SegmentationFault.SEGV_ACCERR));
        assertThat(mm.rssPages()).isEqualTo(rss);
        mm.mprotect(a, 0x1000, Prot.USER_RW);
        assertThat(mm.readLong(a)).isEqualTo(0x1234);
        long free = k.buddy().freePageCount();
        mm.mprotect(a, 0x1000, Prot.of(Prot.USER));
        mm.munmap(a, 0x1000); // a PROT_NONE page is still freed by munmap
        assertThat(mm.rssPages()).isEqualTo(rss - 1);
        assertThat(k.buddy().freePageCount()).isEqualTo(free + 1);
    }

    @Test
    void theVdsoCannotGrowEvenWithMaymoveButShrinkingItIsAllowed() {
        // mm/mremap.c remap_is_valid(): a growth of a VM_DONTEXPAND or VM_PFNMAP area ([vdso], [vvar]) is
        // EFAULT before any move is tried; a shrink goes straight to do_vmi_munmap, which allows it.
        Kernel k = noAslr();
        Mm mm = k.exec(ProgramImage.hello()).mm();
        long vdso = 0x7ffff7ffd000L; // [vdso] of hello without ASLR (see helloWithoutAslrIsLaidOutLikeSetarchR)
        assertThatThrownBy(() -> mm.mremap(vdso, 0x2000, 0x3000, AddressSpace.MREMAP_MAYMOVE))
                .isInstanceOfSatisfying(SyscallException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EFAULT));
        assertThat(mm.mremap(vdso, 0x2000, 0x1000, 0)).isEqualTo(vdso);
        assertThat(mm.maps()).contains("7ffff7ffd000-7ffff7ffe000 r-xp 00000000 00:00 0                          [vdso]\n");
    }

    @Test
    void madviseWithANegativeLengthIsEinval() {
        // mm/madvise.c do_madvise: len = PAGE_ALIGN(len_in) wraps -1 to 0; "if (len_in && !len) return -EINVAL"
        Kernel k = noAslr();
        Mm mm = k.exec(ProgramImage.hello()).mm();
        long a = mm.mmap(0, 0x1000, Prot.USER_RW, ANON);
        assertThatThrownBy(() -> mm.madvise(a, -1, AddressSpace.MADV_DONTNEED))
                .isInstanceOfSatisfying(SyscallException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
        mm.madvise(a, 0, AddressSpace.MADV_DONTNEED); // len_in 0: success, nothing done
    }

    @Test
    void aProcessRebuiltFromMapsCountsItsAreasAsVmStatAccountDoes() {
        // vm_stat_account: r-xp -> exec_vm; rw-p private -> data_vm; [stack] (VM_GROWSDOWN) -> stack_vm;
        // r--p counts in total_vm only. Pages: text 2, rodata 1, data 1 + bss 3, stack 0x21 = 33.
        String maps = ""
                + "555555554000-555555555000 r--p 00000000 fe:00 42                         /bin/x\n"
                + "555555555000-555555557000 r-xp 00001000 fe:00 42                         /bin/x\n"
                + "555555557000-555555558000 rw-p 00003000 fe:00 42                         /bin/x\n"
                + "555555558000-55555555b000 rw-p 00000000 00:00 0 \n"
                + "7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]\n";
        MmCounters c = noAslr().spawnFromMaps("x", maps, 0x55555555b000L).mm().counters();
        assertThat(c.totalVm()).isEqualTo(1 + 2 + 1 + 3 + 33);
        assertThat(c.execVm()).isEqualTo(2);
        assertThat(c.dataVm()).isEqualTo(1 + 3);
        assertThat(c.stackVm()).isEqualTo(33);
    }

    @Test
    void madviseDontneedDropsPrivatePagesWhichReadBackAsZero() {
        Mm mm = noAslr().exec(ProgramImage.hello()).mm();
        long a = mm.mmap(0, 0x2000, Prot.USER_RW, ANON);
        mm.writeLong(a, 5);
        long rss = mm.rssPages();
        mm.madvise(a, 0x2000, AddressSpace.MADV_DONTNEED);
        assertThat(mm.rssPages()).isEqualTo(rss - 1);
        assertThat(mm.readLong(a)).isZero();
    }

    @Test
    void aslrMovesEverythingButTheSameSeedGivesTheSameLayout() {
        KernelConfig cfg = KernelConfig.defaults().withRam(256L << 20).withSeed(7);
        String one = Kernel.boot(cfg).exec(ProgramImage.hello()).mm().maps();
        String two = Kernel.boot(cfg).exec(ProgramImage.hello()).mm().maps();
        String other = Kernel.boot(cfg.withSeed(8)).exec(ProgramImage.hello()).mm().maps();
        assertThat(one).isEqualTo(two).isNotEqualTo(other);
        assertThat(one).doesNotContain("555555554000");
    }

    @Test
    void touchingEverythingThenExitingReturnsEveryPage() {
        Kernel k = noAslr();
        long free0 = k.buddy().freePageCount();
        Task t = k.exec(ProgramImage.hello());
        Mm mm = t.mm();
        long a = mm.mmap(0, 64 << 12, Prot.USER_RW, ANON);
        for (long p = a; p < a + (64 << 12); p += 4096) {
            mm.touch(p, Access.WRITE);
        }
        mm.readByte(0x555555554000L); // a file page: stays in the page cache after exit
        k.exit(t);
        assertThat(k.buddy().freePageCount() + k.pageCounts().file()).isEqualTo(free0);
        k.dropCaches();
        assertThat(k.buddy().freePageCount()).isEqualTo(free0);
    }

    @Test
    void migratingAProcessPageRewritesEveryPteThatMapsIt() {
        Kernel k = noAslr();
        Task parent = k.exec(ProgramImage.hello());
        int n = 1024;
        long a = parent.mm().mmap(0, n * 4096L, Prot.USER_RW, ANON);
        for (int i = 0; i < n; i++) {
            parent.mm().writeLong(a + i * 4096L, 0x1000 + i);
        }
        Task child = k.fork(parent); // two PTEs map every page now
        // alloc_contig_range takes one frame: the page in it must move, and both PTEs with it.
        // It isolates the whole pageblock, so try pages until one sits in a block with nothing
        // unmovable (a failed attempt changes nothing).
        for (int i = 0; i < n; i++) {
            long va = a + i * 4096L;
            long pfn = parent.mm().translate(va) >>> 12;
            try {
                k.buddy().allocContigRange(pfn, pfn + 1);
            } catch (io.pagelab.api.error.OutOfMemoryException | io.pagelab.api.error.InvalidArgumentException busy) {
                continue;
            }
            long moved = parent.mm().translate(va) >>> 12;
            assertThat(moved).isNotEqualTo(pfn);
            assertThat(child.mm().translate(va) >>> 12).isEqualTo(moved);
            assertThat(parent.mm().readLong(va)).isEqualTo(0x1000 + i);
            assertThat(child.mm().readLong(va)).isEqualTo(0x1000 + i);
            assertThat(k.rmap(moved)).hasSize(2);
            k.buddy().freeContigRange(pfn, 1);
            return;
        }
        throw new AssertionError("no page of the process could be migrated");
    }

    @Test
    void aCopyOnWriteCopyOfDataIsFoundByTheReverseMap() {
        Kernel k = noAslr();
        Mm mm = k.exec(ProgramImage.hello()).mm();
        mm.writeLong(0x555555557000L, 1); // .data is a private file mapping: the write makes an anon copy
        long pfn = mm.translate(0x555555557000L) >>> 12;
        assertThat(k.rmap(pfn)).extracting(Kernel.Mapper::address).containsExactly(0x555555557000L);
    }

    @Test
    void executingANonExecutablePageMapsItThenFailsWithAccerr() {
        Mm mm = noAslr().exec(ProgramImage.hello()).mm();
        long a = mm.mmap(0, 0x1000, Prot.USER_RW, ANON);
        // x86 access_error() lets the first fetch map the page (NX set); the retried fetch faults
        // with P=1, U=1, I/D=1: error code 0x15, SEGV_ACCERR
        assertThatThrownBy(() -> mm.touch(a, Access.EXECUTE)).isInstanceOfSatisfying(SegmentationFault.class, f -> {
            assertThat(f.siCode()).isEqualTo(SegmentationFault.SEGV_ACCERR);
            assertThat(f.errorCode()).isEqualTo(0x15);
        });
    }
}
