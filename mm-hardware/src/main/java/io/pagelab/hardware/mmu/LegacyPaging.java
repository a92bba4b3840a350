package io.pagelab.hardware.mmu;

/**
 * The two paging formats of 32-bit x86 (Intel SDM vol. 3A §4.3 and §4.4), as Linux's i386 builds
 * use them: arch/x86/include/asm/pgtable-2level*.h and pgtable-3level*.h (Linux 6.x).
 *
 * <pre>
 *  TWO_LEVEL (CR4.PAE=0, PSE)        31 ...... 22 21 ...... 12 11 ...... 0
 *                                    |  PD 10   |  PT 10    |  offset   |    4-byte entries
 *                                    PS=1 in a PDE: a 4 MiB page (bits 21..0 are the offset)
 *
 *  PAE (CR4.PAE=1)                   31 30 29 ...... 21 20 ...... 12 11 ...... 0
 *                                    |PDPT| PD 9      | PT 9       | offset    |  8-byte entries
 *                                    4 PDPTEs (P, PWT, PCD, address only); PS=1 in a PDE: a 2 MiB page
 * </pre>
 *
 * Linux names: 2-level = pgd (the PD) + pte; 3-level (PAE) = pgd (the PDPT) + pmd + pte.
 * Differs from hardware: PSE-36 (physical bits 32..39 in a 4 MiB PDE) is not modelled, so 32-bit
 * paging reaches 4 GiB of physical memory.
 */
public enum LegacyPaging {
    /** 32-bit paging: page directory and page table of 1024 four-byte entries; 4 KiB and 4 MiB pages. */
    TWO_LEVEL(4, new int[] {22, 12}, new int[] {10, 10}, 22),
    /** PAE paging: a 4-entry PDPT, then PD and PT of 512 eight-byte entries; 4 KiB and 2 MiB pages. */
    PAE(8, new int[] {30, 21, 12}, new int[] {2, 9, 9}, 21);

    private final int entrySize;
    private final int[] shifts;
    private final int[] indexBits;
    private final int hugeShift;

    LegacyPaging(int entrySize, int[] shifts, int[] indexBits, int hugeShift) {
        this.entrySize = entrySize;
        this.shifts = shifts;
        this.indexBits = indexBits;
        this.hugeShift = hugeShift;
    }

    /** Bytes per entry: 4 or 8. */
    public int entrySize() {
        return entrySize;
    }

    /** Number of levels: 2 or 3. */
    public int levels() {
        return shifts.length;
    }

    /** Lowest linear-address bit of the index at depth {@code d} (0 = top). */
    public int shift(int d) {
        return shifts[d];
    }

    /** Index of {@code va} at depth {@code d}. */
    public int index(long va, int d) {
        return (int) (va >>> shifts[d]) & ((1 << indexBits[d]) - 1);
    }

    /** Entries in a table at depth {@code d}: 1024, or 4 / 512 / 512 with PAE. */
    public int entries(int d) {
        return 1 << indexBits[d];
    }

    /** The large page size: 4 MiB (32-bit paging) or 2 MiB (PAE). */
    public long hugePageSize() {
        return 1L << hugeShift;
    }

    /** Depth whose entries may map a large page with PS=1. */
    public int hugeDepth() {
        return levels() - 2;
    }

    /** True when entries carry an NX bit (PAE with EFER.NXE). */
    public boolean hasNx() {
        return this == PAE;
    }
}
