package io.pagelab.hardware.mmu;

import static io.pagelab.hardware.mmu.X86PageTableEntry.ACCESSED;
import static io.pagelab.hardware.mmu.X86PageTableEntry.DIRTY;
import static io.pagelab.hardware.mmu.X86PageTableEntry.GLOBAL;
import static io.pagelab.hardware.mmu.X86PageTableEntry.NX;
import static io.pagelab.hardware.mmu.X86PageTableEntry.PFN_MASK;
import static io.pagelab.hardware.mmu.X86PageTableEntry.PRESENT;
import static io.pagelab.hardware.mmu.X86PageTableEntry.PSE;
import static io.pagelab.hardware.mmu.X86PageTableEntry.RW;
import static io.pagelab.hardware.mmu.X86PageTableEntry.USER;

import io.pagelab.api.PhysicalMemory;
import io.pagelab.api.error.GeneralProtectionFault;
import io.pagelab.api.error.PageFault;
import io.pagelab.hardware.tlb.Translation;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The hardware page walk of 4- and 5-level paging (Intel SDM vol. 3A §4.5), reading real entries
 * from physical memory:
 *
 * <pre>
 *  canonical?  no -&gt; #GP (never #PF)
 *  table = CR3[51:12]
 *  for each level, top first:
 *     e = mem[table + 8 * index(va)]
 *     P == 0                            -&gt; #PF not-present          (error code W U I)
 *     reserved bit set                  -&gt; #PF RSVD                 (P RSVD W U I)
 *        bits MAXPHYADDR..51; NX when EFER.NXE=0; PS in a PML4E/PML5E;
 *        bits 20..13 of a 2 MiB leaf, 29..13 of a 1 GiB leaf
 *     rights: W &amp;= R/W, U &amp;= U/S, NX |= NX
 *     leaf (PT, or PS=1 in a PDE/PDPTE)?  check the rights (AccessRights) -&gt; #PF P ...
 *                                         set A, and D on a write; done
 *     else set A, table = e[51:12]
 * </pre>
 *
 * Arch/x86/mm/fault.c is the kernel's side of the result; the walk itself is the CPU's.
 * Differs from hardware: the A bits of upper levels are set as the walk passes them even if it
 * faults further down (the SDM allows it); the leaf's A and D are set only for an access that is
 * allowed. There are no paging-structure caches, and entry updates are plain writes, not locked.
 */
public final class PageWalker {
    private static final PagingLevel[] FOUR = PagingMode.FOUR_LEVEL.levels().toArray(new PagingLevel[0]);
    private static final PagingLevel[] FIVE = PagingMode.FIVE_LEVEL.levels().toArray(new PagingLevel[0]);
    /** Bits 20..13: must be zero in a 2 MiB leaf (bit 12 is PAT). */
    static final long RESERVED_2M = 0x1fe000L;
    /** Bits 29..13: must be zero in a 1 GiB leaf. */
    static final long RESERVED_1G = 0x3fffe000L;

    private final PhysicalMemory memory;

    public PageWalker(PhysicalMemory memory) {
        this.memory = Objects.requireNonNull(memory, "memory");
    }

    /** The memory the walker reads entries from. */
    public PhysicalMemory memory() {
        return memory;
    }

    /**
     * The physical address {@code va} translates to for this access, setting A and D like the CPU.
     *
     * @throws GeneralProtectionFault for a non-canonical address
     * @throws PageFault for a not-present page, a reserved bit or an access the rights deny
     */
    public long translate(long cr3, long va, Access access, CpuState cpu) {
        return Translation.physicalAddress(walk(cr3, va, access, cpu, null), va);
    }

    /** The same walk, returning the {@link Translation} word a TLB would cache. */
    public long walk(long cr3, long va, Access access, CpuState cpu) {
        return walk(cr3, va, access, cpu, null);
    }

    /** The same walk, written down; a fault is recorded in the trace, not thrown. */
    public WalkTrace trace(long cr3, long va, Access access, CpuState cpu) {
        List<WalkStep> steps = new ArrayList<>();
        try {
            long t = walk(cr3, va, access, cpu, steps);
            return new WalkTrace(va, access, cpu, cr3, steps, t, Optional.empty());
        } catch (PageFault | GeneralProtectionFault f) {
            return new WalkTrace(va, access, cpu, cr3, steps, 0, Optional.of(f));
        }
    }

    private long walk(long cr3, long va, Access access, CpuState cpu, List<WalkStep> steps) {
        boolean la57 = cpu.la57();
        if (la57 ? (va << 7) >> 7 != va : (va << 16) >> 16 != va) {
            throw cpu.pagingMode().nonCanonicalFault(va);
        }
        PagingLevel[] levels = la57 ? FIVE : FOUR;
        boolean nxe = cpu.nxe();
        long reserved = cpu.reservedPhysicalBits() | (nxe ? 0 : NX);
        long rights = RW | USER;
        long nx = 0;
        long table = cr3 & Cr3.ROOT_MASK;
        for (PagingLevel level : levels) {
            int index = (int) (va >>> level.shift()) & 511;
            long entryPa = table + 8L * index;
            long e = memory.readLong(entryPa);
            if ((e & PRESENT) == 0) {
                record(steps, level, index, entryPa, e, e);
                throw fault(va, AccessRights.accessBits(access, cpu), cpu);
            }
            boolean leaf = level == PagingLevel.PT || ((e & PSE) != 0 && level.canMapPage());
            long rsvd = reserved;
            if (level == PagingLevel.PML4 || level == PagingLevel.PML5) {
                rsvd |= PSE;
            } else if (leaf && level == PagingLevel.PD) {
                rsvd |= RESERVED_2M;
            } else if (leaf && level == PagingLevel.PDPT) {
                rsvd |= RESERVED_1G;
            }
            if ((e & rsvd) != 0) {
                record(steps, level, index, entryPa, e, e);
                throw fault(va, PageFault.PF_PROT | PageFault.PF_RSVD | AccessRights.accessBits(access, cpu), cpu);
            }
            rights &= e;
            if (nxe) {
                nx |= e & NX;
            }
            if (!leaf) {
                long after = e | ACCESSED;
                if (after != e) {
                    memory.writeLong(entryPa, after);
                }
                record(steps, level, index, entryPa, e, after);
                table = e & PFN_MASK;
                continue;
            }
            int sizeCode = level == PagingLevel.PT ? Translation.SIZE_4K
                    : level == PagingLevel.PD ? Translation.SIZE_2M : Translation.SIZE_1G;
            long base = e & X86PageTableEntry.addressMask(e, level);
            long flags = rights | nx | ((e & GLOBAL) != 0 && cpu.pge() ? Translation.GLOBAL : 0);
            long t = Translation.of(base, sizeCode, flags, X86PageTableEntry.protectionKey(e));
            int code = AccessRights.faultCode(t, access, cpu);
            if (code != 0) {
                record(steps, level, index, entryPa, e, e);
                throw fault(va, code, cpu);
            }
            long after = e | ACCESSED | (access == Access.WRITE ? DIRTY : 0);
            if (after != e) {
                memory.writeLong(entryPa, after);
            }
            record(steps, level, index, entryPa, e, after);
            return (after & DIRTY) != 0 ? t | Translation.DIRTY : t;
        }
        throw new AssertionError("a walk always ends at a leaf or a fault");
    }

    private static void record(List<WalkStep> steps, PagingLevel level, int index, long entryPa, long e, long after) {
        if (steps != null) {
            steps.add(new WalkStep(level, index, entryPa, e, after));
        }
    }

    private static PageFault fault(long va, int errorCode, CpuState cpu) {
        return new PageFault(va, errorCode, cpu.userMode());
    }
}
