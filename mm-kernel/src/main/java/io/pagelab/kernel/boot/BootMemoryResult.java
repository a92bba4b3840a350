package io.pagelab.kernel.boot;

import io.pagelab.kernel.e820.E820Table;
import io.pagelab.kernel.e820.PciGap;
import io.pagelab.kernel.memblock.Memblock;
import java.util.List;

/**
 * Everything {@link BootMemory#boot} left behind: the tables, the boot allocator (still usable by
 * the next boot stage), the zone layout and the report lines in dmesg order.
 */
public final class BootMemoryResult {
    private final E820Table firmwareTable;
    private final E820Table e820;
    private final Memblock memblock;
    private final SparseSections sections;
    private final long maxPfn;
    private final long maxLowPfn;
    private final ZoneLayout zones;
    private final PciGap pciGap;
    private final List<String> report;

    BootMemoryResult(E820Table firmwareTable, E820Table e820, Memblock memblock, SparseSections sections, long maxPfn,
            long maxLowPfn, ZoneLayout zones, PciGap pciGap, List<String> report) {
        this.firmwareTable = firmwareTable;
        this.e820 = e820;
        this.memblock = memblock;
        this.sections = sections;
        this.maxPfn = maxPfn;
        this.maxLowPfn = maxLowPfn;
        this.zones = zones;
        this.pciGap = pciGap;
        this.report = List.copyOf(report);
    }

    /** {@code e820_table_firmware}: the sanitised firmware table as printed in the BIOS-e820 lines (a copy). */
    public E820Table firmwareTable() {
        return firmwareTable.copy();
    }

    /** {@code e820_table} after the boot edits (a copy). */
    public E820Table e820() {
        return e820.copy();
    }

    /** The boot allocator, as {@code setup_arch()} leaves it; the caller may go on allocating. */
    public Memblock memblock() {
        return memblock;
    }

    /** The SPARSEMEM sections present. */
    public SparseSections sections() {
        return sections;
    }

    /** {@code max_pfn}: one past the last usable page frame. */
    public long maxPfn() {
        return maxPfn;
    }

    /** {@code max_low_pfn} after {@code init_mem_mapping()} (equal to max_pfn on x86-64). */
    public long maxLowPfn() {
        return maxLowPfn;
    }

    /** Zone ranges, node ranges, zone spans and unavailable ranges. */
    public ZoneLayout zones() {
        return zones;
    }

    /** The PCI window found by {@code e820__setup_pci_gap()}. */
    public PciGap pciGap() {
        return pciGap;
    }

    /** The dmesg lines of the modelled steps, in order, without timestamps. */
    public List<String> report() {
        return report;
    }
}
