package io.pagelab.api;

import io.pagelab.api.error.InvalidArgumentException;

/**
 * Access rights of a mapping: read, write, execute, and whether user mode may access it. The
 * READ/WRITE/EXEC bits have the values of PROT_READ (0x1), PROT_WRITE (0x2) and PROT_EXEC (0x4) in
 * include/uapi/asm-generic/mman-common.h, so {@code Prot.of(prot)} takes an mmap() argument as is.
 * USER (0x8) is pagelab's: user-space mappings set it, kernel mappings do not (the U/S bit of an
 * x86 PTE, the AP[1] bit on arm64).
 *
 * <pre>
 *  bit 3     2    1     0
 *      USER  EXEC WRITE READ      toString: "rw-u" = read+write, no exec, user
 * </pre>
 *
 * @param bits the combination of {@link #READ}, {@link #WRITE}, {@link #EXEC}, {@link #USER}
 */
public record Prot(int bits) {
    public static final int READ = 0x1;
    public static final int WRITE = 0x2;
    public static final int EXEC = 0x4;
    public static final int USER = 0x8;
    private static final int ALL = READ | WRITE | EXEC | USER;

    /** PROT_NONE: no access (a guard page). */
    public static final Prot NONE = new Prot(0);
    /** Kernel read-only. */
    public static final Prot KERNEL_RO = new Prot(READ);
    /** Kernel read-write, as PAGE_KERNEL (the direct map, kmalloc memory). */
    public static final Prot KERNEL_RW = new Prot(READ | WRITE);
    /** Kernel text: read and execute. */
    public static final Prot KERNEL_RX = new Prot(READ | EXEC);
    /** User read-only (r--). */
    public static final Prot USER_R = new Prot(READ | USER);
    /** User read-write (rw-): heap, stack, data. */
    public static final Prot USER_RW = new Prot(READ | WRITE | USER);
    /** User read-execute (r-x): program text. */
    public static final Prot USER_RX = new Prot(READ | EXEC | USER);
    /** User read-write-execute. */
    public static final Prot USER_RWX = new Prot(READ | WRITE | EXEC | USER);

    /**
     * @throws InvalidArgumentException for bits other than READ, WRITE, EXEC, USER
     */
    public Prot {
        if ((bits & ~ALL) != 0) {
            throw new InvalidArgumentException(String.format(
                    "protection bits %#x not allowed: only READ 0x1, WRITE 0x2, EXEC 0x4, USER 0x8 may be set", bits));
        }
    }

    /** The Prot with these bits. */
    public static Prot of(int bits) {
        return new Prot(bits);
    }

    public boolean canRead() {
        return (bits & READ) != 0;
    }

    public boolean canWrite() {
        return (bits & WRITE) != 0;
    }

    public boolean canExec() {
        return (bits & EXEC) != 0;
    }

    public boolean isUser() {
        return (bits & USER) != 0;
    }

    /** This Prot with these bits added. */
    public Prot with(int more) {
        return new Prot(bits | more);
    }

    /** This Prot with these bits removed. */
    public Prot without(int less) {
        return new Prot(bits & ~less);
    }

    /** "rwx" as /proc/pid/maps writes the first three, then "u" (user) or "k" (kernel only). */
    @Override
    public String toString() {
        return (canRead() ? "r" : "-") + (canWrite() ? "w" : "-") + (canExec() ? "x" : "-") + (isUser() ? "u" : "k");
    }
}
