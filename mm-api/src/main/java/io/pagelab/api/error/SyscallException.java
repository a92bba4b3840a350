package io.pagelab.api.error;

import java.util.Objects;

/**
 * A simulated system call failed: the kernel returned {@code -errno}. The message reads like a
 * strace line plus the reason, for example
 * {@code mmap: EINVAL (Invalid argument): length 0, must be > 0}, so a learner sees both the
 * errno the man page lists and which rule was broken. The call changed nothing.
 */
public final class SyscallException extends SimulationException {
    private final String syscall;
    private final Errno errno;

    /**
     * @param syscall the system call's name, as in its man page ("mmap", "brk")
     * @param errno the error it returns
     * @param reason what was wrong and what is allowed
     */
    public SyscallException(String syscall, Errno errno, String reason) {
        super(String.format("%s: %s (%s): %s", Objects.requireNonNull(syscall, "syscall"),
                Objects.requireNonNull(errno, "errno").name(), errno.description(), reason));
        this.syscall = syscall;
        this.errno = errno;
    }

    /** Formats {@code template} with {@link String#format} and throws unless {@code ok}. */
    public static void check(boolean ok, String syscall, Errno errno, String template, Object... args) {
        if (!ok) {
            throw new SyscallException(syscall, errno, String.format(template, args));
        }
    }

    /** The system call that failed. */
    public String syscall() {
        return syscall;
    }

    /** The errno it failed with. */
    public Errno errno() {
        return errno;
    }
}
