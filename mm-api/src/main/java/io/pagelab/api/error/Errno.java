package io.pagelab.api.error;

/**
 * The errno values a simulated system call can fail with, numbered as on Linux x86-64
 * (include/uapi/asm-generic/errno-base.h). {@link #description()} is glibc's strerror() text, so a
 * learner sees the same words {@code perror()} would print.
 */
public enum Errno {
    EPERM(1, "Operation not permitted"),
    ENOENT(2, "No such file or directory"),
    ESRCH(3, "No such process"),
    EBADF(9, "Bad file descriptor"),
    ECHILD(10, "No child processes"),
    EAGAIN(11, "Resource temporarily unavailable"),
    ENOMEM(12, "Cannot allocate memory"),
    EACCES(13, "Permission denied"),
    EFAULT(14, "Bad address"),
    EBUSY(16, "Device or resource busy"),
    EEXIST(17, "File exists"),
    ENODEV(19, "No such device"),
    EINVAL(22, "Invalid argument"),
    EFBIG(27, "File too large"),
    EOVERFLOW(75, "Value too large for defined data type"),
    EOPNOTSUPP(95, "Operation not supported");

    private final int number;
    private final String description;

    Errno(int number, String description) {
        this.number = number;
        this.description = description;
    }

    /** The positive errno number ({@code ENOMEM} is 12). */
    public int number() {
        return number;
    }

    /** strerror() text in glibc 2.36's C locale. */
    public String description() {
        return description;
    }
}
