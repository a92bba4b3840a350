package io.pagelab.hardware.mmu;

import io.pagelab.api.error.BadAddressException;
import io.pagelab.api.error.InvalidArgumentException;

/**
 * The CR3 register under 4- and 5-level paging (Intel SDM vol. 3A §4.5, Table 4-12/4-13):
 *
 * <pre>
 *  63        62..52  51 ........... 12  11 ........ 0
 *  NOFLUSH   0       root table (PML4/PML5)  PCID (CR4.PCIDE=1)  or PCD bit 4, PWT bit 3
 *  (only in the value written by MOV to CR3: keep this PCID's TLB entries)
 * </pre>
 *
 * Linux builds these values in arch/x86/mm/tlb.c: build_cr3() and build_cr3_noflush()
 * (CR3_NOFLUSH = bit 63, Linux 6.x).
 */
public final class Cr3 {
    /** Bit 63 of a value written to CR3: do not flush the new PCID's entries (CR4.PCIDE=1 only). */
    public static final long NOFLUSH = 1L << 63;
    /** Bits 11..0: the PCID when CR4.PCIDE=1. */
    public static final long PCID_MASK = 0xfffL;
    /** Bits 51..12: the physical address of the top table. */
    public static final long ROOT_MASK = 0x000ffffffffff000L;
    /** Largest PCID: 4095. */
    public static final int MAX_PCID = 0xfff;

    private Cr3() {
    }

    /** The CR3 value for a root table at {@code rootPa} and a PCID (0 when PCIDs are off). */
    public static long of(long rootPa, int pcid) {
        if ((rootPa & ~ROOT_MASK) != 0) {
            throw BadAddressException.misaligned("page-table root", rootPa, 4096);
        }
        InvalidArgumentException.check(pcid >= 0 && pcid <= MAX_PCID,
                "PCID %s is out of range: a PCID is 12 bits, 0..4095", pcid);
        return rootPa | pcid;
    }

    /** The same value with NOFLUSH set, as build_cr3_noflush() makes it. */
    public static long noFlush(long cr3) {
        return cr3 | NOFLUSH;
    }

    /** Physical address of the top table. */
    public static long root(long cr3) {
        return cr3 & ROOT_MASK;
    }

    /** The PCID field (meaningful with CR4.PCIDE=1). */
    public static int pcid(long cr3) {
        return (int) (cr3 & PCID_MASK);
    }
}
