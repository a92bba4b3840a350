package io.pagelab.kernel.e820;

import io.pagelab.kernel.printk.Vsprintf;
import java.util.ArrayList;
import java.util.List;

/**
 * The window {@code e820__setup_pci_gap()} (arch/x86/kernel/e820.c, Linux 6.x) hands to PCI for
 * unassigned 32-bit BARs: {@code pci_mem_start} and the gap size.
 *
 * @param start first byte of the gap ({@code pci_mem_start})
 * @param size  bytes in the gap
 * @param found false when no gap of at least 4 MiB exists below 4 GiB and the kernel fell back to
 *              {@code (max_pfn << PAGE_SHIFT) + 1 MiB} (x86-64)
 */
public record PciGap(long start, long size, boolean found) {
    /**
     * The lines the kernel prints: the two {@code pr_err} warnings when no gap was found, then
     * {@code [mem %#010lx-%#010lx] available for PCI devices}.
     */
    public List<String> lines() {
        List<String> lines = new ArrayList<>(3);
        if (!found) {
            lines.add("Cannot find an available gap in the 32-bit address range");
            lines.add("PCI devices with unassigned 32-bit BARs may not work!");
        }
        lines.add(line());
        return lines;
    }

    /** {@code [mem 0xc0000000-0xfeffbfff] available for PCI devices}. */
    public String line() {
        return "[mem " + Vsprintf.hex10(start) + "-" + Vsprintf.hex10(start + size - 1) + "] available for PCI devices";
    }
}
