package io.pagelab.kernel.procfs;

/**
 * What kind of folio a mapped page belongs to, as smaps_account() and smaps_page_accumulate()
 * (fs/proc/task_mmu.c, Linux 6.18) tell them apart: {@code folio_test_anon}, {@code folio_test_ksm},
 * {@code folio_test_swapbacked}.
 *
 * <ul>
 *   <li>{@link #ANON}: a private anonymous page (heap, stack, MAP_PRIVATE|MAP_ANONYMOUS, or a COW copy of
 *       a file page). Counts in Anonymous and Pss_Anon.</li>
 *   <li>{@link #ANON_LAZYFREE}: an anonymous page after madvise(MADV_FREE): no longer swap-backed, so it
 *       also counts in LazyFree while it stays clean.</li>
 *   <li>{@link #KSM}: an anonymous page merged by KSM. Counts in Anonymous, KSM and Pss_Anon.</li>
 *   <li>{@link #SHMEM}: a page of shmem/tmpfs (MAP_SHARED|MAP_ANONYMOUS, SysV shm, memfd): swap-backed
 *       but not anonymous. Counts in Pss_Shmem, not in Anonymous.</li>
 *   <li>{@link #FILE}: a page-cache page of a regular file. Counts in Pss_File.</li>
 * </ul>
 */
public enum PageKind {
    ANON, ANON_LAZYFREE, KSM, SHMEM, FILE;

    /** {@code folio_test_anon()}. */
    public boolean isAnon() {
        return this == ANON || this == ANON_LAZYFREE || this == KSM;
    }
}
