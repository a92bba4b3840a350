package io.pagelab.kernel.procfs;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import io.pagelab.kernel.mm.ProcMaps;
import io.pagelab.kernel.mm.Vma;
import io.pagelab.kernel.mm.VmaSet;
import java.util.function.Function;

/**
 * One entry of /proc/pid/smaps, byte for byte as fs/proc/task_mmu.c: show_smap and __show_smap print
 * it (Linux 6.18, x86-64): the maps line, then Size, KernelPageSize, MMUPageSize, Rss, Pss, Pss_Dirty,
 * Shared_Clean, Shared_Dirty, Private_Clean, Private_Dirty, Referenced, Anonymous, KSM, LazyFree,
 * AnonHugePages, ShmemPmdMapped, FilePmdMapped, Shared_Hugetlb, Private_Hugetlb, Swap, SwapPss,
 * Locked, THPeligible, ProtectionKey (only with protection keys) and VmFlags.
 *
 * <p>Each size line is {@code seq_put_decimal_ull_width(m, label, bytes >> 10, 8)} and " kB": the label
 * padded to 16 columns, the value right-aligned in 8. Private_Hugetlb is the exception (its label is
 * 17 columns, the value 7). Pss values are the fixed-point sums shifted back, rounded down.
 *
 * <p>Version notes: the list grows over time (Pss_Dirty arrived in 6.0, KSM later in the 6.x
 * series); older kernels print fewer lines. The captured 6.18 machine has no ProtectionKey line and
 * no {@code sd} flag (see {@link SmapsOptions}).
 */
public final class Smaps {
    private Smaps() {
    }

    /**
     * The whole file: one entry per VMA in address order, each headed by {@link ProcMaps#line(Vma)}.
     *
     * @param statsOf the accumulated pages of one VMA (the caller's page-table walk)
     */
    public static String render(VmaSet vmas, Function<Vma, MemSizeStats> statsOf, SmapsOptions options) {
        requireNonNull(vmas, "vmas");
        requireNonNull(statsOf, "statsOf");
        StringBuilder sb = new StringBuilder();
        for (Vma v : vmas.list()) {
            sb.append(render(v, requireNonNull(statsOf.apply(v), "statsOf returned null"), options));
        }
        return sb.toString();
    }

    /**
     * The entry of a {@link Vma}, headed by {@link ProcMaps#line(Vma)}.
     */
    public static String render(Vma vma, MemSizeStats stats, SmapsOptions options) {
        requireNonNull(vma, "vma");
        return render(ProcMaps.line(vma), vma, stats, options);
    }

    /**
     * The entry of {@code vma} under a given maps line (for names pagelab's ProcMaps does not derive,
     * such as {@code /dev/zero (deleted)} for shared anonymous memory).
     *
     * @param mapsLine the /proc/pid/maps line of this VMA, ending in a newline
     */
    public static String render(String mapsLine, Vma vma, MemSizeStats stats, SmapsOptions options) {
        requireNonNull(vma, "vma");
        return render(mapsLine, vma.start(), vma.end(), SmapVmFlags.of(vma.flags()), stats, options);
    }

    /**
     * The general form: a VMA given by its range and full 64-bit {@code vm_flags}.
     */
    public static String render(String mapsLine, long start, long end, long vmFlags, MemSizeStats stats,
            SmapsOptions options) {
        requireNonNull(mapsLine, "mapsLine");
        requireNonNull(stats, "stats");
        requireNonNull(options, "options");
        checkArgument(mapsLine.endsWith("\n") && mapsLine.indexOf('\n') == mapsLine.length() - 1,
                "maps line must be exactly one line ending in a newline, got '%s'", mapsLine);
        checkArgument(Long.compareUnsigned(start, end) < 0, "vma start %s must be below end %s", start, end);
        StringBuilder sb = new StringBuilder(1024).append(mapsLine);
        kb(sb, "Size:           ", end - start);
        kb(sb, "KernelPageSize: ", options.kernelPageSize());
        kb(sb, "MMUPageSize:    ", options.mmuPageSize());
        body(sb, stats, false);
        ProcFormat.dec(sb, "THPeligible:    ", options.thpEligible() ? 1 : 0, 8).append('\n');
        if (options.protectionKey() >= 0) {
            ProcFormat.dec(sb, "ProtectionKey:  ", options.protectionKey(), 8).append('\n');
        }
        return sb.append(SmapVmFlags.line(vmFlags, options.memSoftDirty())).toString();
    }

    /** __show_smap(): the lines smaps and smaps_rollup share; the three Pss_* lines only in rollup. */
    static void body(StringBuilder sb, MemSizeStats s, boolean rollup) {
        int shift = MemSizeStats.PSS_SHIFT;
        kb(sb, "Rss:            ", s.resident());
        kb(sb, "Pss:            ", s.pssFixedPoint() >>> shift);
        kb(sb, "Pss_Dirty:      ", s.pssDirtyFixedPoint() >>> shift);
        if (rollup) {
            kb(sb, "Pss_Anon:       ", s.pssAnonFixedPoint() >>> shift);
            kb(sb, "Pss_File:       ", s.pssFileFixedPoint() >>> shift);
            kb(sb, "Pss_Shmem:      ", s.pssShmemFixedPoint() >>> shift);
        }
        kb(sb, "Shared_Clean:   ", s.sharedClean());
        kb(sb, "Shared_Dirty:   ", s.sharedDirty());
        kb(sb, "Private_Clean:  ", s.privateClean());
        kb(sb, "Private_Dirty:  ", s.privateDirty());
        kb(sb, "Referenced:     ", s.referenced());
        kb(sb, "Anonymous:      ", s.anonymous());
        kb(sb, "KSM:            ", s.ksm());
        kb(sb, "LazyFree:       ", s.lazyfree());
        kb(sb, "AnonHugePages:  ", s.anonymousThp());
        kb(sb, "ShmemPmdMapped: ", s.shmemThp());
        kb(sb, "FilePmdMapped:  ", s.fileThp());
        kb(sb, "Shared_Hugetlb: ", s.sharedHugetlb());
        ProcFormat.dec(sb, "Private_Hugetlb: ", s.privateHugetlb() >>> 10, 7).append(" kB\n");
        kb(sb, "Swap:           ", s.swap());
        kb(sb, "SwapPss:        ", s.swapPssFixedPoint() >>> shift);
        kb(sb, "Locked:         ", s.pssLockedFixedPoint() >>> shift);
    }

    /** {@code SEQ_PUT_DEC(label, bytes)} then " kB\n". */
    private static void kb(StringBuilder sb, String label, long bytes) {
        ProcFormat.dec(sb, label, bytes >>> 10, 8).append(" kB\n");
    }
}
