package io.pagelab.hardware.mmu;

import io.pagelab.api.error.InvalidArgumentException;

/**
 * One level of the x86-64 paging tree, from the top (PML5, only with LA57) to the page table.
 * Each level is a 4 KiB table of 512 eight-byte entries indexed by 9 bits of the linear address
 * (arch/x86/include/asm/pgtable_64_types.h, Linux 6.x; linux-reference.md §1.2):
 *
 * <pre>
 *  level  Intel name  Linux name (4-level / 5-level)  index bits  one entry maps
 *  PML5   PML5E       -     / pgd                      56..48     256 TiB
 *  PML4   PML4E       pgd   / p4d                      47..39     512 GiB
 *  PDPT   PDPTE       pud                              38..30       1 GiB  (a leaf when PS=1)
 *  PD     PDE         pmd                              29..21       2 MiB  (a leaf when PS=1)
 *  PT     PTE         pte                              20..12       4 KiB  (always a leaf)
 * </pre>
 */
public enum PagingLevel {
    /** Page-map level 5 (LA57 only); Linux's pgd under 5-level paging. */
    PML5(48, "PML5E", "pgd"),
    /** Page-map level 4; Linux's pgd (4-level) or p4d (5-level). */
    PML4(39, "PML4E", "p4d"),
    /** Page-directory-pointer table; Linux's pud. A PS=1 entry maps a 1 GiB page. */
    PDPT(30, "PDPTE", "pud"),
    /** Page directory; Linux's pmd. A PS=1 entry maps a 2 MiB page. */
    PD(21, "PDE", "pmd"),
    /** Page table; Linux's pte. Every present entry maps a 4 KiB page. */
    PT(12, "PTE", "pte");

    /** Entries in one table: 512 (PTRS_PER_PTE and friends). */
    public static final int ENTRIES = 512;
    /** Bits of the linear address that index one table: 9. */
    public static final int INDEX_BITS = 9;

    private final int shift;
    private final String entryName;
    private final String linuxName;

    PagingLevel(int shift, String entryName, String linuxName) {
        this.shift = shift;
        this.entryName = entryName;
        this.linuxName = linuxName;
    }

    /** Lowest linear-address bit of this level's index (PGDIR_SHIFT, PUD_SHIFT, PMD_SHIFT...). */
    public int shift() {
        return shift;
    }

    /** Bytes of linear address one entry of this level covers: 4 KiB at PT, 2 MiB at PD, 1 GiB at PDPT... */
    public long entrySpan() {
        return 1L << shift;
    }

    /** Index of {@code va} in a table of this level: {@code (va >> shift) & 511}. */
    public int index(long va) {
        return (int) (va >>> shift) & (ENTRIES - 1);
    }

    /** True at the levels where an entry may map a page: PT always, PD and PDPT with PS=1. */
    public boolean canMapPage() {
        return this == PT || this == PD || this == PDPT;
    }

    /** The level below this one; PT has none. */
    public PagingLevel next() {
        if (this == PT) {
            throw new IllegalStateException("PT is the last level: its entries map pages, not tables");
        }
        return values()[ordinal() + 1];
    }

    /** The Intel SDM name of an entry at this level: "PML4E", "PDE"... */
    public String entryName() {
        return entryName;
    }

    /** The Linux name of this level under 5-level paging (pgd, p4d, pud, pmd, pte). */
    public String linuxName() {
        return linuxName;
    }

    /** The level whose leaf entries map pages of this size, for 4 KiB, 2 MiB and 1 GiB. */
    public static PagingLevel forPageSize(long pageSize) {
        if (pageSize == PT.entrySpan()) {
            return PT;
        }
        if (pageSize == PD.entrySpan()) {
            return PD;
        }
        if (pageSize == PDPT.entrySpan()) {
            return PDPT;
        }
        throw new InvalidArgumentException(String.format(
                "page size %#x is not an x86-64 page size: allowed are 0x1000 (4 KiB), 0x200000 (2 MiB),"
                        + " 0x40000000 (1 GiB)", pageSize));
    }
}
