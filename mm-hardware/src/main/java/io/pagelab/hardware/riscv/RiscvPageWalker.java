package io.pagelab.hardware.riscv;

import static io.pagelab.hardware.riscv.RiscvPte.ACCESSED;
import static io.pagelab.hardware.riscv.RiscvPte.DIRTY;
import static io.pagelab.hardware.riscv.RiscvPte.EXEC;
import static io.pagelab.hardware.riscv.RiscvPte.READ;
import static io.pagelab.hardware.riscv.RiscvPte.USER;
import static io.pagelab.hardware.riscv.RiscvPte.VALID;
import static io.pagelab.hardware.riscv.RiscvPte.WRITE;

import io.pagelab.api.PageTable;
import io.pagelab.api.PhysicalMemory;
import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.api.error.PageFault;
import io.pagelab.hardware.mmu.Access;
import io.pagelab.hardware.riscv.RiscvFault.Reason;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The RISC-V virtual-address translation process (Privileged Architecture, "Virtual Address
 * Translation Process"), reading real PTEs from physical memory; Linux's side of a fault is
 * arch/riscv/mm/fault.c: do_page_fault().
 *
 * <pre>
 *  satp.MODE 0 (Bare): physical = virtual.   8: Sv39.   9: Sv48.
 *  va not sign-extended from its top bit                         -&gt; page fault
 *  a = satp.PPN &lt;&lt; 12; for i = LEVELS-1 .. 0:
 *     pte = mem[a + 8 * VPN[i]]
 *     V = 0                                                      -&gt; page fault
 *     W = 1 with R = 0, or bits 63:54 set                         -&gt; page fault
 *     R = X = 0: pointer; at level 0                              -&gt; page fault; else a = PPN &lt;&lt; 12
 *     leaf: U-mode needs U; S-mode on a U page: loads/stores need SUM, fetches never
 *           load needs R (or X with MXR), store needs W, fetch needs X -&gt; page fault
 *           i &gt; 0 and PPN's low 9i bits not zero (misaligned superpage) -&gt; page fault
 *           A = 0, or D = 0 on a store: Svadu sets them, Svade      -&gt; page fault
 *  scause: 12 instruction, 13 load, 15 store/AMO page fault; stval = va
 * </pre>
 *
 * Differs from hardware: no TLB, no PMP/PMA checks, A/D updates are plain writes.
 */
public final class RiscvPageWalker {
    /** satp bits 43:0, the root table's PPN. */
    public static final long SATP_PPN = (1L << 44) - 1;

    private final PhysicalMemory memory;

    public RiscvPageWalker(PhysicalMemory memory) {
        this.memory = Objects.requireNonNull(memory, "memory");
    }

    /** The scheme satp selects, or null for Bare (MODE 0). */
    static SvMode modeOf(long satp) {
        int m = (int) (satp >>> 60);
        if (m == 0) {
            return null;
        }
        for (SvMode mode : SvMode.values()) {
            if (mode.satpMode() == m) {
                return mode;
            }
        }
        throw new InvalidArgumentException(String.format("satp.MODE %d is not supported: allowed are 0 (Bare), 8 (Sv39),"
                + " 9 (Sv48)", m));
    }

    /**
     * The physical address {@code va} translates to, setting A and D with Svadu.
     *
     * @throws PageFault with the report of {@link RiscvFault#message()}
     */
    public long translate(long satp, long va, Access access, RiscvCpuState cpu) {
        RiscvFault[] fault = new RiscvFault[1];
        long pa = walk(satp, va, access, cpu, null, fault);
        if (fault[0] != null) {
            throw fault[0].toPageFault();
        }
        return pa;
    }

    /** The same walk, written down; a fault is recorded, not thrown. */
    public RiscvWalkTrace trace(long satp, long va, Access access, RiscvCpuState cpu) {
        List<RiscvWalkStep> steps = new ArrayList<>();
        RiscvFault[] fault = new RiscvFault[1];
        long pa = walk(satp, va, access, cpu, steps, fault);
        return new RiscvWalkTrace(va, access, cpu, satp, steps, fault[0] == null ? pa : PageTable.NOT_MAPPED,
                Optional.ofNullable(fault[0]));
    }

    private long walk(long satp, long va, Access access, RiscvCpuState cpu, List<RiscvWalkStep> steps,
            RiscvFault[] fault) {
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(cpu, "cpu");
        SvMode mode = modeOf(satp);
        if (mode == null) {
            return va;
        }
        int scause = access == Access.EXECUTE ? RiscvFault.INSTRUCTION_PAGE_FAULT
                : access == Access.WRITE ? RiscvFault.STORE_PAGE_FAULT : RiscvFault.LOAD_PAGE_FAULT;
        if (!mode.isCanonical(va)) {
            fault[0] = new RiscvFault(va, scause, mode, cpu.userMode(), cpu.sum(), Reason.NOT_CANONICAL, -1);
            return PageTable.NOT_MAPPED;
        }
        long a = (satp & SATP_PPN) << 12;
        for (int level = mode.topLevel(); level >= 0; level--) {
            int index = SvMode.index(va, level);
            long entryPa = a + 8L * index;
            long pte = memory.readLong(entryPa);
            Reason bad = null;
            if ((pte & VALID) == 0) {
                bad = Reason.NOT_VALID;
            } else if (((pte & READ) == 0 && (pte & WRITE) != 0) || (pte & RiscvPte.RESERVED_MASK) != 0) {
                bad = Reason.RESERVED;
            } else if ((pte & (READ | EXEC)) == 0) {
                if (level == 0) {
                    bad = Reason.RESERVED;
                } else {
                    record(steps, level, index, entryPa, pte, pte);
                    a = RiscvPte.pfn(pte) << 12;
                    continue;
                }
            } else if (!allowed(pte, access, cpu)) {
                bad = Reason.PERMISSION;
            } else if (level > 0 && (RiscvPte.pfn(pte) & ((1L << (9 * level)) - 1)) != 0) {
                bad = Reason.MISALIGNED_SUPERPAGE;
            } else if (((pte & ACCESSED) == 0 || (access == Access.WRITE && (pte & DIRTY) == 0))
                    && !cpu.hardwareAccessDirty()) {
                bad = Reason.ACCESSED_DIRTY;
            }
            if (bad != null) {
                record(steps, level, index, entryPa, pte, pte);
                fault[0] = new RiscvFault(va, scause, mode, cpu.userMode(), cpu.sum(), bad, level);
                return PageTable.NOT_MAPPED;
            }
            long after = pte | ACCESSED | (access == Access.WRITE ? DIRTY : 0);
            if (after != pte) {
                memory.writeLong(entryPa, after);
            }
            record(steps, level, index, entryPa, pte, after);
            return (RiscvPte.pfn(pte) << 12) | (va & (SvMode.span(level) - 1));
        }
        throw new AssertionError("a walk always ends at a leaf or a fault");
    }

    /** The leaf permission check of the privileged spec. */
    private static boolean allowed(long pte, Access access, RiscvCpuState cpu) {
        boolean userPage = (pte & USER) != 0;
        if (cpu.userMode() ? !userPage : userPage && (access == Access.EXECUTE || !cpu.sum())) {
            return false;
        }
        switch (access) {
            case READ:
                return (pte & READ) != 0 || (cpu.mxr() && (pte & EXEC) != 0);
            case WRITE:
                return (pte & WRITE) != 0;
            default:
                return (pte & EXEC) != 0;
        }
    }

    private static void record(List<RiscvWalkStep> steps, int level, int index, long entryPa, long pte, long after) {
        if (steps != null) {
            steps.add(new RiscvWalkStep(level, index, entryPa, pte, after));
        }
    }
}
