package io.pagelab.hardware.mmu;

import io.pagelab.api.error.InvalidArgumentException;

/**
 * A linear (virtual) address cut into the table indices a walk uses, as the pgd_index(),
 * p4d_index(), pud_index(), pmd_index() and pte_index() macros of
 * arch/x86/include/asm/pgtable_64_types.h and include/linux/pgtable.h compute them (Linux 6.x;
 * linux-reference.md §1.2):
 *
 * <pre>
 *  63    57 56    48 47    39 38    30 29    21 20    12 11         0
 *  | sign  |  PML5  |  PML4  |  PDPT  |   PD   |   PT   |  offset    |
 *           (LA57)    9 bits   9 bits   9 bits   9 bits    12 bits
 * </pre>
 *
 * @param va the address
 * @param mode 4- or 5-level paging
 * @param pml5 PML5 index, or -1 under 4-level paging
 * @param pml4 PML4 index (bits 47..39)
 * @param pdpt PDPT index (bits 38..30)
 * @param pd PD index (bits 29..21)
 * @param pt PT index (bits 20..12)
 * @param offset byte offset in a 4 KiB page (bits 11..0)
 */
public record LinearAddress(long va, PagingMode mode, int pml5, int pml4, int pdpt, int pd, int pt, int offset) {

    /** Splits {@code va} (which need not be canonical: the split is pure bit arithmetic). */
    public static LinearAddress of(long va, PagingMode mode) {
        return new LinearAddress(va, mode,
                mode == PagingMode.FIVE_LEVEL ? PagingLevel.PML5.index(va) : -1,
                PagingLevel.PML4.index(va), PagingLevel.PDPT.index(va), PagingLevel.PD.index(va),
                PagingLevel.PT.index(va), (int) (va & 0xfff));
    }

    /** The index at one level; PML5 under 4-level paging has none. */
    public int index(PagingLevel level) {
        if (level == PagingLevel.PML5 && mode == PagingMode.FOUR_LEVEL) {
            throw new InvalidArgumentException("4-level paging has no PML5 index: PML5 exists only under FIVE_LEVEL (LA57)");
        }
        return level.index(va);
    }

    /** Offset inside a 2 MiB page (bits 20..0). */
    public long offset2M() {
        return va & 0x1fffffL;
    }

    /** Offset inside a 1 GiB page (bits 29..0). */
    public long offset1G() {
        return va & 0x3fffffffL;
    }

    /** True when the address is canonical in its mode. */
    public boolean isCanonical() {
        return mode.isCanonical(va);
    }

    /** For example {@code 0x00007f1234567abc = PML4 254 | PDPT 72 | PD 418 | PT 359 | offset 0xabc}. */
    @Override
    public String toString() {
        return String.format("%#018x = %sPML4 %d | PDPT %d | PD %d | PT %d | offset %#x", va,
                pml5 >= 0 ? "PML5 " + pml5 + " | " : "", pml4, pdpt, pd, pt, offset);
    }
}
