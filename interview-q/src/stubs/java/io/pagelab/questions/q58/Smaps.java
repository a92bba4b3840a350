package io.pagelab.questions.q58;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.exercise.Todo;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Q58 如何查看进程内存片段映射详情？ How to view the detail of each mapping?
 *
 * <p>/proc/pid/maps lists the VMAs; /proc/pid/smaps adds, under each maps line, how much of the
 * VMA is really in memory and who shares it: Rss (resident), Pss (proportional: a page shared by
 * N processes counts 1/N), Shared/Private and Clean/Dirty, Anonymous, Swap... 每个映射段的物理内存
 * 明细：RSS 全算，PSS 按共享进程数均摊，USS 只算独占页。
 *
 * <p>The lecture notes' three-process example: a page mapped by 3 processes, one by 2, one by this
 * process alone. RSS = 3 pages; PSS = 1/3 + 1/2 + 1 page; USS (private only) = 1 page; always
 * RSS &gt;= PSS &gt;= USS.
 *
 * <p>Your task (fs/proc/task_mmu.c, Linux 6.x, x86-64, 4 KiB pages): implement the three methods
 * after "the learner's part" (the model above it is given).
 * <ul>
 *   <li>{@link #pssDelta}: the kernel keeps PSS in fixed point, bytes &lt;&lt; PSS_SHIFT (12). A page
 *       mapped once adds PAGE_SIZE &lt;&lt; 12; a page mapped N &gt;= 2 times adds
 *       (PAGE_SIZE &lt;&lt; 12) / N, an integer division done page by page.</li>
 *   <li>{@link #account}: walk the VMA's ptes as smaps_account() does. A present page adds 4 KiB to
 *       resident, to anonymous if it is an ANON page, to referenced if referenced, its pssDelta to
 *       pss (and to pssDirty if dirty); it is shared when its mapcount is 2 or more, private
 *       otherwise, and clean or dirty by its dirty flag. A swap entry adds 4 KiB to swap and
 *       pssDelta(swapcount) to swapPss. pssLocked is the pss when the VMA is locked, else 0.</li>
 *   <li>{@link #render}: the VMA's smaps entry exactly as Linux 6.x prints it: the maps line, then
 *       Size, KernelPageSize, MMUPageSize, Rss, Pss, Pss_Dirty, Shared_Clean, Shared_Dirty,
 *       Private_Clean, Private_Dirty, Referenced, Anonymous, KSM, LazyFree, AnonHugePages,
 *       ShmemPmdMapped, FilePmdMapped, Shared_Hugetlb, Private_Hugetlb, Swap, SwapPss, Locked, each
 *       "label:" padded with spaces to 16 columns, the kB value right-aligned in 8, then " kB"
 *       (Private_Hugetlb's label is 17 wide, so its value gets 7). PSS values are shifted right by
 *       12 then by 10: only the total is truncated. Then "THPeligible:" padded to 16 and 0 or 1 in 8
 *       columns, and "VmFlags: " with each mnemonic followed by one space. Every line ends with \n.
 *       This model has no THP, hugetlb, KSM or lazy-free pages: those lines are 0.</li>
 * </ul>
 *
 * <p>Run {@code ./pagelab grade q58} to check your work.
 */
public final class Smaps {

    /** PAGE_SIZE on x86-64. */
    public static final long PAGE_SIZE = 4096;
    /** PSS_SHIFT: PSS is kept as bytes &lt;&lt; 12 so that 1/3 of a page is not rounded per page. */
    public static final int PSS_SHIFT = 12;

    private Smaps() {
    }

    // ---- given: the model ----

    /** What backs a resident page (folio_test_anon / folio_test_swapbacked). */
    public enum Backing {
        /** An anonymous page (heap, stack, private copy on write). Counted in Anonymous. */
        ANON,
        /** A page-cache page of a regular file. */
        FILE,
        /** A shmem/tmpfs page (MAP_SHARED|MAP_ANONYMOUS, SysV shm, memfd): not "Anonymous". */
        SHMEM
    }

    /** A non-empty page-table entry of the mapping: a resident page or a swap entry. */
    public sealed interface Pte permits Present, Swapped {
    }

    /**
     * A present pte: a resident 4 KiB page.
     *
     * @param backing anonymous, file or shmem page
     * @param mapcount how many ptes, in all processes, map this page (page_mapcount), at least 1
     * @param dirty the pte's dirty bit or the page's PG_dirty
     * @param referenced the pte's accessed bit or the page's PG_referenced
     */
    public record Present(Backing backing, int mapcount, boolean dirty, boolean referenced) implements Pte {
        public Present {
            Objects.requireNonNull(backing, "backing");
            InvalidArgumentException.check(mapcount >= 1, "mapcount %s of a present page: allowed 1 or more", mapcount);
        }
    }

    /**
     * A swap pte: the page is in swap.
     *
     * @param swapcount how many ptes refer to the swap slot (swp_swapcount), at least 1
     */
    public record Swapped(int swapcount) implements Pte {
        public Swapped {
            InvalidArgumentException.check(swapcount >= 1, "swapcount %s: allowed 1 or more", swapcount);
        }
    }

    /**
     * One VMA as /proc/pid/smaps sees it.
     *
     * @param start vm_start, page aligned
     * @param end vm_end, page aligned, above start
     * @param perms the four maps permission characters, such as "rw-p"
     * @param offset the file offset in bytes (0 for anonymous memory)
     * @param major device major number (0 for anonymous memory)
     * @param minor device minor number
     * @param inode inode number (0 for anonymous memory)
     * @param name the path or [heap]/[stack]/[vdso]..., "" for none
     * @param ptes the non-empty ptes of the range, at most one per page (their order does not matter)
     * @param vmFlags the VmFlags mnemonics in bit order, such as ["rd", "wr", "mr", "mw", "me", "ac"]
     * @param thpEligible whether THP may back this VMA (the THPeligible line)
     */
    public record Vma(long start, long end, String perms, long offset, int major, int minor, long inode, String name,
                      List<Pte> ptes, List<String> vmFlags, boolean thpEligible) {
        public Vma {
            InvalidArgumentException.check(start >= 0 && start % PAGE_SIZE == 0 && end % PAGE_SIZE == 0 && end > start,
                    "VMA [%s, %s): start and end must be page aligned with start < end", start, end);
            if (perms == null || !perms.matches("[r-][w-][x-][sp]")) {
                throw new InvalidArgumentException("VMA permissions '" + perms + "': allowed four characters like rw-p");
            }
            Objects.requireNonNull(name, "name (use \"\" for none)");
            ptes = List.copyOf(ptes);
            vmFlags = List.copyOf(vmFlags);
            InvalidArgumentException.check(ptes.size() <= (end - start) / PAGE_SIZE,
                    "%s non-empty ptes in a VMA of %s pages: at most one per page", ptes.size(), (end - start) / PAGE_SIZE);
        }

        /** VM_LOCKED (mlock): its pages count in Locked. */
        public boolean locked() {
            return vmFlags.contains("lo");
        }

        /**
         * The /proc/pid/maps line of this VMA without its newline: show_map_vma() with
         * show_vma_header_prefix() (the name, if any, starts at column 73 on 64-bit).
         */
        public String mapsLine() {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%08x-%08x %s %08x %02x:%02x %d ",
                    start, end, perms, offset, major, minor, inode));
            if (!name.isEmpty()) {
                while (line.length() < 72) {
                    line.append(' ');
                }
                line.append(' ').append(name);
            }
            return line.toString();
        }
    }

    /**
     * struct mem_size_stats for one VMA. Sizes are in bytes; the PSS sums are fixed point, bytes
     * &lt;&lt; {@link #PSS_SHIFT}.
     */
    public record MemSizeStats(long resident, long sharedClean, long sharedDirty, long privateClean,
                               long privateDirty, long referenced, long anonymous, long swap,
                               long pss, long pssDirty, long swapPss, long pssLocked) {
    }

    // ---- the learner's part ----

    /**
     * What one resident page mapped {@code mapcount} times adds to the fixed-point PSS (bytes
     * &lt;&lt; PSS_SHIFT). Refuse a mapcount below 1.
     */
    public static long pssDelta(int mapcount) {
        throw new Todo("q58/Smaps.java");
    }

    /** smap_gather_stats(): this VMA's struct mem_size_stats. */
    public static MemSizeStats account(Vma vma) {
        throw new Todo("q58/Smaps.java");
    }

    /** show_smap(): the VMA's whole smaps entry, every line ending with a newline. */
    public static String render(Vma vma) {
        throw new Todo("q58/Smaps.java");
    }
}
