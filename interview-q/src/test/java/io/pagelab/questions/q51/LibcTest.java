package io.pagelab.questions.q51;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import io.pagelab.questions.q51.Libc.Call;
import io.pagelab.questions.q51.Libc.Function;
import io.pagelab.questions.q51.Libc.Syscall;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q51 面向用户态程序，内核提供了哪些内存分配接口？ Which allocation interfaces does the kernel give
 * user programs?
 *
 * <p>The process is {@code setarch x86_64 -R cat /proc/self/maps} on Linux 6.18 (ASLR off): the heap
 * starts at start_brk = 0x555555560000, right after cat's data segment (the capture is q56's test
 * resource). A mapping is assumed at 0x555555600000, so the heap may grow while one page stays free
 * below it: up to 0x5555555ff000, 0x9f000 bytes. Expected values follow glibc 2.3x brk.c and sbrk.c
 * (brk fails when the kernel's answer is below the request; sbrk returns the old break) and
 * malloc.c (mmap when request2size(n) >= 128 KiB).
 */
@Grader(id = "q51")
@DisplayName("Q51 the syscall surface: glibc's brk and sbrk over the brk system call")
class LibcTest {

    static final long START_BRK = 0x555555560000L;
    static final long NEXT_MAPPING = 0x555555600000L;

    static Libc process() {
        return new Libc(new Libc.Kernel(START_BRK, NEXT_MAPPING));
    }

    @Test
    @Points(3)
    @Hint("sbrk(0) asks the kernel once with brk(0) (any address below start_brk leaves the break as it "
            + "is and returns it); after that glibc answers sbrk(0) from its own copy, __curbrk.")
    void sbrkZeroReturnsTheBreakAndAsksTheKernelOnlyOnce() {
        Libc libc = process();
        assertThat(libc.sbrk(0)).as("first sbrk(0)").isEqualTo(START_BRK);
        assertThat(libc.sbrk(0)).as("second sbrk(0)").isEqualTo(START_BRK);
        assertThat(libc.kernel().brkCalls()).as("brk system calls for two sbrk(0)").isEqualTo(1);
    }

    @Test
    @Points(3)
    @Hint("sbrk(increment) returns the OLD break: the start of the bytes just added. The kernel's break "
            + "moves by exactly the increment.")
    void sbrkReturnsTheOldBreakAndMovesTheBreakUp() {
        Libc libc = process();
        assertThat(libc.sbrk(4096)).as("sbrk(4096)").isEqualTo(START_BRK);
        assertThat(libc.kernel().brk()).as("kernel break after sbrk(4096)").isEqualTo(0x555555561000L);
        // glibc's first heap growth for a small malloc is 0x21000 bytes (132 KiB)
        assertThat(libc.sbrk(0x21000)).as("sbrk(0x21000)").isEqualTo(0x555555561000L);
        assertThat(libc.kernel().brk()).as("kernel break after sbrk(0x21000)").isEqualTo(0x555555582000L);
        assertThat(libc.sbrk(0)).as("sbrk(0)").isEqualTo(0x555555582000L);
    }

    @Test
    @Points(2)
    @Hint("A negative increment shrinks the heap: brk(old + increment), and sbrk still returns the old "
            + "break.")
    void aNegativeIncrementShrinksTheHeap() {
        Libc libc = process();
        libc.sbrk(0x21000);
        assertThat(libc.sbrk(-4096)).as("sbrk(-4096)").isEqualTo(0x555555581000L);
        assertThat(libc.kernel().brk()).as("kernel break after sbrk(-4096)").isEqualTo(0x555555580000L);
        assertThat(libc.sbrk(0)).as("sbrk(0)").isEqualTo(0x555555580000L);
    }

    @Test
    @Points(3)
    @Hint("The break is a byte address, not a page: sbrk(100) moves it by exactly 100 bytes (the kernel "
            + "maps whole pages behind it, but remembers the exact value).")
    void theBreakKeepsUnalignedValuesExactly() {
        Libc libc = process();
        assertThat(libc.sbrk(100)).as("sbrk(100)").isEqualTo(START_BRK);
        assertThat(libc.kernel().brk()).as("kernel break after sbrk(100)").isEqualTo(START_BRK + 100);
        assertThat(libc.sbrk(28)).as("sbrk(28)").isEqualTo(START_BRK + 100);
        assertThat(libc.sbrk(0)).as("sbrk(0)").isEqualTo(0x555555560080L);
    }

    @Test
    @Points(3)
    @Hint("When the kernel refuses, it returns the unchanged break, which is below the address asked for: "
            + "brk then sets errno = ENOMEM (12) and returns -1, and sbrk returns -1 too.")
    void growingIntoTheNextMappingFailsWithEnomemAndChangesNothing() {
        Libc libc = process();
        // 0x555555560000 + 0xa0000 = 0x555555600000: no page would remain below the mapping
        assertThat(libc.sbrk(0xa0000)).as("sbrk(0xa0000)").isEqualTo(-1L);
        assertThat(libc.errno()).as("errno after the refused sbrk").isEqualTo(Libc.ENOMEM);
        assertThat(libc.kernel().brk()).as("kernel break after the refused sbrk").isEqualTo(START_BRK);
        assertThat(libc.sbrk(0)).as("sbrk(0) after the refused sbrk").isEqualTo(START_BRK);
        // one page less leaves exactly one free page: allowed
        assertThat(libc.sbrk(0x9f000)).as("sbrk(0x9f000)").isEqualTo(START_BRK);
        assertThat(libc.kernel().brk()).as("kernel break after sbrk(0x9f000)").isEqualTo(0x5555555ff000L);
    }

    @Test
    @Points(3)
    @Hint("brk(addr) returns 0 or -1, never an address; it keeps the kernel's answer as the current break "
            + "either way. A request below start_brk is silently ignored by the kernel, and since the "
            + "unchanged break is not below addr, glibc reports success.")
    void brkReturnsZeroOrMinusOneAndKeepsTheKernelsAnswer() {
        Libc libc = process();
        assertThat(libc.brk(0x555555570000L)).as("brk(0x555555570000)").isZero();
        assertThat(libc.kernel().brk()).as("kernel break").isEqualTo(0x555555570000L);
        assertThat(libc.brk(NEXT_MAPPING)).as("brk(0x555555600000)").isEqualTo(-1);
        assertThat(libc.errno()).as("errno after the refused brk").isEqualTo(Libc.ENOMEM);
        assertThat(libc.sbrk(0)).as("sbrk(0) after the refused brk").isEqualTo(0x555555570000L);
        // glibc brk.c only checks "answer < addr": the kernel ignoring a too-low break looks like success
        assertThat(libc.brk(0x555555550000L)).as("brk below start_brk").isZero();
        assertThat(libc.kernel().brk()).as("kernel break after brk below start_brk").isEqualTo(0x555555570000L);
    }

    @Test
    @Points(2)
    @Hint("sbrk itself refuses an increment whose result would wrap around (old break + increment "
            + "below 0 or above 2^64 - 1, unsigned): ENOMEM and -1 without calling brk.")
    void anIncrementThatWrapsIsRefusedWithoutASystemCall() {
        Libc libc = process();
        libc.sbrk(0);
        // 0x555555560000 - 0x555555561000 would be below address 0
        assertThat(libc.sbrk(-0x555555561000L)).as("sbrk(-0x555555561000)").isEqualTo(-1L);
        assertThat(libc.errno()).as("errno").isEqualTo(Libc.ENOMEM);
        assertThat(libc.sbrk(Long.MIN_VALUE)).as("sbrk(INTPTR_MIN)").isEqualTo(-1L);
        assertThat(libc.kernel().brkCalls()).as("brk system calls (only the first sbrk(0))").isEqualTo(1);
        assertThat(libc.kernel().brk()).as("kernel break").isEqualTo(START_BRK);
    }

    @Test
    @Points(3)
    @Hint("malloc pads n to a chunk: request2size(n) = (n + 8 + 15) rounded down to 16, at least 32. A chunk "
            + "of 128 KiB (131072) or more is mmapped. free of an mmapped chunk is munmap, realloc of one "
            + "is mremap; a freed heap chunk goes back to malloc's bins with no system call.")
    void eachLibraryCallEndsInTheRightSystemCall() {
        // request2size(131048) = 131071 & ~15 = 131056 < 131072; request2size(131049) = 131072
        assertThat(Libc.servedBy(new Call(Function.MALLOC, 1, false))).as("malloc(1)").isEqualTo(Syscall.BRK);
        assertThat(Libc.servedBy(new Call(Function.MALLOC, 131048, false))).as("malloc(131048)")
                .isEqualTo(Syscall.BRK);
        assertThat(Libc.servedBy(new Call(Function.MALLOC, 131049, false))).as("malloc(131049)")
                .isEqualTo(Syscall.MMAP);
        assertThat(Libc.servedBy(new Call(Function.CALLOC, 1 << 20, false))).as("calloc of 1 MiB")
                .isEqualTo(Syscall.MMAP);
        assertThat(Libc.servedBy(new Call(Function.FREE, 0, true))).as("free of an mmapped chunk")
                .isEqualTo(Syscall.MUNMAP);
        assertThat(Libc.servedBy(new Call(Function.FREE, 0, false))).as("free of a heap chunk")
                .isEqualTo(Syscall.NONE);
        assertThat(Libc.servedBy(new Call(Function.REALLOC, 1 << 21, true))).as("realloc of an mmapped chunk")
                .isEqualTo(Syscall.MREMAP);
        assertThat(Libc.servedBy(new Call(Function.MPROTECT, 0, false))).as("mprotect").isEqualTo(Syscall.MPROTECT);
        assertThat(Libc.servedBy(new Call(Function.MADVISE, 0, false))).as("madvise").isEqualTo(Syscall.MADVISE);
    }
}
