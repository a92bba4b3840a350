package io.pagelab.questions.q57;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.exercise.Todo;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Q57 如何查看进程内存占用实际情况？ How to view a process's real memory use?
 *
 * <p>/proc/pid/maps says which address ranges exist, not what is in memory. Two files answer that:
 * /proc/pid/numa_maps, one line per VMA with its memory policy, how many of its pages are resident
 * and on which NUMA node; and the Vm* and Rss* lines of /proc/pid/status, the process-wide totals.
 * numa_maps 逐段给出驻留页数与所在节点；status 给出整个进程的虚拟大小、RSS 及其峰值。
 *
 * <p>Your task (fs/proc/task_mmu.c, Linux 6.x, x86-64, 4 KiB pages): implement the three methods
 * after "the learner's part" (the model above it is given).
 * <ul>
 *   <li>{@link #numaMapsLine}: the start address in hex (at least 8 digits, no 0x), a space, the
 *       VMA's policy or, when it has none, the task's. Then one tag: " file=" and the path for a
 *       file mapping (a space, tab, newline or '=' in the path is written as a backslash and its 3
 *       octal digits: "/dev/zero (deleted)" becomes "/dev/zero\040(deleted)"); else " heap" when
 *       the VMA overlaps the heap (vm_start &lt; brk and vm_end &gt; start_brk); else " stack" when
 *       it contains start_stack (vm_start &lt;= start_stack &lt;= vm_end). A VMA without resident
 *       pages ends there. Otherwise, counting its resident pages: " anon=N" if any is anonymous,
 *       " dirty=N" if any is dirty, " mapped=N" (all resident pages) unless that equals the anon
 *       count or the dirty count, " mapmax=N" (highest mapcount) if above 1, " active=N" if fewer
 *       than all are active, " N&lt;node&gt;=count" for each node holding pages in ascending node
 *       order, and " kernelpagesize_kB=4". The line ends with a newline.</li>
 *   <li>{@link #numaMaps}: the lines of all VMAs in order.</li>
 *   <li>{@link #statusMemoryLines}: for a process, these lines, each "Label:", a tab, the value in
 *       kB right-aligned in 8 columns, " kB\n": VmPeak (the larger of total_vm and hiwater_vm),
 *       VmSize (total_vm), VmLck, VmPin, VmHWM (the larger of the current RSS and hiwater_rss:
 *       the kernel records the peak only when RSS goes down), VmRSS (anon + file + shmem pages),
 *       RssAnon, RssFile, RssShmem, VmData, VmStk, VmExe, VmLib, VmPTE, VmSwap, HugetlbPages.
 *       VmExe is the program text, PAGE_ALIGN(end_code) - (start_code rounded down to a page), but
 *       at most exec_vm pages; VmLib is the rest of exec_vm. VmPTE is the page-table bytes / 1024.
 *       A kernel thread has no mm (Optional.empty()): no line at all, "".</li>
 * </ul>
 *
 * <p>Run {@code ./pagelab grade q57} to check your work.
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
        throw new Todo("q57/ProcMemoryUse.java");
    }

    /** The whole /proc/pid/numa_maps: one line per VMA, in address order. */
    public static String numaMaps(Mm mm) {
        throw new Todo("q57/ProcMemoryUse.java");
    }

    /**
     * task_mem() and hugetlb_report_usage(): the VmPeak ... HugetlbPages lines of /proc/pid/status;
     * "" for a kernel thread, which has no mm.
     */
    public static String statusMemoryLines(Optional<MmCounters> mm) {
        throw new Todo("q57/ProcMemoryUse.java");
    }
}
