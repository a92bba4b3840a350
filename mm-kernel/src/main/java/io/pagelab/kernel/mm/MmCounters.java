package io.pagelab.kernel.mm;

/**
 * The numbers /proc/pid/status, statm and smaps_rollup read from an mm (fs/proc/task_mmu.c:
 * task_mem, task_statm), all in pages except {@code pgtablesBytes}.
 *
 * @param totalVm   mm->total_vm
 * @param hiwaterVm peak of total_vm (VmPeak)
 * @param lockedVm  mm->locked_vm (VmLck)
 * @param rss       MM_ANONPAGES + MM_FILEPAGES + MM_SHMEMPAGES (VmRSS)
 * @param hiwaterRss peak RSS (VmHWM)
 * @param anon      MM_ANONPAGES (RssAnon)
 * @param file      MM_FILEPAGES (RssFile)
 * @param shmem     MM_SHMEMPAGES (RssShmem)
 * @param dataVm    mm->data_vm (VmData)
 * @param stackVm   mm->stack_vm (VmStk)
 * @param execVm    mm->exec_vm (VmExe + VmLib)
 * @param startCode mm->start_code
 * @param endCode   mm->end_code
 * @param pgtablesBytes mm->pgtables_bytes (VmPTE)
 * @param minFlt    minor faults
 * @param majFlt    major faults
 */
public record MmCounters(long totalVm, long hiwaterVm, long lockedVm, long rss, long hiwaterRss, long anon, long file,
                         long shmem, long dataVm, long stackVm, long execVm, long startCode, long endCode,
                         long pgtablesBytes, long minFlt, long majFlt) {
}
