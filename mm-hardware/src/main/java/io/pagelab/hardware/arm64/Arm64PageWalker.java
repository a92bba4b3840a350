package io.pagelab.hardware.arm64;

import static io.pagelab.hardware.arm64.Arm64Descriptor.ADDRESS_MASK;
import static io.pagelab.hardware.arm64.Arm64Descriptor.AF;
import static io.pagelab.hardware.arm64.Arm64Descriptor.AP_TABLE_NO_EL0;
import static io.pagelab.hardware.arm64.Arm64Descriptor.AP_TABLE_RDONLY;
import static io.pagelab.hardware.arm64.Arm64Descriptor.DBM;
import static io.pagelab.hardware.arm64.Arm64Descriptor.PXN;
import static io.pagelab.hardware.arm64.Arm64Descriptor.PXN_TABLE;
import static io.pagelab.hardware.arm64.Arm64Descriptor.RDONLY;
import static io.pagelab.hardware.arm64.Arm64Descriptor.TYPE_BIT;
import static io.pagelab.hardware.arm64.Arm64Descriptor.USER;
import static io.pagelab.hardware.arm64.Arm64Descriptor.UXN;
import static io.pagelab.hardware.arm64.Arm64Descriptor.UXN_TABLE;
import static io.pagelab.hardware.arm64.Arm64Descriptor.VALID;

import io.pagelab.api.PageTable;
import io.pagelab.api.PhysicalMemory;
import io.pagelab.api.error.PageFault;
import io.pagelab.hardware.mmu.Access;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The hardware walk of an arm64 stage-1 translation (EL1&amp;0 regime, 4 KiB granule, 48-bit VAs;
 * ARM DDI 0487 "The AArch64 Virtual Memory System Architecture"), reading real descriptors from
 * physical memory. Linux's side of a fault is arch/arm64/mm/fault.c: do_mem_abort(); the walk is
 * the CPU's.
 *
 * <pre>
 *  bits 63..48 == bit 55 (top byte ignored for TTBR0 with TBI0)?  no -&gt; level 0 translation fault
 *  table = (bit 55 ? TTBR1 : TTBR0)[47:12]
 *  for level 0..3:
 *     d = mem[table + 8 * index(va)]
 *     valid == 0, a block at level 0, or 01 at level 3       -&gt; level N translation fault
 *     address bits at or above TCR_EL1.IPS                   -&gt; level N address size fault
 *     table (11 at levels 0-2): collect APTable, UXNTable, PXNTable; table = d[47:12]
 *     leaf: AF == 0 and not TCR_EL1.HA                       -&gt; level N access flag fault
 *           rights (below) deny the access                   -&gt; level N permission fault
 *           set AF (HA); on a write through DBM clear AP[2] (HD); done
 *
 *  rights      EL0 (user)                          EL1 (kernel)
 *  read        AP[1]                               always, but not AP[1] pages with PSTATE.PAN
 *  write       AP[1], and AP[2] clear (or DBM+HD)  AP[2] clear (or DBM+HD); PAN as for read
 *  execute     UXN and UXNTable clear              PXN and PXNTable clear, and not EL0-writable
 *  APTable[0] removes EL0 access below a table, APTable[1] write access.
 * </pre>
 *
 * Differs from hardware: no TLB and no walk caches here (the TLB lives in hardware.tlb); AF is set
 * only for an access that completes (hardware may set it before a permission fault); the
 * descriptor updates are plain writes, not atomic.
 */
public final class Arm64PageWalker {
    private static final Arm64Level[] LEVELS = Arm64Level.values();
    // what a leaf allows, as bits (see rights())
    private static final int EL0_READ = 1;
    private static final int EL0_WRITE = 1 << 1;
    private static final int EL0_EXEC = 1 << 2;
    private static final int EL1_READ = 1 << 3;
    private static final int EL1_WRITE = 1 << 4;
    private static final int EL1_EXEC = 1 << 5;
    /** The write is allowed only through DBM: the CPU clears AP[2] (hardware dirty). */
    private static final int DIRTY_ON_WRITE = 1 << 6;

    private final PhysicalMemory memory;

    public Arm64PageWalker(PhysicalMemory memory) {
        this.memory = Objects.requireNonNull(memory, "memory");
    }

    /**
     * The physical address {@code va} translates to for this access, setting AF and clearing AP[2]
     * like the CPU.
     *
     * @param ttbr0 TTBR0_EL1 (user half; the ASID in bits 63:48 is ignored)
     * @param ttbr1 TTBR1_EL1 (kernel half)
     * @throws PageFault with the arm64 report as message (see {@link Arm64Fault})
     */
    public long translate(long ttbr0, long ttbr1, long va, Access access, Arm64CpuState cpu) {
        Arm64Fault[] fault = new Arm64Fault[1];
        long pa = walk(ttbr0, ttbr1, va, access, cpu, null, fault);
        if (fault[0] != null) {
            throw fault[0].toPageFault();
        }
        return pa;
    }

    /** The same walk on both halves of {@code table}, with ASID 0. */
    public long translate(Arm64PageTable table, long va, Access access, Arm64CpuState cpu) {
        return translate(table.ttbr0(0), table.ttbr1(), va, access, cpu);
    }

    /** The same walk, written down; a fault is recorded in the trace, not thrown. */
    public Arm64WalkTrace trace(long ttbr0, long ttbr1, long va, Access access, Arm64CpuState cpu) {
        List<Arm64WalkStep> steps = new ArrayList<>();
        Arm64Fault[] fault = new Arm64Fault[1];
        long pa = walk(ttbr0, ttbr1, va, access, cpu, steps, fault);
        long ttbr = Arm64VirtualAddress.selectsTtbr1(va) ? ttbr1 : ttbr0;
        return new Arm64WalkTrace(va, access, cpu, ttbr, steps, fault[0] == null ? pa : PageTable.NOT_MAPPED,
                Optional.ofNullable(fault[0]));
    }

    /** The walk; on a fault, {@code fault[0]} is set and the result is {@link PageTable#NOT_MAPPED}. */
    private long walk(long ttbr0, long ttbr1, long va, Access access, Arm64CpuState cpu, List<Arm64WalkStep> steps,
            Arm64Fault[] fault) {
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(cpu, "cpu");
        boolean instruction = access == Access.EXECUTE;
        boolean write = access == Access.WRITE;
        boolean el0 = cpu.el0();
        if (!Arm64VirtualAddress.isInRange(va, cpu.topByteIgnore0())) {
            fault[0] = Arm64Fault.of(va, Esr.FSC_TRANSLATION, 0, instruction, write, el0);
            return PageTable.NOT_MAPPED;
        }
        long beyondPa = ADDRESS_MASK & ~((1L << cpu.physicalAddressBits()) - 1);
        long table = (Arm64VirtualAddress.selectsTtbr1(va) ? ttbr1 : ttbr0) & ADDRESS_MASK;
        long tableAttrs = 0;
        for (Arm64Level level : LEVELS) {
            int index = level.index(va);
            long entryPa = table + 8L * index;
            long d = memory.readLong(entryPa);
            int n = level.number();
            boolean isTable = !level.isLast() && (d & TYPE_BIT) != 0;
            if ((d & VALID) == 0 || (level == Arm64Level.LEVEL0 && !isTable)
                    || (level.isLast() && (d & TYPE_BIT) == 0)) {
                record(steps, level, index, entryPa, d, d);
                fault[0] = Arm64Fault.of(va, Esr.FSC_TRANSLATION, n, instruction, write, el0);
                return PageTable.NOT_MAPPED;
            }
            long mask = isTable ? ADDRESS_MASK : Arm64Descriptor.addressMask(level);
            if ((d & mask & beyondPa) != 0) {
                record(steps, level, index, entryPa, d, d);
                fault[0] = Arm64Fault.of(va, Esr.FSC_ADDRESS_SIZE, n, instruction, write, el0);
                return PageTable.NOT_MAPPED;
            }
            if (isTable) {
                tableAttrs |= d & (AP_TABLE_NO_EL0 | AP_TABLE_RDONLY | UXN_TABLE | PXN_TABLE);
                record(steps, level, index, entryPa, d, d);
                table = d & ADDRESS_MASK;
                continue;
            }
            if ((d & AF) == 0 && !cpu.hardwareAccessFlag()) {
                record(steps, level, index, entryPa, d, d);
                fault[0] = Arm64Fault.of(va, Esr.FSC_ACCESS_FLAG, n, instruction, write, el0);
                return PageTable.NOT_MAPPED;
            }
            int rights = rights(d, tableAttrs, cpu);
            if (!allows(rights, access, el0)) {
                record(steps, level, index, entryPa, d, d);
                fault[0] = Arm64Fault.of(va, Esr.FSC_PERMISSION, n, instruction, write, el0);
                return PageTable.NOT_MAPPED;
            }
            long after = d | AF;
            if (write && (rights & DIRTY_ON_WRITE) != 0) {
                after &= ~RDONLY;
            }
            if (after != d) {
                memory.writeLong(entryPa, after);
            }
            record(steps, level, index, entryPa, d, after);
            return (d & mask) | (va & (level.entrySpan() - 1));
        }
        throw new AssertionError("a walk always ends at a leaf or a fault");
    }

    /** What the leaf {@code d} under tables with {@code tableAttrs} allows, as the bits above. */
    private static int rights(long d, long tableAttrs, Arm64CpuState cpu) {
        boolean el0Access = (d & USER) != 0 && (tableAttrs & AP_TABLE_NO_EL0) == 0;
        boolean tableReadOnly = (tableAttrs & AP_TABLE_RDONLY) != 0;
        boolean readOnly = (d & RDONLY) != 0 || tableReadOnly;
        boolean viaDbm = (d & RDONLY) != 0 && !tableReadOnly && (d & DBM) != 0 && cpu.hardwareDirty();
        boolean writable = !readOnly || viaDbm;
        boolean el0Writable = el0Access && !readOnly;
        boolean pan = cpu.pan() && el0Access;
        int r = 0;
        if (el0Access) {
            r |= EL0_READ | (writable ? EL0_WRITE : 0);
        }
        if ((d & UXN) == 0 && (tableAttrs & UXN_TABLE) == 0) {
            r |= EL0_EXEC;
        }
        if (!pan) {
            r |= EL1_READ | (writable ? EL1_WRITE : 0);
        }
        if ((d & PXN) == 0 && (tableAttrs & PXN_TABLE) == 0 && !el0Writable) {
            r |= EL1_EXEC;
        }
        if (viaDbm) {
            r |= DIRTY_ON_WRITE;
        }
        return r;
    }

    private static boolean allows(int rights, Access access, boolean el0) {
        int need;
        switch (access) {
            case READ:
                need = el0 ? EL0_READ : EL1_READ;
                break;
            case WRITE:
                need = el0 ? EL0_WRITE : EL1_WRITE;
                break;
            default: // EXECUTE
                need = el0 ? EL0_EXEC : EL1_EXEC;
                break;
        }
        return (rights & need) != 0;
    }

    private static void record(List<Arm64WalkStep> steps, Arm64Level level, int index, long entryPa, long d, long after) {
        if (steps != null) {
            steps.add(new Arm64WalkStep(level, index, entryPa, d, after));
        }
    }
}
