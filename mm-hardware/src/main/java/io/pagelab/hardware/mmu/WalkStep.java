package io.pagelab.hardware.mmu;

/**
 * One entry a page walk read: where it was, what it held, and what the CPU wrote back (the
 * accessed and dirty bits).
 *
 * @param level the table's level
 * @param index the entry's index in its table
 * @param entryAddress physical address of the entry
 * @param entry the raw entry as read
 * @param entryAfter the entry after the walk (differs when the CPU set A or D)
 */
public record WalkStep(PagingLevel level, int index, long entryAddress, long entry, long entryAfter) {

    /** For example {@code "PML4E[254] at 0x17f0: PML4E 0x...: P R/W U/S -> PDPT table ... (CPU set A)"}. */
    @Override
    public String toString() {
        String set = "";
        long changed = entryAfter & ~entry;
        if (changed != 0) {
            set = " (CPU set " + ((changed & X86PageTableEntry.ACCESSED) != 0 ? "A" : "")
                    + ((changed & X86PageTableEntry.ACCESSED) != 0 && (changed & X86PageTableEntry.DIRTY) != 0 ? "+" : "")
                    + ((changed & X86PageTableEntry.DIRTY) != 0 ? "D" : "") + ")";
        }
        return String.format("%s[%d] at %#x: %s%s", level.entryName(), index, entryAddress,
                X86PageTableEntry.describe(entry, level), set);
    }
}
