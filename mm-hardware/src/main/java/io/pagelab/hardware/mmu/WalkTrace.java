package io.pagelab.hardware.mmu;

import io.pagelab.api.PageTable;
import io.pagelab.api.error.SimulationException;
import io.pagelab.hardware.tlb.Translation;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A page walk written down step by step, for the "walk a page table by hand" lesson: the address
 * split, every entry read, and the outcome (a translation or the fault).
 *
 * @param va the linear address
 * @param access the kind of access
 * @param cpu the CPU state of the walk
 * @param cr3 the CR3 value the walk started from
 * @param steps the entries read, top level first
 * @param translation the {@link Translation} word, or 0 when the walk faulted
 * @param fault the #PF or #GP raised, if any
 */
public record WalkTrace(long va, Access access, CpuState cpu, long cr3, List<WalkStep> steps, long translation,
        Optional<SimulationException> fault) {

    public WalkTrace {
        steps = List.copyOf(steps);
    }

    /** The physical address, or {@link PageTable#NOT_MAPPED} when the walk faulted. */
    public long physicalAddress() {
        return translation == 0 ? PageTable.NOT_MAPPED : Translation.physicalAddress(translation, va);
    }

    /** True when the walk raised #PF or #GP. */
    public boolean faulted() {
        return fault.isPresent();
    }

    /** The split address, each step on its own line, then the outcome. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("walk %s %s (%s)%n", access.name().toLowerCase(Locale.ROOT),
                LinearAddress.of(va, cpu.pagingMode()), cpu.userMode() ? "user mode" : "kernel mode"));
        sb.append(String.format("  CR3 %#x -> %s table at %#x%n", cr3, cpu.pagingMode().top(), Cr3.root(cr3)));
        for (WalkStep s : steps) {
            sb.append("  ").append(s).append(System.lineSeparator());
        }
        if (fault.isPresent()) {
            sb.append("  => ").append(fault.get().getMessage().replace("\n", System.lineSeparator() + "     "));
        } else {
            sb.append(String.format("  => physical address %#x (%s)", physicalAddress(), Translation.describe(translation)));
        }
        return sb.toString();
    }
}
