package io.pagelab.questions.q52;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import io.pagelab.kernel.mm.MappedFile;
import io.pagelab.kernel.mm.ProcMaps;
import io.pagelab.kernel.mm.Vma;
import io.pagelab.kernel.mm.VmaSet;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q52 brk接口实现了什么？ What does brk do?
 *
 * <p>The process is {@code setarch x86_64 -R cat /proc/self/maps} on Linux 6.18 (ASLR off; the capture
 * is q56's test resource): /usr/bin/cat is mapped at 0x555555554000-0x555555560000 and start_brk is
 * 0x555555560000. glibc's first heap growth is 0x21000 bytes, which gave the captured line
 * {@code 555555560000-555555581000 rw-p 00000000 00:00 0 ... [heap]}. Expected values are hand
 * computations from mm/mmap.c SYSCALL_DEFINE1(brk) (Linux 6.x): PAGE_ALIGN of old and new break, the
 * one-page gap {@code newbrk + PAGE_SIZE <= vm_start_gap(next)} and stack_guard_gap = 256 pages.
 */
@Grader(id = "q52")
@DisplayName("Q52 brk: program break, [heap] VMA, shrink, collision and guard gap")
class ProgramBreakTest {

    static final long START_BRK = 0x555555560000L;
    static final MappedFile CAT = new MappedFile("/usr/bin/cat", 0xfe, 0, 260131);
    static final int R = Vma.VM_READ | Vma.VM_MAYREAD | Vma.VM_MAYWRITE | Vma.VM_MAYEXEC;

    /** cat's five segments as the capture shows them (offsets are file pages). */
    static VmaSet catLayout() {
        VmaSet vmas = new VmaSet();
        vmas.insert(Vma.fileBacked(0x555555554000L, 0x555555556000L, R, 0, CAT));
        vmas.insert(Vma.fileBacked(0x555555556000L, 0x55555555b000L, R | Vma.VM_EXEC, 2, CAT));
        vmas.insert(Vma.fileBacked(0x55555555b000L, 0x55555555e000L, R, 7, CAT));
        vmas.insert(Vma.fileBacked(0x55555555e000L, 0x55555555f000L, R, 9, CAT));
        vmas.insert(Vma.fileBacked(0x55555555f000L, 0x555555560000L, R | Vma.VM_WRITE, 0xa, CAT));
        return vmas;
    }

    static List<Vma> heap(ProgramBreak mm) {
        return mm.vmas().list().stream().filter(v -> Long.compareUnsigned(v.start(), START_BRK) >= 0)
                .filter(v -> Long.compareUnsigned(v.start(), 0x555555600000L) < 0).collect(Collectors.toList());
    }

    static List<String> startsAndEnds(List<Vma> vmas) {
        return vmas.stream().map(v -> Long.toHexString(v.start()) + "-" + Long.toHexString(v.end()))
                .collect(Collectors.toList());
    }

    @Test
    @Points(2)
    @Hint("A break below start_brk is refused: brk returns the current break and changes nothing. That is "
            + "how glibc learns the break: brk(0).")
    void aBreakBelowStartBrkReturnsTheCurrentBreak() {
        ProgramBreak mm = new ProgramBreak(START_BRK, catLayout());
        assertThat(mm.sysBrk(0)).as("brk(0)").isEqualTo(START_BRK);
        assertThat(mm.sysBrk(START_BRK - 0x1000)).as("brk(start_brk - 0x1000)").isEqualTo(START_BRK);
        assertThat(mm.brk()).as("mm->brk").isEqualTo(START_BRK);
        assertThat(mm.vmas().size()).as("VMAs (only cat's five)").isEqualTo(5);
    }

    @Test
    @Points(4)
    @Hint("Growing maps [PAGE_ALIGN(old break), PAGE_ALIGN(new break)) as one anonymous rw-p area "
            + "(HEAP_FLAGS, Vma.anonymous, label \"[heap]\") and returns the new break.")
    void theFirstGrowthCreatesTheHeapAreaOfTheCapture() {
        ProgramBreak mm = new ProgramBreak(START_BRK, catLayout());
        assertThat(mm.sysBrk(START_BRK + 0x21000)).as("brk(start_brk + 0x21000)").isEqualTo(0x555555581000L);
        assertThat(mm.brk()).as("mm->brk").isEqualTo(0x555555581000L);
        List<Vma> heap = heap(mm);
        assertThat(heap).as("areas above start_brk").hasSize(1);
        // the captured line, byte for byte (fs/proc/task_mmu.c format, name at column 73)
        assertThat(ProcMaps.line(heap.get(0))).as("the heap's /proc/pid/maps line").isEqualTo(
                "555555560000-555555581000 rw-p 00000000 00:00 0                          [heap]\n");
    }

    @Test
    @Points(3)
    @Hint("The break is kept exactly (start_brk + 100 stays + 100) while the area ends on a page boundary. "
            + "A new break in the same page as the old one (after PAGE_ALIGN) changes only the break.")
    void anUnalignedBreakIsKeptExactlyWhileTheAreaEndsOnAPage() {
        ProgramBreak mm = new ProgramBreak(START_BRK, catLayout());
        assertThat(mm.sysBrk(START_BRK + 100)).as("brk(start_brk + 100)").isEqualTo(0x555555560064L);
        assertThat(startsAndEnds(heap(mm))).as("heap areas").containsExactly("555555560000-555555561000");
        // PAGE_ALIGN(0x555555561000) == PAGE_ALIGN(0x555555560064): nothing to map
        assertThat(mm.sysBrk(START_BRK + 0x1000)).as("brk(start_brk + 0x1000)").isEqualTo(0x555555561000L);
        assertThat(startsAndEnds(heap(mm))).as("heap areas").containsExactly("555555560000-555555561000");
        // one byte more needs a second page
        assertThat(mm.sysBrk(START_BRK + 0x1001)).as("brk(start_brk + 0x1001)").isEqualTo(0x555555561001L);
        assertThat(startsAndEnds(heap(mm))).as("heap areas").containsExactly("555555560000-555555562000");
    }

    @Test
    @Points(3)
    @Hint("Each growth maps only the new pages; do_brk_flags extends the heap area below instead of adding "
            + "one, so the heap stays a single area (map the new part with the same flags and label).")
    void twoGrowthsMergeIntoOneHeapArea() {
        ProgramBreak mm = new ProgramBreak(START_BRK, catLayout());
        mm.sysBrk(START_BRK + 0x21000);
        assertThat(mm.sysBrk(START_BRK + 0x42000)).as("brk(start_brk + 0x42000)").isEqualTo(0x5555555a2000L);
        assertThat(startsAndEnds(heap(mm))).as("heap areas").containsExactly("555555560000-5555555a2000");
        assertThat(mm.vmas().size()).as("VMAs: cat's five and one heap").isEqualTo(6);
        assertThat(heap(mm).get(0).flags()).as("heap flags").isEqualTo(ProgramBreak.HEAP_FLAGS);
    }

    @Test
    @Points(3)
    @Hint("Shrinking is always allowed: unmap [PAGE_ALIGN(new), PAGE_ALIGN(old)) and keep the exact new "
            + "break. Back to start_brk, no heap area is left at all.")
    void shrinkingUnmapsTheTopPages() {
        ProgramBreak mm = new ProgramBreak(START_BRK, catLayout());
        mm.sysBrk(START_BRK + 0x21000);
        assertThat(mm.sysBrk(START_BRK + 0x4f00)).as("brk(start_brk + 0x4f00)").isEqualTo(0x555555564f00L);
        assertThat(startsAndEnds(heap(mm))).as("heap areas").containsExactly("555555560000-555555565000");
        assertThat(mm.sysBrk(START_BRK)).as("brk(start_brk)").isEqualTo(START_BRK);
        assertThat(heap(mm)).as("heap areas after brk(start_brk)").isEmpty();
        assertThat(mm.vmas().size()).as("VMAs").isEqualTo(5);
    }

    @Test
    @Points(3)
    @Hint("Growing must leave one free page below the next area: refuse when PAGE_ALIGN(new) + 4096 is "
            + "above its start. A refusal returns the old break and changes no area.")
    void growingIntoTheNextAreaIsRefusedAndChangesNothing() {
        VmaSet vmas = catLayout();
        int rw = Vma.VM_READ | Vma.VM_WRITE | Vma.VM_MAYREAD | Vma.VM_MAYWRITE | Vma.VM_MAYEXEC;
        vmas.insert(Vma.anonymous(0x555555600000L, 0x555555601000L, rw, null));
        ProgramBreak mm = new ProgramBreak(START_BRK, vmas);
        mm.sysBrk(START_BRK + 0x1000);
        List<Vma> before = mm.vmas().list();
        // PAGE_ALIGN(0x5555555ff001) = 0x555555600000: no page would remain
        assertThat(mm.sysBrk(0x5555555ff001L)).as("brk(0x5555555ff001)").isEqualTo(0x555555561000L);
        assertThat(mm.sysBrk(0x555555600000L)).as("brk(0x555555600000)").isEqualTo(0x555555561000L);
        assertThat(mm.brk()).as("mm->brk after refusals").isEqualTo(0x555555561000L);
        assertThat(mm.vmas().list()).as("VMAs after refusals").isEqualTo(before);
        // exactly one page left free: allowed
        assertThat(mm.sysBrk(0x5555555ff000L)).as("brk(0x5555555ff000)").isEqualTo(0x5555555ff000L);
        assertThat(startsAndEnds(heap(mm))).as("heap areas").containsExactly("555555560000-5555555ff000");
    }

    @Test
    @Points(3)
    @Hint("vm_start_gap(): an area with VM_GROWSDOWN (a stack) claims stack_guard_gap = 256 pages = 1 MiB "
            + "below its start, so the heap must stop 1 MiB + one page below it.")
    void aGrowsDownAreaKeepsItsStackGuardGap() {
        VmaSet vmas = catLayout();
        int stack = Vma.VM_READ | Vma.VM_WRITE | Vma.VM_MAYREAD | Vma.VM_MAYWRITE | Vma.VM_MAYEXEC
                | Vma.VM_GROWSDOWN;
        vmas.insert(Vma.anonymous(0x555555700000L, 0x555555721000L, stack, null));
        ProgramBreak mm = new ProgramBreak(START_BRK, vmas);
        // 0x555555700000 - 0x100000 = 0x555555600000; newbrk + 0x1000 must not pass it
        assertThat(mm.sysBrk(0x555555600000L)).as("brk(0x555555600000)").isEqualTo(START_BRK);
        assertThat(heap(mm)).as("heap areas after the refusal").isEmpty();
        assertThat(mm.sysBrk(0x5555555ff000L)).as("brk(0x5555555ff000)").isEqualTo(0x5555555ff000L);
        assertThat(startsAndEnds(heap(mm))).as("heap areas").containsExactly("555555560000-5555555ff000");
    }
}
