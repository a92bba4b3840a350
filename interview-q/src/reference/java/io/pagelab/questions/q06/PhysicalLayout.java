package io.pagelab.questions.q06;

import static com.google.common.base.Preconditions.checkArgument;

import io.pagelab.hardware.firmware.E820Entry;
import io.pagelab.hardware.firmware.E820Type;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Q6 内存是连续的吗？ Is memory contiguous? (reference solution)
 *
 * <p>Two views of the same answer, "no":
 * <ul>
 *   <li>{@link #holes}: the physical address ranges no e820 entry describes at all, such as the
 *       legacy VGA/ROM window at 0xA0000 and the PCI hole under 4 GiB. The kernel searches the
 *       same gaps in arch/x86/kernel/e820.c: e820_search_gap() to place PCI devices.</li>
 *   <li>{@link #presentSections}: with SPARSEMEM, physical memory is cut into sections of
 *       2^SECTION_SIZE_BITS bytes (27 on x86-64: 128 MiB), and only sections holding RAM get a
 *       mem_map. mm/sparse.c: memblocks_present() walks the RAM ranges page-frame by page-frame
 *       range (memblock.c: for_each_mem_pfn_range, which rounds the start up and the end down to
 *       whole pages) and marks each section a range touches.</li>
 * </ul>
 *
 * <pre>
 *   QEMU 4 GiB:  RAM 0..0xbffdffff | hole | 4 GiB..5 GiB RAM
 *   sections:    0 ............ 23   24..31 absent   32 .. 39
 * </pre>
 *
 * <p>Differs from Linux on purpose: sections are computed straight from the e820 usable entries,
 * without memblock, NUMA nodes or the early reservations of page 0.
 */
public final class PhysicalLayout {

    /** log2 of the section size on x86-64 (arch/x86/include/asm/sparsemem.h). */
    public static final int SECTION_SIZE_BITS = 27;
    /** log2 of the page size. */
    public static final int PAGE_SHIFT = 12;

    private PhysicalLayout() {
    }

    /** A physical address range {@code [start, end)}. */
    public record Range(long start, long end) {
        public Range {
            checkArgument(Long.compareUnsigned(start, end) < 0,
                    "a range needs start < end, got [%s, %s)", Long.toHexString(start), Long.toHexString(end));
        }
    }

    /**
     * The ranges below {@code limit} that no entry of any type covers, sorted, each maximal.
     *
     * @param table e820 entries in any order; they may overlap
     * @param limit the first address not examined (exclusive)
     */
    public static List<Range> holes(List<E820Entry> table, long limit) {
        Objects.requireNonNull(table, "table");
        List<E820Entry> sorted = new ArrayList<>(table);
        sorted.sort(Comparator.comparing(E820Entry::addr, Long::compareUnsigned));
        List<Range> holes = new ArrayList<>();
        long covered = 0; // everything below this address is covered or already reported
        for (E820Entry e : sorted) {
            if (e.size() == 0) {
                continue;
            }
            if (Long.compareUnsigned(e.addr(), limit) >= 0) {
                break;
            }
            if (Long.compareUnsigned(e.addr(), covered) > 0) {
                holes.add(new Range(covered, e.addr()));
            }
            if (Long.compareUnsigned(e.end(), covered) > 0) {
                covered = e.end();
            }
        }
        if (Long.compareUnsigned(covered, limit) < 0) {
            holes.add(new Range(covered, limit));
        }
        return List.copyOf(holes);
    }

    /**
     * The numbers of the SPARSEMEM sections (128 MiB each) that hold at least one whole page of
     * usable RAM, ascending.
     *
     * @param table a sanitized e820 table
     */
    public static List<Long> presentSections(List<E820Entry> table) {
        Objects.requireNonNull(table, "table");
        int pfnSectionShift = SECTION_SIZE_BITS - PAGE_SHIFT;
        TreeSet<Long> sections = new TreeSet<>();
        for (E820Entry e : table) {
            if (!e.type().equals(E820Type.RAM)) {
                continue;
            }
            long startPfn = (e.addr() + (1L << PAGE_SHIFT) - 1) >>> PAGE_SHIFT; // PFN_UP
            long endPfn = e.end() >>> PAGE_SHIFT;                               // PFN_DOWN
            if (startPfn >= endPfn) {
                continue; // not one whole page: memblock's pfn walk skips it
            }
            for (long s = startPfn >>> pfnSectionShift; s <= (endPfn - 1) >>> pfnSectionShift; s++) {
                sections.add(s);
            }
        }
        return List.copyOf(sections);
    }
}
