package io.pagelab.questions.q19;

import io.pagelab.exercise.Todo;
import io.pagelab.kernel.layout.RegionKind;

/**
 * Q19 Kernel内存空间如何划分？ How is the kernel's address space divided?
 *
 * <p>32-bit x86 with the 3G/1G split: the top gigabyte is the kernel's. Its first part, from
 * PAGE_OFFSET 0xC0000000, maps physical memory directly ("lowmem", at most 896 MiB, ends at
 * {@code high_memory}); then an 8 MiB gap; then the vmalloc area; then the persistent kmap area;
 * then the fixmap. x86-64 has room for everything: Documentation/arch/x86/x86_64/mm.rst lists a
 * region for each use (linux-reference.md §1.4). 内核空间被划分为直接映射区、vmalloc 区、持久映射区、
 * 固定映射区等；64 位下区域更多、更大。
 *
 * <p>Your task:
 * <ul>
 *   <li>{@link #classify64}: the region of any 64-bit address in the 4-level map of mm.rst, without
 *       KASLR: copy the table's start and end addresses (KERNEL_IMAGE_SIZE 512 MiB, so kernel text
 *       ends at 0xffffffff9fffffff and modules start at 0xffffffffa0000000). FIXADDR_START is
 *       "variable" in mm.rst; use -11 MiB = 0xffffffffff500000. Parts of the space mm.rst lists no
 *       row for (between MODULES_END 0xffffffffff000000 and FIXADDR_START, and between the vsyscall
 *       page and 0xffffffffffe00000) are {@link RegionKind#UNUSED_HOLE}, like the table's "unused
 *       hole" rows. Compare addresses unsigned.</li>
 *   <li>{@link #classify32}: the region of a 32-bit address for a machine with {@code ramBytes} of
 *       RAM, Linux 2.6's layout:
 *       <pre>
 *       USER                0x00000000 .. PAGE_OFFSET 0xC0000000
 *       DIRECT_MAP          PAGE_OFFSET .. high_memory = PAGE_OFFSET + min(ramBytes, 896 MiB)
 *       VMALLOC_OFFSET_GAP  high_memory .. VMALLOC_START = (high_memory + 2 * 8 MiB - 1) &amp; ~(8 MiB - 1)
 *       VMALLOC             VMALLOC_START .. VMALLOC_END = PKMAP_BASE - 2 * 4096
 *       UNUSED_HOLE         VMALLOC_END .. PKMAP_BASE 0xFF800000 (two guard pages)
 *       PKMAP               PKMAP_BASE .. + LAST_PKMAP (1024) pages
 *       UNUSED_HOLE         pkmap end .. FIXADDR_START 0xFFF00000
 *       FIXMAP              FIXADDR_START .. FIXADDR_TOP 0xFFFFF000
 *       UNUSED_HOLE         FIXADDR_TOP .. 0xFFFFFFFF (the last page)
 *       </pre>
 *       (each range includes its start, excludes its end). An address outside 0..0xFFFFFFFF is
 *       refused with {@link io.pagelab.api.error.InvalidArgumentException}.</li>
 * </ul>
 *
 * <p>Do not call io.pagelab.kernel.layout's layouts: they are the library's own copy of this code.
 *
 * <p>Run {@code ./pagelab grade q19} to check your work.
 */
public final class KernelSpace {

    private KernelSpace() {
    }

    /** The mm.rst region of a 64-bit address (4-level paging, no KASLR). */
    public static RegionKind classify64(long va) {
        throw new Todo("q19/KernelSpace.java");
    }

    /** The region of a 32-bit virtual address with the 3G/1G split. */
    public static RegionKind classify32(long va, long ramBytes) {
        throw new Todo("q19/KernelSpace.java");
    }
}
