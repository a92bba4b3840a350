package io.pagelab.kernel.procfs;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * The accumulator behind /proc/pid/smaps and smaps_rollup: {@code struct mem_size_stats} and the
 * functions that fill it while walking a VMA's page tables (fs/proc/task_mmu.c: smaps_account,
 * smaps_page_accumulate, smaps_pte_entry, smaps_pmd_entry, smaps_hugetlb_range, Linux 6.18).
 *
 * <p>The caller walks its page tables and reports each mapped page; this class does the kernel's
 * arithmetic. The rules a learner should take away:
 * <ul>
 *   <li>Rss counts every present page once, however many processes map it.</li>
 *   <li>A page mapped by two or more processes (mapcount &ge; 2) is <em>Shared</em>, and each process
 *       is charged {@code PAGE_SIZE / mapcount} of it in Pss. A page mapped once is <em>Private</em>
 *       and charged whole, whether the mapping is MAP_SHARED or not.</li>
 *   <li>Pss is kept in fixed point, shifted left by {@link #PSS_SHIFT} = 12 bits before the division,
 *       so rounding errors do not pile up; it is shifted back only when printed. smaps_rollup sums
 *       the fixed-point values, so its Pss is not the sum of the rounded per-VMA Pss lines.</li>
 *   <li>Clean versus dirty is the PTE's dirty bit or the folio's PG_dirty.</li>
 *   <li>The shared zero page (a read fault on anonymous memory) is not a "normal page": the walk
 *       skips it, so it adds nothing to Rss. Callers simply do not report it.</li>
 * </ul>
 *
 * <p>Differs from Linux on purpose: the caller passes what the kernel would read from the PTE and the
 * folio (kind, mapcount, young, dirty) instead of a page; {@code young} and {@code dirty} are the
 * already-combined tests ({@code pte_young || folio young/referenced}, {@code pte_dirty || folio
 * dirty}). All sizes are in bytes; the class is not thread-safe (the kernel fills one on the stack).
 */
public final class MemSizeStats {
    /** Fixed-point shift of the Pss counters (fs/proc/task_mmu.c: PSS_SHIFT). */
    public static final int PSS_SHIFT = 12;
    /** x86-64 base page. */
    public static final long PAGE_SIZE = 4096;
    /** x86-64 PMD-mapped transparent huge page: 2 MiB, 512 base pages. */
    public static final long HPAGE_PMD_SIZE = 2L << 20;
    private static final int HPAGE_PMD_NR = (int) (HPAGE_PMD_SIZE / PAGE_SIZE);

    private long resident;
    private long sharedClean;
    private long sharedDirty;
    private long privateClean;
    private long privateDirty;
    private long referenced;
    private long anonymous;
    private long lazyfree;
    private long anonymousThp;
    private long shmemThp;
    private long fileThp;
    private long swap;
    private long sharedHugetlb;
    private long privateHugetlb;
    private long ksm;
    private long pss;
    private long pssAnon;
    private long pssFile;
    private long pssShmem;
    private long pssDirty;
    private long pssLocked;
    private long swapPss;

    /**
     * A present base page mapped by one PTE (smaps_pte_entry, then smaps_account with
     * {@code compound = false}).
     *
     * @param kind what the folio is
     * @param mapcount how many page-table entries map this page, over all processes; at least 1
     * @param young PTE accessed bit, or the folio's young/referenced flag
     * @param dirty PTE dirty bit, or the folio's dirty flag
     * @param locked the VMA has VM_LOCKED (the page then counts in Locked)
     */
    public void accountPage(PageKind kind, int mapcount, boolean young, boolean dirty, boolean locked) {
        requireNonNull(kind, "kind");
        checkArgument(mapcount >= 1, "mapcount %s of a mapped page must be at least 1", mapcount);
        accountFolio(kind, new int[] {mapcount}, young, dirty, locked, true);
    }

    /**
     * A transparent huge page mapped by one PMD (smaps_pmd_entry): adds 2 MiB to AnonHugePages,
     * ShmemPmdMapped or FilePmdMapped, then accounts the 512 subpages with their own mapcounts.
     *
     * @param pageMapcounts the mapcount of each of the 512 subpages (all 1 for a THP mapped once)
     */
    public void accountPmdMappedThp(PageKind kind, int[] pageMapcounts, boolean young, boolean dirty,
            boolean locked) {
        requireNonNull(kind, "kind");
        requireNonNull(pageMapcounts, "pageMapcounts");
        checkArgument(pageMapcounts.length == HPAGE_PMD_NR,
                "a PMD-mapped THP has %s subpages, got %s mapcounts", HPAGE_PMD_NR, pageMapcounts.length);
        for (int m : pageMapcounts) {
            checkArgument(m >= 1, "subpage mapcount %s of a PMD-mapped THP must be at least 1", m);
        }
        if (kind.isAnon()) {
            anonymousThp += HPAGE_PMD_SIZE;
        } else if (kind == PageKind.SHMEM) {
            shmemThp += HPAGE_PMD_SIZE;
        } else {
            fileThp += HPAGE_PMD_SIZE;
        }
        accountFolio(kind, pageMapcounts, young, dirty, locked, true);
    }

    /**
     * A non-present entry that still names a page: a migration entry (smaps_account with
     * {@code present = false}). The kernel cannot trust the mapcount then and counts the page as
     * "maybe shared": Shared_Clean/Shared_Dirty, yet charged whole in Pss.
     */
    public void accountMigrationEntry(PageKind kind, boolean young, boolean dirty, boolean locked) {
        requireNonNull(kind, "kind");
        accountFolio(kind, new int[] {1}, young, dirty, locked, false);
    }

    /**
     * A swap entry (smaps_pte_entry, is_swap_pte): Swap grows by a page, and SwapPss by a page divided
     * by the swap count (the number of page tables still holding this swap entry) when it is 2 or more.
     */
    public void accountSwapEntry(int swapcount) {
        checkArgument(swapcount >= 1, "swap count %s of a swap entry must be at least 1", swapcount);
        swap += PAGE_SIZE;
        long full = PAGE_SIZE << PSS_SHIFT;
        swapPss += swapcount >= 2 ? full / swapcount : full;
    }

    /**
     * Swapped-out pages of a shmem mapping that are not in its page tables (smap_gather_stats adds
     * shmem_swap_usage() for shared or read-only shmem VMAs): Swap only, no SwapPss.
     */
    public void accountShmemSwap(long bytes) {
        checkArgument(bytes >= 0 && bytes % PAGE_SIZE == 0,
                "shmem swap %s must be a non-negative multiple of %s", bytes, PAGE_SIZE);
        swap += bytes;
    }

    /**
     * One hugetlbfs page (smaps_hugetlb_range): Shared_Hugetlb when it is (likely) mapped by another
     * process too or not present, else Private_Hugetlb. Hugetlb pages are not in Rss or Pss.
     */
    public void accountHugetlbPage(long hugePageBytes, boolean shared) {
        checkArgument(hugePageBytes == HPAGE_PMD_SIZE || hugePageBytes == 1L << 30,
                "x86-64 huge page size %s must be 2 MiB or 1 GiB", hugePageBytes);
        if (shared) {
            sharedHugetlb += hugePageBytes;
        } else {
            privateHugetlb += hugePageBytes;
        }
    }

    /** Adds every counter of {@code other} into this one, as walking more VMAs into one struct does. */
    public MemSizeStats add(MemSizeStats other) {
        requireNonNull(other, "other");
        resident += other.resident;
        sharedClean += other.sharedClean;
        sharedDirty += other.sharedDirty;
        privateClean += other.privateClean;
        privateDirty += other.privateDirty;
        referenced += other.referenced;
        anonymous += other.anonymous;
        lazyfree += other.lazyfree;
        anonymousThp += other.anonymousThp;
        shmemThp += other.shmemThp;
        fileThp += other.fileThp;
        swap += other.swap;
        sharedHugetlb += other.sharedHugetlb;
        privateHugetlb += other.privateHugetlb;
        ksm += other.ksm;
        pss += other.pss;
        pssAnon += other.pssAnon;
        pssFile += other.pssFile;
        pssShmem += other.pssShmem;
        pssDirty += other.pssDirty;
        pssLocked += other.pssLocked;
        swapPss += other.swapPss;
        return this;
    }

    /** smaps_account(): first what depends only on the folio's size and type, then per-page sharing. */
    private void accountFolio(PageKind kind, int[] mapcounts, boolean young, boolean dirty, boolean locked,
            boolean present) {
        long size = mapcounts.length * PAGE_SIZE;
        if (kind.isAnon()) {
            anonymous += size;
            if (kind == PageKind.ANON_LAZYFREE && !dirty) {
                lazyfree += size;
            }
        }
        if (kind == PageKind.KSM) {
            ksm += size;
        }
        resident += size;
        if (young) {
            referenced += size;
        }
        if (!present) {
            // "maybe shared, but not sure how often": the shared buckets, charged whole
            accumulate(kind, size, size << PSS_SHIFT, dirty, locked, false);
            return;
        }
        for (int mapcount : mapcounts) {
            long share = PAGE_SIZE << PSS_SHIFT;
            if (mapcount >= 2) {
                share /= mapcount;
            }
            accumulate(kind, PAGE_SIZE, share, dirty, locked, mapcount < 2);
        }
    }

    /** smaps_page_accumulate(). */
    private void accumulate(PageKind kind, long size, long share, boolean dirty, boolean locked,
            boolean isPrivate) {
        pss += share;
        if (kind.isAnon()) {
            pssAnon += share;
        } else if (kind == PageKind.SHMEM) {
            pssShmem += share;
        } else {
            pssFile += share;
        }
        if (locked) {
            pssLocked += share;
        }
        if (dirty) {
            pssDirty += share;
            if (isPrivate) {
                privateDirty += size;
            } else {
                sharedDirty += size;
            }
        } else if (isPrivate) {
            privateClean += size;
        } else {
            sharedClean += size;
        }
    }

    /** Bytes resident (Rss). */
    public long resident() {
        return resident;
    }

    public long sharedClean() {
        return sharedClean;
    }

    public long sharedDirty() {
        return sharedDirty;
    }

    public long privateClean() {
        return privateClean;
    }

    public long privateDirty() {
        return privateDirty;
    }

    public long referenced() {
        return referenced;
    }

    public long anonymous() {
        return anonymous;
    }

    public long lazyfree() {
        return lazyfree;
    }

    public long anonymousThp() {
        return anonymousThp;
    }

    public long shmemThp() {
        return shmemThp;
    }

    public long fileThp() {
        return fileThp;
    }

    public long swap() {
        return swap;
    }

    public long sharedHugetlb() {
        return sharedHugetlb;
    }

    public long privateHugetlb() {
        return privateHugetlb;
    }

    public long ksm() {
        return ksm;
    }

    /** Pss in fixed point: bytes shifted left by {@link #PSS_SHIFT}. */
    public long pssFixedPoint() {
        return pss;
    }

    public long pssAnonFixedPoint() {
        return pssAnon;
    }

    public long pssFileFixedPoint() {
        return pssFile;
    }

    public long pssShmemFixedPoint() {
        return pssShmem;
    }

    public long pssDirtyFixedPoint() {
        return pssDirty;
    }

    public long pssLockedFixedPoint() {
        return pssLocked;
    }

    public long swapPssFixedPoint() {
        return swapPss;
    }

    /** Pss in bytes, rounded down as the kernel prints it. */
    public long pss() {
        return pss >>> PSS_SHIFT;
    }
}
