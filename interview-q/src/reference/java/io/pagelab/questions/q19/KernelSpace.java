package io.pagelab.questions.q19;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.kernel.layout.RegionKind;

/**
 * Q19 Kernel内存空间如何划分？ How is the kernel's address space divided? (reference solution)
 *
 * <p>The 4-level table of Documentation/arch/x86/x86_64/mm.rst (Linux 6.x) as a sorted array of
 * region starts, and the Linux 2.6 32-bit layout of pgtable_32_types.h / page_32_types.h.
 */
public final class KernelSpace {
    private static final long[] STARTS = {
        0x0000000000000000L, 0x0000800000000000L, 0xffff800000000000L, 0xffff880000000000L,
        0xffff888000000000L, 0xffffc88000000000L, 0xffffc90000000000L, 0xffffe90000000000L,
        0xffffea0000000000L, 0xffffeb0000000000L, 0xffffec0000000000L, 0xfffffc0000000000L,
        0xfffffe0000000000L, 0xfffffe8000000000L, 0xffffff0000000000L, 0xffffff8000000000L,
        0xffffffef00000000L, 0xffffffff00000000L, 0xffffffff80000000L, 0xffffffffa0000000L,
        0xffffffffff000000L, 0xffffffffff500000L, 0xffffffffff600000L, 0xffffffffff601000L,
    };
    private static final RegionKind[] KINDS = {
        RegionKind.USER, RegionKind.NON_CANONICAL, RegionKind.GUARD_HOLE, RegionKind.LDT_REMAP,
        RegionKind.DIRECT_MAP, RegionKind.UNUSED_HOLE, RegionKind.VMALLOC, RegionKind.UNUSED_HOLE,
        RegionKind.VMEMMAP, RegionKind.UNUSED_HOLE, RegionKind.KASAN_SHADOW, RegionKind.UNUSED_HOLE,
        RegionKind.CPU_ENTRY_AREA, RegionKind.UNUSED_HOLE, RegionKind.ESPFIX_STACKS, RegionKind.UNUSED_HOLE,
        RegionKind.EFI, RegionKind.UNUSED_HOLE, RegionKind.KERNEL_TEXT, RegionKind.MODULES,
        RegionKind.UNUSED_HOLE, RegionKind.FIXMAP, RegionKind.VSYSCALL, RegionKind.UNUSED_HOLE,
    };

    private static final long PAGE_OFFSET = 0xC0000000L;
    private static final long MAXMEM = 896L << 20;
    private static final long VMALLOC_OFFSET = 8L << 20;
    private static final long PKMAP_BASE = 0xFF800000L;
    private static final long LAST_PKMAP = 1024;
    private static final long FIXADDR_START = 0xFFF00000L;
    private static final long FIXADDR_TOP = 0xFFFFF000L;

    private KernelSpace() {
    }

    public static RegionKind classify64(long va) {
        int found = 0;
        for (int i = 0; i < STARTS.length; i++) {
            if (Long.compareUnsigned(va, STARTS[i]) >= 0) {
                found = i;
            }
        }
        return KINDS[found];
    }

    public static RegionKind classify32(long va, long ramBytes) {
        if (va < 0 || va > 0xFFFFFFFFL) {
            throw new InvalidArgumentException(String.format("%#x is not a 32-bit address", va));
        }
        long highMemory = PAGE_OFFSET + Math.min(ramBytes, MAXMEM);
        long vmallocStart = (highMemory + 2 * VMALLOC_OFFSET - 1) & ~(VMALLOC_OFFSET - 1);
        long vmallocEnd = PKMAP_BASE - 2 * 4096;
        if (va < PAGE_OFFSET) {
            return RegionKind.USER;
        } else if (va < highMemory) {
            return RegionKind.DIRECT_MAP;
        } else if (va < vmallocStart) {
            return RegionKind.VMALLOC_OFFSET_GAP;
        } else if (va < vmallocEnd) {
            return RegionKind.VMALLOC;
        } else if (va < PKMAP_BASE) {
            return RegionKind.UNUSED_HOLE;
        } else if (va < PKMAP_BASE + LAST_PKMAP * 4096) {
            return RegionKind.PKMAP;
        } else if (va < FIXADDR_START) {
            return RegionKind.UNUSED_HOLE;
        } else if (va < FIXADDR_TOP) {
            return RegionKind.FIXMAP;
        }
        return RegionKind.UNUSED_HOLE;
    }
}
