package io.pagelab.kernel.mm;

import io.pagelab.api.AddressSpace;
import io.pagelab.api.PageTable;
import io.pagelab.api.Prot;
import io.pagelab.api.error.Errno;
import io.pagelab.api.error.PageFault;
import io.pagelab.api.error.SegmentationFault;
import io.pagelab.api.error.SyscallException;
import io.pagelab.hardware.mmu.Access;
import io.pagelab.hardware.mmu.CpuState;
import io.pagelab.hardware.mmu.Mmu;
import io.pagelab.hardware.mmu.PagingLevel;
import io.pagelab.hardware.mmu.X86PageTable;
import io.pagelab.hardware.mmu.X86PageTableEntry;
import io.pagelab.hardware.tlb.TlbConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One process's {@code struct mm_struct}: its VMAs, its own x86-64 page table and MMU (with TLB),
 * the layout fields ({@code start_brk}, {@code brk}, {@code mmap_base}, {@code start_stack}...)
 * and the RSS and VM counters /proc reports. The system calls follow their man pages and Linux
 * 6.6+ code: mmap (mm/mmap.c: do_mmap, mmap_region; arch/x86/kernel/sys_x86_64.c:
 * arch_get_unmapped_area_topdown; mm/huge_memory.c: thp_get_unmapped_area), munmap
 * (do_vmi_munmap), mprotect (mm/mprotect.c: do_mprotect_pkey), mremap (mm/mremap.c), madvise
 * (mm/madvise.c: MADV_DONTNEED), brk (mm/mmap.c: SYSCALL_DEFINE1(brk)). Loads and stores go
 * through the MMU; a page fault enters {@link #handleFault} (arch/x86/mm/fault.c:
 * do_user_addr_fault, mm/memory.c: handle_mm_fault, do_anonymous_page, do_fault, do_wp_page).
 *
 * <p>As in Linux, mprotect and madvise that meet a hole (ENOMEM) or a forbidden right (EACCES)
 * keep what they did to the VMAs before it; every other failing call changes nothing.
 *
 * <p>Differs from Linux on purpose: no swap, no THP (4 KiB pages only, though anonymous mappings are placed 2 MiB-aligned as
 * 6.7+ kernels do), no RLIMIT_MEMLOCK, no userfaultfd, no file permissions; the kernel half of the page
 * table is left out (user mappings only); page-cache pages mapped shared are writable at once
 * (as for shmem; no write-notify); the first-fault fault-around of file pages is not modelled.
 */
public final class Mm implements AddressSpace {
    private static final Logger LOG = LoggerFactory.getLogger(Mm.class);
    static final long PAGE = 4096;
    static final long PMD_SIZE = 2L << 20;
    private static final int PROT_MASK = Vma.VM_READ | Vma.VM_WRITE | Vma.VM_EXEC;

    final Kernel kernel;
    final VmaSet vmas = new VmaSet();
    final X86PageTable pt;
    final Mmu mmu;
    final AnonVma anonVma;
    private final Kernel.TablePages tables;
    String comm;
    int pid;

    // layout (include/linux/mm_types.h)
    long mmapBase;
    long startCode;
    long endCode;
    long startData;
    long endData;
    long startBrk;
    long brk;
    long startStack;
    boolean randomized;
    boolean vsyscall = true;

    /** The last VMA a fault found, valid while the VMA set is unchanged (the vmacache of Linux ≤ 6.0). */
    private Vma cachedVma;
    private int cachedVmaMod;

    // counters (mm->rss_stat and the vm counters)
    long anonPages;
    long filePages;
    long shmemPages;
    long hiwaterRss;
    long totalVm;
    long hiwaterVm;
    long lockedVm;
    long dataVm;
    long execVm;
    long stackVm;
    long minFlt;
    long majFlt;

    Mm(Kernel kernel, AnonVma parentAnon) {
        this.kernel = kernel;
        this.tables = kernel.new TablePages(this);
        this.pt = X86PageTable.create(kernel.ram(), tables);
        this.mmu = new Mmu(kernel.ram(), TlbConfig.skylake(), CpuState.linux().user());
        this.mmu.loadCr3(pt.cr3(0));
        this.anonVma = kernel.newAnonVma(parentAnon, this);
    }

    // ---------------------------------------------------------------- views

    /** The VMAs in address order. */
    public List<Vma> vmas() {
        return vmas.list();
    }

    /** {@code find_vma()}: the first VMA ending above {@code addr}. */
    public Optional<Vma> findVma(long addr) {
        return vmas.findVma(addr);
    }

    /** The VMA containing {@code addr}, if any ({@code vma_lookup()}). */
    public Optional<Vma> vmaAt(long addr) {
        Optional<Vma> v = vmas.findVma(addr);
        return v.isPresent() && v.get().contains(addr) ? v : Optional.empty();
    }

    public long mmapBase() {
        return mmapBase;
    }

    public long startBrk() {
        return startBrk;
    }

    /** The current program break ({@code mm->brk}, unaligned as the process set it). */
    public long currentBrk() {
        return brk;
    }

    public long startStack() {
        return startStack;
    }

    public long startCode() {
        return startCode;
    }

    public long endCode() {
        return endCode;
    }

    /** The kernel this process runs on (to create files it may map). */
    public Kernel kernel() {
        return kernel;
    }

    /** The MMU this process runs on (its TLB and walk counters). */
    public Mmu mmu() {
        return mmu;
    }

    @Override
    public PageTable pageTable() {
        return pt;
    }

    void freeTables() {
        tables.freeAll();
    }

    /** The mm's counters as /proc reads them. */
    public MmCounters counters() {
        long rss = anonPages + filePages + shmemPages;
        return new MmCounters(totalVm, Math.max(hiwaterVm, totalVm), lockedVm, 0, Math.max(hiwaterRss, rss),
                anonPages, filePages, shmemPages, 0, dataVm, stackVm, execVm, startCode, endCode,
                (tables.count() - 1) * PAGE, 0, minFlt, majFlt); // mm_pgtables_bytes: PUD, PMD, PTE tables, not the PGD // mm_pgtables_bytes: PUD, PMD and PTE tables, not the PGD
    }

    /** Resident pages: MM_ANONPAGES + MM_FILEPAGES + MM_SHMEMPAGES. */
    public long rssPages() {
        return anonPages + filePages + shmemPages;
    }

    /** What a present PTE maps, as the /proc walkers (smaps_pte_entry, gather_pte_stats) see it. */
    public enum PageKind {
        /** An anonymous page (MM_ANONPAGES). */
        ANON,
        /** A page-cache page of a regular file (MM_FILEPAGES). */
        FILE,
        /** A page of a shmem object, e.g. shared anonymous memory (MM_SHMEMPAGES). */
        SHMEM
    }

    /** One present, normal page of a VMA (the zero page is special and never reported). */
    @FunctionalInterface
    public interface PageVisitor {
        void page(long va, long pfn, PageKind kind, int mapcount, boolean young, boolean dirty, int nid);
    }

    /** What a page-table walk does at one present PTE. */
    @FunctionalInterface
    interface PteAction {
        void pte(long va, long pteAddr, long entry);
    }

    /**
     * The PTE-level walk every range operation shares (walk_page_range, zap_pte_range,
     * change_pte_range, move_ptes, copy_pte_range): each present PTE of {@code [start, end)} in
     * address order, where present is pte_present() (P, or PROTNONE for a PROT_NONE page); a
     * range with no page table is skipped 2 MiB at a time.
     */
    void forEachPresentPte(long start, long end, PteAction action) {
        for (long a = start; Long.compareUnsigned(a, end) < 0; a += PAGE) {
            long pteAddr = pt.entryAddress(a, PagingLevel.PT);
            if (pteAddr == PageTable.NOT_MAPPED) {
                a = (a | (PMD_SIZE - 1)) - PAGE + 1; // no page table here: skip to the next 2 MiB
                continue;
            }
            long e = kernel.ram().readLong(pteAddr);
            if (X86PageTableEntry.isMapped(e)) {
                action.pte(a, pteAddr, e);
            }
        }
    }

    /** The frame a PTE maps. */
    static long ptePfn(long entry) {
        return (entry & X86PageTableEntry.PFN_MASK) >>> 12;
    }

    /** set_pte_at(): installs the raw entry {@code e} at {@code va}, creating page tables as needed. */
    void setPte(long va, long e) {
        pt.map(va, ptePfn(e), PAGE, Prot.USER_R);
        kernel.ram().writeLong(pt.entryAddress(va, PagingLevel.PT), e);
    }

    /** Walks the PTEs of {@code v} in address order, as the /proc/pid/smaps walker does. */
    public void walkPages(Vma v, PageVisitor visitor) {
        forEachPresentPte(v.start(), v.end(), (a, pteAddr, e) -> {
            long pfn = ptePfn(e);
            if (pfn == kernel.zeroPfn()) {
                return; // vm_normal_page() is NULL for the zero page
            }
            PageKind kind = kernel.isAnon(pfn) ? PageKind.ANON : kernel.isShmem(pfn) ? PageKind.SHMEM : PageKind.FILE;
            visitor.page(a, pfn, kind, Math.max(1, kernel.buddy().memMap().mapcount(pfn)),
                    (e & X86PageTableEntry.ACCESSED) != 0, (e & X86PageTableEntry.DIRTY) != 0,
                    kernel.buddy().memMap().nid(pfn));
        });
    }

    /** The VMA as /proc shows it: with the name get_vma_name() gives it. */
    public Vma named(Vma v) {
        String n = vmaName(v);
        return n == null || v.file() != null || n.equals(v.name()) ? v
                : new Vma(v.start(), v.end(), v.flags(), v.pgoff(), v.file(), n);
    }

    /** True when maps/smaps end with the [vsyscall] gate line. */
    public boolean hasVsyscall() {
        return vsyscall;
    }

    /** The name /proc/pid/maps shows for {@code v} (get_vma_name), or null. */
    public String vmaName(Vma v) {
        if (v.file() != null) {
            return v.file().path();
        }
        if (v.name() != null) {
            return v.name();
        }
        // vma_is_initial_heap (strict since Linux 6.7: a VMA that merely touches start_brk, such as
        // a bss right below an empty heap, is not the heap) / vma_is_initial_stack
        if (Long.compareUnsigned(v.start(), brk) < 0 && Long.compareUnsigned(v.end(), startBrk) > 0) {
            return "[heap]";
        }
        if (v.contains(startStack) || v.start() <= startStack && v.end() >= startStack && startStack != 0) {
            return "[stack]";
        }
        return null;
    }

    /** /proc/pid/maps, byte for byte. */
    public String maps() {
        StringBuilder sb = new StringBuilder();
        for (Vma v : vmas.list()) {
            sb.append(ProcMaps.line(new Vma(v.start(), v.end(), v.flags(), v.pgoff(), v.file(), vmaName(v))));
        }
        if (vsyscall) {
            // the gate area (arch/x86/entry/vsyscall: vsyscall=xonly, the default since 5.3)
            sb.append(ProcMaps.line(new Vma(0xffffffffff600000L, 0xffffffffff601000L, Vma.VM_EXEC, 0, null,
                    "[vsyscall]")));
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- accounting

    /** vm_stat_account(): total_vm and the exec/stack/data split (mm/internal.h). */
    void vmStatAccount(int flags, long npages) {
        totalVm += npages;
        if ((flags & (Vma.VM_EXEC | Vma.VM_WRITE | Vma.VM_STACK)) == Vma.VM_EXEC) {
            execVm += npages;
        } else if ((flags & Vma.VM_STACK) == Vma.VM_STACK) {
            stackVm += npages;
        } else if ((flags & (Vma.VM_WRITE | Vma.VM_SHARED | Vma.VM_STACK)) == Vma.VM_WRITE) {
            dataVm += npages;
        }
        if (npages > 0) {
            hiwaterVm = Math.max(hiwaterVm, totalVm);
        }
    }

    private void rssGrew() {
        long rss = anonPages + filePages + shmemPages;
        if (rss > hiwaterRss) {
            hiwaterRss = rss;
        }
    }

    void addVma(Vma v) {
        vmas.map(v);
        vmStatAccount(v.flags(), v.pages());
    }

    // ---------------------------------------------------------------- mmap

    static int calcVmFlags(Prot prot, int flags) {
        int vm = 0;
        if (prot.canRead()) {
            vm |= Vma.VM_READ;
        }
        if (prot.canWrite()) {
            vm |= Vma.VM_WRITE;
        }
        if (prot.canExec()) {
            vm |= Vma.VM_EXEC;
        }
        vm |= Vma.VM_MAYREAD | Vma.VM_MAYWRITE | Vma.VM_MAYEXEC;
        if ((flags & MAP_TYPE) == MAP_SHARED) {
            vm |= Vma.VM_SHARED | Vma.VM_MAYSHARE;
        }
        if ((flags & MAP_GROWSDOWN) != 0) {
            vm |= Vma.VM_GROWSDOWN;
        }
        if ((flags & MAP_NORESERVE) != 0) {
            vm |= Vma.VM_NORESERVE;
        }
        return vm;
    }

    private static final int MAP_TYPE = 0x0f;
    private static final int KNOWN_FLAGS = MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_GROWSDOWN
            | MAP_NORESERVE | MAP_POPULATE | MAP_FIXED_NOREPLACE | 0x03;

    @Override
    public long mmap(long hint, long length, Prot prot, int flags) {
        SyscallException.check((flags & MAP_ANONYMOUS) != 0, "mmap", Errno.EBADF,
                "fd -1 without MAP_ANONYMOUS: map a file with Mm.mmapFile or pass MAP_ANONYMOUS");
        return doMmap(hint, length, prot, flags, null, 0);
    }

    /**
     * mmap(2) of {@code file} (created with {@link Kernel#createFile}) from byte {@code offset}.
     */
    public long mmapFile(long hint, long length, Prot prot, int flags, MappedFile file, long offset) {
        SimFile f = kernel.file(file);
        SyscallException.check(f != null, "mmap", Errno.EBADF, "%s is not a file of this kernel", file);
        SyscallException.check((flags & MAP_ANONYMOUS) == 0, "mmap", Errno.EINVAL,
                "MAP_ANONYMOUS together with a file");
        return doMmap(hint, length, prot, flags, f, offset);
    }

    private long doMmap(long hint, long length, Prot prot, int flags, SimFile file, long offset) {
        int type = flags & MAP_TYPE;
        SyscallException.check(length != 0, "mmap", Errno.EINVAL, "length 0: a mapping needs at least one byte");
        SyscallException.check(type == MAP_SHARED || type == MAP_PRIVATE || type == 0x03, "mmap", Errno.EINVAL,
                "flags %#x: exactly one of MAP_SHARED (0x1) or MAP_PRIVATE (0x2) is required", flags);
        SyscallException.check((flags & ~KNOWN_FLAGS) == 0 || type != 0x03, "mmap", Errno.EOPNOTSUPP,
                "unknown flags %#x with MAP_SHARED_VALIDATE", flags & ~KNOWN_FLAGS);
        SyscallException.check((offset & (PAGE - 1)) == 0 && offset >= 0, "mmap", Errno.EINVAL,
                "offset %#x is not a multiple of the page size 0x1000", offset);
        long len = MmLayout.pageAlign(length);
        SyscallException.check(length > 0 && len > 0 && Long.compareUnsigned(len, MmLayout.TASK_SIZE) <= 0, "mmap",
                Errno.ENOMEM, "length %#x is larger than the user address space (TASK_SIZE %#x)", length,
                MmLayout.TASK_SIZE);
        boolean fixed = (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) != 0;
        if (fixed) {
            SyscallException.check((hint & (PAGE - 1)) == 0, "mmap", Errno.EINVAL,
                    "MAP_FIXED address %#x is not page aligned", hint);
            SyscallException.check(Long.compareUnsigned(hint, MmLayout.TASK_SIZE - len) <= 0, "mmap", Errno.ENOMEM,
                    "MAP_FIXED range %#x-%#x ends above TASK_SIZE %#x", hint, hint + len, MmLayout.TASK_SIZE);
            SyscallException.check(Long.compareUnsigned(hint, MmLayout.MMAP_MIN_ADDR) >= 0, "mmap", Errno.EPERM,
                    "address %#x is below vm.mmap_min_addr (%#x)", hint, MmLayout.MMAP_MIN_ADDR);
        }
        int vmFlags = calcVmFlags(prot, flags);
        if (!fixed) {
            hint = roundHintToMin(hint);
        }
        long addr = getUnmappedArea(hint, len, fixed, file == null && type != MAP_SHARED);
        if ((flags & MAP_FIXED_NOREPLACE) != 0) {
            Optional<Vma> clash = vmas.findVma(addr);
            SyscallException.check(clash.isEmpty() || Long.compareUnsigned(clash.get().start(), addr + len) >= 0,
                    "mmap", Errno.EEXIST, "MAP_FIXED_NOREPLACE range %#x-%#x overlaps the mapping %#x-%#x", addr,
                    addr + len, clash.map(Vma::start).orElse(0L), clash.map(Vma::end).orElse(0L));
        }
        return mmapRegion(addr, len, vmFlags, flags, file, offset);
    }

    private long mmapRegion(long addr, long len, int vmFlags, int flags, SimFile file, long offset) {
        if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) != 0) {
            unmapRange(addr, len);
        }
        boolean shared = (vmFlags & Vma.VM_SHARED) != 0;
        if (file == null && shared) {
            file = kernel.newShmemFile(len, (vmFlags & Vma.VM_NORESERVE) == 0);
            offset = 0;
        }
        if ((vmFlags & (Vma.VM_NORESERVE | Vma.VM_SHARED | Vma.VM_WRITE)) == Vma.VM_WRITE) {
            vmFlags |= Vma.VM_ACCOUNT; // accountable_mapping()
        }
        vmFlags |= Vma.VM_SOFTDIRTY; // mmap_region: a new vma is always soft-dirty
        Vma v = file == null ? Vma.anonymous(addr, addr + len, vmFlags, null)
                : Vma.fileBacked(addr, addr + len, vmFlags, offset >>> 12, file.identity);
        addVma(v);
        LOG.debug("mmap {}-{} flags {}", hex(addr), hex(addr + len), hex(vmFlags));
        if ((flags & MAP_POPULATE) != 0 && (vmFlags & PROT_MASK) != 0) {
            // populate_vma_page_range: write faults for private writable mappings (break COW now);
            // FOLL_FORCE only when vma_is_accessible(), so a PROT_NONE mapping makes GUP fail with
            // EFAULT (check_vma_flags), which mm_populate() ignores: nothing is faulted in and
            // mmap still succeeds (captured in scenarios/fixed-span)
            boolean write = (vmFlags & (Vma.VM_WRITE | Vma.VM_SHARED)) == Vma.VM_WRITE;
            for (long a = addr; a < addr + len; a += PAGE) {
                translateUser(a, write ? Access.WRITE : Access.READ);
            }
        }
        return addr;
    }

    /**
     * get_unmapped_area(): MAP_FIXED returns the address; a free hint is taken; else the highest
     * gap below mmap_base that fits (top-down), with anonymous private lengths that are a multiple
     * of 2 MiB placed 2 MiB aligned (thp_get_unmapped_area, Linux 6.7+).
     */
    long getUnmappedArea(long hint, long len, boolean fixed, boolean anonPrivate) {
        if (fixed) {
            return hint;
        }
        if (hint != 0) {
            // arch_get_unmapped_area_topdown (arch/x86/kernel/sys_x86_64.c): "addr &= PAGE_MASK",
            // the hint is rounded DOWN (the generic version rounds up); mmap_min_addr is not
            // checked here but by security_mmap_addr() in __get_unmapped_area, see checkMinAddr
            long a = hint & -PAGE;
            if (Long.compareUnsigned(a, MmLayout.TASK_SIZE - len) <= 0 && gapFree(a, a + len)) {
                return checkMinAddr(a);
            }
        }
        if (anonPrivate && hint == 0 && (len & (PMD_SIZE - 1)) == 0 && kernel.config().thpAligned()) {
            long padded = len + PMD_SIZE;
            long ret = topDown(padded);
            if (ret != -1) {
                long offSub = (0 - ret) & (PMD_SIZE - 1);
                return offSub == 0 ? ret + PMD_SIZE : ret + offSub;
            }
        }
        long ret = topDown(len);
        if (ret != -1) {
            return checkMinAddr(ret);
        }
        ret = bottomUp(len);
        if (ret != -1) {
            return ret;
        }
        throw new SyscallException("mmap", Errno.ENOMEM, String.format(
                "no free range of %#x bytes in the address space below %#x", len, MmLayout.TASK_SIZE));
    }

    /**
     * round_hint_to_min() (mm/mmap.c, called by do_mmap for a non-MAP_FIXED hint): the hint is
     * page-masked, and a non-zero hint below vm.mmap_min_addr becomes PAGE_ALIGN(mmap_min_addr).
     */
    static long roundHintToMin(long hint) {
        long h = hint & -PAGE;
        if (h != 0 && Long.compareUnsigned(h, MmLayout.MMAP_MIN_ADDR) < 0) {
            return MmLayout.pageAlign(MmLayout.MMAP_MIN_ADDR);
        }
        return h;
    }

    /**
     * security_mmap_addr() → cap_mmap_addr() (security/commoncap.c) at the end of
     * __get_unmapped_area: an address below vm.mmap_min_addr needs CAP_SYS_RAWIO, which the
     * simulated (unprivileged) process does not have.
     */
    private static long checkMinAddr(long addr) {
        SyscallException.check(Long.compareUnsigned(addr, MmLayout.MMAP_MIN_ADDR) >= 0, "mmap", Errno.EPERM,
                "address %#x is below vm.mmap_min_addr (%#x) and the process lacks CAP_SYS_RAWIO", addr,
                MmLayout.MMAP_MIN_ADDR);
        return addr;
    }

    /** vm_start_gap(): a stack's start minus the guard gap. */
    private long startGap(Vma v) {
        long s = v.start();
        if ((v.flags() & Vma.VM_GROWSDOWN) != 0) {
            long g = kernel.config().stackGuardGapPages() << 12;
            s = Long.compareUnsigned(s, g) > 0 ? s - g : 0;
        }
        return s;
    }

    /** True when [start, end) is free and clear of every stack's guard gap. */
    boolean gapFree(long start, long end) {
        Optional<Vma> next = vmas.findVma(start);
        return next.isEmpty() || Long.compareUnsigned(startGap(next.get()), end) >= 0
                && Long.compareUnsigned(next.get().start(), start) >= 0;
    }

    /**
     * vm_unmapped_area() top-down between PAGE_SIZE (x86's info.low_limit) and mmap_base; -1 if
     * none. A result below mmap_min_addr is then refused by {@link #checkMinAddr}, as in Linux.
     */
    private long topDown(long len) {
        long low = PAGE;
        long high = mmapBase;
        List<Vma> list = vmas.list();
        long gapEnd = high;
        for (int i = list.size() - 1; i >= -1; i--) {
            long gapStart = i >= 0 ? list.get(i).end() : low;
            if (i >= 0 && Long.compareUnsigned(list.get(i).start(), high) >= 0) {
                // above the window: its start gap may still bound the window
                gapEnd = Math.min(gapEnd, startGap(list.get(i)));
                continue;
            }
            long end = Math.min(gapEnd, high);
            gapStart = Math.max(gapStart, low);
            if (end - gapStart >= len && end > gapStart) {
                return (end - len) & -PAGE;
            }
            if (i >= 0) {
                gapEnd = startGap(list.get(i));
            }
            if (gapEnd <= low) {
                break;
            }
        }
        return -1;
    }

    /** arch_get_unmapped_area() bottom-up from TASK_UNMAPPED_BASE (the fallback); -1 if none. */
    private long bottomUp(long len) {
        long low = MmLayout.pageAlign(MmLayout.TASK_SIZE / 3);
        long candidate = low;
        for (Vma v : vmas.list()) {
            if (v.end() <= candidate) {
                continue;
            }
            if (startGap(v) - candidate >= len && startGap(v) > candidate) {
                return candidate;
            }
            candidate = Math.max(candidate, v.end());
        }
        return MmLayout.TASK_SIZE - candidate >= len ? candidate : -1;
    }

    // ---------------------------------------------------------------- munmap

    @Override
    public void munmap(long addr, long length) {
        SyscallException.check((addr & (PAGE - 1)) == 0, "munmap", Errno.EINVAL,
                "address %#x is not page aligned", addr);
        SyscallException.check(length > 0, "munmap", Errno.EINVAL, "length %d must be > 0", length);
        long len = MmLayout.pageAlign(length);
        SyscallException.check(len > 0 && Long.compareUnsigned(addr, MmLayout.TASK_SIZE) < 0
                        && Long.compareUnsigned(len, MmLayout.TASK_SIZE - addr) <= 0, "munmap", Errno.EINVAL,
                "range %#x+%#x leaves the user address space (below %#x)", addr, length, MmLayout.TASK_SIZE);
        unmapRange(addr, len);
    }

    /** do_vmi_munmap(): split, zap the pages, drop the VMAs. */
    void unmapRange(long addr, long len) {
        List<Vma> removed = vmas.munmap(addr, len);
        try {
            unmapRemoved(removed);
        } finally {
            if (!removed.isEmpty()) {
                freePgtables(removed.get(0).start(), removed.get(removed.size() - 1).end());
            }
        }
    }

    /**
     * free_pgtables(): the page tables of the hole munmap left, between the end of the VMA below
     * (the floor) and the start of the VMA above (the ceiling), go back to the allocator.
     */
    private void freePgtables(long start, long end) {
        long floor = 0;
        for (Vma v : vmas.list()) {
            if (Long.compareUnsigned(v.end(), start) <= 0) {
                floor = v.end();
            }
        }
        Optional<Vma> next = vmas.findVma(end);
        long ceiling = next.isPresent() ? next.get().start() : MmLayout.TASK_SIZE + PAGE;
        pt.freeEmptyTables(floor, ceiling);
    }

    private void unmapRemoved(List<Vma> removed) {
        for (Vma v : removed) {
            zapRange(v, v.start(), v.end());
            vmStatAccount(v.flags(), -v.pages());
            if ((v.flags() & Vma.VM_LOCKED) != 0) {
                lockedVm -= v.pages(); // do_vmi_align_munmap: locked_vm of the unmapped VMAs
            }
            if (v.file() != null) {
                kernel.releaseIfOrphanShmem(v.file());
            }
        }
    }

    /** zap_page_range(): every present PTE of [start, end) in {@code v} is cleared and its page put. */
    void zapRange(Vma v, long start, long end) {
        forEachPresentPte(start, end, (a, pteAddr, e) -> {
            kernel.ram().writeLong(pteAddr, 0);
            mmu.invlpg(a);
            kernel.putUserPage(this, ptePfn(e), (e & X86PageTableEntry.DIRTY) != 0);
        });
    }

    // ---------------------------------------------------------------- mprotect

    @Override
    public void mprotect(long addr, long length, Prot prot) {
        SyscallException.check((addr & (PAGE - 1)) == 0, "mprotect", Errno.EINVAL,
                "address %#x is not page aligned", addr);
        long len = MmLayout.pageAlign(length);
        SyscallException.check(length >= 0 && Long.compareUnsigned(len, MmLayout.TASK_SIZE - addr) <= 0, "mprotect",
                Errno.ENOMEM, "range %#x+%#x leaves the user address space", addr, length);
        if (len == 0) {
            return;
        }
        long end = addr + len;
        int newProt = calcVmFlags(prot, MAP_PRIVATE) & PROT_MASK;
        // do_mprotect_pkey(): VMA by VMA from the start; a hole or a VMA that forbids the new
        // rights stops the loop with the VMAs before it already changed, as in Linux
        Optional<Vma> first = vmaAt(addr);
        SyscallException.check(first.isPresent(), "mprotect", Errno.ENOMEM, "%#x is not mapped", addr);
        long cursor = addr;
        while (Long.compareUnsigned(cursor, end) < 0) {
            Optional<Vma> vo = vmaAt(cursor);
            SyscallException.check(vo.isPresent(), "mprotect", Errno.ENOMEM,
                    "%#x-%#x is not mapped (the pages before it were changed)", cursor, end);
            Vma v = vo.get();
            SyscallException.check((newProt & ~(v.flags() >>> 4)) == 0, "mprotect", Errno.EACCES,
                    "the mapping at %#x does not allow %s (its VM_MAY* bits)", v.start(), prot);
            long segEnd = Long.compareUnsigned(v.end(), end) < 0 ? v.end() : end;
            protectOne(cursor, segEnd, newProt);
            cursor = segEnd;
        }
    }

    /** mprotect_fixup() for [start, end) inside one VMA: split, new flags, merge, PTEs. */
    private void protectOne(long start, long end, int newProt) {
        splitAt(start);
        splitAt(end);
        Vma v = vmaAt(start).orElseThrow();
        int nf = (v.flags() & ~PROT_MASK) | newProt;
        if ((nf & (Vma.VM_NORESERVE | Vma.VM_SHARED | Vma.VM_WRITE)) == Vma.VM_WRITE) {
            nf |= Vma.VM_ACCOUNT;
        }
        vmStatAccount(v.flags(), -v.pages());
        vmas.munmap(v.start(), v.end() - v.start());
        Vma nv = new Vma(v.start(), v.end(), nf, v.pgoff(), v.file(), v.name());
        vmas.map(nv);
        vmStatAccount(nf, nv.pages());
        changeProtection(nv);
    }

    /**
     * mlock(2) (mm/mlock.c: do_mlock, apply_vma_lock_flags, mlock_fixup): sets VM_LOCKED on every
     * VMA piece of the page-rounded range and faults its pages in (__mm_populate; write faults for
     * private writable memory). As in Linux, a hole stops it with ENOMEM after the pieces before
     * it were locked. Differs from Linux: no RLIMIT_MEMLOCK (as with CAP_IPC_LOCK).
     */
    public void mlock(long addr, long length) {
        lockRange(addr, length, true, "mlock");
    }

    /** munlock(2): clears VM_LOCKED on the range (pages stay resident). */
    public void munlock(long addr, long length) {
        lockRange(addr, length, false, "munlock");
    }

    private void lockRange(long addr, long length, boolean lock, String call) {
        SyscallException.check(length >= 0, call, Errno.EINVAL, "length %d is negative", length);
        long start = addr & -PAGE;
        long end = MmLayout.pageAlign(addr + length);
        if (start == end) {
            return;
        }
        SyscallException.check(vmaAt(start).isPresent(), call, Errno.ENOMEM, "%#x is not mapped", start);
        long cursor = start;
        while (Long.compareUnsigned(cursor, end) < 0) {
            Optional<Vma> vo = vmaAt(cursor);
            SyscallException.check(vo.isPresent(), call, Errno.ENOMEM,
                    "%#x-%#x is not mapped (the pages before it were changed)", cursor, end);
            long segEnd = Long.compareUnsigned(vo.get().end(), end) < 0 ? vo.get().end() : end;
            splitAt(cursor);
            splitAt(segEnd);
            Vma v = vmaAt(cursor).orElseThrow();
            boolean was = (v.flags() & Vma.VM_LOCKED) != 0;
            if (was != lock) {
                int nf = lock ? v.flags() | Vma.VM_LOCKED : v.flags() & ~Vma.VM_LOCKED;
                vmas.munmap(v.start(), v.end() - v.start());
                vmas.map(new Vma(v.start(), v.end(), nf, v.pgoff(), v.file(), v.name()));
                lockedVm += lock ? v.pages() : -v.pages();
            }
            if (lock && (v.flags() & PROT_MASK) != 0) {
                boolean write = (v.flags() & (Vma.VM_WRITE | Vma.VM_SHARED)) == Vma.VM_WRITE;
                for (long a = v.start(); a < v.end(); a += PAGE) {
                    translateUser(a, write ? Access.WRITE : Access.READ);
                }
            }
            cursor = segEnd;
        }
    }

    private void splitAt(long a) {
        Optional<Vma> v = vmaAt(a);
        if (v.isPresent() && v.get().start() != a) {
            vmas.split(a);
        }
    }

    List<Vma> overlapping(long start, long end) {
        List<Vma> out = new ArrayList<>();
        for (Vma v : vmas.list()) {
            if (Long.compareUnsigned(v.end(), start) > 0 && Long.compareUnsigned(v.start(), end) < 0) {
                out.add(v);
            }
        }
        return out;
    }

    /** change_protection(): rewrite the present PTEs of {@code v} for its new flags. */
    private void changeProtection(Vma v) {
        forEachPresentPte(v.start(), v.end(), (a, pteAddr, e) -> {
            long pfn = ptePfn(e);
            boolean writable = (v.flags() & Vma.VM_WRITE) != 0 && canWriteInPlace(v, pfn);
            long ne = pteBits(pfn, v.flags(), writable) | (e & (X86PageTableEntry.ACCESSED | X86PageTableEntry.DIRTY));
            kernel.ram().writeLong(pteAddr, ne);
            mmu.invlpg(a);
        });
    }

    /** A page may be mapped writable without a fault: shared mappings, or an anon page only we map. */
    private boolean canWriteInPlace(Vma v, long pfn) {
        if ((v.flags() & Vma.VM_SHARED) != 0) {
            return true;
        }
        return pfn != kernel.zeroPfn() && kernel.isAnon(pfn) && kernel.buddy().pageRefCount(pfn) == 1;
    }

    /**
     * The PTE for {@code pfn} under {@code vmFlags} (vm_get_page_prot, x86 protection_map). A VMA
     * with none of VM_READ|VM_WRITE|VM_EXEC gets PAGE_NONE: P clear and _PAGE_PROTNONE set, so the
     * MMU faults on every access while the kernel still sees the page (pte_present() is true for
     * it: smaps counts it, munmap frees it, fork and mremap carry it).
     */
    static long pteBits(long pfn, int vmFlags, boolean writable) {
        if ((vmFlags & PROT_MASK) == 0) {
            return (pfn << 12) | X86PageTableEntry.PAGE_NONE;
        }
        long e = (pfn << 12) | X86PageTableEntry.PRESENT | X86PageTableEntry.USER | X86PageTableEntry.ACCESSED;
        if (writable) {
            e |= X86PageTableEntry.RW;
        }
        if ((vmFlags & Vma.VM_EXEC) == 0) {
            e |= X86PageTableEntry.NX;
        }
        return e;
    }

    // ---------------------------------------------------------------- brk

    @Override
    public long brk(long newBrk) {
        long minBrk = startBrk;
        if (Long.compareUnsigned(newBrk, minBrk) < 0) {
            return brk;
        }
        // RLIMIT_DATA is unlimited in this model (check_data_rlimit)
        long newTop = MmLayout.pageAlign(newBrk);
        long oldTop = MmLayout.pageAlign(brk);
        if (oldTop == newTop) {
            brk = newBrk;
            return brk;
        }
        if (Long.compareUnsigned(newBrk, brk) <= 0) {
            // SYSCALL_DEFINE1(brk): "brkvma = vma_find(&vmi, oldbrk); if (!brkvma || brkvma->vm_start
            // >= oldbrk) goto out;" -- when nothing is mapped in [newbrk, oldbrk) (the heap was
            // munmapped behind brk's back) the call is refused and returns the old break
            // (captured in scenarios/brk-collide)
            Optional<Vma> brkVma = vmas.findVma(newTop);
            if (brkVma.isEmpty() || Long.compareUnsigned(brkVma.get().start(), oldTop) >= 0) {
                LOG.debug("brk shrink to {} refused: nothing mapped in {}-{}", hex(newBrk), hex(newTop), hex(oldTop));
                return brk;
            }
            unmapRange(newTop, oldTop - newTop);
            brk = newBrk;
            LOG.debug("brk shrinks to {}", hex(brk));
            return brk;
        }
        // growing: [oldTop, newTop + PAGE) must not touch the next VMA (including its guard gap)
        Optional<Vma> next = vmas.findVma(oldTop);
        if (next.isPresent() && Long.compareUnsigned(newTop + PAGE, startGap(next.get())) > 0) {
            LOG.debug("brk to {} refused: it would run into {}-{}", hex(newBrk), hex(next.get().start()),
                    hex(next.get().end()));
            return brk;
        }
        if (Long.compareUnsigned(newTop, MmLayout.TASK_SIZE) > 0) {
            return brk;
        }
        // do_brk_flags: VM_DATA_DEFAULT_FLAGS | VM_ACCOUNT, merged with the previous heap vma
        int flags = Vma.VM_READ | Vma.VM_WRITE | Vma.VM_MAYREAD | Vma.VM_MAYWRITE | Vma.VM_MAYEXEC | Vma.VM_ACCOUNT
                | Vma.VM_SOFTDIRTY;
        // brkvma = vma_prev_limit(&vmi, mm->start_brk): only a heap VMA at or above start_brk is
        // extended; a bss VMA ending exactly at start_brk is never merged into the heap
        Vma grown = Vma.anonymous(oldTop, newTop, flags, null);
        Optional<Vma> below = vmaAt(oldTop - 1);
        if (below.isPresent() && Long.compareUnsigned(below.get().start(), startBrk) >= 0) {
            addVma(grown);
        } else {
            vmas.insert(grown);
            vmStatAccount(flags, grown.pages());
        }
        brk = newBrk;
        LOG.debug("brk grows to {}", hex(brk));
        return brk;
    }

    // ---------------------------------------------------------------- mremap

    /**
     * mremap(2) without MREMAP_FIXED, in the order of Linux 6.16+ mm/mremap.c (do_mremap,
     * check_mremap_params, check_prep_vma, remap_is_valid, mremap_at): only {@code oldAddr} must be
     * mapped (vma_lookup); a shrink then unmaps {@code [addr + new, addr + old)} whatever VMAs and
     * holes it covers (shrink_vma → do_vmi_munmap), the same size returns {@code addr}, and only a
     * growth requires the old range inside one VMA (EFAULT otherwise). In place needs the range to
     * end at the VMA's end and {@code [vm_end, vm_end + delta)} to intersect no VMA
     * (vma_expandable: the stack guard gap is NOT checked); otherwise MREMAP_MAYMOVE moves it to
     * get_unmapped_area(file, 0, new_len) (2 MiB aligned for anonymous private multiples of
     * 2 MiB, as for mmap). Captured in scenarios/mremap-edges and stack-guard.
     */
    @Override
    public long mremap(long oldAddr, long oldLength, long newLength, int flags) {
        SyscallException.check((flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED)) == 0, "mremap", Errno.EINVAL,
                "unknown flags %#x (allowed: MREMAP_MAYMOVE 1, MREMAP_FIXED 2)", flags);
        SyscallException.check((flags & MREMAP_FIXED) == 0, "mremap", Errno.EINVAL,
                "MREMAP_FIXED needs a new address; this call has none");
        SyscallException.check((oldAddr & (PAGE - 1)) == 0, "mremap", Errno.EINVAL,
                "old address %#x is not page aligned", oldAddr);
        long oldLen = MmLayout.pageAlign(oldLength);
        long newLen = MmLayout.pageAlign(newLength);
        SyscallException.check(newLength != 0 && newLen != 0, "mremap", Errno.EINVAL, "new length %d must be > 0",
                newLength);
        SyscallException.check(Long.compareUnsigned(newLen, MmLayout.TASK_SIZE) <= 0, "mremap", Errno.EINVAL,
                "new length %#x is larger than TASK_SIZE %#x", newLen, MmLayout.TASK_SIZE);
        Optional<Vma> vo = vmaAt(oldAddr);
        SyscallException.check(vo.isPresent(), "mremap", Errno.EFAULT, "no mapping at %#x", oldAddr);
        Vma v = vo.get();
        if (Long.compareUnsigned(newLen, oldLen) < 0) {
            // shrink_vma(): do_vmi_munmap of the tail, which may span several VMAs and holes
            SyscallException.check(Long.compareUnsigned(oldLen, MmLayout.TASK_SIZE - oldAddr) <= 0, "mremap",
                    Errno.EINVAL, "old range %#x+%#x leaves the user address space", oldAddr, oldLen);
            unmapRange(oldAddr + newLen, oldLen - newLen);
            return oldAddr;
        }
        if (newLen == oldLen) {
            return oldAddr; // MREMAP_NO_RESIZE
        }
        // remap_is_valid()
        SyscallException.check(oldLen != 0 || (v.flags() & (Vma.VM_SHARED | Vma.VM_MAYSHARE)) != 0, "mremap",
                Errno.EINVAL, "old length 0 duplicates a mapping, which only shared mappings allow");
        SyscallException.check(oldLen != 0, "mremap", Errno.EINVAL,
                "old length 0 (duplicating a shared mapping) is not modelled");
        SyscallException.check(Long.compareUnsigned(oldLen, v.end() - oldAddr) <= 0, "mremap", Errno.EFAULT,
                "%#x-%#x is not inside one mapping (%#x-%#x)", oldAddr, oldAddr + oldLen, v.start(), v.end());
        SyscallException.check((v.flags() & (Vma.VM_DONTEXPAND | Vma.VM_PFNMAP)) == 0, "mremap", Errno.EFAULT,
                "the mapping %#x-%#x cannot grow (VM_DONTEXPAND or VM_PFNMAP)", v.start(), v.end());
        long delta = newLen - oldLen;
        // vrm_can_expand_in_place() + vma_expandable()
        if (oldAddr + oldLen == v.end() && Long.compareUnsigned(v.end() + delta, MmLayout.TASK_SIZE) <= 0
                && Long.compareUnsigned(v.end() + delta, v.end()) > 0 && !intersects(v.end(), v.end() + delta)) {
            addVma(new Vma(v.end(), v.end() + delta, v.flags(), v.pgoff() + v.pages(), v.file(), v.name()));
            return oldAddr;
        }
        SyscallException.check((flags & MREMAP_MAYMOVE) != 0, "mremap", Errno.ENOMEM,
                "%#x-%#x cannot grow in place to %#x bytes and MREMAP_MAYMOVE is not set", oldAddr, oldAddr + oldLen,
                newLen);
        // vrm_set_new_addr(): get_unmapped_area(vma->vm_file, 0, new_len, pgoff, MAP_SHARED if VM_MAYSHARE)
        long to = getUnmappedArea(0, newLen, false, v.file() == null);
        moveVma(v, oldAddr, oldLen, to, newLen);
        return to;
    }

    /** find_vma_intersection(): true when some VMA overlaps [start, end). */
    private boolean intersects(long start, long end) {
        Optional<Vma> next = vmas.findVma(start);
        return next.isPresent() && Long.compareUnsigned(next.get().start(), end) < 0;
    }

    /** move_vma(): a new VMA with the same flags and pgoff, the PTEs moved, the old range unmapped. */
    private void moveVma(Vma v, long oldAddr, long oldLen, long to, long newLen) {
        // move_vma() saves hiwater_vm and restores it at the end: total_vm is briefly raised by
        // new_len before the old range is unmapped, and that transient must not reach VmPeak
        long savedHiwaterVm = hiwaterVm;
        long pgoff = v.pgoff() + ((oldAddr - v.start()) >>> 12);
        Vma nv = new Vma(to, to + newLen, v.flags(), pgoff, v.file(), v.name());
        addVma(nv);
        forEachPresentPte(oldAddr, oldAddr + oldLen, (a, from, e) -> { // move_ptes()
            kernel.ram().writeLong(from, 0);
            mmu.invlpg(a);
            setPte(to + (a - oldAddr), e);
        });
        // the old range now has no pages; drop its vma part
        List<Vma> removed = vmas.munmap(oldAddr, oldLen);
        for (Vma r : removed) {
            vmStatAccount(r.flags(), -r.pages());
        }
        hiwaterVm = Math.max(savedHiwaterVm, totalVm);
    }

    // ---------------------------------------------------------------- madvise

    @Override
    public void madvise(long addr, long length, int advice) {
        SyscallException.check((addr & (PAGE - 1)) == 0, "madvise", Errno.EINVAL,
                "address %#x is not page aligned", addr);
        SyscallException.check(advice == MADV_NORMAL || advice == MADV_WILLNEED || advice == MADV_DONTNEED
                        || advice == MADV_FREE || advice == 1 || advice == 2, "madvise", Errno.EINVAL,
                "advice %d is not one of MADV_NORMAL 0, RANDOM 1, SEQUENTIAL 2, WILLNEED 3, DONTNEED 4, FREE 8",
                advice);
        long len = MmLayout.pageAlign(length);
        // do_madvise(): "if (len_in && !len) return -EINVAL" (a small negative length rounds up to
        // zero) and "if (end < start) return -EINVAL"
        SyscallException.check(length == 0 || len != 0, "madvise", Errno.EINVAL,
                "length %#x rounds up to zero pages (a negative length)", length);
        if (len == 0) {
            return;
        }
        long end = addr + len;
        SyscallException.check(Long.compareUnsigned(end, addr) > 0, "madvise", Errno.EINVAL,
                "range %#x+%#x wraps around the address space", addr, length);
        // madvise_walk_vmas(): the advice applies to every mapped part; a hole makes the call
        // return ENOMEM at the end, after the mapped parts were handled (as in Linux)
        long cursor = addr;
        boolean hole = false;
        for (Vma v : overlapping(addr, end)) {
            hole |= Long.compareUnsigned(v.start(), cursor) > 0;
            if (advice == MADV_DONTNEED) {
                zapRange(v, Math.max(v.start(), addr), Math.min(v.end(), end));
            }
            cursor = v.end();
        }
        hole |= Long.compareUnsigned(cursor, end) < 0;
        SyscallException.check(!hole, "madvise", Errno.ENOMEM,
                "part of %#x-%#x is not mapped (the mapped parts were advised)", addr, end);
    }

    // ---------------------------------------------------------------- user memory access

    @Override
    public byte readByte(long va) {
        return kernel.ram().readByte(translateUser(va, Access.READ));
    }

    @Override
    public void writeByte(long va, byte value) {
        kernel.ram().writeByte(translateUser(va, Access.WRITE), value);
    }

    @Override
    public long readLong(long va) {
        if ((va & 0xfff) <= 0xff8) {
            return kernel.ram().readLong(translateUser(va, Access.READ));
        }
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (readByte(va + i) & 0xff);
        }
        return v;
    }

    @Override
    public void writeLong(long va, long value) {
        if ((va & 0xfff) <= 0xff8) {
            kernel.ram().writeLong(translateUser(va, Access.WRITE), value);
            return;
        }
        translateUser(va, Access.WRITE);
        translateUser(va + 7, Access.WRITE);
        for (int i = 0; i < 8; i++) {
            writeByte(va + i, (byte) (value >>> (8 * i)));
        }
    }

    /** memmove() by user code, a page-sized piece at a time when the ranges do not overlap. */
    @Override
    public void copy(long dst, long src, long n) {
        if (n <= 0 || dst == src) {
            return;
        }
        if (Long.compareUnsigned(dst - src, n) < 0 || Long.compareUnsigned(src - dst, n) < 0) {
            AddressSpace.super.copy(dst, src, n); // overlapping: byte order matters
            return;
        }
        long done = 0;
        while (done < n) {
            long s = src + done;
            long d = dst + done;
            long chunk = Math.min(n - done, Math.min(PAGE - (s & (PAGE - 1)), PAGE - (d & (PAGE - 1))));
            long ps = translateUser(s, Access.READ);
            long pd = translateUser(d, Access.WRITE);
            kernel.ram().copy(ps, pd, chunk);
            done += chunk;
        }
    }

    /** memset() by user code, a page-sized piece at a time. */
    @Override
    public void fill(long dst, int value, long n) {
        long done = 0;
        while (done < n) {
            long d = dst + done;
            long chunk = Math.min(n - done, PAGE - (d & (PAGE - 1)));
            kernel.ram().fill(translateUser(d, Access.WRITE), chunk, value);
            done += chunk;
        }
    }

    /** An access by user code that stores or loads nothing, e.g. to fault a page in. */
    public void touch(long va, Access access) {
        translateUser(va, access);
    }

    @Override
    public long translate(long va) {
        return pt.translate(va);
    }

    /**
     * The physical address user code reaches at {@code va}: the MMU translates; on a #PF the kernel
     * handles the fault and the access is retried, as the CPU re-executes the instruction.
     *
     * @throws SegmentationFault when the fault cannot be resolved
     */
    public long translateUser(long va, Access access) {
        for (int attempt = 0; ; attempt++) {
            try {
                return mmu.translate(va, access);
            } catch (PageFault pf) {
                if (attempt >= 3) {
                    throw new IllegalStateException("fault at " + hex(va) + " not resolved after 3 attempts: "
                            + pf.getMessage());
                }
                handleFault(va, pf.errorCode(), access);
            } catch (io.pagelab.api.error.GeneralProtectionFault gp) {
                // a non-canonical user address: the kernel sends SIGSEGV (si_code SI_KERNEL)
                throw new SegmentationFault(comm, pid, 0, 0, SegmentationFault.SEGV_MAPERR);
            }
        }
    }

    /** do_user_addr_fault() + handle_mm_fault() for one fault. */
    void handleFault(long va, int errorCode, Access access) {
        Vma v = cachedVma;
        if (v == null || cachedVmaMod != vmas.modCount() || !v.contains(va)) {
            Optional<Vma> found = vmas.findVma(va);
            if (found.isEmpty()) {
                throw segv(va, errorCode, SegmentationFault.SEGV_MAPERR);
            }
            v = found.get();
            cachedVma = v;
            cachedVmaMod = vmas.modCount();
        }
        if (Long.compareUnsigned(v.start(), va) > 0) {
            if ((v.flags() & Vma.VM_GROWSDOWN) == 0 || !expandStack(v, va)) {
                throw segv(va, errorCode, SegmentationFault.SEGV_MAPERR);
            }
            v = vmaAt(va).orElseThrow();
        }
        // access_error() (arch/x86/mm/fault.c): a write needs VM_WRITE; a read or fetch that hit a
        // present page is a protection fault; otherwise the VMA must allow some access. VM_EXEC is
        // not checked here: a fetch from a non-executable VMA maps the page (with NX), and the
        // retried fetch comes back with the P bit set.
        boolean write = access == Access.WRITE;
        if (write ? (v.flags() & Vma.VM_WRITE) == 0
                : (errorCode & PageFault.PF_PROT) != 0 || (v.flags() & PROT_MASK) == 0) {
            throw segv(va, errorCode, SegmentationFault.SEGV_ACCERR);
        }
        long page = va & -PAGE;
        minFlt++;
        if ((errorCode & PageFault.PF_PROT) == 0) { // the P bit of the error code: nothing mapped here
            if (v.file() == null) {
                doAnonymousPage(v, page, write);
            } else {
                doFault(v, page, write);
            }
        } else if (write) {
            long pteAddr = pt.entryAddress(page, PagingLevel.PT);
            long e = kernel.ram().readLong(pteAddr);
            if ((e & X86PageTableEntry.RW) == 0) {
                doWpPage(v, page, pteAddr, e);
            }
        }
        rssGrew();
    }

    private SegmentationFault segv(long va, int errorCode, int siCode) {
        LOG.debug("{}[{}]: SIGSEGV at {} (si_code {})", comm, pid, hex(va), siCode);
        return new SegmentationFault(comm, pid, va, errorCode | PageFault.PF_USER, siCode);
    }

    /** expand_stack(): grow a VM_GROWSDOWN VMA down to {@code va}, within RLIMIT_STACK and the guard gap. */
    private boolean expandStack(Vma v, long va) {
        long newStart = va & -PAGE;
        if (v.end() - newStart > kernel.config().stackRlimit()) {
            return false;
        }
        Optional<Vma> prev = previous(v);
        long guard = kernel.config().stackGuardGapPages() << 12;
        // expand_downwards() (mm/mmap.c): the gap is enforced only against a previous VMA that is
        // not itself a stack and is accessible (vma_is_accessible: some of VM_READ|WRITE|EXEC);
        // a PROT_NONE neighbour may touch the stack (captured in scenarios/stack-guard)
        if (prev.isPresent() && (prev.get().flags() & Vma.VM_GROWSDOWN) == 0
                && (prev.get().flags() & PROT_MASK) != 0
                && Long.compareUnsigned(newStart - prev.get().end(), guard) < 0) {
            return false;
        }
        vmStatAccount(v.flags(), -v.pages());
        vmas.munmap(v.start(), v.end() - v.start());
        Vma nv = new Vma(newStart, v.end(), v.flags(), v.pgoff() - ((v.start() - newStart) >>> 12), null, v.name());
        vmas.insert(nv);
        vmStatAccount(nv.flags(), nv.pages());
        LOG.debug("stack grows down to {}", hex(newStart));
        return true;
    }

    private Optional<Vma> previous(Vma v) {
        Vma prev = null;
        for (Vma x : vmas.list()) {
            if (x.start() >= v.start()) {
                break;
            }
            prev = x;
        }
        return Optional.ofNullable(prev);
    }

    /** do_anonymous_page(): the zero page for a read, a fresh zeroed page for a write. */
    private void doAnonymousPage(Vma v, long page, boolean write) {
        if (!write) {
            mapNew(page, kernel.zeroPfn(), v.flags(), false);
            return;
        }
        long pfn = kernel.allocUserPage();
        kernel.ram().clearPage(pfn);
        kernel.addAnonRmap(this, pfn, linearPageIndex(v, page));
        anonPages++;
        mapNew(page, pfn, v.flags(), (v.flags() & Vma.VM_WRITE) != 0);
    }

    static long linearPageIndex(Vma v, long addr) {
        return ((addr - v.start()) >>> 12) + v.pgoff();
    }

    /**
     * set_pte_at() for a new page: present, user, writable or not, NX unless VM_EXEC. Accessed and
     * dirty are left to the MMU, which sets them when the faulting access is retried.
     */
    private void mapNew(long page, long pfn, int vmFlags, boolean writable) {
        pt.map(page, pfn, PAGE, (vmFlags & Vma.VM_EXEC) != 0
                ? (writable ? Prot.USER_RWX : Prot.USER_RX) : (writable ? Prot.USER_RW : Prot.USER_R));
    }

    /** do_fault(): read → the page-cache page; private write → a copy (do_cow_fault); shared write → dirty. */
    private void doFault(Vma v, long page, boolean write) {
        SimFile f = kernel.file(v.file());
        long index = linearPageIndex(v, page);
        boolean[] major = new boolean[1];
        long cachePfn = kernel.findOrReadPage(f, index, major);
        if (major[0]) {
            majFlt++;
            minFlt--;
        }
        boolean shared = (v.flags() & Vma.VM_SHARED) != 0;
        if (write && !shared) {
            long pfn = kernel.allocUserPage();
            kernel.ram().copy(cachePfn << 12, pfn << 12, PAGE);
            kernel.addAnonRmap(this, pfn, linearPageIndex(v, page));
            anonPages++;
            mapNew(page, pfn, v.flags(), true);
            return;
        }
        kernel.mapFilePage(this, cachePfn, f);
        mapNew(page, cachePfn, v.flags(), shared && (v.flags() & Vma.VM_WRITE) != 0);
    }

    /** do_wp_page(): a write to a present read-only PTE in a writable VMA. */
    private void doWpPage(Vma v, long page, long pteAddr, long e) {
        long pfn = (e & X86PageTableEntry.PFN_MASK) >>> 12;
        if ((v.flags() & Vma.VM_SHARED) != 0) {
            kernel.ram().writeLong(pteAddr, e | X86PageTableEntry.RW | X86PageTableEntry.DIRTY); // wp_page_shared
            mmu.invlpg(page);
            return;
        }
        if (pfn != kernel.zeroPfn() && kernel.isAnon(pfn) && kernel.buddy().pageRefCount(pfn) == 1) {
            kernel.ram().writeLong(pteAddr, e | X86PageTableEntry.RW | X86PageTableEntry.DIRTY); // wp_page_reuse
            mmu.invlpg(page);
            LOG.debug("{}: write fault at {} reuses pfn {} (last mapper)", comm, hex(page), hex(pfn));
            return;
        }
        // wp_page_copy
        long fresh = kernel.allocUserPage();
        if (pfn == kernel.zeroPfn()) {
            kernel.ram().clearPage(fresh);
        } else {
            kernel.ram().copy(pfn << 12, fresh << 12, PAGE);
        }
        kernel.addAnonRmap(this, fresh, linearPageIndex(v, page));
        anonPages++;
        kernel.ram().writeLong(pteAddr, pteBits(fresh, v.flags(), true) | X86PageTableEntry.DIRTY);
        mmu.invlpg(page);
        if (pfn != kernel.zeroPfn()) {
            kernel.putUserPage(this, pfn, false);
        }
        LOG.debug("{}: copy-on-write at {}: pfn {} -> {}", comm, hex(page), hex(pfn), hex(fresh));
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    @Override
    public String toString() {
        return "mm of " + comm + "[" + pid + "]: " + vmas.size() + " vmas, rss " + rssPages() + " pages";
    }
}
