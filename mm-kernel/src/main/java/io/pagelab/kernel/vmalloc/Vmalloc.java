package io.pagelab.kernel.vmalloc;

import static com.google.common.base.Preconditions.checkArgument;

import io.pagelab.api.Gfp;
import io.pagelab.api.PageAllocator;
import io.pagelab.api.PageTable;
import io.pagelab.api.Prot;
import io.pagelab.api.error.BadAddressException;
import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.api.error.OutOfMemoryException;
import io.pagelab.api.error.SimulationException;
import io.pagelab.kernel.layout.KernelLayout64;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * vmalloc / vfree: a virtually contiguous kernel area made of order-0 pages that may lie anywhere in
 * physical memory. Models mm/vmalloc.c (Linux 6.x):
 * <ul>
 *   <li>{@code alloc_vmap_area()} / {@code find_vmap_lowest_match()}: the lowest-address free block of
 *       [VMALLOC_START, VMALLOC_END) that fits (first fit by address);</li>
 *   <li>{@code __get_vm_area_node()}: {@code size = PAGE_ALIGN(size)}, plus one trailing guard page
 *       unless {@code VM_NO_GUARD} (linux-reference.md §11.2);</li>
 *   <li>{@code __vmalloc_area_node()}: one order-0 page at a time from the page allocator, each mapped
 *       with PAGE_KERNEL (present, RW, NX) into the kernel page table;</li>
 *   <li>{@code vfree()} / {@code remove_vm_area()}: unmap every page and return it; the messages
 *       "Trying to vfree() bad address (%p)" and "Trying to vfree() nonexistent vm area (%p)";</li>
 *   <li>{@code vmalloc_to_page()} / {@code vmalloc_to_pfn()} by a page-table walk;</li>
 *   <li>{@code s_show()} / {@code show_numa_info()}: the /proc/vmallocinfo lines.</li>
 * </ul>
 *
 * <p>Differs from Linux on purpose:
 * <ul>
 *   <li>Free space is a {@link TreeMap} of free blocks keyed by start address, searched in address
 *       order: O(number of free blocks). The kernel keeps the same blocks in an augmented rbtree
 *       ({@code free_vmap_area_root}) whose nodes cache {@code subtree_max_size}, so
 *       {@code find_vmap_lowest_match()} can skip every subtree too small for the request and finds
 *       the same lowest block in O(log n). Busy areas are a TreeMap by address (the kernel's
 *       {@code vmap_area_root}, per-node "vmap_nodes" since 6.9).</li>
 *   <li>vfree is immediate: the kernel defers the TLB flush and the return of the virtual range
 *       ("lazy purge", {@code lazy_max_pages()}); here the range is free again at once, so no
 *       "unpurged vm_area" lines appear.</li>
 *   <li>The {@code pages[]} array is not itself allocated; the {@code vpages} word is printed when the
 *       kernel would have vmalloc'ed it (more than PAGE_SIZE / 8 = 512 pages).</li>
 *   <li>Bad input throws (with the kernel's message) instead of WARN-and-return; state stays intact.
 *       Addresses print in full ({@code %px} style) rather than hashed.</li>
 *   <li>One NUMA node: {@code show_numa_info()} prints {@code N0=nr_pages}.</li>
 * </ul>
 */
public final class Vmalloc {
    private static final Logger log = LoggerFactory.getLogger(Vmalloc.class);

    public static final long PAGE_SIZE = 4096;
    /** include/linux/vmalloc.h flag values. */
    public static final int VM_IOREMAP = 0x1;
    public static final int VM_ALLOC = 0x2;
    public static final int VM_MAP = 0x4;
    public static final int VM_USERMAP = 0x8;
    public static final int VM_DMA_COHERENT = 0x10;
    public static final int VM_NO_GUARD = 0x40;
    private static final int ALLOWED_FLAGS = VM_NO_GUARD;

    private final PageAllocator pages;
    private final PageTable pageTable;
    private final long vmallocStart;
    private final long vmallocEnd;
    /** free_vmap_area_root: start -> end (exclusive) of each free block, never adjacent. */
    private final TreeMap<Long, Long> free = new TreeMap<>(Long::compareUnsigned);
    /** vmap_area_root: start -> area. */
    private final TreeMap<Long, VmStruct> busy = new TreeMap<>(Long::compareUnsigned);

    /**
     * A vmalloc space over [{@code start}, {@code end}) backed by {@code pages} and mapped in
     * {@code pageTable}.
     */
    public Vmalloc(PageAllocator pages, PageTable pageTable, long start, long end) {
        this.pages = Objects.requireNonNull(pages, "pages");
        this.pageTable = Objects.requireNonNull(pageTable, "pageTable");
        checkArgument((start & 0xfff) == 0, "VMALLOC_START %s must be page-aligned", Long.toHexString(start));
        long alignedEnd = end & -PAGE_SIZE;
        checkArgument(Long.compareUnsigned(start, alignedEnd) < 0, "vmalloc range [%s, %s) is empty",
                Long.toHexString(start), Long.toHexString(end));
        this.vmallocStart = start;
        this.vmallocEnd = alignedEnd;
        free.put(start, alignedEnd);
    }

    /**
     * The x86-64 vmalloc space of {@code layout}: [VMALLOC_START, VMALLOC_END), where VMALLOC_END is
     * the layout's inclusive last byte (0xffffe8ffffffffff on 4-level), so the last whole page ends at
     * 0xffffe8fffffff000... + 0x1000.
     */
    public static Vmalloc of(PageAllocator pages, PageTable pageTable, KernelLayout64 layout) {
        return new Vmalloc(pages, pageTable, layout.vmallocStart(), layout.vmallocEnd() + 1);
    }

    public long vmallocStart() {
        return vmallocStart;
    }

    /** The exclusive end of the range used for areas. */
    public long vmallocEnd() {
        return vmallocEnd;
    }

    /** vmalloc(size) with the caller shown as "vmalloc". */
    public long vmalloc(long size) {
        return vmalloc(size, "vmalloc");
    }

    /** vmalloc(size): see {@link #vmallocNode(long, int, String)}. */
    public long vmalloc(long size, String caller) {
        return vmallocNode(size, 0, caller);
    }

    /**
     * __vmalloc_node_range(): reserves {@code PAGE_ALIGN(size)} (+ a guard page unless VM_NO_GUARD),
     * allocates each page with order 0 and maps it kernel RW, NX.
     *
     * @param size bytes wanted, at least 1
     * @param flags 0 or {@link #VM_NO_GUARD}
     * @param caller the {@code %pS} text of /proc/vmallocinfo, e.g. "bpf_prog_alloc+0x3e/0xb0"; may be null
     * @return the start of the area
     * @throws InvalidArgumentException for size 0, a negative size or unknown flags
     * @throws OutOfMemoryException when the range or the pages run out (nothing is left allocated)
     */
    public long vmallocNode(long size, int flags, String caller) {
        if (size <= 0) {
            throw new InvalidArgumentException(String.format(
                    "vmalloc: size %d is not allowed: the kernel returns NULL for size 0 (WARN_ON_ONCE(!size));"
                            + " ask for 1 byte or more", size));
        }
        InvalidArgumentException.check((flags & ~ALLOWED_FLAGS) == 0,
                "vmalloc: flags %#x not allowed: only VM_NO_GUARD (%#x) may be passed", flags, VM_NO_GUARD);
        long alignedSize = (size + PAGE_SIZE - 1) & -PAGE_SIZE;
        int nrPages = (int) Math.min(Integer.MAX_VALUE, alignedSize / PAGE_SIZE);
        if (alignedSize / PAGE_SIZE > pages.managedPages()) {
            throw new OutOfMemoryException(size,
                    String.format("vmalloc error: size %d, exceeds total pages", size));
        }
        long areaSize = (flags & VM_NO_GUARD) != 0 ? alignedSize : alignedSize + PAGE_SIZE;
        long addr = allocVmapArea(areaSize);
        long[] pfns = new long[nrPages];
        int allocated = 0;
        int mapped = 0;
        try {
            for (; mapped < nrPages; mapped++) {
                pfns[mapped] = pages.allocPage(Gfp.GFP_KERNEL);
                allocated++;
                pageTable.map(addr + mapped * PAGE_SIZE, pfns[mapped], Prot.KERNEL_RW);
            }
        } catch (SimulationException e) {
            // undo: the pages mapped so far, a page allocated but not mapped, then the range
            for (int i = 0; i < mapped; i++) {
                pageTable.unmap(addr + i * PAGE_SIZE);
            }
            for (int i = 0; i < allocated; i++) {
                pages.freePage(pfns[i]);
            }
            freeVmapArea(addr, areaSize);
            if (e instanceof OutOfMemoryException) {
                throw new OutOfMemoryException(size, String.format(
                        "vmalloc error: size %d, page order 0, failed to allocate pages (%d of %d allocated): %s",
                        size, mapped, nrPages, e.getMessage()));
            }
            throw e;
        }
        VmStruct vm = new VmStruct(addr, areaSize, flags | VM_ALLOC, pfns, caller);
        busy.put(addr, vm);
        log.debug("vmalloc({}) = {} ({} pages, area size {})", size, hex(addr), nrPages, areaSize);
        return addr;
    }

    /**
     * vfree(addr): unmaps the area starting at {@code addr}, returns every page, frees the range.
     * vfree(0) does nothing, as in the kernel.
     *
     * @throws BadAddressException "Trying to vfree() bad address (...)" for a misaligned address, and
     *     "Trying to vfree() nonexistent vm area (...)" for an address vmalloc did not return (or one
     *     already freed); nothing changes
     */
    public void vfree(long addr) {
        if (addr == 0) {
            return;
        }
        if ((addr & (PAGE_SIZE - 1)) != 0) {
            throw new BadAddressException(addr, "Trying to vfree() bad address (" + hex(addr)
                    + "): vfree() takes the page-aligned start returned by vmalloc()");
        }
        VmStruct vm = busy.get(addr);
        if (vm == null) {
            throw new BadAddressException(addr, "Trying to vfree() nonexistent vm area (" + hex(addr)
                    + "): no vmalloc area starts there (never allocated, or already freed)");
        }
        busy.remove(addr);
        long[] pfns = vm.pfns();
        for (int i = 0; i < pfns.length; i++) {
            pageTable.unmap(addr + i * PAGE_SIZE);
            pages.freePage(pfns[i]);
        }
        freeVmapArea(addr, vm.size());
        log.debug("vfree({}): {} pages returned", hex(addr), pfns.length);
    }

    /**
     * vmalloc_to_pfn(addr): the page frame behind a vmalloc address, found by walking the page table.
     *
     * @throws BadAddressException when {@code addr} is outside the vmalloc range or not mapped (a guard
     *     page, a freed area)
     */
    public long vmallocToPfn(long addr) {
        if (!isVmallocAddr(addr)) {
            throw new BadAddressException(addr, String.format(
                    "vmalloc_to_pfn(%s): not a vmalloc address; allowed is [%s, %s)", hex(addr),
                    hex(vmallocStart), hex(vmallocEnd)));
        }
        long pa = pageTable.translate(addr);
        if (pa == PageTable.NOT_MAPPED) {
            throw new BadAddressException(addr, String.format(
                    "vmalloc_to_pfn(%s): no page is mapped there (guard page or unallocated)", hex(addr)));
        }
        return pa >>> 12;
    }

    /** vmalloc_to_page(addr): here, the same pfn (struct page is the mem_map entry of that pfn). */
    public long vmallocToPage(long addr) {
        return vmallocToPfn(addr);
    }

    /** is_vmalloc_addr(). */
    public boolean isVmallocAddr(long addr) {
        return Long.compareUnsigned(addr, vmallocStart) >= 0 && Long.compareUnsigned(addr, vmallocEnd) < 0;
    }

    /** find_vm_area(addr): the area containing {@code addr} (guard page included). */
    public Optional<VmStruct> findVmArea(long addr) {
        Map.Entry<Long, VmStruct> e = busy.floorEntry(addr);
        if (e == null || Long.compareUnsigned(addr, e.getValue().end()) >= 0) {
            return Optional.empty();
        }
        return Optional.of(e.getValue());
    }

    /** Every busy area, by address. */
    public List<VmStruct> areas() {
        return List.copyOf(busy.values());
    }

    /** The free blocks [start, end) by address, as pairs. */
    public List<long[]> freeBlocks() {
        List<long[]> out = new ArrayList<>();
        free.forEach((s, e) -> out.add(new long[] {s, e}));
        return out;
    }

    /** vmalloc_nr_pages(): pages backing VM_ALLOC areas (meminfo VmallocUsed / 4). */
    public long nrPages() {
        long n = 0;
        for (VmStruct vm : busy.values()) {
            n += vm.nrPages();
        }
        return n;
    }

    /** /proc/vmallocinfo, one line per area, sorted by address. */
    public List<String> vmallocinfo() {
        List<String> lines = new ArrayList<>();
        for (VmStruct vm : busy.values()) {
            lines.add(showArea(vm));
        }
        return lines;
    }

    /** s_show() + show_numa_info() for one area (no trailing newline). */
    static String showArea(VmStruct v) {
        StringBuilder sb = new StringBuilder(String.format("0x%016x-0x%016x %7d", v.addr(), v.end(), v.size()));
        if (v.caller() != null) {
            sb.append(' ').append(v.caller());
        }
        if (v.nrPages() > 0) {
            sb.append(" pages=").append(v.nrPages());
        }
        if ((v.flags() & VM_IOREMAP) != 0) {
            sb.append(" ioremap");
        }
        if ((v.flags() & VM_ALLOC) != 0) {
            sb.append(" vmalloc");
        }
        if ((v.flags() & VM_MAP) != 0) {
            sb.append(" vmap");
        }
        if ((v.flags() & VM_USERMAP) != 0) {
            sb.append(" user");
        }
        if ((v.flags() & VM_DMA_COHERENT) != 0) {
            sb.append(" dma-coherent");
        }
        if ((long) v.nrPages() * Long.BYTES > PAGE_SIZE) {
            sb.append(" vpages"); // __vmalloc_area_node() vmallocs pages[] when it exceeds a page
        }
        if ((v.flags() & VM_ALLOC) != 0 && v.nrPages() > 0) {
            sb.append(" N0=").append(v.nrPages());
        }
        return sb.toString();
    }

    /** find_vmap_lowest_match(): the lowest free block that holds {@code size}; split it. */
    private long allocVmapArea(long size) {
        for (Map.Entry<Long, Long> block : free.entrySet()) {
            long start = block.getKey();
            long end = block.getValue();
            if (Long.compareUnsigned(end - start, size) >= 0) {
                free.remove(start);
                if (end - start != size) {
                    free.put(start + size, end);
                }
                return start;
            }
        }
        throw new OutOfMemoryException(size, String.format(
                "vmap allocation for size %d failed: use vmalloc=<size> to increase size", size));
    }

    /** merge_or_add_vmap_area(): give [addr, addr+size) back, merged with free neighbours. */
    private void freeVmapArea(long addr, long size) {
        long start = addr;
        long end = addr + size;
        Map.Entry<Long, Long> before = free.lowerEntry(start);
        if (before != null && before.getValue() == start) {
            start = before.getKey();
            free.remove(before.getKey());
        }
        Long after = free.get(end);
        if (after != null) {
            free.remove(end);
            end = after;
        }
        free.put(start, end);
    }

    private static String hex(long v) {
        return String.format("0x%016x", v);
    }
}
