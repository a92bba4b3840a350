package io.pagelab.questions.q57;

import io.pagelab.api.error.InvalidArgumentException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Q57 如何查看进程内存占用实际情况？ How to view a process's real memory use? (reference solution)
 *
 * <p>Models fs/proc/task_mmu.c (Linux 6.x, x86-64, 4 KiB pages): show_numa_map() with
 * gather_stats() (numa_maps: policy, file= / heap / stack, anon=, dirty=, mapped=, mapmax=,
 * active=, N&lt;node&gt;=, kernelpagesize_kB=; a VMA without resident pages stops after its tags;
 * seq_path() escaping "\n\t= " as \ooo), vma_is_initial_heap() / vma_is_initial_stack() (6.7+
 * bounds), and task_mem() for the Vm* and Rss* lines of /proc/pid/status (SEQ_PUT_DEC: a tab,
 * the kB value right-aligned in 8 columns; VmPeak and VmHWM as maxima with the current values,
 * VmRSS = anon + file + shmem, VmExe/VmLib split by min(text, exec_vm)), followed by
 * hugetlb_report_usage()'s HugetlbPages line. Checked against test resource q58/ (real numa_maps
 * and status of Linux 6.18).
 *
 * <p>Differs from Linux on purpose: no swap cache, writeback or hugetlb pages, so the swapcache=,
 * writeback= and huge tags never appear; the gate VMA ([vsyscall], which numa_maps skips) is not
 * in the model; the memory policy is given as the text mpol_to_str() would produce.
 */
public final class ProcMemoryUse {

    /** PAGE_SIZE on x86-64. */
    public static final long PAGE_SIZE = 4096;

    private ProcMemoryUse() {
    }

    // ---- given: the model ----

    /**
     * A resident page mapped by a present pte.
     *
     * @param node the NUMA node of its frame (folio_nid), 0 or more
     * @param mapcount how many ptes in all processes map it, 1 or more
     * @param anon an anonymous page (folio_test_anon); shmem and page-cache pages are not
     * @param dirty the pte's dirty bit or the page's PG_dirty
     * @param active on the active LRU list, or unevictable
     */
    public record Page(int node, int mapcount, boolean anon, boolean dirty, boolean active) {
        public Page {
            InvalidArgumentException.check(node >= 0 && node < 1024, "NUMA node %s: allowed 0..1023", node);
            InvalidArgumentException.check(mapcount >= 1, "mapcount %s of a resident page: allowed 1 or more", mapcount);
        }
    }

    /**
     * One VMA.
     *
     * @param start vm_start, page aligned
     * @param end vm_end, page aligned, above start
     * @param file the mapped file's path, "" for anonymous memory
     * @param policy the VMA's own memory policy as mpol_to_str() writes it ("bind:0", "interleave:0-1"),
     *               "" when it has none and the task's policy applies
     * @param pages its resident pages, at most one per page of the VMA
     */
    public record Vma(long start, long end, String file, String policy, List<Page> pages) {
        public Vma {
            InvalidArgumentException.check(start >= 0 && start % PAGE_SIZE == 0 && end % PAGE_SIZE == 0 && end > start,
                    "VMA [%s, %s): start and end must be page aligned with start < end", start, end);
            Objects.requireNonNull(file, "file (use \"\" for anonymous memory)");
            Objects.requireNonNull(policy, "policy (use \"\" for none)");
            pages = List.copyOf(pages);
            InvalidArgumentException.check(pages.size() <= (end - start) / PAGE_SIZE,
                    "%s resident pages in a VMA of %s pages: at most one per page", pages.size(), (end - start) / PAGE_SIZE);
        }
    }

    /**
     * The parts of mm_struct numa_maps needs.
     *
     * @param startBrk mm->start_brk, where the heap begins
     * @param brk mm->brk, the current program break
     * @param startStack mm->start_stack, the initial stack pointer's page area
     * @param taskPolicy the task's memory policy ("default" unless set_mempolicy() was called)
     * @param vmas the VMAs in ascending address order
     */
    public record Mm(long startBrk, long brk, long startStack, String taskPolicy, List<Vma> vmas) {
        public Mm {
            Objects.requireNonNull(taskPolicy, "taskPolicy");
            vmas = List.copyOf(vmas);
            for (int i = 1; i < vmas.size(); i++) {
                InvalidArgumentException.check(vmas.get(i).start() >= vmas.get(i - 1).end(),
                        "VMA at %s overlaps or precedes the one ending at %s: VMAs must be ascending",
                        vmas.get(i).start(), vmas.get(i - 1).end());
            }
        }
    }

    /**
     * The mm counters task_mem() reads. Counts are in pages unless named otherwise.
     *
     * @param totalVm mm->total_vm, pages of all VMAs
     * @param hiwaterVm mm->hiwater_vm, the peak of total_vm recorded when it last went down
     * @param lockedVm mm->locked_vm (mlock)
     * @param pinnedVm mm->pinned_vm
     * @param anonPages MM_ANONPAGES
     * @param filePages MM_FILEPAGES
     * @param shmemPages MM_SHMEMPAGES
     * @param hiwaterRss mm->hiwater_rss, the peak RSS recorded when it last went down
     * @param dataVm mm->data_vm, private writable non-stack pages
     * @param stackVm mm->stack_vm
     * @param execVm mm->exec_vm, executable non-writable non-stack pages (program text and libraries)
     * @param startCode mm->start_code, address
     * @param endCode mm->end_code, address
     * @param pgtablesBytes mm_pgtables_bytes(mm), bytes of page tables
     * @param swapEnts MM_SWAPENTS
     * @param hugetlbPages mm->hugetlb_usage, in 4 KiB units
     */
    public record MmCounters(long totalVm, long hiwaterVm, long lockedVm, long pinnedVm, long anonPages,
                             long filePages, long shmemPages, long hiwaterRss, long dataVm, long stackVm,
                             long execVm, long startCode, long endCode, long pgtablesBytes, long swapEnts,
                             long hugetlbPages) {
        public MmCounters {
            for (long v : new long[] {totalVm, hiwaterVm, lockedVm, pinnedVm, anonPages, filePages, shmemPages,
                hiwaterRss, dataVm, stackVm, execVm, startCode, endCode, pgtablesBytes, swapEnts, hugetlbPages}) {
                InvalidArgumentException.check(v >= 0, "mm counter %s is negative: counters are >= 0", v);
            }
            InvalidArgumentException.check(endCode >= startCode, "end_code %s below start_code %s", endCode, startCode);
        }
    }

    // ---- the learner's part ----

    /** show_numa_map(): the VMA's /proc/pid/numa_maps line, ending with a newline. */
    public static String numaMapsLine(Mm mm, Vma vma) {
        Objects.requireNonNull(mm, "mm");
        Objects.requireNonNull(vma, "vma");
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%08x %s", vma.start(),
                vma.policy().isEmpty() ? mm.taskPolicy() : vma.policy()));
        if (!vma.file().isEmpty()) {
            line.append(" file=").append(escape(vma.file()));
        } else if (vma.start() < mm.brk() && vma.end() > mm.startBrk()) {
            line.append(" heap");
        } else if (vma.start() <= mm.startStack() && vma.end() >= mm.startStack()) {
            line.append(" stack");
        }
        long pages = vma.pages().size();
        if (pages == 0) {
            return line.append('\n').toString();
        }
        long anon = 0;
        long dirty = 0;
        long active = 0;
        int mapmax = 0;
        TreeMap<Integer, Long> nodes = new TreeMap<>();
        for (Page p : vma.pages()) {
            anon += p.anon() ? 1 : 0;
            dirty += p.dirty() ? 1 : 0;
            active += p.active() ? 1 : 0;
            mapmax = Math.max(mapmax, p.mapcount());
            nodes.merge(p.node(), 1L, Long::sum);
        }
        if (anon > 0) {
            line.append(" anon=").append(anon);
        }
        if (dirty > 0) {
            line.append(" dirty=").append(dirty);
        }
        if (pages != anon && pages != dirty) {
            line.append(" mapped=").append(pages);
        }
        if (mapmax > 1) {
            line.append(" mapmax=").append(mapmax);
        }
        if (active < pages) {
            line.append(" active=").append(active);
        }
        nodes.forEach((node, n) -> line.append(" N").append(node).append('=').append(n));
        return line.append(" kernelpagesize_kB=").append(PAGE_SIZE >> 10).append('\n').toString();
    }

    /** The whole /proc/pid/numa_maps: one line per VMA, in address order. */
    public static String numaMaps(Mm mm) {
        Objects.requireNonNull(mm, "mm");
        StringBuilder out = new StringBuilder();
        for (Vma vma : mm.vmas()) {
            out.append(numaMapsLine(mm, vma));
        }
        return out.toString();
    }

    /**
     * task_mem() and hugetlb_report_usage(): the VmPeak ... HugetlbPages lines of /proc/pid/status;
     * "" for a kernel thread, which has no mm.
     */
    public static String statusMemoryLines(Optional<MmCounters> mm) {
        Objects.requireNonNull(mm, "mm (Optional.empty() for a kernel thread)");
        if (mm.isEmpty()) {
            return "";
        }
        MmCounters c = mm.get();
        long rss = c.anonPages() + c.filePages() + c.shmemPages();
        long text = pageAlign(c.endCode()) - (c.startCode() & -PAGE_SIZE);
        text = Math.min(text, c.execVm() * PAGE_SIZE);
        long lib = c.execVm() * PAGE_SIZE - text;
        StringBuilder out = new StringBuilder();
        pages(out, "VmPeak", Math.max(c.totalVm(), c.hiwaterVm()));
        pages(out, "VmSize", c.totalVm());
        pages(out, "VmLck", c.lockedVm());
        pages(out, "VmPin", c.pinnedVm());
        pages(out, "VmHWM", Math.max(rss, c.hiwaterRss()));
        pages(out, "VmRSS", rss);
        pages(out, "RssAnon", c.anonPages());
        pages(out, "RssFile", c.filePages());
        pages(out, "RssShmem", c.shmemPages());
        pages(out, "VmData", c.dataVm());
        pages(out, "VmStk", c.stackVm());
        kb(out, "VmExe", text >> 10);
        kb(out, "VmLib", lib >> 10);
        kb(out, "VmPTE", c.pgtablesBytes() >> 10);
        pages(out, "VmSwap", c.swapEnts());
        pages(out, "HugetlbPages", c.hugetlbPages());
        return out.toString();
    }

    /** seq_path()'s escaping of "\n\t= ": each such character as a backslash and three octal digits. */
    private static String escape(String path) {
        StringBuilder out = new StringBuilder();
        for (char ch : path.toCharArray()) {
            if (ch == '\n' || ch == '\t' || ch == '=' || ch == ' ') {
                out.append(String.format(Locale.ROOT, "\\%03o", (int) ch));
            } else {
                out.append(ch);
            }
        }
        return out.toString();
    }

    private static long pageAlign(long addr) {
        return (addr + PAGE_SIZE - 1) & -PAGE_SIZE;
    }

    private static void pages(StringBuilder out, String label, long pages) {
        kb(out, label, pages * (PAGE_SIZE >> 10));
    }

    private static void kb(StringBuilder out, String label, long kb) {
        out.append(String.format(Locale.ROOT, "%s:\t%8d kB\n", label, kb));
    }
}
