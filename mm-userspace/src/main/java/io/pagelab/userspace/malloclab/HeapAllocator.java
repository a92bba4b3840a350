package io.pagelab.userspace.malloclab;

import io.pagelab.api.AddressSpace;

/**
 * An allocator that runs inside a simulated process: the malloc-lab contract of CS:APP
 * ({@code mm.c}: {@code mm_init}, {@code mm_malloc}, {@code mm_free}, {@code mm_realloc}), with
 * the process handed in instead of {@code memlib.c}'s {@code mem_sbrk}.
 *
 * <p>Contract, as the C standard and malloc(3) say for the functions it mirrors:
 * <ul>
 *   <li>{@link #init} is called once, before the first other call; the allocator gets memory
 *       only from {@code process} ({@link AddressSpace#brk}, {@link AddressSpace#mmap}) and keeps
 *       its metadata there too (loads and stores through the process), so that the driver can
 *       measure its heap from the process alone.</li>
 *   <li>{@link #malloc} returns a 16-byte aligned address of at least {@code size} usable bytes
 *       that overlaps no other live block, or 0 when out of memory; {@code malloc(0)} may return
 *       a unique pointer (glibc does) or 0.</li>
 *   <li>{@link #free}{@code (0)} does nothing; freeing anything but a live pointer is a caller
 *       error the allocator may report with an exception (glibc aborts with
 *       "free(): invalid pointer", "double free or corruption ...").</li>
 *   <li>{@link #realloc} keeps the first {@code min(old, size)} bytes; {@code realloc(0, n)} is
 *       {@code malloc(n)}; {@code realloc(p, 0)} frees {@code p} and returns 0 (glibc 2.36).</li>
 * </ul>
 *
 * <p>Implementations are found by name with {@link HeapAllocators#byName(String)}: built-ins
 * there, others (the reference allocators, a learner's own) through
 * {@link java.util.ServiceLoader} ({@code META-INF/services/io.pagelab.userspace.malloclab.HeapAllocator}),
 * so an implementation needs a public no-argument constructor and does its work in {@link #init}.
 */
public interface HeapAllocator {
    /** The short name used on the command line: "implicit", "explicit", "segregated", "ptmalloc"... */
    String name();

    /** Binds the allocator to {@code process}; called once before a trace is replayed. */
    void init(AddressSpace process);

    /** Allocates {@code size} bytes; returns the payload address, or 0 if out of memory. */
    long malloc(long size);

    /** Frees the block whose payload starts at {@code ptr} (0: no-op). */
    void free(long ptr);

    /** Resizes the block at {@code ptr} to {@code size} bytes, moving it if needed. */
    long realloc(long ptr, long size);
}
