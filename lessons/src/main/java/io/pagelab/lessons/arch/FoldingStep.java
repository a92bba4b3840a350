package io.pagelab.lessons.arch;

import io.pagelab.api.Prot;
import io.pagelab.hardware.arm64.Arm64Level;
import io.pagelab.hardware.mmu.LegacyPaging;
import io.pagelab.hardware.mmu.PagingLevel;
import io.pagelab.hardware.mmu.PagingMode;
import io.pagelab.hardware.riscv.SvMode;
import io.pagelab.lessons.LessonContext;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * Step 7 of the "arch" lesson: Linux's one pgd/p4d/pud/pmd/pte walk over every paging mode, with
 * the levels a machine lacks folded away (include/asm-generic/pgtable-nop4d.h, pgtable-nopud.h,
 * pgtable-nopmd.h; arch/riscv/include/asm/pgtable-64.h folds at boot, Linux 6.x), and a 2 MiB page
 * ending the walk at the pmd on all three machines, each marking the leaf its own way.
 */
final class FoldingStep {

    /** A 2 MiB page for the huge-page comparison: 8 MiB, inside every machine's user half. */
    static final long HUGE_VA = 0x800000L;
    /** Its frame: physical 1 GiB, 2 MiB aligned. */
    static final long HUGE_PFN = 0x40000L;
    private static final long HUGE_SIZE = 2L << 20;

    private FoldingStep() {
    }

    static void folding(LessonContext ctx, ThreeMachines m) {
        ctx.step("One Linux walk for every machine", "Linux 统一的页表遍历");
        ctx.say("x86 itself has four paging modes (q12), and the other architectures bring theirs.",
                "Linux's generic code (mm/memory.c, mm/pagewalk.c) always walks five levels:",
                "pgd → p4d → pud → pmd → pte, with pgd_offset(), p4d_offset(), pud_offset(),",
                "pmd_offset() and pte_offset_map(). A machine with fewer levels \"folds\" the extra",
                "ones: a folded level has a single entry, its _offset() hands back the pointer it was",
                "given, and it is never empty, so the walk steps through it for free (q13).",
                "内核统一按 pgd/p4d/pud/pmd/pte 五级遍历；硬件没有的级别被\"折叠\"掉。");
        Columns modes = new Columns()
                .row("paging mode", "index bits", "pgd", "p4d", "pud", "pmd", "pte")
                .row("x86 32-bit", legacySplit(LegacyPaging.TWO_LEVEL), "PD", "·", "·", "·", "PT")
                .row("x86 PAE", legacySplit(LegacyPaging.PAE), "PDPT", "·", "·", "PD", "PT")
                .row("x86-64 4-level", split(PagingMode.FOUR_LEVEL.levels().size()), "PML4", "·", "PDPT", "PD", "PT")
                .row("x86-64 5-level", split(PagingMode.FIVE_LEVEL.levels().size()), "PML5", "PML4", "PDPT", "PD", "PT")
                .row("arm64 4K, 48-bit", split(Arm64Level.values().length), "L0", "·", "L1", "L2", "L3")
                .row("RISC-V Sv39", split(SvMode.SV39.levels()), "L2", "·", "·", "L1", "L0")
                .row("RISC-V Sv48", split(SvMode.SV48.levels()), "L3", "·", "L2", "L1", "L0");
        ctx.diagram("Hardware levels under Linux's five names (· = folded) / 折叠的级别", modes.lines());
        ctx.say("",
                "32-bit x86 without PAE has 1024-entry tables of 4-byte entries (10 bits per level)",
                "and 4 MiB large pages. PAE brings 8-byte entries, NX and 2 MiB large pages, and a",
                "top table of only 4 entries (2 bits). 4-level adds 1 GiB pages; 5-level (LA57) adds",
                "one more 9-bit level on top for 57-bit addresses.",
                "RISC-V numbers its levels from the bottom, so its pte level is L0. A RISC-V kernel",
                "decides at boot: on a hart without Sv48, it folds p4d and pud and runs Sv39.");

        ctx.say("",
                "Big pages end the walk one level early, and each machine marks that its own way. The",
                String.format(Locale.ROOT, "same call on all three: t.map(%#x, %#x, 2 MiB, Prot.USER_RW):", HUGE_VA, HUGE_PFN));
        m.x86.map(HUGE_VA, HUGE_PFN, HUGE_SIZE, Prot.USER_RW);
        m.arm.map(HUGE_VA, HUGE_PFN, HUGE_SIZE, Prot.USER_RW);
        m.rv.map(HUGE_VA, HUGE_PFN, HUGE_SIZE, Prot.USER_RW);
        long x86 = m.x86.entry(HUGE_VA, PagingLevel.PD);
        long arm = m.arm.entry(HUGE_VA, Arm64Level.LEVEL2);
        long rv = m.rv.entry(HUGE_VA, 1);
        Columns huge = new Columns()
                .row("x86-64", "PD[" + PagingLevel.PD.index(HUGE_VA) + "]", Fmt.raw(x86),
                        EntryBits.bit("PS", x86, 7) + ": a 2 MiB page, not a table")
                .row("arm64", "L2[" + Arm64Level.LEVEL2.index(HUGE_VA) + "]", Fmt.raw(arm),
                        String.format(Locale.ROOT, "bits 1:0 = %s: a block, not a table (11)", bits2(arm)))
                .row("Sv39", "L1[" + SvMode.index(HUGE_VA, 1) + "]", Fmt.raw(rv),
                        String.format(Locale.ROOT, "R W X = %d %d %d: any of them set makes a leaf",
                                (rv >>> 1) & 1, (rv >>> 2) & 1, (rv >>> 3) & 1));
        ctx.diagram("A 2 MiB page ends the walk at the pmd / 2 MiB 大页在 pmd 级结束", huge.lines());
        long probe = HUGE_VA + 0xabcdeL;
        ctx.say("",
                String.format(Locale.ROOT, "translate(%#x) = %s / %s / %s: the low 21 bits of the", probe,
                        Fmt.hex(m.x86.translate(probe)), Fmt.hex(m.arm.translate(probe)), Fmt.hex(m.rv.translate(probe))),
                "address pass through as the offset. Linux asks pmd_leaf() at that level, and each",
                "architecture answers with its own test.");
    }

    private static String legacySplit(LegacyPaging mode) {
        StringJoiner s = new StringJoiner("/");
        for (int d = 0; d < mode.levels(); d++) {
            s.add(String.valueOf(Integer.numberOfTrailingZeros(mode.entries(d))));
        }
        return s.add("12").toString();
    }

    private static String split(int levels) {
        StringJoiner s = new StringJoiner("/");
        for (int i = 0; i < levels; i++) {
            s.add(String.valueOf(PagingLevel.INDEX_BITS));
        }
        return s.add("12").toString();
    }

    private static String bits2(long d) {
        return String.valueOf((d >>> 1) & 1) + (d & 1);
    }
}
