package io.pagelab.questions.q52;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.exercise.Todo;
import io.pagelab.kernel.mm.Vma;
import io.pagelab.kernel.mm.VmaSet;
import java.util.Objects;

/**
 * Q52 brk接口实现了什么？ What does brk do?
 *
 * <p>brk moves the program break, the top of the heap that starts just above the program's data and
 * bss. It only changes the virtual layout: growing adds (or extends) an anonymous "[heap]" area, and
 * physical pages arrive later, on the first touch of each page (page faults). Shrinking unmaps pages.
 * brk 只移动堆顶（program break），只改变虚拟地址布局；物理页要等第一次访问触发缺页时才分配。
 *
 * <p>Your task: implement {@link #sysBrk}, the brk system call as Linux 6.x does it
 * (mm/mmap.c: SYSCALL_DEFINE1(brk), do_brk_flags). It never fails with an error code: it returns the
 * break in effect afterwards, the new one on success, the unchanged one when it refuses.
 * <ul>
 *   <li>A break below start_brk is refused.</li>
 *   <li>Compare the old and new break rounded up to a page ({@code PAGE_ALIGN}). If both round to the
 *       same page, only the break changes: no area changes.</li>
 *   <li>Shrinking (new break not above the old one) is always allowed when an area overlaps
 *       [PAGE_ALIGN(new), PAGE_ALIGN(old)): unmap that range (refuse if no area is there).</li>
 *   <li>Growing: look at the first area ending above PAGE_ALIGN(old) ({@code find_vma}). Refuse if its
 *       start is below PAGE_ALIGN(new) + one page: one free page must remain. A stack-like area (flag
 *       {@code VM_GROWSDOWN}) counts as starting {@link #STACK_GUARD_GAP} lower ({@code vm_start_gap}).
 *       Otherwise map [PAGE_ALIGN(old), PAGE_ALIGN(new)) as an anonymous area with
 *       {@link #HEAP_FLAGS}, labelled {@link #HEAP} ({@code Vma.anonymous}); {@code VmaSet.map} merges it
 *       with the heap area just below, so the heap stays one area.</li>
 *   <li>On success the break takes the exact value asked for, not rounded: areas end on page
 *       boundaries, the break need not.</li>
 * </ul>
 *
 * <p>Run {@code ./pagelab grade q52} to check your work.
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
        throw new Todo("q52/ProgramBreak.java");
    }
}
