package io.pagelab.kernel.procfs;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import io.pagelab.kernel.mm.Vma;
import io.pagelab.kernel.mm.VmaSet;
import java.util.Map;
import java.util.function.Function;

/**
 * One line of /proc/pid/numa_maps, as fs/proc/task_mmu.c: show_numa_map prints it (Linux 6.18):
 *
 * <pre>
 * 7ffff7cd2000 default anon=8 dirty=8 mapmax=2 active=0 N0=8 kernelpagesize_kB=4
 * 7ffff7d92000 default file=/tmp/data mapped=4 active=0 N0=4 kernelpagesize_kB=4
 * 555555559000 default heap anon=3 dirty=3 active=0 N0=3 kernelpagesize_kB=4
 * 7ffff7d12000 default
 * </pre>
 *
 * The start address ({@code %08lx}), the memory policy as mpol_to_str() writes it ({@code default},
 * {@code prefer:1}, {@code bind:0-1}, {@code interleave:0-3}, {@code local}...), then
 * {@code file=PATH} (spaces, tabs, newlines and {@code =} escaped as {@code \ooo} by seq_path) or
 * {@code heap} or {@code stack}, {@code huge} for hugetlbfs. A VMA with no gathered page stops there.
 * Otherwise: {@code anon=} if any, {@code dirty=} if any, {@code mapped=} only when the page count
 * differs from both anon and dirty, {@code mapmax=} when some page is mapped more than once,
 * {@code swapcache=}, {@code active=} only when not every page is active (never for hugetlb),
 * {@code writeback=}, one {@code N<node>=} per node holding pages, and {@code kernelpagesize_kB=}.
 *
 * <p>Differs from Linux on purpose: in the {@link Vma} form, heap and stack come from the VMA's name
 * rather than from mm->brk and mm->start_stack.
 */
public final class NumaMaps {
    private NumaMaps() {
    }

    /**
     * The whole file: one line per VMA in address order, all under one memory policy. (The gate VMA
     * [vsyscall] has no mm and prints no line, so it is not expected in {@code vmas}.)
     */
    public static String render(VmaSet vmas, String policy, Function<Vma, NumaMapsStats> statsOf) {
        requireNonNull(vmas, "vmas");
        requireNonNull(statsOf, "statsOf");
        StringBuilder sb = new StringBuilder();
        for (Vma v : vmas.list()) {
            sb.append(line(v, policy, requireNonNull(statsOf.apply(v), "statsOf returned null")));
        }
        return sb.toString();
    }

    /** The line of {@code vma} under memory policy {@code policy} (usually "default"). */
    public static String line(Vma vma, String policy, NumaMapsStats md) {
        requireNonNull(vma, "vma");
        String file = vma.file() == null ? null : vma.file().path();
        return line(vma.start(), policy, file, "[heap]".equals(vma.name()), "[stack]".equals(vma.name()),
                false, Vma.PAGE_SIZE, md);
    }

    /**
     * The general form.
     *
     * @param file the mapped file's path, or null for anonymous memory
     * @param heap the VMA is the initial heap (vma_is_initial_heap)
     * @param stack the VMA is the main thread's stack (vma_is_initial_stack)
     * @param hugetlb a hugetlbfs VMA
     * @param kernelPageSize vma_kernel_pagesize() in bytes
     */
    public static String line(long start, String policy, String file, boolean heap, boolean stack,
            boolean hugetlb, long kernelPageSize, NumaMapsStats md) {
        requireNonNull(policy, "policy");
        requireNonNull(md, "md");
        checkArgument(!policy.isEmpty() && policy.indexOf(' ') < 0 && policy.indexOf('\n') < 0,
                "memory policy '%s' must be one word such as default, local, bind:0-1", policy);
        checkArgument(kernelPageSize >= 4096 && (kernelPageSize & (kernelPageSize - 1)) == 0,
                "kernel page size %s must be a power of two of at least 4096", kernelPageSize);
        StringBuilder sb = new StringBuilder(128);
        sb.append(ProcFormat.hex(start, 8)).append(' ').append(policy);
        if (file != null) {
            sb.append(" file=").append(escape(file));
        } else if (heap) {
            sb.append(" heap");
        } else if (stack) {
            sb.append(" stack");
        }
        if (hugetlb) {
            sb.append(" huge");
        }
        if (md.pages() != 0) {
            if (md.anon() != 0) {
                sb.append(" anon=").append(md.anon());
            }
            if (md.dirty() != 0) {
                sb.append(" dirty=").append(md.dirty());
            }
            if (md.pages() != md.anon() && md.pages() != md.dirty()) {
                sb.append(" mapped=").append(md.pages());
            }
            if (md.mapcountMax() > 1) {
                sb.append(" mapmax=").append(md.mapcountMax());
            }
            if (md.swapcache() != 0) {
                sb.append(" swapcache=").append(md.swapcache());
            }
            if (md.active() < md.pages() && !hugetlb) {
                sb.append(" active=").append(md.active());
            }
            if (md.writeback() != 0) {
                sb.append(" writeback=").append(md.writeback());
            }
            for (Map.Entry<Integer, Long> e : md.nodes().entrySet()) {
                sb.append(" N").append(e.getKey()).append('=').append(e.getValue());
            }
            sb.append(" kernelpagesize_kB=").append(kernelPageSize >>> 10);
        }
        return sb.append('\n').toString();
    }

    /** seq_path(m, path, "\n\t= "): mangle_path() writes each of those characters as {@code \ooo}. */
    static String escape(String path) {
        StringBuilder sb = new StringBuilder(path.length() + 8);
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\n' || c == '\t' || c == '=' || c == ' ') {
                sb.append('\\').append((char) ('0' + ((c >> 6) & 7))).append((char) ('0' + ((c >> 3) & 7)))
                        .append((char) ('0' + (c & 7)));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
