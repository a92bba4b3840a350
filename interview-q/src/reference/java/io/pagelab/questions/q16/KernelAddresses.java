package io.pagelab.questions.q16;

import io.pagelab.api.error.BadAddressException;

/**
 * Q16 内核态进程虚拟地址与物理内存的映射关系？ Kernel virtual addresses and physical memory?
 * (reference solution)
 *
 * <p>Models arch/x86/mm/physaddr.c: __phys_addr(), arch/x86/include/asm/page.h: __va() and the
 * SPARSEMEM_VMEMMAP pfn_to_page()/page_to_pfn() of include/asm-generic/memory_model.h (Linux 6.x).
 */
public final class KernelAddresses {
    public static final long START_KERNEL_MAP = 0xffffffff80000000L;
    public static final long KERNEL_IMAGE_SIZE = 1L << 30;
    public static final long DIRECT_MAP_SIZE = 1L << 46;
    public static final long STRUCT_PAGE_SIZE = 64;
    public static final int PAGE_SHIFT = 12;

    private KernelAddresses() {
    }

    public static long pa(long va, long pageOffset, long physBase) {
        if (Long.compareUnsigned(va - START_KERNEL_MAP, KERNEL_IMAGE_SIZE) < 0) {
            return va - START_KERNEL_MAP + physBase;
        }
        if (Long.compareUnsigned(va - pageOffset, DIRECT_MAP_SIZE) < 0) {
            return va - pageOffset;
        }
        throw new BadAddressException(va, String.format(
                "__pa(%#x): not in the direct map [%#x, +64 TiB) nor in the kernel text mapping [%#x, +1 GiB)", va,
                pageOffset, START_KERNEL_MAP));
    }

    public static long va(long pa, long pageOffset) {
        if (pa < 0 || pa >= DIRECT_MAP_SIZE) {
            throw new BadAddressException(pa, String.format("__va(%#x): physical addresses stop at 2^46", pa));
        }
        return pa + pageOffset;
    }

    public static long pfnToPage(long pfn, long vmemmap) {
        if (pfn < 0 || pfn >= DIRECT_MAP_SIZE >>> PAGE_SHIFT) {
            throw new BadAddressException(pfn, String.format("pfn %#x is beyond 2^34 page frames", pfn));
        }
        return vmemmap + pfn * STRUCT_PAGE_SIZE;
    }

    public static long pageToPfn(long page, long vmemmap) {
        long offset = page - vmemmap;
        if (Long.compareUnsigned(offset, (DIRECT_MAP_SIZE >>> PAGE_SHIFT) * STRUCT_PAGE_SIZE) >= 0
                || offset % STRUCT_PAGE_SIZE != 0) {
            throw new BadAddressException(page, String.format(
                    "%#x is not the start of a struct page in the vmemmap at %#x", page, vmemmap));
        }
        return offset / STRUCT_PAGE_SIZE;
    }

    public static long virtToPage(long va, long pageOffset, long physBase, long vmemmap) {
        return pfnToPage(pa(va, pageOffset, physBase) >>> PAGE_SHIFT, vmemmap);
    }
}
