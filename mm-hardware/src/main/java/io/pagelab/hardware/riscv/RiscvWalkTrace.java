package io.pagelab.hardware.riscv;

import io.pagelab.api.PageTable;
import io.pagelab.hardware.mmu.Access;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A RISC-V walk written down: the VPN split, every PTE read, and the outcome.
 *
 * @param va the virtual address
 * @param access the kind of access
 * @param cpu the hart state
 * @param satp the satp value the walk started from
 * @param steps the PTEs read, top level first
 * @param physicalAddress the result, or {@link PageTable#NOT_MAPPED} after a fault
 * @param fault the page fault, if any
 */
public record RiscvWalkTrace(long va, Access access, RiscvCpuState cpu, long satp, List<RiscvWalkStep> steps,
        long physicalAddress, Optional<RiscvFault> fault) {

    public RiscvWalkTrace {
        steps = List.copyOf(steps);
    }

    public boolean faulted() {
        return fault.isPresent();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        SvMode mode = RiscvPageWalker.modeOf(satp);
        sb.append(String.format("walk %s %#018x (%s, %s)", access.name().toLowerCase(Locale.ROOT), va,
                mode == null ? "bare" : mode, cpu));
        if (mode != null) {
            for (int level = mode.topLevel(); level >= 0; level--) {
                sb.append(String.format(" VPN[%d]=%d", level, SvMode.index(va, level)));
            }
        }
        sb.append(String.format(" offset %#x%n", va & 0xfff));
        sb.append(String.format("  satp %#x -> root table at %#x%n", satp, (satp & RiscvPageWalker.SATP_PPN) << 12));
        for (RiscvWalkStep s : steps) {
            sb.append("  ").append(s).append(System.lineSeparator());
        }
        if (fault.isPresent()) {
            sb.append("  => ").append(fault.get().message().replace("\n", System.lineSeparator() + "     "));
        } else {
            sb.append(String.format("  => physical address %#x", physicalAddress));
        }
        return sb.toString();
    }
}
