package io.pagelab.questions.q20;

import io.pagelab.exercise.Todo;

/**
 * Q20 64位地址空间如何划分？ How is the 64-bit address space divided?
 *
 * <p>x86-64 pointers are 64 bits, but the MMU translates only 48 of them with 4-level paging (57 with
 * 5-level). The rule (Documentation/arch/x86/x86_64/mm.rst): bits 63 down to the highest implemented
 * bit must all be copies of that bit. So there are two halves: the user half
 * 0x0000000000000000-0x00007fffffffffff (128 TiB) and the kernel half
 * 0xffff800000000000-0xffffffffffffffff (128 TiB), with an enormous non-canonical hole between them;
 * touching the hole raises a general-protection fault, not a page fault. 48 bits give 256 TiB of
 * virtual space, half for user space, half for the kernel. (The 46 bits sometimes quoted are the
 * physical address limit.) With 5-level paging: 0x00ffffffffffffff / 0xff00000000000000, 64 PiB each.
 * 64 位地址只有低 48（或 57）位有效，高位必须是符号扩展；用户态和内核态各占一半。
 *
 * <p>Your task ({@code levels} is 4 or 5; anything else is refused with
 * {@link io.pagelab.api.error.InvalidArgumentException}):
 * <ul>
 *   <li>{@link #isCanonical}: bits 63..47 (4-level) or 63..56 (5-level) all equal.</li>
 *   <li>{@link #signExtend}: the canonical address with the same low 48 (57) bits: copy the top
 *       implemented bit into every bit above it.</li>
 *   <li>{@link #isKernelHalf}: canonical and in the upper half.</li>
 *   <li>{@link #taskSizeMax}: {@code TASK_SIZE_MAX = (1 << 47) - PAGE_SIZE} for 4-level,
 *       {@code (1 << 56) - PAGE_SIZE} for 5-level (arch/x86/include/asm/page_64_types.h): the end of
 *       the highest page user space may map (the page below the hole is kept unmapped).</li>
 *   <li>{@link #halfSize}: the bytes in each half.</li>
 *   <li>{@link #checkAccess}: return {@code va} when canonical, else throw
 *       {@link io.pagelab.api.error.GeneralProtectionFault} with address {@code va}, error code 0 and
 *       the kernel's words: {@code "general protection fault, probably for non-canonical address 0x..."}
 *       (hint: the exception class has a factory for exactly this).</li>
 * </ul>
 *
 * <p>Do not call io.pagelab.kernel.layout.Canonical: it is the library's own copy of this code.
 *
 * <p>Run {@code ./pagelab grade q20} to check your work.
 */
public final class CanonicalAddresses {
    /** PAGE_SIZE. */
    public static final long PAGE_SIZE = 4096;

    private CanonicalAddresses() {
    }

    /** True when {@code va} is canonical with {@code levels}-level paging. */
    public static boolean isCanonical(long va, int levels) {
        throw new Todo("q20/CanonicalAddresses.java");
    }

    /** The canonical address with the same implemented bits as {@code va}. */
    public static long signExtend(long va, int levels) {
        throw new Todo("q20/CanonicalAddresses.java");
    }

    /** True for a canonical kernel-half address. */
    public static boolean isKernelHalf(long va, int levels) {
        throw new Todo("q20/CanonicalAddresses.java");
    }

    /** TASK_SIZE_MAX. */
    public static long taskSizeMax(int levels) {
        throw new Todo("q20/CanonicalAddresses.java");
    }

    /** Bytes in the user half (equal to the kernel half). */
    public static long halfSize(int levels) {
        throw new Todo("q20/CanonicalAddresses.java");
    }

    /** {@code va} if canonical; otherwise the #GP the CPU raises. */
    public static long checkAccess(long va, int levels) {
        throw new Todo("q20/CanonicalAddresses.java");
    }
}
