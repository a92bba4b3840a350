package io.pagelab.questions.q51;

import static com.google.common.base.Preconditions.checkArgument;

import io.pagelab.api.error.InvalidArgumentException;
import java.util.Objects;

/**
 * Q51 面向用户态程序，内核提供了哪些内存分配接口？ Which allocation interfaces does the kernel give user
 * programs? (reference solution)
 *
 * <p>Models glibc 2.3x on Linux x86-64: sysdeps/unix/sysv/linux/brk.c {@code __brk} (keeps the kernel's
 * answer in {@code __curbrk}, fails with ENOMEM when the answer is below the request), misc/sbrk.c
 * {@code __sbrk} (reads the break once with brk(0), refuses increments that wrap, returns the old
 * break), and the syscall that finally serves malloc, free and realloc in malloc/malloc.c
 * ({@code sysmalloc}: mmap when {@code request2size(n) >= mp_.mmap_threshold}, 128 KiB by default;
 * {@code munmap_chunk}; {@code mremap_chunk}).
 *
 * <p>Differs from Linux on purpose: the kernel side is a one-gap model of SYSCALL_DEFINE1(brk) (Q52
 * has the faithful one), and {@link #servedBy} assumes default tunables (static threshold 128 KiB,
 * trim threshold never reached).
 */
public final class Libc {

    public static final long PAGE_SIZE = 4096;
    /** ENOMEM, include/uapi/asm-generic/errno-base.h. */
    public static final int ENOMEM = 12;
    /** DEFAULT_MMAP_THRESHOLD_MIN, malloc/malloc.c: 128 KiB. */
    public static final long DEFAULT_MMAP_THRESHOLD = 128 * 1024;

    /**
     * The kernel side of brk(2), as SYSCALL_DEFINE1(brk) (mm/mmap.c) answers it (given complete, no
     * need to edit). It never fails with an error code: it returns the break now in effect, the new
     * one on success, the unchanged one when it refuses. It refuses a break below {@code startBrk}
     * and a growth that would leave less than one page before {@code nextMapping}, the start of the
     * lowest mapping above the heap.
     */
    public static final class Kernel {
        private final long startBrk;
        private final long nextMapping;
        private long brk;
        private int brkCalls;

        public Kernel(long startBrk, long nextMapping) {
            InvalidArgumentException.check(startBrk > 0 && startBrk % PAGE_SIZE == 0,
                    "start_brk %s must be a positive multiple of %s", startBrk, PAGE_SIZE);
            InvalidArgumentException.check(nextMapping > startBrk,
                    "the next mapping %s must lie above start_brk %s", nextMapping, startBrk);
            this.startBrk = startBrk;
            this.nextMapping = nextMapping;
            this.brk = startBrk;
        }

        /** The brk system call. */
        public long sysBrk(long addr) {
            brkCalls++;
            if (Long.compareUnsigned(addr, startBrk) < 0) {
                return brk;
            }
            long newPage = pageAlign(addr);
            if (Long.compareUnsigned(newPage, pageAlign(brk)) > 0
                    && (newPage == 0 || Long.compareUnsigned(newPage + PAGE_SIZE, nextMapping) > 0)) {
                return brk;
            }
            brk = addr;
            return brk;
        }

        /** {@code mm->brk}, read without a system call (what the kernel knows). */
        public long brk() {
            return brk;
        }

        /** {@code mm->start_brk}. */
        public long startBrk() {
            return startBrk;
        }

        /** How many brk system calls were made. */
        public int brkCalls() {
            return brkCalls;
        }

        private static long pageAlign(long addr) {
            return (addr + PAGE_SIZE - 1) & -PAGE_SIZE;
        }
    }

    /** The system calls behind the allocation interfaces (given complete, no need to edit). */
    public enum Syscall { BRK, MMAP, MUNMAP, MREMAP, MPROTECT, MADVISE, NONE }

    /** What a program calls (given complete, no need to edit). */
    public enum Function { MALLOC, CALLOC, FREE, REALLOC, MPROTECT, MADVISE }

    /**
     * One library call (given complete, no need to edit).
     *
     * @param function the libc function
     * @param size the bytes asked for (malloc, calloc: total bytes; realloc: the new size); 0 otherwise
     * @param chunkIsMmapped for free and realloc: whether the chunk passed in was itself mmapped
     *        (realloc of a heap chunk is not modelled, its outcome depends on the neighbouring chunks:
     *        servedBy refuses it with IllegalArgumentException)
     */
    public record Call(Function function, long size, boolean chunkIsMmapped) {
        public Call {
            Objects.requireNonNull(function, "function");
            InvalidArgumentException.check(size >= 0, "size %s must be non-negative", size);
        }
    }

    private final Kernel kernel;
    /** glibc's {@code __curbrk}: 0 (NULL) until the first brk call. */
    private long curbrk;
    private int errno;

    /** A process whose kernel side is {@code kernel} (given complete). */
    public Libc(Kernel kernel) {
        this.kernel = Objects.requireNonNull(kernel, "kernel");
    }

    /** The last error recorded, as C's {@code errno} (given complete). */
    public int errno() {
        return errno;
    }

    /** The kernel below this libc (given complete). */
    public Kernel kernel() {
        return kernel;
    }

    // ---- the learner's part ----

    /** glibc's brk(addr): 0 on success, -1 with errno ENOMEM when the kernel did not move the break there. */
    public int brk(long addr) {
        curbrk = kernel.sysBrk(addr);
        if (Long.compareUnsigned(curbrk, addr) < 0) {
            errno = ENOMEM;
            return -1;
        }
        return 0;
    }

    /** glibc's sbrk(increment): the old break, or -1 with errno ENOMEM. */
    public long sbrk(long increment) {
        if (curbrk == 0 && brk(0) < 0) {
            return -1;
        }
        if (increment == 0) {
            return curbrk;
        }
        long oldbrk = curbrk;
        boolean wraps = increment > 0
                ? Long.compareUnsigned(oldbrk + increment, oldbrk) < 0
                : Long.compareUnsigned(oldbrk, -increment) < 0;
        if (wraps) {
            errno = ENOMEM;
            return -1;
        }
        if (brk(oldbrk + increment) < 0) {
            return -1;
        }
        return oldbrk;
    }

    /** The system call that serves {@code call} in a fresh process with default malloc tunables. */
    public static Syscall servedBy(Call call) {
        Objects.requireNonNull(call, "call");
        switch (call.function()) {
            case MALLOC:
            case CALLOC:
                return requestToSize(call.size()) >= DEFAULT_MMAP_THRESHOLD ? Syscall.MMAP : Syscall.BRK;
            case FREE:
                return call.chunkIsMmapped() ? Syscall.MUNMAP : Syscall.NONE;
            case REALLOC:
                checkArgument(call.chunkIsMmapped(), "realloc of a heap chunk depends on its neighbours; "
                        + "only realloc of an mmapped chunk is modelled, got %s", call);
                return Syscall.MREMAP;
            case MPROTECT:
                return Syscall.MPROTECT;
            case MADVISE:
                return Syscall.MADVISE;
            default:
                throw new IllegalStateException("unknown function " + call.function());
        }
    }

    /** request2size on x86-64: SIZE_SZ 8, MALLOC_ALIGNMENT 16, MINSIZE 32. */
    private static long requestToSize(long n) {
        return n + 8 + 15 < 32 ? 32 : (n + 8 + 15) & ~15L;
    }
}
