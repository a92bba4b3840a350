package io.pagelab.questions.q59;

import io.pagelab.api.error.InvalidArgumentException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Q59 如何查看进程内存映射汇总信息？ How to view a summary of all mappings? (reference solution)
 *
 * <p>Models fs/proc/task_mmu.c show_smaps_rollup() (Linux 6.x, x86-64): one struct mem_size_stats
 * gathers every VMA of the tree (the gate VMA, [vsyscall], is not in the tree), the PSS sums stay
 * in fixed point (bytes &lt;&lt; PSS_SHIFT 12) until the single shift at print time, the header is
 * show_vma_header_prefix(first vm_start, last vm_end, 0, 0, 0, 0) padded to column 73 with
 * "[rollup]", and __show_smap(rollup_mode) prints Pss_Anon, Pss_File and Pss_Shmem after
 * Pss_Dirty. Also the check a learner can run on a real machine: Σ of every kB field of
 * /proc/pid/smaps against smaps_rollup (equal, except that the rollup's PSS lines lose less to
 * truncation). Verified with the real capture in test resource q58/ (Linux 6.18).
 *
 * <p>Differs from Linux on purpose: the per-VMA statistics are given (Q58 computes them); no THP,
 * hugetlb, KSM or lazy-free pages (those lines print 0); the rollup is never interrupted by mmap
 * lock contention, so it never restarts in the middle of a VMA.
 */
public final class SmapsRollup {

    /** PSS_SHIFT: fixed-point PSS is bytes &lt;&lt; 12. */
    public static final int PSS_SHIFT = 12;

    private static final Pattern KB_FIELD = Pattern.compile("^([A-Za-z_]+):\\s+(\\d+) kB$");

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
        checkAscending(vmas);
        long[] t = new long[15];
        for (VmaStats v : vmas) {
            MemSizeStats s = v.stats();
            long[] f = {s.resident(), s.sharedClean(), s.sharedDirty(), s.privateClean(), s.privateDirty(),
                s.referenced(), s.anonymous(), s.swap(), s.pss(), s.pssDirty(), s.pssAnon(), s.pssFile(),
                s.pssShmem(), s.swapPss(), s.pssLocked()};
            for (int i = 0; i < t.length; i++) {
                t[i] += f[i];
            }
        }
        return new MemSizeStats(t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7], t[8], t[9], t[10], t[11], t[12],
                t[13], t[14]);
    }

    /** show_smaps_rollup(): the [rollup] header line, then __show_smap() in rollup mode. */
    public static String render(List<VmaStats> vmas) {
        MemSizeStats s = sum(vmas);
        long first = vmas.isEmpty() ? 0 : vmas.get(0).start();
        long last = vmas.isEmpty() ? 0 : vmas.get(vmas.size() - 1).end();
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%08x-%08x ---p 00000000 00:00 0 ", first, last));
        while (out.length() < 72) {
            out.append(' ');
        }
        out.append(" [rollup]\n");
        field(out, "Rss:", s.resident());
        field(out, "Pss:", s.pss() >> PSS_SHIFT);
        field(out, "Pss_Dirty:", s.pssDirty() >> PSS_SHIFT);
        field(out, "Pss_Anon:", s.pssAnon() >> PSS_SHIFT);
        field(out, "Pss_File:", s.pssFile() >> PSS_SHIFT);
        field(out, "Pss_Shmem:", s.pssShmem() >> PSS_SHIFT);
        field(out, "Shared_Clean:", s.sharedClean());
        field(out, "Shared_Dirty:", s.sharedDirty());
        field(out, "Private_Clean:", s.privateClean());
        field(out, "Private_Dirty:", s.privateDirty());
        field(out, "Referenced:", s.referenced());
        field(out, "Anonymous:", s.anonymous());
        field(out, "KSM:", 0);
        field(out, "LazyFree:", 0);
        field(out, "AnonHugePages:", 0);
        field(out, "ShmemPmdMapped:", 0);
        field(out, "FilePmdMapped:", 0);
        field(out, "Shared_Hugetlb:", 0);
        out.append(String.format(Locale.ROOT, "Private_Hugetlb: %7d kB\n", 0));
        field(out, "Swap:", s.swap());
        field(out, "SwapPss:", s.swapPss() >> PSS_SHIFT);
        field(out, "Locked:", s.pssLocked() >> PSS_SHIFT);
        return out.toString();
    }

    /**
     * Σ over every entry of a /proc/pid/smaps text of each "Label:  N kB" line, by label (without
     * the colon), in the order the labels first appear.
     */
    public static Map<String, Long> sumSmapsKb(String smaps) {
        Objects.requireNonNull(smaps, "smaps text");
        Map<String, Long> sums = new LinkedHashMap<>();
        for (String line : smaps.split("\n")) {
            Matcher m = KB_FIELD.matcher(line);
            if (m.matches()) {
                sums.merge(m.group(1), Long.parseLong(m.group(2)), Long::sum);
            }
        }
        return sums;
    }

    /**
     * For each "Label: N kB" line of a smaps_rollup text whose label smaps also has: the rollup's
     * value minus Σ smaps, in the rollup's order.
     */
    public static Map<String, Long> rollupMinusSmapsKb(String smaps, String rollup) {
        Objects.requireNonNull(rollup, "smaps_rollup text");
        Map<String, Long> sums = sumSmapsKb(smaps);
        Map<String, Long> diff = new LinkedHashMap<>();
        for (String line : rollup.split("\n")) {
            Matcher m = KB_FIELD.matcher(line);
            if (m.matches() && sums.containsKey(m.group(1))) {
                diff.put(m.group(1), Long.parseLong(m.group(2)) - sums.get(m.group(1)));
            }
        }
        return diff;
    }

    /** SEQ_PUT_DEC: the label padded to 16 columns, bytes / 1024 right-aligned in 8, " kB". */
    private static void field(StringBuilder out, String label, long bytes) {
        out.append(String.format(Locale.ROOT, "%-16s%8d kB\n", label, bytes >> 10));
    }
}
