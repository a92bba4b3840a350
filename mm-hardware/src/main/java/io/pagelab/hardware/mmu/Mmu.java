package io.pagelab.hardware.mmu;

import io.pagelab.api.PhysicalMemory;
import io.pagelab.api.error.GeneralProtectionFault;
import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.hardware.tlb.Tlb;
import io.pagelab.hardware.tlb.TlbConfig;
import io.pagelab.hardware.tlb.Translation;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One CPU's address translation: CR3, the {@link CpuState}, a {@link Tlb} and the
 * {@link PageWalker}. Every access goes
 *
 * <pre>
 *  va --canonical?--no--&gt; #GP
 *     --TLB lookup(va, PCID)--hit, rights allow (and D already set for a write)--&gt; pa
 *     --miss, or hit that must be re-checked--&gt; page walk (may #PF) --&gt; fill TLB --&gt; pa
 * </pre>
 *
 * and the instructions that keep the TLB coherent behave as in the Intel SDM vol. 3A §4.10.4:
 *
 * <pre>
 *  MOV to CR3, CR4.PCIDE=0       drop all non-global entries
 *  MOV to CR3, PCIDE=1, bit 63=0 drop the new PCID's non-global entries
 *  MOV to CR3, PCIDE=1, bit 63=1 keep everything (Linux: build_cr3_noflush())
 *  MOV to CR4 changing PGE, or PCIDE 1-&gt;0: drop everything; setting SMEP: drop the current PCID
 *  INVLPG va                     drop va's entries of the current PCID and global ones
 *  INVPCID type 0/1/2/3          address in PCID / whole PCID / all incl. global / all but global
 * </pre>
 *
 * Linux's side is arch/x86/mm/tlb.c (switch_mm_irqs_off(), flush_tlb_one_user(),
 * invalidate_user_asid()), Linux 6.x. Differs from hardware: a TLB hit whose rights deny the access,
 * or a write through an entry whose D bit is clear, drops the entry and walks again, which is what
 * the SDM requires in effect (a fault invalidates the address; D is set in memory) without modelling
 * micro-architectural detail. Not thread-safe: one Mmu per simulated CPU.
 */
public final class Mmu {
    private static final Logger log = LoggerFactory.getLogger(Mmu.class);

    /** INVPCID invalidation types (SDM vol. 2, INVPCID). */
    public enum InvpcidType {
        /** Type 0: one address in one PCID, global entries kept. */
        INDIVIDUAL_ADDRESS,
        /** Type 1: every non-global entry of one PCID. */
        SINGLE_CONTEXT,
        /** Type 2: everything, global entries included. */
        ALL_CONTEXTS_INCLUDING_GLOBAL,
        /** Type 3: every non-global entry of every PCID. */
        ALL_CONTEXTS
    }

    private final PhysicalMemory memory;
    private final PageWalker walker;
    private final Tlb tlb;
    private CpuState cpu;
    private long cr3;
    private int pcid;
    private long walks;

    /** A CPU over {@code memory} with a TLB of this shape, CR3 zero until {@link #loadCr3}. */
    public Mmu(PhysicalMemory memory, TlbConfig tlbConfig, CpuState cpu) {
        this.memory = Objects.requireNonNull(memory, "memory");
        this.walker = new PageWalker(memory);
        this.tlb = new Tlb(tlbConfig);
        this.cpu = Objects.requireNonNull(cpu, "cpu");
    }

    /** A CPU as Linux sets it up ({@link CpuState#linux()}) with Skylake-shaped TLBs. */
    public static Mmu linux(PhysicalMemory memory) {
        return new Mmu(memory, TlbConfig.skylake(), CpuState.linux());
    }

    // ---- the hot path ----

    /**
     * The physical address of {@code va} for this access: from the TLB when it holds a usable
     * translation, else by a page walk whose result is cached.
     *
     * @throws GeneralProtectionFault for a non-canonical address
     * @throws io.pagelab.api.error.PageFault when the walk faults
     */
    public long translate(long va, Access access) {
        CpuState c = cpu;
        int unused = c.la57() ? 7 : 16;
        if ((va << unused) >> unused != va) {
            throw c.pagingMode().nonCanonicalFault(va); // before the TLB: #GP, never #PF
        }
        long t = tlb.lookup(va, pcid);
        if (t != 0) {
            if (AccessRights.faultCode(t, access, c) == 0 && (access != Access.WRITE || (t & Translation.DIRTY) != 0)) {
                return Translation.physicalAddress(t, va);
            }
            tlb.invalidatePage(va, pcid, true);
        }
        walks++;
        t = walker.walk(cr3, va, access, c);
        tlb.fill(va, pcid, t);
        return Translation.physicalAddress(t, va);
    }

    /** Reads 8 bytes at a linear address (two translations when they straddle a page boundary). */
    public long readLong(long va) {
        if ((va & 0xfff) <= 0xff8) {
            return memory.readLong(translate(va, Access.READ));
        }
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (memory.readByte(translate(va + i, Access.READ)) & 0xff);
        }
        return v;
    }

    /** Writes 8 bytes at a linear address; both pages are checked before anything is written. */
    public void writeLong(long va, long value) {
        if ((va & 0xfff) <= 0xff8) {
            memory.writeLong(translate(va, Access.WRITE), value);
            return;
        }
        long[] pa = new long[8];
        for (int i = 0; i < 8; i++) {
            pa[i] = translate(va + i, Access.WRITE);
        }
        for (int i = 0; i < 8; i++) {
            memory.writeByte(pa[i], (int) (value >>> (8 * i)));
        }
    }

    /** The page walk the CPU would do now, written down (TLB neither read nor filled). */
    public WalkTrace trace(long va, Access access) {
        return walker.trace(cr3, va, access, cpu);
    }

    // ---- registers ----

    public CpuState cpu() {
        return cpu;
    }

    /**
     * MOV to CR0/CR4/EFER and mode changes: installs {@code next}, flushing as the SDM says for the
     * CR4 bits that changed (see the class table).
     *
     * @throws GeneralProtectionFault when CR4.LA57 would change while paging is on
     */
    public void setCpu(CpuState next) {
        Objects.requireNonNull(next, "next");
        if (next.la57() != cpu.la57()) {
            throw new GeneralProtectionFault(0, 0, "general protection fault: CR4.LA57 cannot change while paging is on"
                    + " (4- or 5-level paging is chosen before paging is enabled, at boot)");
        }
        if (next.pge() != cpu.pge() || (cpu.pcide() && !next.pcide())) {
            tlb.flushAll();
        } else if (next.smep() && !cpu.smep()) {
            tlb.flushPcid(pcid);
        }
        cpu = next;
        pcid = next.pcide() ? Cr3.pcid(cr3) : 0;
    }

    public long cr3() {
        return cr3;
    }

    /** The PCID in use: CR3 bits 11..0 with CR4.PCIDE, else 0. */
    public int currentPcid() {
        return pcid;
    }

    /**
     * MOV to CR3: switches to the tables at {@code value}'s root and flushes as the SDM says; bit 63
     * (NOFLUSH) is not stored.
     *
     * @throws GeneralProtectionFault for bit 63 without CR4.PCIDE, or bits set between MAXPHYADDR and 62
     */
    public void loadCr3(long value) {
        boolean noFlush = (value & Cr3.NOFLUSH) != 0;
        long reserved = (value & ~Cr3.NOFLUSH) & ~((1L << cpu.maxPhyAddr()) - 1);
        if (reserved != 0 || (noFlush && !cpu.pcide())) {
            throw new GeneralProtectionFault(value, 0, String.format(
                    "general protection fault: MOV to CR3 of %#x sets reserved bits %#x: bits %d..62 must be 0,"
                            + " and bit 63 (no flush) needs CR4.PCIDE", value,
                    reserved | (noFlush && !cpu.pcide() ? Cr3.NOFLUSH : 0), cpu.maxPhyAddr()));
        }
        cr3 = value & ~Cr3.NOFLUSH;
        if (!cpu.pcide()) {
            pcid = 0;
            tlb.flushNonGlobal();
        } else {
            pcid = Cr3.pcid(cr3);
            if (!noFlush) {
                tlb.flushPcid(pcid);
            }
        }
        if (log.isDebugEnabled()) {
            log.debug("CR3 <- {} (PCID {}, {})", Long.toHexString(value), pcid, noFlush ? "no flush" : "flush");
        }
    }

    // ---- TLB maintenance instructions ----

    /** INVLPG: forgets {@code va} in the current PCID, and its global entries. */
    public void invlpg(long va) {
        tlb.invalidatePage(va, pcid, true);
    }

    /**
     * INVPCID.
     *
     * @param va used by {@link InvpcidType#INDIVIDUAL_ADDRESS} only
     * @throws GeneralProtectionFault without CR4.PCIDE for a non-zero PCID in types 0 and 1, as the SDM says
     */
    public void invpcid(InvpcidType type, int targetPcid, long va) {
        Objects.requireNonNull(type, "type");
        InvalidArgumentException.check(targetPcid >= 0 && targetPcid <= Cr3.MAX_PCID,
                "PCID %s is out of range: a PCID is 12 bits, 0..4095", targetPcid);
        if (!cpu.pcide() && targetPcid != 0
                && (type == InvpcidType.INDIVIDUAL_ADDRESS || type == InvpcidType.SINGLE_CONTEXT)) {
            throw new GeneralProtectionFault(va, 0, String.format(
                    "general protection fault: INVPCID of PCID %d with CR4.PCIDE=0: only PCID 0 exists", targetPcid));
        }
        switch (type) {
            case INDIVIDUAL_ADDRESS:
                tlb.invalidatePage(va, targetPcid, false);
                break;
            case SINGLE_CONTEXT:
                tlb.flushPcid(targetPcid);
                break;
            case ALL_CONTEXTS_INCLUDING_GLOBAL:
                tlb.flushAll();
                break;
            default:
                tlb.flushNonGlobal();
                break;
        }
    }

    /** Drops every TLB entry, global ones included (Linux's __flush_tlb_all()). */
    public void flushAll() {
        tlb.flushAll();
    }

    // ---- what a lesson shows ----

    public Tlb tlb() {
        return tlb;
    }

    public PageWalker walker() {
        return walker;
    }

    /** Page walks done by {@link #translate} (misses, re-checks and dirty-bit updates). */
    public long walks() {
        return walks;
    }

    @Override
    public String toString() {
        return String.format("Mmu[CR3 %#x, PCID %d, %s, %d walks, %s]", cr3, pcid, cpu, walks, tlb);
    }
}
