package io.pagelab.kernel.pgtable;

import io.pagelab.api.Prot;
import io.pagelab.hardware.mmu.PagingLevel;
import io.pagelab.hardware.mmu.X86PageTable;
import io.pagelab.hardware.mmu.X86PageTableEntry;
import io.pagelab.kernel.memblock.Memblock;
import io.pagelab.kernel.memblock.MemblockAllocationException;
import io.pagelab.kernel.memblock.PfnRange;
import io.pagelab.kernel.printk.Vsprintf;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps all RAM into the direct map at PAGE_OFFSET, as arch/x86/mm/init.c: init_mem_mapping() and
 * arch/x86/mm/init_64.c: kernel_physical_mapping_init() do on x86-64 (Linux 6.x):
 *
 * <pre>
 *  init_mem_mapping()
 *    probe_page_size_mask()              2M with PSE; 1G with gbpages ("Using GB pages for direct mapping")
 *    init_memory_mapping(0, 1 MiB)       the ISA range, holes included, always 4K
 *    memory_map_top_down(1 MiB, max_pfn)
 *      start with the top 2 MiB of RAM, then grow the step (2M, 512M, 128G, ...) downwards, so
 *      page tables for the next step can come from RAM mapped by the previous ones
 *      init_range_memory_mapping(s, e)   for each memblock memory range clamped to [s, e):
 *        init_memory_mapping(start, end)   "init_memory_mapping: [mem ...]"
 *          split_mem_range()               4K head | 2M | 1G | 2M | 4K tail   " [mem ...] page 2M"
 *          kernel_physical_mapping_init()  phys_pud_init -&gt; phys_pmd_init -&gt; phys_pte_init
 * </pre>
 *
 * Each phys_*_init() walks its table from the first entry of the range: an empty entry gets a
 * large page (when the piece allows it) or a new lower table; an existing lower table is
 * descended into; an existing large page is kept and counted again if the piece allows its size,
 * otherwise it is split. Entries are written with {@link Prot#KERNEL_RW} (PAGE_KERNEL: present,
 * writable, global, NX).
 *
 * <p>Differs from Linux: memblock bottom-up mode (movable_node) is not modelled; entries past the
 * end of a range that Linux clears when e820 says they are not RAM are already empty here (the
 * tables are fresh); no extend_brk(); the trampoline PGD copy is not made.
 */
final class DirectMap {
    private static final Logger log = LoggerFactory.getLogger(DirectMap.class);

    static final long ISA_END_ADDRESS = 0x100000L;
    private static final long PAGE_SIZE = 4096;
    private static final long PMD_SIZE = SplitMemRange.PMD_SIZE;
    private static final long PUD_SIZE = SplitMemRange.PUD_SIZE;

    private final X86PageTable pt;
    private final Memblock memblock;
    private final AllocLowPages alloc;
    private final long pageOffset;
    private final int pageSizeMask;
    private final DirectPagesCount counts;
    private final List<String> lines = new ArrayList<>();
    private final List<MapRange> ranges = new ArrayList<>();
    private long minPfnMapped;
    private long maxPfnMapped;

    DirectMap(X86PageTable pt, Memblock memblock, AllocLowPages alloc, long pageOffset, boolean pse, boolean gbpages) {
        this.pt = pt;
        this.memblock = memblock;
        this.alloc = alloc;
        this.pageOffset = pageOffset;
        // probe_page_size_mask(): gbpages need PSE as well
        boolean useGb = pse && gbpages;
        this.pageSizeMask = (pse ? MapRange.MASK_2M : 0) | (useGb ? MapRange.MASK_1G : 0);
        this.counts = new DirectPagesCount(useGb);
        if (useGb) {
            lines.add("Using GB pages for direct mapping");
        }
    }

    /** {@code init_mem_mapping()} for RAM up to {@code maxPfn}. */
    void initMemMapping(long maxPfn) {
        if (memblock.bottomUp()) {
            throw new IllegalStateException("memblock is bottom-up (movable_node): memory_map_bottom_up() is not"
                    + " modelled, only the default top-down direct mapping");
        }
        long end = maxPfn << 12;
        initMemoryMapping(0, ISA_END_ADDRESS);
        memoryMapTopDown(ISA_END_ADDRESS, end);
    }

    /** {@code memory_map_top_down(map_start, map_end)}. */
    private void memoryMapTopDown(long mapStart, long mapEnd) {
        long realEnd;
        try {
            long addr = memblock.allocRange(PMD_SIZE, PMD_SIZE, mapStart, mapEnd);
            memblock.free(addr, PMD_SIZE);
            realEnd = addr + PMD_SIZE;
        } catch (MemblockAllocationException e) {
            lines.add("Failed to release memory for alloc_low_pages()");
            realEnd = Math.max(mapStart, mapEnd & -PMD_SIZE);
        }
        long stepSize = PMD_SIZE;
        long mappedRamSize = 0;
        maxPfnMapped = 0;
        minPfnMapped = realEnd >>> 12;
        alloc.window(minPfnMapped, maxPfnMapped);
        long lastStart = realEnd;
        while (lastStart > mapStart) {
            long start;
            if (Long.compareUnsigned(lastStart, stepSize) > 0) {
                start = (lastStart - 1) & -stepSize;
                if (start < mapStart) {
                    start = mapStart;
                }
            } else {
                start = mapStart;
            }
            log.debug("memory_map_top_down: step [{}-{}] step_size {}", Vsprintf.hex(start), Vsprintf.hex(lastStart),
                    Vsprintf.hex(stepSize));
            mappedRamSize += initRangeMemoryMapping(start, lastStart);
            lastStart = start;
            minPfnMapped = lastStart >>> 12;
            alloc.window(minPfnMapped, maxPfnMapped);
            if (Long.compareUnsigned(mappedRamSize, stepSize) >= 0) {
                stepSize = stepSize << (21 - 12 - 1); // get_new_step_size()
            }
        }
        if (realEnd < mapEnd) {
            initRangeMemoryMapping(realEnd, mapEnd);
        }
    }

    /** {@code init_range_memory_mapping(r_start, r_end)}: only RAM, memblock range by range. */
    private long initRangeMemoryMapping(long rStart, long rEnd) {
        long mapped = 0;
        for (PfnRange r : memblock.memPfnRanges()) {
            long start = clamp(r.startPfn() << 12, rStart, rEnd);
            long end = clamp(r.endPfn() << 12, rStart, rEnd);
            if (start >= end) {
                continue;
            }
            alloc.prepareFor(start, end);
            initMemoryMapping(start, end);
            mapped += end - start;
            alloc.done();
        }
        return mapped;
    }

    /** {@code init_memory_mapping(start, end, PAGE_KERNEL)}; returns the last pfn mapped. */
    long initMemoryMapping(long start, long end) {
        lines.add("init_memory_mapping: [mem " + Vsprintf.hex10(start) + "-" + Vsprintf.hex10(end - 1) + "]");
        List<MapRange> mr = SplitMemRange.split(start, end, pageSizeMask, memblock);
        long ret = 0;
        for (MapRange r : mr) {
            lines.add(r.line());
        }
        ranges.addAll(mr);
        for (MapRange r : mr) {
            ret = kernelPhysicalMappingInit(r.start(), r.end(), r.pageSizeMask());
        }
        addPfnRangeMapped(start >>> 12, ret >>> 12);
        return ret >>> 12;
    }

    /** {@code kernel_physical_mapping_init()}: the PGD, P4D and PUD loops, one 1 GiB slot at a time. */
    private long kernelPhysicalMappingInit(long paddrStart, long paddrEnd, int mask) {
        long paddrLast = paddrEnd;
        for (long paddr = paddrStart; paddr < paddrEnd; paddr = (paddr & -PUD_SIZE) + PUD_SIZE) {
            paddrLast = physPudEntry(paddr, paddrEnd, mask);
        }
        return paddrLast;
    }

    /** One entry of {@code phys_pud_init()}. */
    private long physPudEntry(long paddr, long paddrEnd, int mask) {
        long next = (paddr & -PUD_SIZE) + PUD_SIZE;
        long va = pageOffset + paddr;
        long e = pt.entry(va, PagingLevel.PDPT);
        if (!none(e)) {
            if (!X86PageTableEntry.isLeaf(e, PagingLevel.PDPT)) {
                return physPmdInit(paddr, paddrEnd, mask);
            }
            if ((mask & MapRange.MASK_1G) != 0) {
                counts.update(MapRange.PG_LEVEL_1G, 1); // kept, and counted again
                return next;
            }
            log.debug("phys_pud_init: splitting the 1G page at {}", Vsprintf.hex(va & -PUD_SIZE));
            pt.unmap(va);
        }
        if ((mask & MapRange.MASK_1G) != 0) {
            counts.update(MapRange.PG_LEVEL_1G, 1);
            pt.map(pageOffset + (paddr & -PUD_SIZE), (paddr & -PUD_SIZE) >>> 12, PUD_SIZE, Prot.KERNEL_RW);
            return next;
        }
        return physPmdInit(paddr, paddrEnd, mask);
    }

    /** {@code phys_pmd_init()}: the 2 MiB slots of one PMD table. */
    private long physPmdInit(long paddr, long paddrEnd, int mask) {
        long tableEnd = (paddr & -PUD_SIZE) + PUD_SIZE;
        long paddrLast = paddrEnd;
        long pages = 0;
        for (long next; paddr < tableEnd && paddr < paddrEnd; paddr = next) {
            next = (paddr & -PMD_SIZE) + PMD_SIZE;
            long va = pageOffset + paddr;
            long e = pt.entry(va, PagingLevel.PD);
            if (!none(e)) {
                if (!X86PageTableEntry.isLeaf(e, PagingLevel.PD)) {
                    paddrLast = physPteInit(paddr, paddrEnd);
                    continue;
                }
                if ((mask & MapRange.MASK_2M) != 0) {
                    pages++; // kept, and counted again
                    paddrLast = next;
                    continue;
                }
                log.debug("phys_pmd_init: splitting the 2M page at {}", Vsprintf.hex(va & -PMD_SIZE));
                pt.unmap(va);
            }
            if ((mask & MapRange.MASK_2M) != 0) {
                pages++;
                pt.map(pageOffset + (paddr & -PMD_SIZE), (paddr & -PMD_SIZE) >>> 12, PMD_SIZE, Prot.KERNEL_RW);
                paddrLast = next;
                continue;
            }
            paddrLast = physPteInit(paddr, paddrEnd);
        }
        counts.update(MapRange.PG_LEVEL_2M, pages);
        return paddrLast;
    }

    /** {@code phys_pte_init()}: the 4 KiB slots of one page table. */
    private long physPteInit(long paddr, long paddrEnd) {
        long tableEnd = (paddr & -PMD_SIZE) + PMD_SIZE;
        long paddrLast = paddrEnd;
        long pages = 0;
        for (long next; paddr < tableEnd && paddr < paddrEnd; paddr = next) {
            next = (paddr & -PAGE_SIZE) + PAGE_SIZE;
            long va = pageOffset + (paddr & -PAGE_SIZE);
            if (!none(pt.entry(va, PagingLevel.PT))) {
                pages++; // "We will re-use the existing mapping"
                continue;
            }
            pages++;
            pt.map(va, paddr >>> 12, PAGE_SIZE, Prot.KERNEL_RW);
            paddrLast = next;
        }
        counts.update(MapRange.PG_LEVEL_4K, pages);
        return paddrLast;
    }

    /** {@code add_pfn_range_mapped()}: widens max_pfn_mapped (the ranges themselves live in the tables). */
    private void addPfnRangeMapped(long startPfn, long endPfn) {
        maxPfnMapped = Math.max(maxPfnMapped, endPfn);
        alloc.window(minPfnMapped, maxPfnMapped);
    }

    /** {@code pud_none()}/{@code pmd_none()}/{@code pte_none()}: zero apart from A and D (the KNL erratum mask). */
    private static boolean none(long e) {
        return (e & ~(X86PageTableEntry.ACCESSED | X86PageTableEntry.DIRTY)) == 0;
    }

    private static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(v, hi));
    }

    DirectPagesCount counts() {
        return counts;
    }

    List<String> lines() {
        return lines;
    }

    List<MapRange> ranges() {
        return ranges;
    }

    long maxPfnMapped() {
        return maxPfnMapped;
    }
}
