package io.pagelab.kernel.procfs;

import io.pagelab.kernel.buddy.AllocFlags;
import io.pagelab.kernel.buddy.BuddyAllocator;
import io.pagelab.kernel.buddy.Zone;
import io.pagelab.kernel.mm.Kernel;
import io.pagelab.kernel.mm.Mm;
import io.pagelab.kernel.mm.ProcMaps;
import io.pagelab.kernel.mm.Task;
import io.pagelab.kernel.mm.Vma;
import java.util.List;
import java.util.Objects;

/**
 * The /proc files of a simulated process and of its machine, read from the live model: each
 * page-table walk feeds the same accumulators the kernel uses (fs/proc/task_mmu.c:
 * smaps_pte_entry → smaps_account, show_smaps_rollup, task_mem, task_statm; mm/mempolicy.c:
 * show_numa_map → gather_pte_stats; fs/proc/meminfo.c: meminfo_proc_show).
 *
 * <p>Differs from Linux on purpose: /proc/pid/status prints its memory lines only (the Vm* and
 * Rss* block of task_mem), not the other fields; the memory policy is always "default"; meminfo
 * counts every page-cache page as Inactive(file) and every anonymous page as Inactive(anon)
 * (pagelab has no LRU aging yet), and has no slab, kernel stack, vmalloc or swap of its own.
 */
public final class ProcPid {
    /** The smaps format of the kernel the fixtures were captured on (Linux 6.18). */
    public static final SmapsOptions OPTIONS = SmapsOptions.captured618();
    private static final long GATE_START = 0xffffffffff600000L;

    private ProcPid() {
    }

    /** /proc/pid/maps. */
    public static String maps(Task t) {
        return t.mm().maps();
    }

    /** The smaps accumulators of one VMA. */
    public static MemSizeStats stats(Mm mm, Vma v) {
        MemSizeStats s = new MemSizeStats();
        boolean locked = (v.flags() & Vma.VM_LOCKED) != 0;
        mm.walkPages(v, (va, pfn, kind, mapcount, young, dirty, nid) ->
                s.accountPage(kindOf(kind), mapcount, young, dirty, locked));
        return s;
    }

    private static PageKind kindOf(Mm.PageKind k) {
        switch (k) {
            case ANON:
                return PageKind.ANON;
            case SHMEM:
                return PageKind.SHMEM;
            default:
                return PageKind.FILE;
        }
    }

    /** /proc/pid/smaps: every VMA, then the vsyscall gate. */
    public static String smaps(Task t) {
        Mm mm = t.mm();
        StringBuilder sb = new StringBuilder();
        for (Vma v : mm.vmas()) {
            Vma n = mm.named(v);
            sb.append(Smaps.render(ProcMaps.line(n), n, stats(mm, v), OPTIONS));
        }
        if (mm.hasVsyscall()) {
            Vma gate = new Vma(GATE_START, GATE_START + 4096, Vma.VM_EXEC, 0, null, "[vsyscall]");
            sb.append(Smaps.render(ProcMaps.line(gate), gate, new MemSizeStats(), OPTIONS));
        }
        return sb.toString();
    }

    /** /proc/pid/smaps_rollup: the accumulators summed over every VMA (PSS summed in fixed point). */
    public static String smapsRollup(Task t) {
        Mm mm = t.mm();
        List<Vma> vmas = mm.vmas();
        MemSizeStats total = new MemSizeStats();
        for (Vma v : vmas) {
            total.add(stats(mm, v));
        }
        // show_smaps_rollup() walks the maple tree only: the header runs from the first VMA's start to
        // last_vma_end, the end of the last VMA walked; the [vsyscall] gate (get_gate_vma) is not in
        // the tree, so it never extends the range (the captured samples/smaps_rollup ends at
        // 7ffffffff000 although samples/smaps, from the same process, lists [vsyscall])
        long first = vmas.isEmpty() ? 0 : vmas.get(0).start();
        long last = vmas.isEmpty() ? 0 : vmas.get(vmas.size() - 1).end();
        return SmapsRollup.render(first, last, total);
    }

    /** The memory lines of /proc/pid/status (VmPeak ... VmSwap). */
    public static String status(Task t) {
        return TaskMem.render(t.mm().counters(), false);
    }

    /** /proc/pid/statm. */
    public static String statm(Task t) {
        return Statm.render(t.mm().counters());
    }

    /** /proc/pid/numa_maps with the default policy. */
    public static String numaMaps(Task t) {
        Mm mm = t.mm();
        StringBuilder sb = new StringBuilder();
        for (Vma v : mm.vmas()) {
            NumaMapsStats md = new NumaMapsStats();
            // gather_stats counts PageActive || PageUnevictable as active: pagelab has no LRU aging,
            // so only the pages of an mlocked VMA (on the unevictable list) count
            boolean unevictable = (v.flags() & Vma.VM_LOCKED) != 0;
            mm.walkPages(v, (va, pfn, kind, mapcount, young, dirty, nid) ->
                    md.gather(NumaPage.of(nid, mapcount, kind == Mm.PageKind.ANON, dirty, unevictable)));
            String name = mm.vmaName(v);
            sb.append(NumaMaps.line(v.start(), "default", v.file() == null ? null : v.file().path(),
                    "[heap]".equals(name), "[stack]".equals(name), false, 4096, md));
        }
        return sb.toString();
    }

    /** A proc-script runner that can also print smaps, smaps_rollup, status, statm, numa_maps, meminfo. */
    public static io.pagelab.kernel.mm.ProcScript script(Kernel k, Task t) {
        return new io.pagelab.kernel.mm.ProcScript(k, t)
                .withProcFile("smaps", ProcPid::smaps)
                .withProcFile("smaps_rollup", ProcPid::smapsRollup)
                .withProcFile("status", ProcPid::status)
                .withProcFile("statm", ProcPid::statm)
                .withProcFile("numa_maps", ProcPid::numaMaps)
                .withProcFile("meminfo", task -> meminfo(k));
    }

    /** /proc/meminfo of the machine, MemAvailable as si_mem_available() computes it. */
    public static String meminfo(Kernel k) {
        Objects.requireNonNull(k, "kernel");
        BuddyAllocator b = k.buddy();
        Kernel.PageCounts pc = k.pageCounts();
        long totalreserve = 0;
        long wmarkLow = 0;
        for (Zone z : b.zones()) {
            totalreserve += MemAvailable.zoneReserve(z.lowmemReserve(), z.type().ordinal(),
                    z.wmarkPages(AllocFlags.ALLOC_WMARK_HIGH), z.managedPages());
            wmarkLow += z.wmarkPages(AllocFlags.ALLOC_WMARK_LOW);
        }
        MeminfoCounters c = MeminfoCounters.builder()
                .totalram(b.managedPages())
                .freeram(b.freePageCount())
                .filePages(pc.file())
                .inactiveAnon(pc.anon() + pc.shmem())
                .inactiveFile(pc.file() - pc.shmem())
                .anonMapped(pc.anon())
                .fileMapped(pc.mapped())
                .shmem(pc.shmem())
                .pageTables(pc.pageTables())
                .commitLimit(b.managedPages() / 2)
                .committedAs(k.committedPages())
                .vmallocTotalBytes((1L << 45) - 1) // VMALLOC_END - VMALLOC_START, 4-level
                .hugepagesizeKb(2048)
                .totalreservePages(totalreserve)
                .wmarkLowPages(wmarkLow)
                .build();
        return Meminfo.render(c, MeminfoConfig.captured618());
    }
}
