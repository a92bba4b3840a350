package io.pagelab.kernel.layout;

import io.pagelab.api.error.BadAddressException;
import io.pagelab.api.error.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The x86-64 kernel virtual memory map, 4-level or 5-level, read from the tables of
 * Documentation/arch/x86/x86_64/mm.rst (Linux 6.x, kept verbatim in {@code mm-4level.txt} and
 * {@code mm-5level.txt} next to this class), with the address conversions of
 * arch/x86/include/asm/page_64.h and arch/x86/mm/physaddr.c: {@code __phys_addr()}:
 *
 * <pre>
 *  __va(pa)   = pa + PAGE_OFFSET                          PAGE_OFFSET = page_offset_base
 *  __pa(va)   = va - __START_KERNEL_map + phys_base       va in the kernel text mapping
 *             = va - PAGE_OFFSET                          va in the direct map
 *  pfn_to_page(pfn)  = vmemmap + pfn * sizeof(struct page)     sizeof(struct page) = 64
 *  page_to_pfn(page) = (page - vmemmap) / 64
 *
 *                    4-level               5-level
 *  PAGE_OFFSET       0xffff888000000000    0xff11000000000000   (__PAGE_OFFSET_BASE_L4/_L5)
 *  VMALLOC_START     0xffffc90000000000    0xffa0000000000000   (32 TB / 12800 TB)
 *  VMEMMAP_START     0xffffea0000000000    0xffd4000000000000
 *  __START_KERNEL_map 0xffffffff80000000 (both)   MAX_PHYSMEM_BITS 46 / 52
 * </pre>
 *
 * <p>Every address falls into exactly one region: the documented rows, plus "unused hole" rows
 * pagelab adds where mm.rst lists nothing (between the module space and FIXADDR_START, and above
 * the vsyscall page). {@code FIXADDR_START} is configuration-dependent ("~-11 MB" in mm.rst);
 * pagelab puts it at exactly -11 MiB unless told otherwise.
 *
 * <p>Variants: {@link #withKernelImageSize} for KERNEL_IMAGE_SIZE = 1 GiB (CONFIG_RANDOMIZE_BASE,
 * modules then start at 0xffffffffc0000000), {@link #withPhysBase} for a relocated kernel,
 * {@link #withRandomizedBases} for the bases kernel_randomize_memory() chose (the KASAN row is then
 * gone: KASAN disables memory randomization). Instances are immutable.
 *
 * <p>Differs from Linux: __pa of an address outside both mappings throws instead of returning
 * garbage (Linux checks only with CONFIG_DEBUG_VIRTUAL).
 */
public final class KernelLayout64 {
    private static final Logger log = LoggerFactory.getLogger(KernelLayout64.class);

    /** PAGE_SHIFT: 4 KiB pages. */
    public static final int PAGE_SHIFT = 12;
    /** PAGE_SIZE. */
    public static final long PAGE_SIZE = 1L << PAGE_SHIFT;
    /** __START_KERNEL_map: the kernel image's mapping, where physical address phys_base appears. */
    public static final long START_KERNEL_MAP = 0xffffffff80000000L;
    /** __PAGE_OFFSET_BASE_L4: the direct map without KASLR, 4-level. */
    public static final long PAGE_OFFSET_BASE_L4 = 0xffff888000000000L;
    /** __PAGE_OFFSET_BASE_L5: the direct map without KASLR, 5-level. */
    public static final long PAGE_OFFSET_BASE_L5 = 0xff11000000000000L;
    /** __VMALLOC_BASE_L4. */
    public static final long VMALLOC_BASE_L4 = 0xffffc90000000000L;
    /** __VMALLOC_BASE_L5. */
    public static final long VMALLOC_BASE_L5 = 0xffa0000000000000L;
    /** __VMEMMAP_BASE_L4. */
    public static final long VMEMMAP_BASE_L4 = 0xffffea0000000000L;
    /** __VMEMMAP_BASE_L5. */
    public static final long VMEMMAP_BASE_L5 = 0xffd4000000000000L;
    /** VMALLOC_SIZE_TB_L4. */
    public static final long VMALLOC_SIZE_TB_L4 = 32;
    /** VMALLOC_SIZE_TB_L5. */
    public static final long VMALLOC_SIZE_TB_L5 = 12800;
    /** CPU_ENTRY_AREA_BASE, also vaddr_end for memory KASLR (both paging modes). */
    public static final long CPU_ENTRY_AREA_BASE = 0xfffffe0000000000L;
    /** MODULES_END. */
    public static final long MODULES_END = 0xffffffffff000000L;
    /** KERNEL_IMAGE_SIZE without CONFIG_RANDOMIZE_BASE: 512 MiB. */
    public static final long KERNEL_IMAGE_SIZE_DEFAULT = 512L << 20;
    /** KERNEL_IMAGE_SIZE with CONFIG_RANDOMIZE_BASE: 1 GiB. */
    public static final long KERNEL_IMAGE_SIZE_KASLR = 1L << 30;
    /** sizeof(struct page) on x86-64 (without debug options). */
    public static final long STRUCT_PAGE_SIZE = 64;
    /** FIXADDR_START pagelab uses unless told: -11 MiB, mm.rst's "~-11 MB". */
    public static final long FIXADDR_START_DEFAULT = -(11L << 20);
    /** One terabyte, 1 &lt;&lt; TB_SHIFT (40). */
    public static final long TB = 1L << 40;

    private final int levels;
    private final long pageOffsetBase;
    private final long directMapSize;
    private final long vmallocBase;
    private final long vmemmapBase;
    private final long vmemmapSize;
    private final long physBase;
    private final long kernelImageSize;
    private final long fixaddrStart;
    private final boolean randomized;
    private final List<MemoryRegion> regions;

    private KernelLayout64(int levels, long pageOffsetBase, long directMapSize, long vmallocBase, long vmemmapBase,
                           long vmemmapSize, long physBase, long kernelImageSize, long fixaddrStart,
                           boolean randomized) {
        this.levels = levels;
        this.pageOffsetBase = pageOffsetBase;
        this.directMapSize = directMapSize;
        this.vmallocBase = vmallocBase;
        this.vmemmapBase = vmemmapBase;
        this.vmemmapSize = vmemmapSize;
        this.physBase = physBase;
        this.kernelImageSize = kernelImageSize;
        this.fixaddrStart = fixaddrStart;
        this.randomized = randomized;
        this.regions = List.copyOf(buildRegions());
    }

    /** The 4-level map without KASLR: every base as mm.rst prints it, phys_base 0. */
    public static KernelLayout64 level4() {
        return new KernelLayout64(4, PAGE_OFFSET_BASE_L4, 64 * TB, VMALLOC_BASE_L4, VMEMMAP_BASE_L4, TB, 0,
                KERNEL_IMAGE_SIZE_DEFAULT, FIXADDR_START_DEFAULT, false);
    }

    /** The 5-level map without KASLR. */
    public static KernelLayout64 level5() {
        return new KernelLayout64(5, PAGE_OFFSET_BASE_L5, 32 * 1024 * TB, VMALLOC_BASE_L5, VMEMMAP_BASE_L5,
                TB / 2 * 1024, 0, KERNEL_IMAGE_SIZE_DEFAULT, FIXADDR_START_DEFAULT, false);
    }

    /** The same map with the kernel image relocated: {@code phys_base} is where virtual __START_KERNEL_map lands. */
    public KernelLayout64 withPhysBase(long physBase) {
        return new KernelLayout64(levels, pageOffsetBase, directMapSize, vmallocBase, vmemmapBase, vmemmapSize,
                physBase, kernelImageSize, fixaddrStart, randomized);
    }

    /**
     * The same map with another KERNEL_IMAGE_SIZE: 512 MiB, or 1 GiB with CONFIG_RANDOMIZE_BASE.
     *
     * @throws InvalidArgumentException for any other size
     */
    public KernelLayout64 withKernelImageSize(long size) {
        if (size != KERNEL_IMAGE_SIZE_DEFAULT && size != KERNEL_IMAGE_SIZE_KASLR) {
            throw new InvalidArgumentException(String.format(
                    "KERNEL_IMAGE_SIZE %#x: Linux uses 512 MiB (0x20000000) or, with KASLR, 1 GiB (0x40000000)", size));
        }
        return new KernelLayout64(levels, pageOffsetBase, directMapSize, vmallocBase, vmemmapBase, vmemmapSize,
                physBase, size, fixaddrStart, randomized);
    }

    /**
     * The same map with another FIXADDR_START (page-aligned, between MODULES_END and the vsyscall page).
     */
    public KernelLayout64 withFixaddrStart(long start) {
        if ((start & (PAGE_SIZE - 1)) != 0 || Long.compareUnsigned(start, MODULES_END) < 0
                || Long.compareUnsigned(start, 0xffffffffff600000L) >= 0) {
            throw new InvalidArgumentException(String.format(
                    "FIXADDR_START %#x must be page-aligned and in [%#x, %#x)", start, MODULES_END, 0xffffffffff600000L));
        }
        return new KernelLayout64(levels, pageOffsetBase, directMapSize, vmallocBase, vmemmapBase, vmemmapSize,
                physBase, kernelImageSize, start, randomized);
    }

    /**
     * The map after kernel_randomize_memory() (arch/x86/mm/kaslr.c) moved the three regions: each
     * base and size as it computed them, in order, inside [PAGE_OFFSET_BASE, CPU_ENTRY_AREA_BASE).
     *
     * @throws InvalidArgumentException when the regions are out of order, overlap or leave that window
     */
    public KernelLayout64 withRandomizedBases(long pageOffsetBase, long directMapBytes, long vmallocBase,
                                              long vmemmapBase, long vmemmapBytes) {
        long vaddrStart = pageOffsetBase0();
        long[][] spans = {{pageOffsetBase, directMapBytes}, {vmallocBase, vmallocSize()}, {vmemmapBase, vmemmapBytes}};
        long floor = vaddrStart;
        for (long[] span : spans) {
            long end = span[0] + span[1];
            if (span[1] <= 0 || Long.compareUnsigned(span[0], floor) < 0 || Long.compareUnsigned(end, span[0]) < 0
                    || Long.compareUnsigned(end, CPU_ENTRY_AREA_BASE) > 0) {
                throw new InvalidArgumentException(String.format(
                        "randomized regions must keep their order without overlapping inside [%#x, %#x): direct map"
                                + " %#x+%#x, vmalloc %#x+%#x, vmemmap %#x+%#x", vaddrStart, CPU_ENTRY_AREA_BASE,
                        pageOffsetBase, directMapBytes, vmallocBase, vmallocSize(), vmemmapBase, vmemmapBytes));
            }
            floor = end;
        }
        return new KernelLayout64(levels, pageOffsetBase, directMapBytes, vmallocBase, vmemmapBase, vmemmapBytes,
                physBase, kernelImageSize, fixaddrStart, true);
    }

    /** 4 or 5. */
    public int levels() {
        return levels;
    }

    /** Implemented virtual-address bits: 48 or 57. */
    public int virtualAddressBits() {
        return levels == 4 ? Canonical.BITS_4_LEVEL : Canonical.BITS_5_LEVEL;
    }

    /** MAX_PHYSMEM_BITS: 46 (64 TiB) with 4-level paging, 52 (4 PiB) with 5-level. */
    public int maxPhysmemBits() {
        return levels == 4 ? 46 : 52;
    }

    /** page_offset_base, PAGE_OFFSET: the start of the direct map. */
    public long pageOffset() {
        return pageOffsetBase;
    }

    /** vmalloc_base, VMALLOC_START. */
    public long vmallocStart() {
        return vmallocBase;
    }

    /** VMALLOC_END = VMALLOC_START + (VMALLOC_SIZE_TB &lt;&lt; 40) - 1. */
    public long vmallocEnd() {
        return vmallocBase + vmallocSize() - 1;
    }

    /** vmemmap_base: where the struct page of pfn 0 lives. */
    public long vmemmap() {
        return vmemmapBase;
    }

    /** phys_base: the physical address __START_KERNEL_map maps. */
    public long physBase() {
        return physBase;
    }

    /** KERNEL_IMAGE_SIZE. */
    public long kernelImageSize() {
        return kernelImageSize;
    }

    /** MODULES_VADDR = __START_KERNEL_map + KERNEL_IMAGE_SIZE. */
    public long modulesStart() {
        return START_KERNEL_MAP + kernelImageSize;
    }

    /** FIXADDR_START as this map uses it. */
    public long fixaddrStart() {
        return fixaddrStart;
    }

    /** True once kernel_randomize_memory() bases were applied. */
    public boolean randomized() {
        return randomized;
    }

    /** TASK_SIZE_MAX = (1 &lt;&lt; __VIRTUAL_MASK_SHIFT) - PAGE_SIZE: the end of the highest user page. */
    public long taskSizeMax() {
        return (1L << (virtualAddressBits() - 1)) - PAGE_SIZE;
    }

    /** True when {@code va} is canonical for this paging mode. */
    public boolean isCanonical(long va) {
        return Canonical.isCanonical(va, virtualAddressBits());
    }

    /** Every region, lowest first; together they cover all 2^64 addresses exactly once. */
    public List<MemoryRegion> regions() {
        return regions;
    }

    /** The region {@code va} falls into (any 64-bit value has exactly one). */
    public MemoryRegion classify(long va) {
        int lo = 0;
        int hi = regions.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (Long.compareUnsigned(regions.get(mid).start(), va) <= 0) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return regions.get(lo);
    }

    /**
     * {@code __pa(va)}: the physical address behind a direct-map or kernel-text address.
     *
     * @throws BadAddressException for any other address, naming its region and both allowed ranges
     */
    public long pa(long va) {
        if (Long.compareUnsigned(va, START_KERNEL_MAP) >= 0) {
            long offset = va - START_KERNEL_MAP;
            if (Long.compareUnsigned(offset, kernelImageSize) < 0) {
                long pa = offset + physBase;
                log.debug("__pa({}) = {} - __START_KERNEL_map + phys_base {} = {}", hex(va), hex(va), hex(physBase),
                        hex(pa));
                return pa;
            }
        } else if (Long.compareUnsigned(va, pageOffsetBase) >= 0) {
            long pa = va - pageOffsetBase;
            if (Long.compareUnsigned(pa, directMapSize) < 0) {
                if (pa >>> maxPhysmemBits() != 0) {
                    throw new BadAddressException(va, String.format(
                            "__pa(%#x) = %#x is beyond MAX_PHYSMEM_BITS %d: no physical memory can be there", va, pa,
                            maxPhysmemBits()));
                }
                log.debug("__pa({}) = {} - PAGE_OFFSET {} = {}", hex(va), hex(va), hex(pageOffsetBase), hex(pa));
                return pa;
            }
        }
        throw new BadAddressException(va, String.format(
                "__pa(%#x): the address is in %s (%s); __pa works only for the direct map [%#018x-%#018x] and the"
                        + " kernel text mapping [%#018x-%#018x]; other kernel addresses (vmalloc, modules, fixmap)"
                        + " need a page-table walk (vmalloc_to_page)", va, classify(va).description(),
                classify(va).kind(), pageOffsetBase, pageOffsetBase + directMapSize - 1, START_KERNEL_MAP,
                START_KERNEL_MAP + kernelImageSize - 1));
    }

    /**
     * {@code __va(pa)}: the direct-map address of a physical address.
     *
     * @throws BadAddressException when {@code pa} is negative, beyond MAX_PHYSMEM_BITS or beyond the direct map
     */
    public long va(long pa) {
        long limit = Math.min(directMapSize, 1L << maxPhysmemBits());
        if (pa < 0 || pa >= limit) {
            throw new BadAddressException(pa, String.format(
                    "__va(%#x): physical addresses 0x0..%#x have a direct-map address (MAX_PHYSMEM_BITS %d, direct map"
                            + " %s)", pa, limit - 1, maxPhysmemBits(), SizeText.size(directMapSize)));
        }
        return pageOffsetBase + pa;
    }

    /**
     * {@code pfn_to_page(pfn)} with SPARSEMEM_VMEMMAP: the address of the pfn's 64-byte struct page.
     *
     * @throws BadAddressException for a pfn outside 0..2^(MAX_PHYSMEM_BITS-12)-1
     */
    public long pfnToPage(long pfn) {
        long maxPfn = Math.min(1L << (maxPhysmemBits() - PAGE_SHIFT), vmemmapSize / STRUCT_PAGE_SIZE);
        if (pfn < 0 || pfn >= maxPfn) {
            throw new BadAddressException(pfn, String.format(
                    "pfn_to_page(%#x): page frame numbers run from 0x0 to %#x (MAX_PHYSMEM_BITS %d)", pfn, maxPfn - 1,
                    maxPhysmemBits()));
        }
        return vmemmapBase + pfn * STRUCT_PAGE_SIZE;
    }

    /**
     * {@code page_to_pfn(page)}: the pfn whose struct page is at {@code page}.
     *
     * @throws BadAddressException when {@code page} is outside the vmemmap or not at the start of a struct page
     */
    public long pageToPfn(long page) {
        long offset = page - vmemmapBase;
        if (Long.compareUnsigned(page, vmemmapBase) < 0 || Long.compareUnsigned(offset, vmemmapSize) >= 0) {
            throw new BadAddressException(page, String.format(
                    "page_to_pfn(%#x): a struct page lives in the vmemmap [%#018x-%#018x], this address is in %s",
                    page, vmemmapBase, vmemmapBase + vmemmapSize - 1, classify(page).description()));
        }
        if (offset % STRUCT_PAGE_SIZE != 0) {
            throw BadAddressException.misaligned("struct page pointer", page, STRUCT_PAGE_SIZE);
        }
        return offset / STRUCT_PAGE_SIZE;
    }

    /** {@code virt_to_page(va)} = pfn_to_page(__pa(va) &gt;&gt; PAGE_SHIFT). */
    public long virtToPage(long va) {
        return pfnToPage(pa(va) >>> PAGE_SHIFT);
    }

    /** The table, one line per region, in mm.rst's columns (documented rows verbatim). */
    public String table() {
        StringBuilder out = new StringBuilder(
                "      Start addr    |   Offset   |     End addr     |  Size   | VM area description\n");
        for (MemoryRegion r : regions) {
            out.append(r.row()).append('\n');
        }
        return out.toString();
    }

    private long pageOffsetBase0() {
        return levels == 4 ? PAGE_OFFSET_BASE_L4 : PAGE_OFFSET_BASE_L5;
    }

    private long vmallocSize() {
        return (levels == 4 ? VMALLOC_SIZE_TB_L4 : VMALLOC_SIZE_TB_L5) * TB;
    }

    private List<MemoryRegion> buildRegions() {
        List<MemoryRegion> rows = MmRstTable.parse(
                MmRstTable.text(levels == 4 ? "mm-4level.txt" : "mm-5level.txt"), fixaddrStart);
        if (kernelImageSize != KERNEL_IMAGE_SIZE_DEFAULT) {
            rows.removeIf(r -> r.kind() == RegionKind.KERNEL_TEXT || r.kind() == RegionKind.MODULES);
            rows.add(MemoryRegion.derived(RegionKind.KERNEL_TEXT, START_KERNEL_MAP, modulesStart() - 1,
                    "kernel text mapping, mapped to physical address 0"));
            rows.add(MemoryRegion.derived(RegionKind.MODULES, modulesStart(), MODULES_END - 1,
                    "module mapping space"));
        }
        if (randomized) {
            long from = pageOffsetBase0();
            rows.removeIf(r -> Long.compareUnsigned(r.start(), from) >= 0
                    && Long.compareUnsigned(r.start(), CPU_ENTRY_AREA_BASE) < 0);
            rows.add(MemoryRegion.derived(RegionKind.DIRECT_MAP, pageOffsetBase, pageOffsetBase + directMapSize - 1,
                    "direct mapping of all physical memory (page_offset_base)"));
            rows.add(MemoryRegion.derived(RegionKind.VMALLOC, vmallocBase, vmallocEnd(),
                    "vmalloc/ioremap space (vmalloc_base)"));
            rows.add(MemoryRegion.derived(RegionKind.VMEMMAP, vmemmapBase, vmemmapBase + vmemmapSize - 1,
                    "virtual memory map (vmemmap_base)"));
        }
        rows.sort((a, b) -> Long.compareUnsigned(a.start(), b.start()));
        List<MemoryRegion> tiled = new ArrayList<>();
        long next = 0;
        for (MemoryRegion r : rows) {
            if (r.start() != next) {
                tiled.add(MemoryRegion.derived(RegionKind.UNUSED_HOLE, next, r.start() - 1,
                        "... unused hole"));
            }
            tiled.add(r);
            next = r.end() + 1;
        }
        if (next != 0) {
            tiled.add(MemoryRegion.derived(RegionKind.UNUSED_HOLE, next, -1L, "... unused hole"));
        }
        return tiled;
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
