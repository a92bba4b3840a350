package io.pagelab.hardware.arm64;

import io.pagelab.api.PageTable;
import io.pagelab.hardware.mmu.Access;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * An arm64 walk written down step by step, for the "x86-64 and ARM64 side by side" lesson: the
 * address split, the TTBR chosen by bit 55, every descriptor read, and the outcome.
 *
 * @param va the virtual address
 * @param access the kind of access
 * @param cpu the CPU state of the walk
 * @param ttbr the TTBR value the walk started from (TTBR0 or TTBR1, by bit 55)
 * @param steps the descriptors read, level 0 first
 * @param physicalAddress the result, or {@link PageTable#NOT_MAPPED} when the walk faulted
 * @param fault the abort raised, if any
 */
public record Arm64WalkTrace(long va, Access access, Arm64CpuState cpu, long ttbr, List<Arm64WalkStep> steps,
        long physicalAddress, Optional<Arm64Fault> fault) {

    public Arm64WalkTrace {
        steps = List.copyOf(steps);
    }

    /** True when the walk raised an abort. */
    public boolean faulted() {
        return fault.isPresent();
    }

    /** The split address, each step on its own line, then the outcome. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("walk %s %s (%s)%n", access.name().toLowerCase(Locale.ROOT), Arm64VirtualAddress.of(va),
                cpu));
        sb.append(String.format("  %s %#x -> level 0 table at %#x%n", Arm64VirtualAddress.selectsTtbr1(va) ? "TTBR1"
                : "TTBR0", ttbr, ttbr & Arm64Descriptor.ADDRESS_MASK));
        for (Arm64WalkStep s : steps) {
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
