package io.pagelab.hardware.riscv;

/**
 * One PTE a RISC-V walk read, and what the hart wrote back (A, and D on a store, with Svadu).
 *
 * @param level the RISC-V level (VPN index): top level first, 0 last
 * @param index the PTE's index in its table
 * @param entryAddress physical address of the PTE
 * @param pte the raw PTE as read
 * @param pteAfter the PTE after the walk
 */
public record RiscvWalkStep(int level, int index, long entryAddress, long pte, long pteAfter) {

    @Override
    public String toString() {
        long set = pteAfter & ~pte;
        String note = set == 0 ? "" : " (hart set " + ((set & RiscvPte.ACCESSED) != 0 ? "A" : "")
                + ((set & RiscvPte.ACCESSED) != 0 && (set & RiscvPte.DIRTY) != 0 ? "+" : "")
                + ((set & RiscvPte.DIRTY) != 0 ? "D" : "") + ")";
        return String.format("L%d[%d] at %#x: %s%s", level, index, entryAddress, RiscvPte.describe(pte, level), note);
    }
}
