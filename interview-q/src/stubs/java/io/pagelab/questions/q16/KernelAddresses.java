package io.pagelab.questions.q16;

import io.pagelab.exercise.Todo;

/**
 * Q16 内核态进程虚拟地址与物理内存的映射关系？ Kernel virtual addresses and physical memory?
 *
 * <p>The kernel reaches physical memory through two fixed, linear mappings that every process
 * shares (they live in the kernel half of swapper_pg_dir, copied into each process's PGD): the
 * direct map, where physical address p is at {@code PAGE_OFFSET + p}, and the kernel text mapping,
 * where the kernel image is at {@code __START_KERNEL_map + (p - phys_base)}. Everything else
 * (vmalloc, modules, fixmap) is mapped page by page and needs a page-table walk. With SPARSEMEM_VMEMMAP
 * each page frame's {@code struct page} (64 bytes) sits in the vmemmap array, so
 * {@code pfn_to_page} is plain arithmetic too. 内核通过直接映射区和内核映像映射区线性地访问物理内存；
 * 其余区域需要查页表。
 *
 * <pre>
 *  __pa(va) = va - __START_KERNEL_map + phys_base   for __START_KERNEL_map &lt;= va &lt; __START_KERNEL_map + KERNEL_IMAGE_SIZE
 *           = va - PAGE_OFFSET                      for PAGE_OFFSET &lt;= va &lt; PAGE_OFFSET + DIRECT_MAP_SIZE
 *  __va(pa) = pa + PAGE_OFFSET                      for 0 &lt;= pa &lt; DIRECT_MAP_SIZE
 *  pfn_to_page(pfn) = vmemmap + pfn * 64            page_to_pfn(page) = (page - vmemmap) / 64
 *  virt_to_page(va) = pfn_to_page(__pa(va) &gt;&gt; 12)
 * </pre>
 * (arch/x86/mm/physaddr.c: __phys_addr(), include/asm-generic/memory_model.h, Linux 6.x, 4-level
 * paging with KASLR: KERNEL_IMAGE_SIZE 1 GiB, direct map 64 TiB = 2^46.)
 *
 * <p>Your task: implement the five conversions. PAGE_OFFSET, phys_base and vmemmap are parameters
 * because KASLR moves them. Compare addresses as unsigned values ({@link Long#compareUnsigned}):
 * kernel addresses are "negative" longs. phys_base may itself be "negative" (when the kernel runs
 * below its link address): plain wrapping addition is what the kernel does. Refuse bad input with
 * {@link io.pagelab.api.error.BadAddressException} (address = the value refused): an address outside
 * both mappings for {@code pa}, a physical address outside [0, DIRECT_MAP_SIZE) for {@code va} and
 * {@code pfnToPage} (pfn &lt; 2^34), a pointer outside the vmemmap array or not at the start of a
 * struct page for {@code pageToPfn}.
 *
 * <p>Do not call io.pagelab.kernel.layout: it is the library's own copy of this code.
 *
 * <p>Run {@code ./pagelab grade q16} to check your work.
 */
public final class KernelAddresses {
    /** __START_KERNEL_map. */
    public static final long START_KERNEL_MAP = 0xffffffff80000000L;
    /** KERNEL_IMAGE_SIZE with KASLR: 1 GiB. */
    public static final long KERNEL_IMAGE_SIZE = 1L << 30;
    /** The direct map's size with 4-level paging: 2^MAX_PHYSMEM_BITS = 2^46 = 64 TiB. */
    public static final long DIRECT_MAP_SIZE = 1L << 46;
    /** sizeof(struct page). */
    public static final long STRUCT_PAGE_SIZE = 64;
    /** PAGE_SHIFT. */
    public static final int PAGE_SHIFT = 12;

    private KernelAddresses() {
    }

    /** __pa(va): the physical address behind a direct-map or kernel-text virtual address. */
    public static long pa(long va, long pageOffset, long physBase) {
        throw new Todo("q16/KernelAddresses.java");
    }

    /** __va(pa): the direct-map address of a physical address. */
    public static long va(long pa, long pageOffset) {
        throw new Todo("q16/KernelAddresses.java");
    }

    /** pfn_to_page(pfn): the address of the pfn's struct page. */
    public static long pfnToPage(long pfn, long vmemmap) {
        throw new Todo("q16/KernelAddresses.java");
    }

    /** page_to_pfn(page): the pfn whose struct page is at {@code page}. */
    public static long pageToPfn(long page, long vmemmap) {
        throw new Todo("q16/KernelAddresses.java");
    }

    /** virt_to_page(va) for a direct-map or kernel-text address. */
    public static long virtToPage(long va, long pageOffset, long physBase, long vmemmap) {
        throw new Todo("q16/KernelAddresses.java");
    }
}
