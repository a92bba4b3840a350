package io.pagelab.kernel.procfs;

import static java.util.Objects.requireNonNull;

import io.pagelab.kernel.mm.Vma;
import io.pagelab.kernel.mm.VmaSet;
import java.util.List;

/**
 * /proc/pid/smaps_rollup, as fs/proc/task_mmu.c: show_smaps_rollup prints it (Linux 6.18): one
 * mem_size_stats gathered over every VMA, under a header built by show_vma_header_prefix() from the
 * first VMA's start to the last VMA's end, flags {@code ---p}, offset, device and inode 0, padded
 * like a maps line and named {@code [rollup]}. The body is smaps' from Rss to Locked plus
 * Pss_Anon, Pss_File and Pss_Shmem after Pss_Dirty; no Size, page sizes, THPeligible or VmFlags.
 *
 * <p>The gate VMA ({@code [vsyscall]}) is not in the VMA tree, so the range ends at the last real VMA
 * (on x86-64 the end of {@code [stack]}). With no VMA at all the range is 0-0. Because the Pss
 * counters are summed in fixed point before the shift, the rollup's Pss can exceed the sum of the
 * per-VMA Pss lines by the rounding they each lost.
 */
public final class SmapsRollup {
    private SmapsRollup() {
    }

    /**
     * The whole file.
     *
     * @param firstVmaStart start of the lowest VMA (0 if none)
     * @param lastVmaEnd end of the highest VMA (0 if none)
     * @param stats every VMA's pages accounted into one accumulator
     */
    public static String render(long firstVmaStart, long lastVmaEnd, MemSizeStats stats) {
        requireNonNull(stats, "stats");
        StringBuilder sb = new StringBuilder(1024);
        sb.append(ProcFormat.header(firstVmaStart, lastVmaEnd, "---p", 0, 0, 0, 0, "[rollup]"));
        Smaps.body(sb, stats, true);
        return sb.toString();
    }

    /** The whole file for an address space's VMAs. */
    public static String render(VmaSet vmas, MemSizeStats stats) {
        requireNonNull(vmas, "vmas");
        List<Vma> list = vmas.list();
        if (list.isEmpty()) {
            return render(0, 0, stats);
        }
        return render(list.get(0).start(), list.get(list.size() - 1).end(), stats);
    }
}
