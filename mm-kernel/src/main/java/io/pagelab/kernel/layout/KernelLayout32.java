package io.pagelab.kernel.layout;

import io.pagelab.api.error.BadAddressException;
import io.pagelab.api.error.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;

/**
 * The 32-bit x86 kernel address space with the 3G/1G split (CONFIG_VMSPLIT_3G, non-PAE or PAE),
 * the layout the classic books draw, as arch/x86/include/asm/pgtable_32_types.h and
 * page_32_types.h of Linux 2.6.x define it:
 *
 * <pre>
 *  0x00000000  user space (TASK_SIZE = PAGE_OFFSET), different per process
 *  0xc0000000  PAGE_OFFSET: lowmem, the direct map of physical 0 .. high_memory - PAGE_OFFSET
 *              (at most MAXMEM = 1 GiB - __VMALLOC_RESERVE 128 MiB = 896 MiB)
 *  high_memory VMALLOC_OFFSET gap (8 MiB) that catches overruns off the end of lowmem
 *  VMALLOC_START = (high_memory + 2 * VMALLOC_OFFSET - 1) &amp; ~(VMALLOC_OFFSET - 1)
 *              vmalloc/ioremap space ... VMALLOC_END = PKMAP_BASE - 2 * PAGE_SIZE
 *  PKMAP_BASE  persistent kmap area, LAST_PKMAP pages (1024, or 512 with PAE)
 *  FIXADDR_START .. FIXADDR_TOP (0xfffff000): fixmap (kmap_atomic slots, APIC...)
 * </pre>
 *
 * <p>Since 2.6.26 Linux computes MAXMEM as VMALLOC_END - PAGE_OFFSET - __VMALLOC_RESERVE and
 * VMALLOC_START as high_memory + VMALLOC_OFFSET, which is why real 32-bit boots print a lowmem of
 * about 887 MB; build such a layout with {@link #of}. Linux 4.15+ also placed cpu_entry_area and
 * the LDT remap below the fixmap; this layout leaves them out. The fixmap size depends on the
 * configuration; {@link #classic} uses a synthetic 1 MiB one.
 */
public final class KernelLayout32 {
    /** PAGE_OFFSET with the 3G/1G split. */
    public static final long PAGE_OFFSET = 0xC0000000L;
    /** PAGE_SIZE. */
    public static final long PAGE_SIZE = 4096;
    /** VMALLOC_OFFSET: the gap between lowmem and the vmalloc area. */
    public static final long VMALLOC_OFFSET = 8L << 20;
    /** __VMALLOC_RESERVE: address space kept for vmalloc, pkmap and fixmap. */
    public static final long VMALLOC_RESERVE = 128L << 20;
    /** MAXMEM of Linux 2.6.x up to 2.6.25: -PAGE_OFFSET - __VMALLOC_RESERVE = 896 MiB. */
    public static final long MAXMEM = (1L << 32) - PAGE_OFFSET - VMALLOC_RESERVE;
    /** FIXADDR_TOP: the fixmap grows down from here. */
    public static final long FIXADDR_TOP = 0xFFFFF000L;
    /** The synthetic FIXADDR_START of {@link #classic}: a 1 MiB - 4 KiB fixmap. */
    public static final long CLASSIC_FIXADDR_START = 0xFFF00000L;

    private final long highMemory;
    private final long vmallocStart;
    private final long pkmapBase;
    private final int lastPkmap;
    private final long fixaddrStart;
    private final List<MemoryRegion> regions;

    private KernelLayout32(long highMemory, long vmallocStart, long pkmapBase, int lastPkmap, long fixaddrStart) {
        this.highMemory = highMemory;
        this.vmallocStart = vmallocStart;
        this.pkmapBase = pkmapBase;
        this.lastPkmap = lastPkmap;
        this.fixaddrStart = fixaddrStart;
        this.regions = List.copyOf(buildRegions());
    }

    /**
     * The Linux 2.6.x (&le; 2.6.25) layout of a machine with {@code ramBytes} of RAM below 4 GiB:
     * high_memory = PAGE_OFFSET + min(RAM, 896 MiB), the vmalloc start rounded as that version did,
     * non-PAE pkmap (1024 pages, PMD_MASK 4 MiB) below a synthetic 1 MiB fixmap.
     *
     * @throws InvalidArgumentException for RAM below 16 MiB or not page-aligned
     */
    public static KernelLayout32 classic(long ramBytes) {
        if (ramBytes < (16L << 20) || (ramBytes & (PAGE_SIZE - 1)) != 0) {
            throw new InvalidArgumentException(String.format(
                    "RAM size %#x: give at least 16 MiB, a multiple of the 4 KiB page", ramBytes));
        }
        long highMemory = PAGE_OFFSET + Math.min(ramBytes, MAXMEM);
        long vmallocStart = (highMemory + 2 * VMALLOC_OFFSET - 1) & ~(VMALLOC_OFFSET - 1);
        int lastPkmap = 1024;
        long pmdMask = ~((4L << 20) - 1);
        // PKMAP_BASE = (FIXADDR_BOOT_START - PAGE_SIZE * (LAST_PKMAP + 1)) & PMD_MASK; boot fixmap = runtime one here
        long pkmapBase = (CLASSIC_FIXADDR_START - PAGE_SIZE * (lastPkmap + 1)) & pmdMask & 0xFFFFFFFFL;
        return new KernelLayout32(highMemory, vmallocStart, pkmapBase, lastPkmap, CLASSIC_FIXADDR_START);
    }

    /**
     * A layout from the kernel's own values, for example those a real boot prints in its
     * "virtual kernel memory layout" lines. VMALLOC_END is PKMAP_BASE - 2 pages.
     *
     * @param highMemory high_memory, the end of lowmem (PAGE_OFFSET + lowmem size)
     * @param vmallocStart VMALLOC_START, at least high_memory + 8 MiB
     * @param pkmapBase PKMAP_BASE
     * @param lastPkmap LAST_PKMAP: 1024, or 512 with PAE
     * @param fixaddrStart FIXADDR_START, above the pkmap area and below FIXADDR_TOP
     * @throws InvalidArgumentException when the values are not in this order
     */
    public static KernelLayout32 of(long highMemory, long vmallocStart, long pkmapBase, int lastPkmap,
                                    long fixaddrStart) {
        boolean ordered = highMemory > PAGE_OFFSET && vmallocStart >= highMemory + VMALLOC_OFFSET
                && pkmapBase - 2 * PAGE_SIZE > vmallocStart && (lastPkmap == 512 || lastPkmap == 1024)
                && fixaddrStart >= pkmapBase + lastPkmap * PAGE_SIZE && fixaddrStart < FIXADDR_TOP;
        if (!ordered) {
            throw new InvalidArgumentException(String.format(
                    "32-bit layout out of order: need PAGE_OFFSET 0xc0000000 < high_memory %#x, high_memory + 8 MiB <="
                            + " VMALLOC_START %#x < PKMAP_BASE %#x - 2 pages, LAST_PKMAP %d in {512, 1024},"
                            + " pkmap end <= FIXADDR_START %#x < FIXADDR_TOP 0xfffff000",
                    highMemory, vmallocStart, pkmapBase, lastPkmap, fixaddrStart));
        }
        return new KernelLayout32(highMemory, vmallocStart, pkmapBase, lastPkmap, fixaddrStart);
    }

    /** high_memory: the first address after lowmem. */
    public long highMemory() {
        return highMemory;
    }

    /** VMALLOC_START. */
    public long vmallocStart() {
        return vmallocStart;
    }

    /** VMALLOC_END = PKMAP_BASE - 2 * PAGE_SIZE (one past the last vmalloc byte). */
    public long vmallocEnd() {
        return pkmapBase - 2 * PAGE_SIZE;
    }

    /** PKMAP_BASE. */
    public long pkmapBase() {
        return pkmapBase;
    }

    /** LAST_PKMAP: how many persistent kmap slots. */
    public int lastPkmap() {
        return lastPkmap;
    }

    /** FIXADDR_START. */
    public long fixaddrStart() {
        return fixaddrStart;
    }

    /** Every region from 0 to 0xffffffff, lowest first, exactly covering the 4 GiB. */
    public List<MemoryRegion> regions() {
        return regions;
    }

    /**
     * The region of a 32-bit virtual address.
     *
     * @throws InvalidArgumentException for a value outside 0..0xffffffff
     */
    public MemoryRegion classify(long va) {
        check32("address", va);
        for (MemoryRegion r : regions) {
            if (r.contains(va)) {
                return r;
            }
        }
        throw new AssertionError("regions do not cover " + va);
    }

    /**
     * {@code __pa(va)} = va - PAGE_OFFSET, for lowmem addresses only.
     *
     * @throws BadAddressException for any address outside [PAGE_OFFSET, high_memory)
     */
    public long pa(long va) {
        check32("address", va);
        if (va < PAGE_OFFSET || va >= highMemory) {
            throw new BadAddressException(va, String.format(
                    "__pa(%#x): the address is in %s; __pa works only in lowmem [%#x-%#x], the direct map;"
                            + " vmalloc, pkmap and fixmap pages need their page table", va, classify(va).description(),
                    PAGE_OFFSET, highMemory - 1));
        }
        return va - PAGE_OFFSET;
    }

    /**
     * {@code __va(pa)} = pa + PAGE_OFFSET, for physical addresses lowmem covers.
     *
     * @throws BadAddressException for a physical address in highmem (it has no permanent mapping)
     */
    public long va(long pa) {
        if (pa < 0 || pa >= highMemory - PAGE_OFFSET) {
            throw new BadAddressException(pa, String.format(
                    "__va(%#x): only physical 0x0..%#x is directly mapped; above it is highmem, reached through"
                            + " kmap (pkmap) or kmap_atomic (fixmap)", pa, highMemory - PAGE_OFFSET - 1));
        }
        return pa + PAGE_OFFSET;
    }

    /**
     * The lines of arch/x86/mm/init_32.c: mem_init() (2.6.x) for these regions:
     * {@code "    fixmap  : 0x%08lx - 0x%08lx   (%4ld kB)"} and so on, without timestamps.
     */
    public List<String> virtualKernelMemoryLayout() {
        return List.of("virtual kernel memory layout:",
                String.format("    fixmap  : 0x%08x - 0x%08x   (%4d kB)", fixaddrStart, FIXADDR_TOP,
                        (FIXADDR_TOP - fixaddrStart) >> 10),
                String.format("    pkmap   : 0x%08x - 0x%08x   (%4d kB)", pkmapBase, pkmapEnd(),
                        (pkmapEnd() - pkmapBase) >> 10),
                String.format("    vmalloc : 0x%08x - 0x%08x   (%4d MB)", vmallocStart, vmallocEnd(),
                        (vmallocEnd() - vmallocStart) >> 20),
                String.format("    lowmem  : 0x%08x - 0x%08x   (%4d MB)", PAGE_OFFSET, highMemory,
                        (highMemory - PAGE_OFFSET) >> 20));
    }

    private long pkmapEnd() {
        return pkmapBase + lastPkmap * PAGE_SIZE;
    }

    private List<MemoryRegion> buildRegions() {
        List<MemoryRegion> rows = new ArrayList<>();
        rows.add(region(RegionKind.USER, 0, PAGE_OFFSET, "user-space virtual memory, different per mm (3 GiB)"));
        rows.add(region(RegionKind.DIRECT_MAP, PAGE_OFFSET, highMemory,
                "lowmem: direct mapping of physical memory up to high_memory (ZONE_DMA + ZONE_NORMAL)"));
        rows.add(region(RegionKind.VMALLOC_OFFSET_GAP, highMemory, vmallocStart,
                "VMALLOC_OFFSET gap: nothing mapped, catches overruns off the end of lowmem"));
        rows.add(region(RegionKind.VMALLOC, vmallocStart, vmallocEnd(), "vmalloc/ioremap space"));
        rows.add(region(RegionKind.UNUSED_HOLE, vmallocEnd(), pkmapBase, "... unused hole (2 guard pages)"));
        rows.add(region(RegionKind.PKMAP, pkmapBase, pkmapEnd(), "persistent kmap area (kmap/kunmap)"));
        if (pkmapEnd() < fixaddrStart) {
            rows.add(region(RegionKind.UNUSED_HOLE, pkmapEnd(), fixaddrStart, "... unused hole"));
        }
        rows.add(region(RegionKind.FIXMAP, fixaddrStart, FIXADDR_TOP, "fixmap: compile-time fixed mappings, kmap_atomic"));
        rows.add(region(RegionKind.UNUSED_HOLE, FIXADDR_TOP, 1L << 32, "... unused hole (the last page)"));
        return rows;
    }

    private static MemoryRegion region(RegionKind kind, long start, long endExclusive, String description) {
        return new MemoryRegion(kind, start, endExclusive - 1, String.format("%11s ", String.format("%08x", start)),
                String.format(" %-10s ", ""), String.format(" %8s ", String.format("%08x", endExclusive - 1)),
                String.format(" %7s ", SizeText.size(endExclusive - start)), description, false);
    }

    private static void check32(String what, long value) {
        if (value < 0 || value > 0xFFFFFFFFL) {
            throw new InvalidArgumentException(String.format(
                    "%s %#x is not a 32-bit value: x86-32 virtual addresses are 0x0..0xffffffff", what, value));
        }
    }
}
