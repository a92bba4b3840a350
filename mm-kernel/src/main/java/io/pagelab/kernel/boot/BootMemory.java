package io.pagelab.kernel.boot;

import static java.util.Objects.requireNonNull;

import io.pagelab.hardware.firmware.E820Entry;
import io.pagelab.hardware.firmware.E820Type;
import io.pagelab.hardware.firmware.FirmwareMemoryMap;
import io.pagelab.kernel.e820.E820Table;
import io.pagelab.kernel.e820.LastPfn;
import io.pagelab.kernel.e820.PciGap;
import io.pagelab.kernel.memblock.Memblock;
import io.pagelab.kernel.memblock.MemblockAllocationException;
import io.pagelab.kernel.printk.Vsprintf;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The memory part of x86-64 {@code setup_arch()} (arch/x86/kernel/setup.c, Linux 6.13), from the
 * firmware e820 map to memblock and the zones, producing the lines the kernel prints in dmesg order
 * (without timestamps).
 *
 * <pre>
 *  early_reserve_memory()   memblock_reserve: kernel image, first 64 KiB, BIOS area below 1 MiB
 *  e820__memory_setup()     copy + sanitise the firmware table      "BIOS-provided physical RAM map:"
 *  e820_add_kernel_range()  (only if the image is not in RAM)
 *  trim_bios_range()        page 0 -> reserved, RAM in 640K-1M out   "e820: update ..." "e820: remove ..."
 *  e820__end_of_ram_pfn()   max_pfn (and max_low_pfn above 4 GiB)    "last_pfn = ..."
 *  reserve_brk()            memblock_reserve: brk after the image
 *  e820__memblock_setup()   RAM -> memblock.memory, trim partial pages ["MEMBLOCK configuration:"]
 *  reserve_real_mode()      trampoline below 1 MiB, then reserve all of the first 1 MiB
 *  init_mem_mapping()       max_low_pfn = max_pfn, memblock limit = end of the direct map
 *  initmem_init()           no NUMA tables: every memory region goes to node 0
 *  sparse_init()            SPARSEMEM sections present where memblock.memory is
 *  zone_sizes_init()        free_area_init(): zones, nodes, memmap   "Zone ranges:" ... "On node 0, ..."
 *  e820__setup_pci_gap()                                             "[mem ...] available for PCI devices"
 * </pre>
 *
 * <p>Modelled on purpose, not printed: the boot-time memblock reservations listed above, with the
 * sizes of {@link BootConfig}. Not modelled: KASLR, EFI, setup_data, initrd, ACPI table and
 * MP-table reservations (these last lie inside the BIOS area on QEMU and change nothing), MTRR
 * trimming, early page-table allocations, NODE_DATA and memmap allocations, the {@code %pS}
 * caller lines of {@code memblock=debug}, and NUMA topologies (use {@link FreeAreaInit} directly
 * for several nodes). pagelab has no BIOS data area: the base-memory size at 0x413 and the EBDA
 * address that {@code reserve_bios_regions()} reads are taken to be the end of the firmware's
 * usable range at address 0, as SeaBIOS and VirtualBox set them.
 */
public final class BootMemory {
    private static final Logger LOG = LoggerFactory.getLogger(BootMemory.class);

    private static final long SZ_64K = 0x10000L;
    private static final long SZ_1M = 0x100000L;
    /** {@code ISA_END_ADDRESS}: the memblock limit until the direct map exists. */
    private static final long ISA_END_ADDRESS = 0x100000L;
    /** {@code BIOS_BEGIN}, {@code BIOS_END}: the legacy 640 KiB - 1 MiB area. */
    private static final long BIOS_BEGIN = 0xa0000L;
    private static final long BIOS_END = 0x100000L;
    /** {@code BIOS_START_MIN}, {@code BIOS_START_MAX} of arch/x86/kernel/ebda.c. */
    private static final long BIOS_START_MIN = 0x20000L;
    private static final long BIOS_START_MAX = 0x9f000L;

    private BootMemory() {
    }

    /** Boots with {@link BootConfig#defaults()}. */
    public static BootMemoryResult boot(FirmwareMemoryMap firmware) {
        return boot(firmware, BootConfig.defaults());
    }

    /** Boots the firmware map with the given configuration. */
    public static BootMemoryResult boot(FirmwareMemoryMap firmware, BootConfig config) {
        requireNonNull(firmware, "firmware");
        return boot(firmware.entries(), config);
    }

    /** Boots with {@link BootConfig#defaults()}. */
    public static BootMemoryResult boot(List<E820Entry> firmware) {
        return boot(firmware, BootConfig.defaults());
    }

    /**
     * Runs the memory setup on the firmware entries (in BIOS order, unsanitised).
     *
     * @throws IllegalArgumentException when the kernel would ignore the e820 table and fall back to
     *     the BIOS-88/e801 memory size (fewer than 2 entries, or an entry wrapping past 2^64), which
     *     pagelab does not model
     */
    public static BootMemoryResult boot(List<E820Entry> firmware, BootConfig config) {
        requireNonNull(firmware, "firmware");
        requireNonNull(config, "config");
        List<String> report = new ArrayList<>();
        Memblock memblock = new Memblock();

        // early_reserve_memory()
        memblock.reserve(config.kernelStart(), config.kernelReserve());
        memblock.reserve(0, SZ_64K);
        long biosStart = biosStart(firmware);
        memblock.reserve(biosStart, SZ_1M - biosStart);

        // e820__memory_setup() -> e820__memory_setup_default()
        E820Table e820 = appendE820Table(firmware);
        e820.update();
        E820Table firmwareTable = e820.copy();
        report.add("BIOS-provided physical RAM map:");
        report.addAll(e820.print("BIOS-e820"));

        // e820_add_kernel_range()
        long kernelStart = config.kernelStart();
        long kernelSize = config.kernelReserve() + config.brkSize();
        if (!e820.mappedAll(kernelStart, kernelStart + kernelSize, E820Type.RAM)) {
            report.add(".text .data .bss are not marked as E820_TYPE_RAM!");
            report.add(e820.rangeRemove(kernelStart, kernelSize, null, false).line());
            e820.add(kernelStart, kernelSize, E820Type.RAM);
        }

        // trim_bios_range()
        report.add(e820.rangeUpdate(0, E820Table.PAGE_SIZE, E820Type.RAM, E820Type.RESERVED).line());
        report.add(e820.rangeRemove(BIOS_BEGIN, BIOS_END - BIOS_BEGIN, E820Type.RAM, true).line());
        e820.update();

        // max_pfn = e820__end_of_ram_pfn(); max_low_pfn
        LastPfn last = e820.endOfRamPfn(config.maxArchPfn());
        report.add(last.line());
        long maxPfn = last.pfn();
        long maxLowPfn = maxPfn;
        if (maxPfn > (1L << (32 - E820Table.PAGE_SHIFT))) {
            LastPfn low = e820.endOfLowRamPfn(config.maxArchPfn());
            report.add(low.line());
            maxLowPfn = low.pfn();
        }

        // reserve_brk(), memblock_set_current_limit(ISA_END_ADDRESS), e820__memblock_setup()
        if (config.brkSize() > 0) {
            memblock.reserve(kernelStart + config.kernelReserve(), config.brkSize());
        }
        memblock.setCurrentLimit(ISA_END_ADDRESS);
        e820MemblockSetup(e820, memblock);
        if (config.memblockDebug()) {
            report.addAll(memblock.dump());
        }

        // reserve_real_mode()
        try {
            long trampoline = memblock.allocRange(config.realModeSize(), Memblock.PAGE_SIZE, 0, SZ_1M);
            LOG.debug("real-mode trampoline at {}", Vsprintf.pa(trampoline));
        } catch (MemblockAllocationException e) {
            report.add("No sub-1M memory is available for the trampoline");
        }
        memblock.reserve(0, SZ_1M);

        // init_mem_mapping(): on x86-64 the direct map covers all RAM
        if (maxPfn > maxLowPfn) {
            maxLowPfn = maxPfn;
        }
        memblock.setCurrentLimit(maxPfn << E820Table.PAGE_SHIFT);

        // initmem_init() without NUMA tables: dummy_numa_init() puts everything on node 0
        memblock.setNode(0, Memblock.PHYS_ADDR_MAX, 0);

        // paging_init(): sparse_init(), zone_sizes_init()
        SparseSections sections = SparseSections.of(memblock);
        ZoneLayout zones = FreeAreaInit.zoneSizesInit(memblock, maxLowPfn, config.zoneDevice(), sections);
        report.addAll(zones.lines());

        // e820__setup_pci_gap()
        PciGap pciGap = e820.setupPciGap(maxPfn);
        report.addAll(pciGap.lines());

        return new BootMemoryResult(firmwareTable, e820, memblock, sections, maxPfn, maxLowPfn, zones, pciGap, report);
    }

    /**
     * {@code append_e820_table()}: copies the boot_params entries, refusing tables the kernel would
     * not use.
     */
    private static E820Table appendE820Table(List<E820Entry> firmware) {
        if (firmware.size() < 2) {
            throw new IllegalArgumentException("e820 table with " + firmware.size() + " entr"
                    + (firmware.size() == 1 ? "y" : "ies") + ": Linux ignores tables of fewer than 2 entries and"
                    + " falls back to the BIOS-88/e801 memory size, which pagelab does not model");
        }
        E820Table table = new E820Table();
        for (E820Entry e : firmware) {
            requireNonNull(e, "e820 entry");
            if (e.size() != 0 && Long.compareUnsigned(e.addr(), e.lastByte()) > 0) {
                throw new IllegalArgumentException("e820 entry [mem " + Vsprintf.hex18(e.addr()) + "] size "
                        + Vsprintf.hex(e.size()) + " wraps past 2^64: Linux drops such a table and falls back to"
                        + " the BIOS-88/e801 memory size, which pagelab does not model");
            }
            table.add(e.addr(), e.size(), e.type());
        }
        return table;
    }

    /**
     * {@code e820__memblock_setup()}: usable (and RESERVED_KERN) entries become memblock memory,
     * soft-reserved entries are reserved, then partial pages are trimmed.
     */
    static void e820MemblockSetup(E820Table e820, Memblock memblock) {
        for (int i = 0; i < e820.nrEntries(); i++) {
            E820Entry e = e820.entry(i);
            if (e.type().equals(E820Type.SOFT_RESERVED)) {
                memblock.reserve(e.addr(), e.size());
            }
            if (!e.type().equals(E820Type.RAM) && !e.type().equals(E820Type.RESERVED_KERN)) {
                continue;
            }
            memblock.add(e.addr(), e.size());
        }
        memblock.trimMemory(Memblock.PAGE_SIZE);
    }

    /** {@code reserve_bios_regions()}: where the reserved BIOS area below 1 MiB starts. */
    static long biosStart(List<E820Entry> firmware) {
        long baseMemory = 0; // the BDA word at 0x413, in bytes
        for (E820Entry e : firmware) {
            if (e.addr() == 0 && e.type().equals(E820Type.RAM)) {
                baseMemory = e.size() & ~0x3ffL;
            }
        }
        long biosStart = baseMemory;
        if (biosStart < BIOS_START_MIN || biosStart > BIOS_START_MAX) {
            biosStart = BIOS_START_MAX;
        }
        long ebdaStart = baseMemory; // the EBDA sits right at the top of base memory
        if (ebdaStart >= BIOS_START_MIN && ebdaStart < biosStart) {
            biosStart = ebdaStart;
        }
        return biosStart;
    }
}
