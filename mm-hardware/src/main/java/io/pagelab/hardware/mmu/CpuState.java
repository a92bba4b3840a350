package io.pagelab.hardware.mmu;

import io.pagelab.api.error.InvalidArgumentException;

/**
 * The registers and CPU capabilities that decide how a linear address is translated and checked:
 * CR0, CR4, EFER, RFLAGS, the current privilege level, PKRU and MAXPHYADDR. Bit positions are those
 * of the Intel SDM and arch/x86/include/uapi/asm/processor-flags.h (Linux 6.x; linux-reference.md
 * §14.4):
 *
 * <pre>
 *  CR0    bit 16 WP     supervisor writes honour R/W         bit 31 PG  paging on
 *  CR4    bit 5  PAE    bit 7 PGE (global pages)             bit 12 LA57 (5-level paging)
 *         bit 17 PCIDE  bit 20 SMEP   bit 21 SMAP            bit 22 PKE (protection keys)
 *  EFER   bit 11 NXE    no-execute bit enabled (otherwise bit 63 of an entry is reserved)
 *  RFLAGS bit 18 AC     with SMAP: supervisor may touch user pages (stac/clac)
 *  CPL    0 kernel .. 3 user                PKRU   2 bits per key: AD (bit 2k), WD (bit 2k+1)
 *  MAXPHYADDR  physical-address width from CPUID 0x80000008 (entry bits above it are reserved)
 * </pre>
 *
 * An immutable value: a mode switch or a {@code stac} is a new CpuState. Differs from hardware:
 * CR4.PKS (supervisor protection keys) and CET shadow stacks are not modelled.
 *
 * @param cr0 control register 0
 * @param cr4 control register 4
 * @param efer the IA32_EFER MSR
 * @param rflags the flags register
 * @param cpl current privilege level, 0..3 (3 = user mode)
 * @param pkru the protection-key rights register
 * @param maxPhyAddr physical-address bits the CPU implements, 32..52
 */
public record CpuState(long cr0, long cr4, long efer, long rflags, int cpl, int pkru, int maxPhyAddr) {
    /** CR0.WP, bit 16. */
    public static final long CR0_WP = 1L << 16;
    /** CR0.PG, bit 31. */
    public static final long CR0_PG = 1L << 31;
    /** CR0.PE, bit 0. */
    public static final long CR0_PE = 1L;
    /** CR4.PAE, bit 5. */
    public static final long CR4_PAE = 1L << 5;
    /** CR4.PGE, bit 7. */
    public static final long CR4_PGE = 1L << 7;
    /** CR4.LA57, bit 12. */
    public static final long CR4_LA57 = 1L << 12;
    /** CR4.PCIDE, bit 17. */
    public static final long CR4_PCIDE = 1L << 17;
    /** CR4.SMEP, bit 20. */
    public static final long CR4_SMEP = 1L << 20;
    /** CR4.SMAP, bit 21. */
    public static final long CR4_SMAP = 1L << 21;
    /** CR4.PKE, bit 22. */
    public static final long CR4_PKE = 1L << 22;
    /** EFER.LME, bit 8. */
    public static final long EFER_LME = 1L << 8;
    /** EFER.LMA, bit 10. */
    public static final long EFER_LMA = 1L << 10;
    /** EFER.NXE, bit 11. */
    public static final long EFER_NXE = 1L << 11;
    /** RFLAGS.AC, bit 18. */
    public static final long RFLAGS_AC = 1L << 18;
    /** Linux's init_pkru_value (arch/x86/mm/pkeys.c): key 0 open, keys 1..15 access-disabled. */
    public static final int LINUX_INIT_PKRU = 0x55555554;
    /** A common MAXPHYADDR ("address sizes : 46 bits physical" on Intel Xeons). */
    public static final int DEFAULT_MAX_PHY_ADDR = 46;

    public CpuState {
        InvalidArgumentException.check(cpl >= 0 && cpl <= 3, "CPL %s is out of range: privilege levels are 0..3", cpl);
        InvalidArgumentException.check(maxPhyAddr >= 32 && maxPhyAddr <= 52,
                "MAXPHYADDR %s is out of range: x86-64 CPUs implement 32..52 physical-address bits", maxPhyAddr);
    }

    /**
     * A CPU as a Linux 6.x x86-64 kernel leaves it on a modern Intel part, in kernel mode: CR0.WP,
     * CR4.PGE/PCIDE/SMEP/SMAP/PKE (and LA57 for 5-level paging), EFER.NXE, RFLAGS.AC clear,
     * PKRU {@link #LINUX_INIT_PKRU}, MAXPHYADDR 46.
     */
    public static CpuState linux(PagingMode mode) {
        long cr4 = CR4_PAE | CR4_PGE | CR4_PCIDE | CR4_SMEP | CR4_SMAP | CR4_PKE
                | (mode == PagingMode.FIVE_LEVEL ? CR4_LA57 : 0);
        return new CpuState(CR0_PE | CR0_WP | CR0_PG, cr4, EFER_LME | EFER_LMA | EFER_NXE, 0x2, 0,
                LINUX_INIT_PKRU, DEFAULT_MAX_PHY_ADDR);
    }

    /** The 4-level {@link #linux(PagingMode)} CPU. */
    public static CpuState linux() {
        return linux(PagingMode.FOUR_LEVEL);
    }

    /**
     * A CPU with paging and NX but none of the newer protections (no SMEP, SMAP, PKE, PCIDs, global
     * pages), CR0.WP set, kernel mode: the baseline each rule's test switches one feature on from.
     */
    public static CpuState plain(PagingMode mode) {
        return new CpuState(CR0_PE | CR0_WP | CR0_PG, CR4_PAE | (mode == PagingMode.FIVE_LEVEL ? CR4_LA57 : 0),
                EFER_LME | EFER_LMA | EFER_NXE, 0x2, 0, 0, DEFAULT_MAX_PHY_ADDR);
    }

    public boolean wp() {
        return (cr0 & CR0_WP) != 0;
    }

    public boolean pge() {
        return (cr4 & CR4_PGE) != 0;
    }

    public boolean la57() {
        return (cr4 & CR4_LA57) != 0;
    }

    public boolean pcide() {
        return (cr4 & CR4_PCIDE) != 0;
    }

    public boolean smep() {
        return (cr4 & CR4_SMEP) != 0;
    }

    public boolean smap() {
        return (cr4 & CR4_SMAP) != 0;
    }

    public boolean pke() {
        return (cr4 & CR4_PKE) != 0;
    }

    public boolean nxe() {
        return (efer & EFER_NXE) != 0;
    }

    public boolean ac() {
        return (rflags & RFLAGS_AC) != 0;
    }

    /** CPL 3. */
    public boolean userMode() {
        return cpl == 3;
    }

    /** 4- or 5-level paging, from CR4.LA57. */
    public PagingMode pagingMode() {
        return la57() ? PagingMode.FIVE_LEVEL : PagingMode.FOUR_LEVEL;
    }

    /** Entry bits MAXPHYADDR..51, which must be zero in a present entry. */
    public long reservedPhysicalBits() {
        return ((1L << 52) - 1) & ~((1L << maxPhyAddr) - 1);
    }

    /** Access-disable bit of protection key {@code key} in PKRU. */
    public boolean accessDisabled(int key) {
        return (pkru >>> (2 * key) & 1) != 0;
    }

    /** Write-disable bit of protection key {@code key} in PKRU. */
    public boolean writeDisabled(int key) {
        return (pkru >>> (2 * key + 1) & 1) != 0;
    }

    /** This state at CPL 3. */
    public CpuState user() {
        return withCpl(3);
    }

    /** This state at CPL 0. */
    public CpuState kernel() {
        return withCpl(0);
    }

    public CpuState withCpl(int newCpl) {
        return new CpuState(cr0, cr4, efer, rflags, newCpl, pkru, maxPhyAddr);
    }

    /** {@code stac} (true) or {@code clac} (false). */
    public CpuState withAc(boolean on) {
        return new CpuState(cr0, cr4, efer, set(rflags, RFLAGS_AC, on), cpl, pkru, maxPhyAddr);
    }

    public CpuState withWp(boolean on) {
        return new CpuState(set(cr0, CR0_WP, on), cr4, efer, rflags, cpl, pkru, maxPhyAddr);
    }

    public CpuState withNxe(boolean on) {
        return new CpuState(cr0, cr4, set(efer, EFER_NXE, on), rflags, cpl, pkru, maxPhyAddr);
    }

    /** This state with one CR4 bit ({@link #CR4_SMEP}, {@link #CR4_PCIDE}...) set or cleared. */
    public CpuState withCr4(long bit, boolean on) {
        return new CpuState(cr0, set(cr4, bit, on), efer, rflags, cpl, pkru, maxPhyAddr);
    }

    public CpuState withPkru(int newPkru) {
        return new CpuState(cr0, cr4, efer, rflags, cpl, newPkru, maxPhyAddr);
    }

    public CpuState withMaxPhyAddr(int bits) {
        return new CpuState(cr0, cr4, efer, rflags, cpl, pkru, bits);
    }

    private static long set(long reg, long bit, boolean on) {
        return on ? reg | bit : reg & ~bit;
    }

    /** For example {@code "CPL 3 CR0.WP CR4[PGE PCIDE SMEP SMAP PKE] EFER.NXE"}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("CPL ").append(cpl);
        if (wp()) {
            sb.append(" CR0.WP");
        }
        sb.append(" CR4[");
        String sep = "";
        long[] bits = {CR4_PGE, CR4_LA57, CR4_PCIDE, CR4_SMEP, CR4_SMAP, CR4_PKE};
        String[] names = {"PGE", "LA57", "PCIDE", "SMEP", "SMAP", "PKE"};
        for (int i = 0; i < bits.length; i++) {
            if ((cr4 & bits[i]) != 0) {
                sb.append(sep).append(names[i]);
                sep = " ";
            }
        }
        sb.append(']');
        if (nxe()) {
            sb.append(" EFER.NXE");
        }
        if (ac()) {
            sb.append(" RFLAGS.AC");
        }
        return sb.append(String.format(" PKRU %#x MAXPHYADDR %d", pkru, maxPhyAddr)).toString();
    }
}
