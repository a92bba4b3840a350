package io.pagelab.questions.q53;

import io.pagelab.api.error.Errno;
import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.api.error.SyscallException;
import io.pagelab.kernel.mm.Vma;
import io.pagelab.kernel.mm.VmaSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Q53 mmap接口实现了什么？ What does mmap do? (reference solution)
 *
 * <p>Models Linux 6.x on x86-64 with 4-level paging: arch/x86/mm/mmap.c mmap_base() (stack rlimit plus
 * stack randomization range plus stack_guard_gap, clamped to [128 MiB, 5/6 of the task size], minus the
 * random offset of mmap_rnd_bits = 28 bits of pages); arch/x86/kernel/sys_x86_64.c
 * arch_get_unmapped_area_topdown() (a usable hint wins, else vm_unmapped_area() searching top-down below
 * mmap_base for the highest gap that fits, honouring vm_start_gap()); mm/mmap.c do_mmap() and
 * mmap_region() for private anonymous mappings (len 0 is EINVAL, MAP_FIXED replaces what was there,
 * the new VMA merges with compatible neighbours); mm/mmap.c SYSCALL_DEFINE2(munmap).
 *
 * <p>Differs from Linux on purpose: private anonymous mappings only; no bottom-up fallback when the
 * top-down search fails (ENOMEM instead); no THP alignment of anonymous lengths that are multiples of
 * 2 MiB (Linux 6.7+); no mmap_min_addr rounding of low hints; no VM_ACCOUNT or max_map_count.
 */
public final class Mmap {

    public static final long PAGE_SIZE = Vma.PAGE_SIZE;
    /** TASK_SIZE_MAX = DEFAULT_MAP_WINDOW with 4-level paging: (1 << 47) - PAGE_SIZE. */
    public static final long TASK_SIZE = (1L << 47) - PAGE_SIZE;
    /** stack_guard_gap: 256 pages. */
    public static final long STACK_GUARD_GAP = 256 * PAGE_SIZE;
    /** vm.mmap_min_addr default: the lowest address mmap hands out. */
    public static final long MMAP_MIN_ADDR = 65536;
    /** RLIM_INFINITY: all ones. */
    public static final long RLIM_INFINITY = -1L;

    public static final int PROT_READ = 0x1;
    public static final int PROT_WRITE = 0x2;
    public static final int PROT_EXEC = 0x4;
    public static final int MAP_SHARED = 0x01;
    public static final int MAP_PRIVATE = 0x02;
    public static final int MAP_FIXED = 0x10;
    public static final int MAP_ANONYMOUS = 0x20;

    private final long base;
    private final VmaSet vmas;

    /** A process whose mm->mmap_base is {@code base} and whose areas are {@code vmas} (given complete). */
    public Mmap(long base, VmaSet vmas) {
        InvalidArgumentException.check(base > 0 && base % PAGE_SIZE == 0 && base <= TASK_SIZE,
                "mmap_base %s must be page aligned in (0, TASK_SIZE]", base);
        this.base = base;
        this.vmas = Objects.requireNonNull(vmas, "vmas");
    }

    /** mm->mmap_base (given complete). */
    public long base() {
        return base;
    }

    /** The process's VMAs (given complete). */
    public VmaSet vmas() {
        return vmas;
    }

    // ---- the learner's part ----

    /**
     * mmap_base(): where top-down mmap starts.
     *
     * @param rlimitStack RLIMIT_STACK soft limit in bytes, {@link #RLIM_INFINITY} for unlimited
     * @param randomize whether the task randomizes its layout (PF_RANDOMIZE)
     * @param random the value get_random_long() returned (ignored unless randomizing)
     */
    public static long mmapBase(long rlimitStack, boolean randomize, long random) {
        long rnd = randomize ? (random & ((1L << 28) - 1)) << 12 : 0;
        long stackMaxRandomSize = randomize ? 0x3fffffL << 12 : 0;
        long gap = rlimitStack;
        long pad = stackMaxRandomSize + STACK_GUARD_GAP;
        if (Long.compareUnsigned(gap + pad, gap) > 0) {
            gap += pad;
        }
        long gapMin = 128L << 20;
        long gapMax = TASK_SIZE / 6 * 5;
        if (Long.compareUnsigned(gap, gapMin) < 0) {
            gap = gapMin;
        } else if (Long.compareUnsigned(gap, gapMax) > 0) {
            gap = gapMax;
        }
        return pageAlign(TASK_SIZE - gap - rnd);
    }

    /**
     * arch_get_unmapped_area_topdown() for a page-aligned {@code len}: the hint if usable, else the top
     * of the highest free gap below mmap_base that holds len.
     *
     * @throws SyscallException ENOMEM when nothing fits
     */
    public long getUnmappedArea(long len, long hint) {
        InvalidArgumentException.check(len > 0 && len % PAGE_SIZE == 0,
                "length %s must be a positive multiple of the page size", len);
        if (Long.compareUnsigned(len, TASK_SIZE) > 0) {
            throw new SyscallException("mmap", Errno.ENOMEM, String.format(
                    "length %#x is larger than TASK_SIZE %#x", len, TASK_SIZE));
        }
        if (hint != 0) {
            long addr = hint & -PAGE_SIZE;
            if (Long.compareUnsigned(addr, TASK_SIZE - len) <= 0) {
                Optional<Vma> next = vmas.findVma(addr);
                if (next.isEmpty() || Long.compareUnsigned(addr + len, vmStartGap(next.get())) <= 0) {
                    return addr;
                }
            }
        }
        // walk the gaps from the top: [end of previous area, start gap of the next) below mmap_base
        long high = base;
        TreeMap<Long, Vma> byStart = new TreeMap<>(Long::compareUnsigned);
        vmas.list().forEach(v -> byStart.put(v.start(), v));
        Map.Entry<Long, Vma> e = byStart.lowerEntry(high);
        Vma above = vmas.findVma(high).orElse(null);
        while (true) {
            long gapEnd = above == null ? high : minUnsigned(high, vmStartGap(above));
            long gapStart = e == null ? MMAP_MIN_ADDR : Math.max(MMAP_MIN_ADDR, e.getValue().end());
            if (Long.compareUnsigned(gapEnd, gapStart) > 0 && Long.compareUnsigned(gapEnd - gapStart, len) >= 0) {
                return gapEnd - len;
            }
            if (e == null || Long.compareUnsigned(e.getValue().end(), MMAP_MIN_ADDR) <= 0) {
                throw new SyscallException("mmap", Errno.ENOMEM, String.format(
                        "no free gap of %#x bytes below mmap_base %#x", len, base));
            }
            above = e.getValue();
            e = byStart.lowerEntry(e.getKey());
        }
    }

    /**
     * mmap(addr, len, prot, flags, -1, 0) for private anonymous memory.
     *
     * @return the start of the new mapping
     * @throws SyscallException EINVAL or ENOMEM, changing nothing
     */
    public long mmap(long addr, long len, int prot, int flags) {
        SyscallException.check(len != 0, "mmap", Errno.EINVAL, "length 0, must be > 0");
        int type = flags & (MAP_SHARED | MAP_PRIVATE);
        SyscallException.check(type == MAP_SHARED || type == MAP_PRIVATE, "mmap", Errno.EINVAL,
                "flags %#x: exactly one of MAP_SHARED and MAP_PRIVATE is required", flags);
        InvalidArgumentException.check(type == MAP_PRIVATE && (flags & MAP_ANONYMOUS) != 0,
                "flags %#x: this exercise models MAP_PRIVATE | MAP_ANONYMOUS only", flags);
        long pages = pageAlign(len);
        SyscallException.check(pages != 0, "mmap", Errno.ENOMEM, "length %#x overflows when page aligned", len);
        long start;
        if ((flags & MAP_FIXED) != 0) {
            SyscallException.check((addr & (PAGE_SIZE - 1)) == 0, "mmap", Errno.EINVAL,
                    "MAP_FIXED address %#x is not page aligned", addr);
            SyscallException.check(Long.compareUnsigned(pages, TASK_SIZE) <= 0
                    && Long.compareUnsigned(addr, TASK_SIZE - pages) <= 0, "mmap", Errno.ENOMEM,
                    "range %#x + %#x passes TASK_SIZE %#x", addr, pages, TASK_SIZE);
            start = addr;
            vmas.munmap(start, pages);
        } else {
            start = getUnmappedArea(pages, addr);
        }
        int vmFlags = (prot & (PROT_READ | PROT_WRITE | PROT_EXEC))
                | Vma.VM_MAYREAD | Vma.VM_MAYWRITE | Vma.VM_MAYEXEC;
        vmas.map(Vma.anonymous(start, start + pages, vmFlags, null));
        return start;
    }

    /**
     * munmap(addr, len): removes whole pages of [addr, addr + len), splitting areas at both ends.
     *
     * @throws SyscallException EINVAL for an unaligned addr, a zero len or a range beyond TASK_SIZE
     */
    public void munmap(long addr, long len) {
        SyscallException.check((addr & (PAGE_SIZE - 1)) == 0, "munmap", Errno.EINVAL,
                "address %#x is not page aligned", addr);
        long pages = pageAlign(len);
        SyscallException.check(pages != 0, "munmap", Errno.EINVAL, "length %#x, must be > 0", len);
        SyscallException.check(Long.compareUnsigned(addr, TASK_SIZE) <= 0
                && Long.compareUnsigned(pages, TASK_SIZE - addr) <= 0, "munmap", Errno.EINVAL,
                "range %#x + %#x passes TASK_SIZE", addr, len);
        vmas.munmap(addr, pages);
    }

    private static long vmStartGap(Vma vma) {
        if ((vma.flags() & Vma.VM_GROWSDOWN) != 0) {
            long gapped = vma.start() - STACK_GUARD_GAP;
            return Long.compareUnsigned(gapped, vma.start()) > 0 ? 0 : gapped;
        }
        return vma.start();
    }

    private static long minUnsigned(long a, long b) {
        return Long.compareUnsigned(a, b) <= 0 ? a : b;
    }

    private static long pageAlign(long x) {
        return (x + PAGE_SIZE - 1) & -PAGE_SIZE;
    }
}
