package io.pagelab.questions.q58;

import io.pagelab.api.error.InvalidArgumentException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Q58 如何查看进程内存片段映射详情？ How to view the detail of each mapping? (reference solution)
 *
 * <p>Models fs/proc/task_mmu.c (Linux 6.x, x86-64, 4 KiB pages): smaps_pte_entry() and
 * smaps_account() / smaps_page_accumulate() filling struct mem_size_stats, with PSS in fixed point
 * (PSS_SHIFT 12) and each shared page adding (PAGE_SIZE &lt;&lt; 12) / mapcount; show_smap() and
 * __show_smap() printing every field in the kernel's order, SEQ_PUT_DEC's 16-column labels and
 * 8-column values, Private_Hugetlb's width 7, THPeligible and VmFlags. Checked against the real
 * /proc/self/smaps of test resource q58/smaps.txt (Linux 6.18, captured by q58/pagelab_capture.c).
 *
 * <p>Differs from Linux on purpose: one 4 KiB page per pte (no THP, no hugetlb, no KSM, no
 * MADV_FREE, so AnonHugePages, ShmemPmdMapped, FilePmdMapped, *_Hugetlb, KSM and LazyFree are
 * always 0); "private" is decided by the mapcount alone (the kernel first checks the folio's
 * refcount, which pagelab does not model: an unpinned page mapped once has refcount 1); no
 * ProtectionKey line (x86 prints it only when protection keys are enabled).
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
     * What one resident page adds to the fixed-point PSS: PAGE_SIZE &lt;&lt; PSS_SHIFT divided by its
     * mapcount when shared (integer division), the whole PAGE_SIZE &lt;&lt; PSS_SHIFT when mapped once.
     */
    public static long pssDelta(int mapcount) {
        InvalidArgumentException.check(mapcount >= 1, "mapcount %s: allowed 1 or more", mapcount);
        long whole = PAGE_SIZE << PSS_SHIFT;
        return mapcount >= 2 ? whole / mapcount : whole;
    }

    /** smap_gather_stats(): walks the VMA's ptes and adds each page as smaps_account() does. */
    public static MemSizeStats account(Vma vma) {
        Objects.requireNonNull(vma, "vma");
        long resident = 0;
        long sharedClean = 0;
        long sharedDirty = 0;
        long privateClean = 0;
        long privateDirty = 0;
        long referenced = 0;
        long anonymous = 0;
        long swap = 0;
        long pss = 0;
        long pssDirty = 0;
        long swapPss = 0;
        for (Pte pte : vma.ptes()) {
            if (pte instanceof Swapped) {
                swap += PAGE_SIZE;
                swapPss += pssDelta(((Swapped) pte).swapcount());
                continue;
            }
            Present page = (Present) pte;
            resident += PAGE_SIZE;
            if (page.backing() == Backing.ANON) {
                anonymous += PAGE_SIZE;
            }
            if (page.referenced()) {
                referenced += PAGE_SIZE;
            }
            long delta = pssDelta(page.mapcount());
            pss += delta;
            boolean shared = page.mapcount() >= 2;
            if (page.dirty()) {
                pssDirty += delta;
                if (shared) {
                    sharedDirty += PAGE_SIZE;
                } else {
                    privateDirty += PAGE_SIZE;
                }
            } else if (shared) {
                sharedClean += PAGE_SIZE;
            } else {
                privateClean += PAGE_SIZE;
            }
        }
        return new MemSizeStats(resident, sharedClean, sharedDirty, privateClean, privateDirty, referenced,
                anonymous, swap, pss, pssDirty, swapPss, vma.locked() ? pss : 0);
    }

    /** show_smap(): the maps line, then every field in the kernel's order, then VmFlags. */
    public static String render(Vma vma) {
        MemSizeStats s = account(vma);
        StringBuilder out = new StringBuilder();
        out.append(vma.mapsLine()).append('\n');
        field(out, "Size:", vma.end() - vma.start());
        field(out, "KernelPageSize:", PAGE_SIZE);
        field(out, "MMUPageSize:", PAGE_SIZE);
        field(out, "Rss:", s.resident());
        field(out, "Pss:", s.pss() >> PSS_SHIFT);
        field(out, "Pss_Dirty:", s.pssDirty() >> PSS_SHIFT);
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
        out.append(String.format(Locale.ROOT, "THPeligible:    %8d\n", vma.thpEligible() ? 1 : 0));
        out.append("VmFlags:");
        for (String flag : vma.vmFlags()) {
            out.append(' ').append(flag);
        }
        return out.append(" \n").toString();
    }

    /** SEQ_PUT_DEC: the label padded to 16 columns, bytes / 1024 right-aligned in 8, " kB". */
    private static void field(StringBuilder out, String label, long bytes) {
        out.append(String.format(Locale.ROOT, "%-16s%8d kB\n", label, bytes >> 10));
    }
}
