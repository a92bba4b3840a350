package io.pagelab.questions.q52;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.kernel.mm.Vma;
import io.pagelab.kernel.mm.VmaSet;
import java.util.Objects;
import java.util.Optional;

/**
 * Q52 brk接口实现了什么？ What does brk do? (reference solution)
 *
 * <p>Models mm/mmap.c SYSCALL_DEFINE1(brk) and do_brk_flags() (Linux 6.x, x86-64, 4 KiB pages,
 * CONFIG_COMPAT_BRK off): the minimum break is start_brk; old and new break are compared page-aligned;
 * within one page only mm->brk changes; shrinking unmaps [PAGE_ALIGN(brk), PAGE_ALIGN(old brk)) if a
 * brk area covers it; growing fails when the next VMA, moved down by stack_guard_gap when it grows down
 * (vm_start_gap), starts below PAGE_ALIGN(brk) + PAGE_SIZE; otherwise the brk VMA is extended or a new
 * anonymous VMA with VM_DATA_DEFAULT_FLAGS is made. The exact, unaligned value is kept in mm->brk and
 * returned; on failure the old break is returned.
 *
 * <p>Differs from Linux on purpose: the heap VMA carries the stored label "[heap]" (Linux derives it in
 * get_vma_name()), and merging is VmaSet's value comparison; no RLIMIT_DATA check, no VM_ACCOUNT,
 * no mlock population.
 */
public final class ProgramBreak {

    public static final long PAGE_SIZE = Vma.PAGE_SIZE;
    /** stack_guard_gap, mm/mmap.c: 256 pages (1 MiB). */
    public static final long STACK_GUARD_GAP = 256 * PAGE_SIZE;
    /** VM_DATA_DEFAULT_FLAGS on x86-64 (no READ_IMPLIES_EXEC): what a brk area gets, "rw-p". */
    public static final int HEAP_FLAGS = Vma.VM_READ | Vma.VM_WRITE | Vma.VM_MAYREAD | Vma.VM_MAYWRITE
            | Vma.VM_MAYEXEC;
    /** The label pagelab stores on brk areas. */
    public static final String HEAP = "[heap]";

    private final long startBrk;
    private final VmaSet vmas;
    private long brk;

    /**
     * An mm whose heap is empty: mm->start_brk = mm->brk = {@code startBrk}, as load_elf_binary()
     * leaves it (given complete, no need to edit).
     *
     * @param startBrk page aligned, just above the program's data and bss
     * @param vmas the process's other areas; brk changes them
     */
    public ProgramBreak(long startBrk, VmaSet vmas) {
        InvalidArgumentException.check(startBrk > 0 && startBrk % PAGE_SIZE == 0,
                "start_brk %s must be a positive multiple of %s", startBrk, PAGE_SIZE);
        this.startBrk = startBrk;
        this.brk = startBrk;
        this.vmas = Objects.requireNonNull(vmas, "vmas");
    }

    /** mm->start_brk (given complete). */
    public long startBrk() {
        return startBrk;
    }

    /** mm->brk, the exact program break (given complete). */
    public long brk() {
        return brk;
    }

    /** The process's VMAs (given complete). */
    public VmaSet vmas() {
        return vmas;
    }

    // ---- the learner's part ----

    /** brk(2): moves the program break to {@code newBrk} if allowed; returns the break in effect. */
    public long sysBrk(long newBrk) {
        long origBrk = brk;
        if (Long.compareUnsigned(newBrk, startBrk) < 0) {
            return origBrk;
        }
        long newPage = pageAlign(newBrk);
        long oldPage = pageAlign(brk);
        if (newPage == oldPage) {
            brk = newBrk;
            return brk;
        }
        if (Long.compareUnsigned(newBrk, brk) <= 0) {
            Optional<Vma> brkVma = vmas.findVma(newPage);
            if (brkVma.isEmpty() || Long.compareUnsigned(brkVma.get().start(), oldPage) >= 0) {
                return origBrk;
            }
            vmas.munmap(newPage, oldPage - newPage);
            brk = newBrk;
            return brk;
        }
        Optional<Vma> next = vmas.findVma(oldPage);
        if (newPage == 0 || next.isPresent()
                && Long.compareUnsigned(newPage + PAGE_SIZE, vmStartGap(next.get())) > 0) {
            return origBrk;
        }
        vmas.map(Vma.anonymous(oldPage, newPage, HEAP_FLAGS, HEAP));
        brk = newBrk;
        return brk;
    }

    /** vm_start_gap(): a VM_GROWSDOWN area claims stack_guard_gap below its start. */
    private static long vmStartGap(Vma vma) {
        long start = vma.start();
        if ((vma.flags() & Vma.VM_GROWSDOWN) != 0) {
            long gapped = start - STACK_GUARD_GAP;
            return Long.compareUnsigned(gapped, start) > 0 ? 0 : gapped;
        }
        return start;
    }

    private static long pageAlign(long addr) {
        return (addr + PAGE_SIZE - 1) & -PAGE_SIZE;
    }
}
