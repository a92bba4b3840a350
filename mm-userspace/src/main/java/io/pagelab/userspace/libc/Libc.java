package io.pagelab.userspace.libc;

import io.pagelab.api.AddressSpace;
import io.pagelab.api.Prot;
import io.pagelab.api.error.Errno;
import io.pagelab.api.error.SyscallException;
import java.util.Objects;

/**
 * The thin C-library layer over a process's system calls, with C's conventions: a failing call
 * returns -1 ({@code MAP_FAILED} for mmap) and leaves the reason in {@link #errno()}, as glibc's
 * wrappers do (misc/sbrk.c, misc/brk.c and sysdeps/unix/sysv/linux/mmap64.c, glibc 2.36).
 *
 * <p>{@link #sbrk} keeps glibc's cached break ({@code __curbrk}): the first call asks the kernel
 * with brk(0), later ones only when the break moves; a move the kernel refuses (it returns the
 * old break) becomes -1/ENOMEM. Not thread-safe, like one simulated thread.
 */
public final class Libc {
    /** {@code (void *) -1}. */
    public static final long MAP_FAILED = -1L;

    private final AddressSpace process;
    private long curbrk;
    private Errno errno;

    public Libc(AddressSpace process) {
        this.process = Objects.requireNonNull(process, "process");
    }

    /** The errno of the last failing call, or null if none failed yet. */
    public Errno errno() {
        return errno;
    }

    /** brk(2) through glibc: 0 on success, -1 and ENOMEM when the kernel kept the old break. */
    public int brk(long addr) {
        long now = process.brk(addr);
        curbrk = now;
        if (Long.compareUnsigned(now, addr) < 0) {
            errno = Errno.ENOMEM;
            return -1;
        }
        return 0;
    }

    /** sbrk(3): the old break, or -1 and ENOMEM (including an increment that would wrap). */
    public long sbrk(long increment) {
        if (curbrk == 0 && brk(0) < 0) {
            return -1;
        }
        long old = curbrk;
        if (increment == 0) {
            return old;
        }
        if (increment > 0 ? Long.compareUnsigned(old + increment, old) < 0
                : Long.compareUnsigned(old, -increment) < 0) {
            errno = Errno.ENOMEM;
            return -1;
        }
        return brk(old + increment) < 0 ? -1 : old;
    }

    /** mmap(2) of anonymous memory: the address, or {@link #MAP_FAILED} and errno. */
    public long mmap(long addr, long length, Prot prot, int flags) {
        try {
            return process.mmap(addr, length, prot, flags);
        } catch (SyscallException e) {
            errno = e.errno();
            return MAP_FAILED;
        }
    }

    /** munmap(2): 0, or -1 and errno. */
    public int munmap(long addr, long length) {
        try {
            process.munmap(addr, length);
            return 0;
        } catch (SyscallException e) {
            errno = e.errno();
            return -1;
        }
    }

    /** mprotect(2): 0, or -1 and errno. */
    public int mprotect(long addr, long length, Prot prot) {
        try {
            process.mprotect(addr, length, prot);
            return 0;
        } catch (SyscallException e) {
            errno = e.errno();
            return -1;
        }
    }

    /** mremap(2): the new address, or {@link #MAP_FAILED} and errno. */
    public long mremap(long oldAddr, long oldLength, long newLength, int flags) {
        try {
            return process.mremap(oldAddr, oldLength, newLength, flags);
        } catch (SyscallException e) {
            errno = e.errno();
            return MAP_FAILED;
        }
    }

    /** madvise(2): 0, or -1 and errno. */
    public int madvise(long addr, long length, int advice) {
        try {
            process.madvise(addr, length, advice);
            return 0;
        } catch (SyscallException e) {
            errno = e.errno();
            return -1;
        }
    }
}
