package io.pagelab.questions.q17;

import io.pagelab.api.PhysicalMemory;
import io.pagelab.api.error.GeneralProtectionFault;
import io.pagelab.api.error.PageFault;
import io.pagelab.hardware.mmu.Access;

/**
 * Q17 用户态进程虚拟内存与物理内存的关系如何？ How do a process's virtual addresses relate to
 * physical memory? (reference solution)
 *
 * <p>A plain 4-level walk: four shifts (39, 30, 21, 12), a leaf at the PDPTE or PDE when PS is
 * set, rights ANDed (U/S, R/W) or ORed (NX) over the levels.
 */
public final class UserTranslation {
    private static final long P = 1L;
    private static final long RW = 1L << 1;
    private static final long US = 1L << 2;
    private static final long PS = 1L << 7;
    private static final long NX = 1L << 63;
    private static final long ADDR = 0x000ffffffffff000L;
    private static final int[] SHIFTS = {39, 30, 21, 12};

    private UserTranslation() {
    }

    public static long translate(PhysicalMemory memory, long cr3, long va, Access access) {
        if ((va << 16) >> 16 != va) {
            throw GeneralProtectionFault.nonCanonical(va, 48);
        }
        int bits = PageFault.PF_USER | (access == Access.WRITE ? PageFault.PF_WRITE : 0)
                | (access == Access.EXECUTE ? PageFault.PF_INSTR : 0);
        long table = cr3 & ADDR;
        boolean writable = true;
        boolean user = true;
        boolean nx = false;
        for (int level = 0; level < 4; level++) {
            int shift = SHIFTS[level];
            long e = memory.readLong(table + 8 * ((va >>> shift) & 511));
            if ((e & P) == 0) {
                throw new PageFault(va, bits, true);
            }
            writable &= (e & RW) != 0;
            user &= (e & US) != 0;
            nx |= (e & NX) != 0;
            boolean leaf = level == 3 || ((level == 1 || level == 2) && (e & PS) != 0);
            if (leaf) {
                boolean denied = !user || (access == Access.WRITE && !writable) || (access == Access.EXECUTE && nx);
                if (denied) {
                    throw new PageFault(va, PageFault.PF_PROT | bits, true);
                }
                long pageMask = (1L << shift) - 1;
                return (e & ADDR & ~pageMask) | (va & pageMask);
            }
            table = e & ADDR;
        }
        throw new AssertionError("the PTE level always ends the walk");
    }
}
