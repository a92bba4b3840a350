package io.pagelab.questions.q59;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.exercise.Todo;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Q59 如何查看进程内存映射汇总信息？ How to view a summary of all mappings?
 *
 * <p>/proc/pid/smaps can be thousands of lines; /proc/pid/smaps_rollup is its one-entry summary:
 * the same counters added over every VMA (it is what tools read for a process's total PSS, much
 * cheaper than parsing smaps). 汇总视图：所有 VMA 的统计相加，只输出一段。
 *
 * <p>Your task (fs/proc/task_mmu.c show_smaps_rollup(), Linux 6.x, x86-64): implement the four
 * methods after "the learner's part" (the model above it is given).
 * <ul>
 *   <li>{@link #sum}: one mem_size_stats with every field added over all VMAs. The PSS fields are
 *       fixed point (bytes &lt;&lt; 12) and stay so: the kernel shifts only when printing, so the
 *       rollup does not lose a fraction of a KiB per VMA as summing smaps' printed values does.
 *       Refuse VMAs that are not ascending (there is a given check).</li>
 *   <li>{@link #render}: the header line, then Rss, Pss, Pss_Dirty, Pss_Anon, Pss_File,
 *       Pss_Shmem, Shared_Clean, Shared_Dirty, Private_Clean, Private_Dirty, Referenced, Anonymous,
 *       KSM, LazyFree, AnonHugePages, ShmemPmdMapped, FilePmdMapped, Shared_Hugetlb,
 *       Private_Hugetlb, Swap, SwapPss, Locked, formatted as in smaps (label padded to 16 columns,
 *       kB value right-aligned in 8, " kB"; Private_Hugetlb: value in 7). No Size, no
 *       THPeligible, no VmFlags. The header is a maps line for the range from the first VMA's start
 *       to the last VMA's end, with permissions ---p, offset 0, device 00:00, inode 0, and the name
 *       [rollup] starting at column 73: for example
 *       {@code 55bd3e91c000-7fff9a158000 ---p 00000000 00:00 0                          [rollup]}.
 *       With no VMA at all the range is 00000000-00000000. The lines without a counter here (KSM,
 *       LazyFree, huge pages) print 0.</li>
 *   <li>{@link #sumSmapsKb}: what {@code awk '/kB$/ {sum[$1] += $2}'} does to a /proc/pid/smaps
 *       text: for every line "Label:  N kB", add N under "Label" (no colon), labels in the order they
 *       first appear.</li>
 *   <li>{@link #rollupMinusSmapsKb}: for every "Label:  N kB" line of a smaps_rollup text whose label
 *       also appears in the smaps text, the rollup's N minus the smaps sum, in the rollup's order.
 *       On a real process everything is 0 except the PSS lines.</li>
 * </ul>
 *
 * <p>Run {@code ./pagelab grade q59} to check your work.
 */
public final class SmapsRollup {

    /** PSS_SHIFT: fixed-point PSS is bytes &lt;&lt; 12. */
    public static final int PSS_SHIFT = 12;

    private SmapsRollup() {
    }

    // ---- given: the model ----

    /**
     * struct mem_size_stats: sizes in bytes, the PSS family in fixed point (bytes &lt;&lt; 12).
     * pssAnon, pssFile and pssShmem split pss by the kind of page.
     */
    public record MemSizeStats(long resident, long sharedClean, long sharedDirty, long privateClean,
                               long privateDirty, long referenced, long anonymous, long swap,
                               long pss, long pssDirty, long pssAnon, long pssFile, long pssShmem,
                               long swapPss, long pssLocked) {
        /** Nothing resident, nothing swapped. */
        public static final MemSizeStats EMPTY = new MemSizeStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

        public MemSizeStats {
            for (long v : new long[] {resident, sharedClean, sharedDirty, privateClean, privateDirty, referenced,
                anonymous, swap, pss, pssDirty, pssAnon, pssFile, pssShmem, swapPss, pssLocked}) {
                InvalidArgumentException.check(v >= 0, "mem_size_stats field %s is negative: sizes are >= 0", v);
            }
        }
    }

    /** One VMA [start, end) and what smap_gather_stats() found in it. */
    public record VmaStats(long start, long end, MemSizeStats stats) {
        public VmaStats {
            InvalidArgumentException.check(start >= 0 && start % 4096 == 0 && end % 4096 == 0 && end > start,
                    "VMA [%s, %s): start and end must be page aligned with start < end", start, end);
            Objects.requireNonNull(stats, "stats");
        }
    }

    /**
     * Refuses a VMA list that is not in ascending address order without overlaps (the order of the
     * mm's VMA tree).
     */
    public static void checkAscending(List<VmaStats> vmas) {
        Objects.requireNonNull(vmas, "vmas");
        for (int i = 1; i < vmas.size(); i++) {
            InvalidArgumentException.check(vmas.get(i).start() >= vmas.get(i - 1).end(),
                    "VMA starting at %s overlaps or precedes the previous one ending at %s: VMAs must be ascending",
                    vmas.get(i).start(), vmas.get(i - 1).end());
        }
    }

    // ---- the learner's part ----

    /** The rollup's single mem_size_stats: every field added over all VMAs, PSS still fixed point. */
    public static MemSizeStats sum(List<VmaStats> vmas) {
        throw new Todo("q59/SmapsRollup.java");
    }

    /** show_smaps_rollup(): the whole /proc/pid/smaps_rollup text, every line ending with a newline. */
    public static String render(List<VmaStats> vmas) {
        throw new Todo("q59/SmapsRollup.java");
    }

    /** Σ of each "Label: N kB" field over a /proc/pid/smaps text, by label. */
    public static Map<String, Long> sumSmapsKb(String smaps) {
        throw new Todo("q59/SmapsRollup.java");
    }

    /** smaps_rollup's value minus Σ smaps, for each kB field the two texts share. */
    public static Map<String, Long> rollupMinusSmapsKb(String smaps, String rollup) {
        throw new Todo("q59/SmapsRollup.java");
    }
}
