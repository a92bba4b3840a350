package io.pagelab.kernel.procfs;

import static java.util.Objects.requireNonNull;

import io.pagelab.kernel.mm.MmCounters;

/**
 * The memory lines of /proc/pid/status, as fs/proc/task_mmu.c: task_mem prints them (Linux 6.18):
 * {@code "VmPeak:\t%8lu kB\n"} and so on, a tab after the colon and the kB value right-aligned in 8
 * columns, then {@code HugetlbPages} from hugetlb_report_usage() when the kernel has hugetlbfs.
 *
 * <pre>
 * VmPeak  max(total_vm, hiwater_vm)     VmRSS    anon + file + shmem
 * VmSize  total_vm                      RssAnon  MM_ANONPAGES ...
 * VmLck   locked_vm                     VmData   data_vm
 * VmPin   pinned_vm                     VmStk    stack_vm
 * VmHWM   max(rss, hiwater_rss)         VmExe    PAGE_ALIGN(end_code) - (start_code &amp; PAGE_MASK)
 * VmLib   exec_vm - VmExe               VmPTE    page-table bytes   VmSwap  MM_SWAPENTS
 * (VmExe is capped at exec_vm)
 * </pre>
 * VmExe is in kB straight from the addresses; VmLib subtracts it from exec_vm, so a binary whose text
 * spans part of a page still gets whole pages.
 */
public final class TaskMem {
    private static final long PAGE_SIZE = 4096;
    private static final int KB_SHIFT = 2; // PAGE_SHIFT - 10

    private TaskMem() {
    }

    /** VmPeak .. VmSwap, then HugetlbPages when {@code hugetlbfs} (CONFIG_HUGETLB_PAGE). */
    public static String render(MmCounters c, boolean hugetlbfs) {
        requireNonNull(c, "counters");
        long hiwaterVm = Math.max(c.totalVm(), c.hiwaterVm());
        long rss = c.rss();
        long hiwaterRss = Math.max(rss, c.hiwaterRss());
        // task_mem(): "text = min(text, mm->exec_vm << PAGE_SHIFT)" -- once the program's own text
        // is unmapped or made writable, exec_vm drops and VmExe with it, so VmLib never goes negative
        long text = Math.min(textKb(c), c.execVm() << KB_SHIFT);
        long lib = (c.execVm() << KB_SHIFT) - text;
        StringBuilder sb = new StringBuilder(512);
        line(sb, "VmPeak:\t", hiwaterVm << KB_SHIFT);
        line(sb, "VmSize:\t", c.totalVm() << KB_SHIFT);
        line(sb, "VmLck:\t", c.lockedVm() << KB_SHIFT);
        line(sb, "VmPin:\t", c.pinnedVm() << KB_SHIFT);
        line(sb, "VmHWM:\t", hiwaterRss << KB_SHIFT);
        line(sb, "VmRSS:\t", rss << KB_SHIFT);
        line(sb, "RssAnon:\t", c.anonPages() << KB_SHIFT);
        line(sb, "RssFile:\t", c.filePages() << KB_SHIFT);
        line(sb, "RssShmem:\t", c.shmemPages() << KB_SHIFT);
        line(sb, "VmData:\t", c.dataVm() << KB_SHIFT);
        line(sb, "VmStk:\t", c.stackVm() << KB_SHIFT);
        line(sb, "VmExe:\t", text);
        line(sb, "VmLib:\t", lib);
        line(sb, "VmPTE:\t", c.pgtablesBytes() >>> 10);
        line(sb, "VmSwap:\t", c.swapEntries() << KB_SHIFT);
        if (hugetlbfs) {
            line(sb, "HugetlbPages:\t", c.hugetlbPages() << KB_SHIFT);
        }
        return sb.toString();
    }

    /** {@code (PAGE_ALIGN(end_code) - (start_code & PAGE_MASK)) >> 10}. */
    static long textKb(MmCounters c) {
        long alignedEnd = (c.endCode() + PAGE_SIZE - 1) & -PAGE_SIZE;
        return (alignedEnd - (c.startCode() & -PAGE_SIZE)) >>> 10;
    }

    /** is_exec_mapping(): {@code (flags & (VM_EXEC | VM_WRITE | VM_STACK)) == VM_EXEC}. */
    public static boolean isExecMapping(long vmFlags) {
        return (vmFlags & (SmapVmFlags.VM_EXEC | SmapVmFlags.VM_WRITE | SmapVmFlags.VM_STACK))
                == SmapVmFlags.VM_EXEC;
    }

    /** is_stack_mapping(): {@code (flags & VM_STACK) == VM_STACK}. */
    public static boolean isStackMapping(long vmFlags) {
        return (vmFlags & SmapVmFlags.VM_STACK) == SmapVmFlags.VM_STACK;
    }

    /** is_data_mapping(): {@code (flags & (VM_WRITE | VM_SHARED | VM_STACK)) == VM_WRITE}. */
    public static boolean isDataMapping(long vmFlags) {
        return (vmFlags & (SmapVmFlags.VM_WRITE | SmapVmFlags.VM_SHARED | SmapVmFlags.VM_STACK))
                == SmapVmFlags.VM_WRITE;
    }

    private static void line(StringBuilder sb, String label, long kb) {
        ProcFormat.dec(sb, label, kb, 8).append(" kB\n");
    }
}
