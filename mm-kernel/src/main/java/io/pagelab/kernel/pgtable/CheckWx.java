package io.pagelab.kernel.pgtable;

import static io.pagelab.hardware.mmu.X86PageTableEntry.NX;
import static io.pagelab.hardware.mmu.X86PageTableEntry.RW;
import static io.pagelab.hardware.mmu.X86PageTableEntry.USER;

import io.pagelab.api.PhysicalMemory;
import io.pagelab.hardware.mmu.PagingLevel;
import io.pagelab.hardware.mmu.PagingMode;
import io.pagelab.hardware.mmu.X86PageTable;
import io.pagelab.hardware.mmu.X86PageTableEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * CONFIG_DEBUG_WX: after mark_rodata_ro(), walk every entry of the kernel page table and report
 * the pages that are both writable and executable, as arch/x86/mm/dump_pagetables.c:
 * ptdump_walk_pgd_level_checkwx() with note_page() and effective_prot() does (Linux 6.x;
 * linux-reference.md §14.3):
 *
 * <pre>
 *  effective rights of a page = rights of its leaf combined with every table entry above it:
 *     writable   only if R/W is set at every level          (RW and U/S are ANDed)
 *     executable only if NX is clear at every level         (NX is ORed)
 *  consecutive pages with the same effective rights and level form one range;
 *  a range that is writable and executable counts its size in 4 KiB pages (a 2 MiB page = 512)
 *
 *  first W+X range:  "x86/mm: Found insecure W+X mapping at address 0xffffffff81000000"  (WARN_ONCE)
 *  at the end:       "x86/mm: Checked W+X mappings: passed, no W+X pages found."
 *                or  "x86/mm: Checked W+X mappings: FAILED, 8192 W+X pages found."
 * </pre>
 *
 * Without NX in the CPU nothing can be checked and nothing is printed. Differs from Linux: the
 * address is printed as hex, not as a symbol ({@code %pS}); the WARN_ONCE backtrace is not shown;
 * ranges are cut only by rights and level (ptdump also cuts them at its address markers and on
 * other flag bits, which changes no count).
 */
public final class CheckWx {

    private CheckWx() {
    }

    /** One run of writable and executable pages of one level. */
    public record WxRange(long start, long end, PagingLevel level) {
        /** Size in 4 KiB pages. */
        public long pages() {
            return (end - start) >>> 12;
        }
    }

    /**
     * What the check found.
     *
     * @param ranges the W+X ranges in address order
     * @param wxPages their total size in 4 KiB pages ({@code st->wx_pages})
     * @param lines the messages printed
     */
    public record WxReport(List<WxRange> ranges, long wxPages, List<String> lines) {
        public WxReport {
            ranges = List.copyOf(ranges);
            lines = List.copyOf(lines);
        }

        /** True when no page is both writable and executable. */
        public boolean passed() {
            return wxPages == 0;
        }
    }

    /** Checks the kernel page tables of {@code kpt} (a CPU with NX). */
    public static WxReport check(KernelPageTables kpt) {
        Objects.requireNonNull(kpt, "kpt");
        X86PageTable pt = kpt.pageTable();
        return check(kpt.memory(), pt.root(), pt.mode(), true);
    }

    /**
     * Checks the tree whose top table is at {@code root}.
     *
     * @param nx whether the CPU supports NX ({@code __supported_pte_mask & _PAGE_NX}); without it
     *     the check is skipped
     */
    public static WxReport check(PhysicalMemory memory, long root, PagingMode mode, boolean nx) {
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(mode, "mode");
        if (!nx) {
            return new WxReport(List.of(), 0, List.of());
        }
        Walk w = new Walk(memory, mode);
        w.table(root & X86PageTableEntry.PFN_MASK, 0, 0, RW | USER);
        w.flush();
        List<String> lines = new ArrayList<>();
        if (!w.ranges.isEmpty()) {
            lines.add("x86/mm: Found insecure W+X mapping at address 0x" + Long.toHexString(w.ranges.get(0).start()));
        }
        lines.add(w.wxPages == 0 ? "x86/mm: Checked W+X mappings: passed, no W+X pages found."
                : "x86/mm: Checked W+X mappings: FAILED, " + w.wxPages + " W+X pages found.");
        return new WxReport(w.ranges, w.wxPages, lines);
    }

    /** The walk state: the W+X run being built. */
    private static final class Walk {
        private final PhysicalMemory memory;
        private final PagingMode mode;
        private final List<PagingLevel> levels;
        private final List<WxRange> ranges = new ArrayList<>();
        private long wxPages;
        private long runStart = -1;
        private long runEnd;
        private PagingLevel runLevel;

        Walk(PhysicalMemory memory, PagingMode mode) {
            this.memory = memory;
            this.mode = mode;
            this.levels = mode.levels();
        }

        /** Walks one table; {@code higher} holds the effective RW, USER and NX of the levels above. */
        void table(long tablePa, int depth, long vaBase, long higher) {
            PagingLevel level = levels.get(depth);
            for (int i = 0; i < PagingLevel.ENTRIES; i++) {
                long e = memory.readLong(tablePa + 8L * i);
                long va = signExtend(vaBase | ((long) i << level.shift()));
                if (!X86PageTableEntry.isPresent(e)) {
                    flush();
                    continue;
                }
                long eff = depth == 0 ? e & (RW | USER | NX) : (higher & e & (RW | USER)) | ((higher | e) & NX);
                if (X86PageTableEntry.isLeaf(e, level)) {
                    page(va, level, eff);
                } else {
                    table(e & X86PageTableEntry.PFN_MASK, depth + 1, va, eff);
                }
            }
        }

        private void page(long va, PagingLevel level, long eff) {
            boolean wx = (eff & RW) != 0 && (eff & NX) == 0;
            if (!wx) {
                flush();
                return;
            }
            if (runStart != -1 && runEnd == va && runLevel == level) {
                runEnd = va + level.entrySpan();
                return;
            }
            flush();
            runStart = va;
            runEnd = va + level.entrySpan();
            runLevel = level;
        }

        void flush() {
            if (runStart != -1) {
                WxRange r = new WxRange(runStart, runEnd, runLevel);
                ranges.add(r);
                wxPages += r.pages();
                runStart = -1;
            }
        }

        private long signExtend(long va) {
            int unused = 64 - mode.virtualAddressBits();
            return (va << unused) >> unused;
        }
    }
}
