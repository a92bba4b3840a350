package io.pagelab.questions.q53;

import io.pagelab.api.error.Errno;
import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.api.error.SyscallException;
import io.pagelab.exercise.Todo;
import io.pagelab.kernel.mm.Vma;
import io.pagelab.kernel.mm.VmaSet;
import java.util.Objects;

/**
 * Q53 mmap接口实现了什么？ What does mmap do?
 *
 * <p>mmap finds a free range of virtual addresses, in the area between the heap and the stack that grows
 * down from {@code mm->mmap_base}, and records it as a VMA. Like brk it only reserves address space:
 * physical pages come on first touch. A new area that touches a compatible neighbour (same rights,
 * contiguous offset) is merged into it, so two back-to-back anonymous mappings show as one line in
 * /proc/pid/maps. mmap 在堆和栈之间自 mmap_base 向下寻找空闲虚拟地址区间，只建立 VMA，物理页在首次访问时
 * 才分配；与相邻兼容的 VMA 会合并。
 *
 * <p>Your task: implement the four methods after "the learner's part" (Linux 6.x, x86-64, 4-level
 * paging, private anonymous mappings only).
 * <ul>
 *   <li>{@link #mmapBase} (arch/x86/mm/mmap.c: mmap_base): gap = the stack rlimit, plus a pad of the
 *       stack randomization range (0x3fffff pages when randomizing, else 0) and {@link #STACK_GUARD_GAP},
 *       unless adding the pad overflows (unlimited stack); clamp gap to [128 MiB, TASK_SIZE / 6 * 5]
 *       (unsigned); the random offset is the low 28 bits of {@code random}, in pages, when randomizing,
 *       else 0; the result is TASK_SIZE - gap - offset rounded up to a page.</li>
 *   <li>{@link #getUnmappedArea} (arch_get_unmapped_area_topdown) for a page-aligned length: a non-zero
 *       hint, rounded down to a page, is used if [hint, hint + len) stays within TASK_SIZE and ends at or
 *       below the start of the first area ending above it; an area with {@code VM_GROWSDOWN} (a stack)
 *       counts as starting {@link #STACK_GUARD_GAP} lower. Otherwise search the free gaps between areas
 *       from the top down, below mmap_base and above {@link #MMAP_MIN_ADDR} (with the same stack rule),
 *       and return the top of the highest gap that holds len: gap end - len. Nothing fits: ENOMEM.</li>
 *   <li>{@link #mmap}: len 0 is EINVAL; flags must hold exactly one of MAP_SHARED and MAP_PRIVATE
 *       (EINVAL), and this exercise accepts MAP_PRIVATE | MAP_ANONYMOUS only (InvalidArgumentException
 *       otherwise); len is rounded up to whole pages (ENOMEM if that overflows). With MAP_FIXED the
 *       address must be page aligned (EINVAL) and whatever is mapped in the range is unmapped first;
 *       without it the address comes from getUnmappedArea, with addr as the hint. The new area is
 *       {@code Vma.anonymous} with flags PROT_READ/WRITE/EXEC as VM_READ/WRITE/EXEC (same bits) plus
 *       VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC and no name; {@code VmaSet.map} merges it.</li>
 *   <li>{@link #munmap}: EINVAL for an unaligned address, a length that rounds to 0 pages or a range
 *       beyond TASK_SIZE; otherwise remove the whole pages of the range.</li>
 * </ul>
 * Errors are {@code SyscallException}s carrying the errno; a failed call changes nothing.
 *
 * <p>Run {@code ./pagelab grade q53} to check your work.
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
        throw new Todo("q53/Mmap.java");
    }

    /**
     * arch_get_unmapped_area_topdown() for a page-aligned {@code len}: the hint if usable, else the top
     * of the highest free gap below mmap_base that holds len.
     *
     * @throws SyscallException ENOMEM when nothing fits
     */
    public long getUnmappedArea(long len, long hint) {
        throw new Todo("q53/Mmap.java");
    }

    /**
     * mmap(addr, len, prot, flags, -1, 0) for private anonymous memory.
     *
     * @return the start of the new mapping
     * @throws SyscallException EINVAL or ENOMEM, changing nothing
     */
    public long mmap(long addr, long len, int prot, int flags) {
        throw new Todo("q53/Mmap.java");
    }

    /**
     * munmap(addr, len): removes whole pages of [addr, addr + len), splitting areas at both ends.
     *
     * @throws SyscallException EINVAL for an unaligned addr, a zero len or a range beyond TASK_SIZE
     */
    public void munmap(long addr, long len) {
        throw new Todo("q53/Mmap.java");
    }
}
