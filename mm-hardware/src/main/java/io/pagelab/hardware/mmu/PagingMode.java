package io.pagelab.hardware.mmu;

import io.pagelab.api.error.BadAddressException;
import io.pagelab.api.error.GeneralProtectionFault;
import java.util.List;

/**
 * 4-level (48-bit linear addresses) or 5-level (LA57, 57-bit) paging, with the canonical-address
 * rule of Documentation/arch/x86/x86_64/mm.rst (Linux 6.x): "Bits 63 through to the
 * most-significant implemented bit are sign extended" (linux-reference.md §1.2).
 *
 * <pre>
 *  4-level  bits 63..47 all equal bit 47  user 0x0000000000000000-0x00007fffffffffff
 *                                          kernel 0xffff800000000000-0xffffffffffffffff
 *  5-level  bits 63..56 all equal bit 56  user 0x0000000000000000-0x00ffffffffffffff
 *                                          kernel 0xff00000000000000-0xffffffffffffffff
 * </pre>
 */
public enum PagingMode {
    /** 4-level paging: PML4, PDPT, PD, PT; 48-bit linear addresses. */
    FOUR_LEVEL(48, List.of(PagingLevel.PML4, PagingLevel.PDPT, PagingLevel.PD, PagingLevel.PT)),
    /** 5-level paging (CR4.LA57): PML5, PML4, PDPT, PD, PT; 57-bit linear addresses. */
    FIVE_LEVEL(57, List.of(PagingLevel.PML5, PagingLevel.PML4, PagingLevel.PDPT, PagingLevel.PD, PagingLevel.PT));

    private final int virtualAddressBits;
    private final List<PagingLevel> levels;

    PagingMode(int virtualAddressBits, List<PagingLevel> levels) {
        this.virtualAddressBits = virtualAddressBits;
        this.levels = levels;
    }

    /** Implemented linear-address bits: 48 or 57 ({@code __VIRTUAL_MASK_SHIFT + 1}). */
    public int virtualAddressBits() {
        return virtualAddressBits;
    }

    /** The levels a walk visits, top first. */
    public List<PagingLevel> levels() {
        return levels;
    }

    /** The top level, whose table CR3 points to. */
    public PagingLevel top() {
        return levels.get(0);
    }

    /** True when bits 63..(bits-1) of {@code va} are all copies of bit (bits-1). */
    public boolean isCanonical(long va) {
        int unused = 64 - virtualAddressBits;
        return (va << unused) >> unused == va;
    }

    /** Highest user (lower-half) address: 0x00007fffffffffff or 0x00ffffffffffffff. */
    public long userEnd() {
        return (1L << (virtualAddressBits - 1)) - 1;
    }

    /** Lowest kernel (upper-half) address: 0xffff800000000000 or 0xff00000000000000. */
    public long kernelStart() {
        return -1L << (virtualAddressBits - 1);
    }

    /** The #GP a CPU in this mode raises for a non-canonical access. */
    GeneralProtectionFault nonCanonicalFault(long va) {
        return GeneralProtectionFault.nonCanonical(va, virtualAddressBits);
    }

    /** A BadAddressException for an API call given a non-canonical address. */
    BadAddressException nonCanonical(String what, long va) {
        int top = virtualAddressBits - 1;
        return new BadAddressException(va, String.format(
                "%s %#x is not canonical for %s paging: bits 63..%d must all equal bit %d"
                        + " (user %#018x-%#018x, kernel %#018x-%#018x)",
                what, va, this == FOUR_LEVEL ? "4-level" : "5-level", top, top, 0L, userEnd(), kernelStart(), -1L));
    }
}
