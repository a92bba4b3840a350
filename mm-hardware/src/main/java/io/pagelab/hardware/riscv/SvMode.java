package io.pagelab.hardware.riscv;

import io.pagelab.api.error.InvalidArgumentException;

/**
 * A RISC-V page-based virtual-memory scheme with 4 KiB pages and 8-byte PTEs (The RISC-V
 * Instruction Set Manual, Volume II: Privileged Architecture, "Sv39" and "Sv48"; Linux 6.x
 * arch/riscv/include/asm/pgtable-64.h). Each level is a 4 KiB table of 512 PTEs indexed by 9
 * bits of the address; the RISC-V names count levels from the bottom (VPN[0] is the last).
 *
 * <pre>
 *  Sv39: 63 .. 39 | 38 VPN[2] 30 | 29 VPN[1] 21 | 20 VPN[0] 12 | 11 offset 0     satp.MODE 8
 *        = bit 38     1 GiB leaves   2 MiB leaves    4 KiB pages
 *  Sv48: 63 .. 48 | 47 VPN[3] 39 | 38 VPN[2] 30 | 29 VPN[1] 21 | 20 VPN[0] 12 | offset    satp.MODE 9
 *        = bit 47    512 GiB leaves  1 GiB          2 MiB          4 KiB
 *  Linux: Sv39 pgd/pmd/pte (p4d, pud folded); Sv48 pgd/pud/pmd/pte (p4d folded)
 * </pre>
 *
 * Bits above the implemented ones must all equal the top implemented bit, or the access raises
 * a page fault (Linux puts user space below and the kernel above, as on x86-64).
 */
public enum SvMode {
    /** Three levels, 39-bit virtual addresses (512 GiB), the xv6 learners' world. */
    SV39(3, 39, 8),
    /** Four levels, 48-bit virtual addresses (256 TiB). */
    SV48(4, 48, 9);

    /** PTEs per table. */
    public static final int ENTRIES = 512;

    private final int levels;
    private final int virtualAddressBits;
    private final int satpMode;

    SvMode(int levels, int virtualAddressBits, int satpMode) {
        this.levels = levels;
        this.virtualAddressBits = virtualAddressBits;
        this.satpMode = satpMode;
    }

    /** Number of levels: 3 or 4. */
    public int levels() {
        return levels;
    }

    public int virtualAddressBits() {
        return virtualAddressBits;
    }

    /** The satp.MODE value that selects this scheme: 8 or 9. */
    public int satpMode() {
        return satpMode;
    }

    /** The top level's number (VPN index): 2 for Sv39, 3 for Sv48. */
    public int topLevel() {
        return levels - 1;
    }

    /** Lowest address bit of level {@code i}'s index: 12 + 9i. */
    public static int shift(int level) {
        return 12 + 9 * level;
    }

    /** Bytes one PTE at level {@code i} maps: 4 KiB, 2 MiB, 1 GiB, 512 GiB. */
    public static long span(int level) {
        return 1L << shift(level);
    }

    /** VPN[i] of {@code va}. */
    public static int index(long va, int level) {
        return (int) (va >>> shift(level)) & (ENTRIES - 1);
    }

    /** True when bits 63..VA_BITS-1 all equal bit VA_BITS-1. */
    public boolean isCanonical(long va) {
        int unused = 64 - virtualAddressBits;
        return (va << unused) >> unused == va;
    }

    /** The leaf level for a page size: 0 (4 KiB), 1 (2 MiB), 2 (1 GiB). */
    public static int levelForPageSize(long pageSize) {
        for (int level = 0; level <= 2; level++) {
            if (pageSize == span(level)) {
                return level;
            }
        }
        throw new InvalidArgumentException(String.format("page size %#x is not supported: allowed are 0x1000 (4 KiB),"
                + " 0x200000 (2 MiB megapage), 0x40000000 (1 GiB gigapage)", pageSize));
    }

    /** Linux's name for the entries of level {@code i} in this scheme. */
    public String linuxName(int level) {
        if (level == 0) {
            return "pte";
        }
        if (level == 1) {
            return "pmd";
        }
        return level == topLevel() ? "pgd" : "pud";
    }

    /** For example "Sv39". */
    @Override
    public String toString() {
        return this == SV39 ? "Sv39" : "Sv48";
    }
}
