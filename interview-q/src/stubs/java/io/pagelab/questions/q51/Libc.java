package io.pagelab.questions.q51;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.exercise.Todo;
import java.util.Objects;

/**
 * Q51 面向用户态程序，内核提供了哪些内存分配接口？ Which allocation interfaces does the kernel give user
 * programs?
 *
 * <p>The kernel gives a process only a handful of memory system calls: brk (move the end of the heap),
 * mmap and munmap (map and unmap a range), mremap (resize a mapping), mprotect (change its rights) and
 * madvise (hint about its use). Everything else, malloc, calloc, realloc, free, sbrk, is the C library
 * built on top of them. 内核只提供 brk、mmap、munmap、mremap、mprotect、madvise 等系统调用；malloc、free、
 * sbrk 都是 glibc 在它们之上实现的库函数。
 *
 * <p>Your task: implement the three methods after "the learner's part", as glibc 2.3x does on Linux
 * x86-64. The kernel side {@link Kernel#sysBrk} is given: the raw system call never returns an error
 * code, it returns the break in effect afterwards (the new one, or the unchanged one if it refused).
 * <ul>
 *   <li>{@link #brk}(addr): call the kernel, remember its answer as the current break (glibc's
 *       {@code __curbrk}, the field {@code curbrk}); if that answer is below {@code addr} the kernel
 *       refused: set errno to {@link #ENOMEM} and return -1; otherwise return 0.</li>
 *   <li>{@link #sbrk}(increment), built only on {@link #brk}: if the break is not known yet
 *       ({@code curbrk} is 0), learn it with brk(0) first. sbrk(0) returns the current break without
 *       another system call. Otherwise refuse (errno ENOMEM, -1, no system call) an increment that
 *       would wrap around the address space (treat addresses as unsigned), move the break with brk and
 *       return the <em>old</em> break, or -1 if brk failed.</li>
 *   <li>{@link #servedBy}: which system call finally serves a library call in a fresh process with
 *       default tunables. malloc and calloc use mmap when the chunk size
 *       {@code request2size(n) = max(32, (n + 8 + 15) & ~15)} is at least the mmap threshold
 *       ({@link #DEFAULT_MMAP_THRESHOLD}, 128 KiB), else brk. free of an mmapped chunk is munmap; free of a
 *       heap chunk makes no system call. realloc of an mmapped chunk is mremap. mprotect and madvise are
 *       plain wrappers.</li>
 * </ul>
 *
 * <p>Run {@code ./pagelab grade q51} to check your work.
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
        throw new Todo("q51/Libc.java");
    }

    /** glibc's sbrk(increment): the old break, or -1 with errno ENOMEM. */
    public long sbrk(long increment) {
        throw new Todo("q51/Libc.java");
    }

    /** The system call that serves {@code call} in a fresh process with default malloc tunables. */
    public static Syscall servedBy(Call call) {
        throw new Todo("q51/Libc.java");
    }
}
