package io.pagelab.kernel.mm;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * The {@code mm_struct} numbers /proc/pid/status and /proc/pid/statm print (include/linux/mm_types.h,
 * fs/proc/task_mmu.c: task_mem, task_statm; Linux 6.18). Page counts unless named otherwise.
 *
 * <p>How the kernel keeps them (mm/mmap.c: vm_stat_account; mm/internal.h): every VMA adds its pages
 * to {@code total_vm}; to {@code exec_vm} if executable and neither writable nor a stack
 * ({@link io.pagelab.kernel.procfs.TaskMem#isExecMapping}); to {@code stack_vm} if a stack ({@link io.pagelab.kernel.procfs.TaskMem#isStackMapping});
 * to {@code data_vm} if private, writable and not a stack ({@link io.pagelab.kernel.procfs.TaskMem#isDataMapping}). The RSS
 * counters count pages as they are faulted in or freed. {@code hiwater_vm} and {@code hiwater_rss}
 * are only updated just before total_vm or RSS shrinks, so they may be below the current values.
 *
 * @param totalVm mm->total_vm
 * @param hiwaterVm mm->hiwater_vm
 * @param lockedVm mm->locked_vm (mlock)
 * @param pinnedVm mm->pinned_vm (RDMA-style long-term pins)
 * @param hiwaterRss mm->hiwater_rss
 * @param anonPages MM_ANONPAGES
 * @param filePages MM_FILEPAGES
 * @param shmemPages MM_SHMEMPAGES
 * @param swapEntries MM_SWAPENTS
 * @param dataVm mm->data_vm
 * @param stackVm mm->stack_vm
 * @param execVm mm->exec_vm
 * @param startCode mm->start_code, an address
 * @param endCode mm->end_code, an address
 * @param pgtablesBytes mm_pgtables_bytes(mm): page-table pages in bytes
 * @param hugetlbPages mm->hugetlb_usage (HugetlbPages line)
 * @param minFlt minor faults (task->min_flt, field 10 of /proc/pid/stat)
 * @param majFlt major faults (task->maj_flt, field 12 of /proc/pid/stat)
 */
public record MmCounters(long totalVm, long hiwaterVm, long lockedVm, long pinnedVm, long hiwaterRss,
        long anonPages, long filePages, long shmemPages, long swapEntries, long dataVm, long stackVm,
        long execVm, long startCode, long endCode, long pgtablesBytes, long hugetlbPages, long minFlt,
        long majFlt) {

    public MmCounters {
        long[] counts = {totalVm, hiwaterVm, lockedVm, pinnedVm, hiwaterRss, anonPages, filePages, shmemPages,
            swapEntries, dataVm, stackVm, execVm, pgtablesBytes, hugetlbPages, minFlt, majFlt};
        for (long c : counts) {
            checkArgument(c >= 0, "mm counter %s must be non-negative", c);
        }
        checkArgument(Long.compareUnsigned(startCode, endCode) <= 0,
                "start_code %s must not be above end_code %s", startCode, endCode);
    }

    /** The counters without fault counts (what task_mem and task_statm read). */
    public MmCounters(long totalVm, long hiwaterVm, long lockedVm, long pinnedVm, long hiwaterRss, long anonPages,
            long filePages, long shmemPages, long swapEntries, long dataVm, long stackVm, long execVm, long startCode,
            long endCode, long pgtablesBytes, long hugetlbPages) {
        this(totalVm, hiwaterVm, lockedVm, pinnedVm, hiwaterRss, anonPages, filePages, shmemPages, swapEntries,
                dataVm, stackVm, execVm, startCode, endCode, pgtablesBytes, hugetlbPages, 0, 0);
    }

    /** get_mm_rss(): anon + file + shmem pages. */
    public long rss() {
        return anonPages + filePages + shmemPages;
    }
}
