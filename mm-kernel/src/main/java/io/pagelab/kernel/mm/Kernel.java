package io.pagelab.kernel.mm;

import io.pagelab.api.Gfp;
import io.pagelab.api.PageTable;
import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.hardware.Machine;
import io.pagelab.hardware.mmu.PageTableAllocator;
import io.pagelab.hardware.mmu.PagingLevel;
import io.pagelab.hardware.mmu.X86PageTableEntry;
import io.pagelab.hardware.ram.SimulatedRam;
import io.pagelab.kernel.boot.BootMemory;
import io.pagelab.kernel.buddy.BuddyAllocator;
import io.pagelab.kernel.buddy.BuddyConfig;
import io.pagelab.kernel.buddy.MmCoreInit;
import io.pagelab.kernel.page.MemMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A booted machine running processes: RAM, the buddy allocator, the shared zero page, the page
 * cache, the reverse map and the task list. It owns what is global in Linux's mm: the page
 * accounting that /proc/meminfo reads (NR_ANON_MAPPED, NR_FILE_PAGES, NR_SHMEM, NR_FILE_MAPPED,
 * NR_PAGETABLE), fork (kernel/fork.c: dup_mm, mm/memory.c: copy_page_range) and exit
 * (kernel/exit.c: exit_mm, mm/mmap.c: exit_mmap).
 *
 * <p>Page references follow Linux: an anonymous page holds one reference and one mapcount per
 * PTE that maps it; a page-cache page holds one reference for the cache plus one per PTE. User
 * pages come from the buddy allocator as GFP_HIGHUSER_MOVABLE, so compaction may move them; the
 * kernel's {@link io.pagelab.kernel.buddy.MigrationHook} rewrites every PTE through the reverse
 * map ({@link #rmap}).
 *
 * <p>Differs from Linux on purpose: no swap, no LRU aging or reclaim yet, one CPU, and page tables
 * hold the user half only (no kernel mappings are copied into a new PGD).
 */
public final class Kernel {
    private static final Logger LOG = LoggerFactory.getLogger(Kernel.class);

    private final KernelConfig config;
    private final SimulatedRam ram;
    private final BuddyAllocator buddy;
    private final long zeroPfn;
    private final SplittableRandom random;
    final FrameInfo frames = new FrameInfo();
    private final List<AnonVma> anonVmas = new ArrayList<>();
    private final List<SimFile> files = new ArrayList<>();
    private final Map<MappedFile, SimFile> fileByIdentity = new HashMap<>();
    private final TreeMap<Integer, Task> tasks = new TreeMap<>();
    private int nextPid = 1;
    private long nextShmemIno = 1000;
    private final long freeAtBoot;

    long nrAnon;
    long nrFile;
    long nrShmem;
    long nrMapped;
    long nrPageTables;

    private Kernel(KernelConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        Machine machine = Machine.qemu(config.ramBytes());
        this.ram = machine.ram();
        this.buddy = MmCoreInit.init(BootMemory.boot(machine.firmware()), BuddyConfig.defaults()).allocator();
        buddy.attachMemory(ram);
        this.random = new SplittableRandom(config.seed());
        this.zeroPfn = buddy.allocPages(0, Gfp.GFP_KERNEL);
        ram.clearPage(zeroPfn);
        anonVmas.add(null); // ids start at 1
        files.add(null);
        buddy.setMigrationHook(this::migrate);
        this.freeAtBoot = buddy.freePageCount();
    }

    /** Boots a QEMU-shaped machine of {@code config.ramBytes()} ready to run processes. */
    public static Kernel boot(KernelConfig config) {
        return new Kernel(config);
    }

    /** {@link #boot} with {@link KernelConfig#defaults()}. */
    public static Kernel boot() {
        return new Kernel(KernelConfig.defaults());
    }

    public KernelConfig config() {
        return config;
    }

    public SimulatedRam ram() {
        return ram;
    }

    public BuddyAllocator buddy() {
        return buddy;
    }

    /** The pfn of the shared zero page (ZERO_PAGE(0)). */
    public long zeroPfn() {
        return zeroPfn;
    }

    /** Free pages right after boot, before any process existed. */
    public long freePagesAtBoot() {
        return freeAtBoot;
    }

    /** The next 64 random bits of this kernel's seeded source. */
    long nextRandom() {
        return random.nextLong();
    }

    // ---------------------------------------------------------------- tasks

    /** Every live task by pid. */
    public List<Task> tasks() {
        return List.copyOf(tasks.values());
    }

    public Optional<Task> task(int pid) {
        return Optional.ofNullable(tasks.get(pid));
    }

    Task newTask(String comm, Mm mm, int ppid) {
        Task t = new Task(nextPid++, ppid, comm, mm);
        mm.comm = comm;
        mm.pid = t.pid();
        tasks.put(t.pid(), t);
        return t;
    }

    /** execve() of {@code image} in a new process (load_elf_binary). */
    public Task exec(ProgramImage image) {
        return ElfLoader.load(this, image);
    }

    /**
     * A process whose address space is exactly the one a real /proc/pid/maps shows (file
     * mappings, anonymous areas, [heap], [stack], [vvar], [vdso], [vsyscall]), with ASLR-off
     * mmap_base, for replaying a real process's system calls.
     *
     * @param startBrk the process's start_brk (its brk(0) when no [heap] exists yet)
     */
    public Task spawnFromMaps(String comm, String maps, long startBrk) {
        return MapsImage.spawn(this, comm, maps, startBrk);
    }

    Mm newMm(AnonVma parent) {
        return new Mm(this, parent);
    }

    /**
     * fork(): a child with a copy of the parent's VMAs; private pages are shared copy-on-write
     * (write-protected in both), shared mappings keep sharing, file mappings without private
     * pages start empty in the child (copy_page_range skips them, vma_needs_copy).
     */
    public Task fork(Task parent) {
        Objects.requireNonNull(parent, "parent");
        InvalidArgumentException.check(tasks.containsKey(parent.pid()),
                "fork: pid %s has exited (only a live task can fork)", parent.pid());
        Mm p = parent.mm();
        Mm c = newMm(p.anonVma);
        c.mmapBase = p.mmapBase;
        c.startCode = p.startCode;
        c.endCode = p.endCode;
        c.startData = p.startData;
        c.endData = p.endData;
        c.startBrk = p.startBrk;
        c.brk = p.brk;
        c.startStack = p.startStack;
        c.randomized = p.randomized;
        c.vsyscall = p.vsyscall;
        // dup_mm copies the counters, then dup_mmap subtracts what it does not copy (VM_DONTCOPY)
        c.totalVm = p.totalVm;
        c.dataVm = p.dataVm;
        c.execVm = p.execVm;
        c.stackVm = p.stackVm;
        for (Vma v : p.vmas.list()) {
            if ((v.flags() & Vma.VM_DONTCOPY) != 0) {
                c.vmStatAccount(v.flags(), -v.pages());
                continue;
            }
            // dup_mmap: the child does not inherit memory locks (VM_LOCKED is cleared)
            c.vmas.insert((v.flags() & Vma.VM_LOCKED) == 0 ? v
                    : new Vma(v.start(), v.end(), v.flags() & ~Vma.VM_LOCKED, v.pgoff(), v.file(), v.name()));
            copyPageRange(p, c, v);
        }
        c.hiwaterVm = c.totalVm;
        c.hiwaterRss = c.rssPages();
        p.mmu.flushAll(); // flush_tlb_mm: the parent's PTEs lost their write bit
        Task child = newTask(parent.comm(), c, parent.pid());
        LOG.debug("fork {}[{}] -> pid {}", parent.comm(), parent.pid(), child.pid());
        return child;
    }

    private void copyPageRange(Mm p, Mm c, Vma v) {
        boolean shared = (v.flags() & Vma.VM_SHARED) != 0;
        boolean cow = (v.flags() & (Vma.VM_SHARED | Vma.VM_MAYWRITE)) == Vma.VM_MAYWRITE;
        if (shared || v.file() != null && !hasAnonPages(p, v)) {
            return; // vma_needs_copy() is false: the child faults these in on demand
        }
        p.forEachPresentPte(v.start(), v.end(), (a, pteAddr, e) -> {
            long pfn = Mm.ptePfn(e);
            if (cow && (e & X86PageTableEntry.RW) != 0) {
                e &= ~X86PageTableEntry.RW;
                ram.writeLong(pteAddr, e); // ptep_set_wrprotect in the parent
            }
            c.setPte(a, e);
            if (pfn == zeroPfn) {
                return;
            }
            buddy.getPage(pfn);
            MemMap mm = buddy.memMap();
            mm.setMapcount(pfn, mm.mapcount(pfn) + 1);
            int owner = frames.owner(pfn);
            if (owner > 0) {
                c.anonPages++;
            } else if (owner < 0 && files.get(-owner).shmem) {
                c.shmemPages++;
            } else {
                c.filePages++;
            }
        });
    }

    private boolean hasAnonPages(Mm p, Vma v) {
        for (long a = v.start(); a < v.end(); a += Mm.PAGE) {
            long pa = p.pt.translate(a);
            if (pa != PageTable.NOT_MAPPED && frames.owner(pa >>> 12) > 0) {
                return true;
            }
        }
        return false;
    }

    /** exit(): every page and page table of the task goes back; the task is gone. */
    public void exit(Task t) {
        Objects.requireNonNull(t, "task");
        InvalidArgumentException.check(tasks.containsKey(t.pid()), "exit: pid %s has exited already", t.pid());
        Mm m = t.mm();
        for (Vma v : m.vmas.list()) {
            m.zapRange(v, v.start(), v.end());
        }
        List<Vma> all = m.vmas.list();
        for (Vma v : all) {
            m.vmas.munmap(v.start(), v.end() - v.start());
        }
        for (Vma v : all) {
            if (v.file() != null) {
                releaseIfOrphanShmem(v.file());
            }
        }
        m.anonVma.mm = null;
        m.totalVm = 0;
        m.freeTables();
        tasks.remove(t.pid());
        t.exited = true;
        LOG.debug("exit {}[{}]", t.comm(), t.pid());
    }

    // ---------------------------------------------------------------- files and page cache

    /** A regular file with {@code content} (pages past it read zero), on device 08:01. */
    public MappedFile createFile(String path, long ino, byte[] content) {
        return createFile(new MappedFile(path, 8, 1, ino), content.length, content);
    }

    /** A regular file of {@code size} zero bytes with this identity (path, device, inode). */
    public MappedFile createFile(MappedFile identity, long size, byte[] content) {
        SimFile existing = fileByIdentity.get(identity);
        if (existing != null) {
            return identity;
        }
        SimFile f = new SimFile(files.size(), identity, size, content, false);
        files.add(f);
        fileByIdentity.put(identity, f);
        return identity;
    }

    SimFile file(MappedFile identity) {
        return identity == null ? null : fileByIdentity.get(identity);
    }

    /** shmem_zero_setup(): the object behind a MAP_SHARED|MAP_ANONYMOUS mapping. */
    SimFile newShmemFile(long size, boolean accounted) {
        MappedFile id = new MappedFile("/dev/zero (deleted)", 0, 1, nextShmemIno++);
        SimFile f = new SimFile(files.size(), id, size, null, true);
        f.accounted = accounted;
        files.add(f);
        fileByIdentity.put(id, f);
        return f;
    }

    /** The cached page {@code index} of {@code f}, read in (a major fault for a regular file) if absent. */
    long findOrReadPage(SimFile f, long index, boolean[] major) {
        Long cached = f.pages.get(index);
        if (cached != null) {
            return cached;
        }
        long pfn = allocUserPage();
        ram.clearPage(pfn);
        if (f.content != null) {
            long from = index << 12;
            if (from < f.content.length) {
                int n = (int) Math.min(4096, f.content.length - from);
                ram.writeBytes(pfn << 12, f.content, (int) from, n);
            }
        }
        f.pages.put(index, pfn);
        frames.set(pfn, -f.id, index);
        nrFile++;
        if (f.shmem) {
            nrShmem++;
        } else {
            major[0] = true;
        }
        return pfn;
    }

    /** One more PTE maps the page-cache page {@code pfn}. */
    void mapFilePage(Mm m, long pfn, SimFile f) {
        buddy.getPage(pfn);
        MemMap mm = buddy.memMap();
        int mc = mm.mapcount(pfn);
        mm.setMapcount(pfn, mc + 1);
        if (mc == 0) {
            nrMapped++;
        }
        if (f.shmem) {
            m.shmemPages++;
        } else {
            m.filePages++;
        }
    }

    /** Drops a shmem object once no VMA of any process maps it (its pages are freed). */
    void releaseIfOrphanShmem(MappedFile identity) {
        SimFile f = fileByIdentity.get(identity);
        if (f == null || !f.shmem) {
            return;
        }
        for (Task t : tasks.values()) {
            for (Vma v : t.mm().vmas.list()) {
                if (identity.equals(v.file())) {
                    return;
                }
            }
        }
        for (long pfn : f.pages.values()) {
            frames.clear(pfn);
            buddy.freePages(pfn, 0);
            nrFile--;
            nrShmem--;
        }
        f.pages.clear();
        fileByIdentity.remove(identity);
    }

    /** Drops every clean page-cache page no process maps (echo 1 &gt; /proc/sys/vm/drop_caches). */
    public long dropCaches() {
        long dropped = 0;
        for (SimFile f : files) {
            if (f == null || f.shmem) {
                continue;
            }
            for (var it = f.pages.entrySet().iterator(); it.hasNext(); ) {
                long pfn = it.next().getValue();
                if (buddy.memMap().mapcount(pfn) == 0) {
                    it.remove();
                    frames.clear(pfn);
                    buddy.freePages(pfn, 0);
                    nrFile--;
                    dropped++;
                }
            }
        }
        return dropped;
    }

    // ---------------------------------------------------------------- user pages and rmap

    /** A page for user memory (alloc_page(GFP_HIGHUSER_MOVABLE)). */
    long allocUserPage() {
        return buddy.allocPages(0, Gfp.GFP_HIGHUSER_MOVABLE);
    }

    AnonVma newAnonVma(AnonVma parent, Mm mm) {
        AnonVma a = new AnonVma(anonVmas.size(), parent, mm);
        anonVmas.add(a);
        return a;
    }

    /** folio_add_new_anon_rmap(): a fresh anonymous page mapped once by {@code m}. */
    void addAnonRmap(Mm m, long pfn, long index) {
        frames.set(pfn, m.anonVma.id, index);
        buddy.memMap().setMapcount(pfn, 1);
        nrAnon++;
    }

    boolean isAnon(long pfn) {
        return frames.owner(pfn) > 0;
    }

    /** True when {@code pfn} is a page-cache page of a shmem object. */
    boolean isShmem(long pfn) {
        int o = frames.owner(pfn);
        return o < 0 && files.get(-o).shmem;
    }

    /** A PTE of {@code m} mapping {@code pfn} was cleared: counters, mapcount, reference. */
    void putUserPage(Mm m, long pfn, boolean dirty) {
        if (pfn == zeroPfn) {
            return;
        }
        int owner = frames.owner(pfn);
        MemMap mm = buddy.memMap();
        int mc = mm.mapcount(pfn) - 1;
        mm.setMapcount(pfn, Math.max(mc, 0));
        if (owner > 0) {
            m.anonPages--;
            if (buddy.pageRefCount(pfn) == 1) {
                frames.clear(pfn);
                nrAnon--;
            }
        } else if (owner < 0) {
            if (files.get(-owner).shmem) {
                m.shmemPages--;
            } else {
                m.filePages--;
            }
            if (mc == 0) {
                nrMapped--;
            }
        }
        buddy.freePages(pfn, 0);
    }

    /** One mapping of a page: which process maps it at which address. */
    public record Mapper(Task task, long address) {
    }

    /**
     * rmap_walk(): every (process, address) whose page table maps {@code pfn}: for an anonymous
     * page the processes of its anon_vma tree at {@code index}, for a page-cache page every
     * mapping of its file that covers the page's offset.
     */
    public List<Mapper> rmap(long pfn) {
        int owner = frames.owner(pfn);
        if (owner == 0) {
            return List.of();
        }
        long index = frames.index(pfn);
        List<Mm> candidates = new ArrayList<>();
        MappedFile file = null;
        if (owner > 0) {
            anonVmas.get(owner).collect(candidates);
        } else {
            file = files.get(-owner).identity;
            for (Task t : tasks.values()) {
                candidates.add(t.mm());
            }
        }
        List<Mapper> out = new ArrayList<>();
        for (Mm m : candidates) {
            for (Vma v : m.vmas.list()) {
                // an anonymous page lives in a private VMA, file-backed or not (a COW copy of .data);
                // a page-cache page in any VMA of its file
                boolean kind = owner > 0 ? (v.flags() & Vma.VM_SHARED) == 0 : file.equals(v.file());
                if (!kind || index < v.pgoff() || index >= v.pgoff() + v.pages()) {
                    continue;
                }
                long va = v.start() + ((index - v.pgoff()) << 12);
                long pa = m.pt.translate(va);
                if (pa != PageTable.NOT_MAPPED && pa >>> 12 == pfn) {
                    out.add(new Mapper(tasks.get(m.pid), va));
                }
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** MigrationHook: compaction moved {@code oldPfn} to {@code newPfn}; every PTE follows. */
    private void migrate(long oldPfn, long newPfn, int order) {
        for (long i = 0; i < (1L << order); i++) {
            long from = oldPfn + i;
            long to = newPfn + i;
            List<Mapper> mappers = rmap(from);
            for (Mapper mp : mappers) {
                Mm m = mp.task().mm();
                long pteAddr = m.pt.entryAddress(mp.address(), PagingLevel.PT);
                long e = ram.readLong(pteAddr);
                ram.writeLong(pteAddr, (e & ~X86PageTableEntry.PFN_MASK) | (to << 12));
                m.mmu.invlpg(mp.address());
            }
            int owner = frames.owner(from);
            if (owner != 0) {
                frames.set(to, owner, frames.index(from));
                frames.clear(from);
                if (owner < 0) {
                    files.get(-owner).pages.replaceAll((k, v) -> v == from ? to : v);
                }
            }
        }
    }

    // ---------------------------------------------------------------- page tables

    /** Page-table frames of one mm from the buddy allocator (pagetable_alloc), counted in VmPTE. */
    final class TablePages implements PageTableAllocator {
        private final Mm owner;
        private final List<Long> pfns = new ArrayList<>();

        TablePages(Mm owner) {
            this.owner = owner;
        }

        @Override
        public long allocPageTable() {
            long pfn = buddy.allocPages(0, Gfp.GFP_KERNEL);
            ram.clearPage(pfn);
            pfns.add(pfn);
            nrPageTables++;
            return pfn;
        }

        @Override
        public void freePageTable(long pfn) {
            if (pfns.remove(pfn)) {
                buddy.freePages(pfn, 0);
                nrPageTables--;
            }
        }

        long count() {
            return pfns.size();
        }

        void freeAll() {
            for (long pfn : pfns) {
                buddy.freePages(pfn, 0);
                nrPageTables--;
            }
            pfns.clear();
        }
    }

    // ---------------------------------------------------------------- global counters

    /** System-wide page counts /proc/meminfo reads. */
    public record PageCounts(long anon, long file, long shmem, long mapped, long pageTables) {
    }

    /**
     * vm_memory_committed() (mm/util.c: vm_committed_as), what /proc/meminfo prints as Committed_AS:
     * the pages __vm_enough_memory() charged and not yet gave back. Those are every VM_ACCOUNT area
     * of every live process (mmap_region/accountable_mapping, do_brk_flags, the stack and its growth,
     * mprotect making a private area writable, mremap growth, and again for each child in dup_mmap)
     * plus the size of every live shmem object set up without VM_NORESERVE (shmem_acct_size).
     */
    public long committedPages() {
        long n = 0;
        for (Task t : tasks.values()) {
            for (Vma v : t.mm().vmas.list()) {
                if ((v.flags() & Vma.VM_ACCOUNT) != 0) {
                    n += v.pages();
                }
            }
        }
        for (SimFile f : fileByIdentity.values()) {
            if (f.shmem && f.accounted) {
                n += MmLayout.pageAlign(f.size) >>> 12;
            }
        }
        return n;
    }

    public PageCounts pageCounts() {
        return new PageCounts(nrAnon, nrFile, nrShmem, nrMapped, nrPageTables);
    }
}
