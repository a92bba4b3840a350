package io.pagelab.api;

/**
 * The virtual address space of one process, seen through its system calls (mmap(2), munmap(2),
 * mprotect(2), mremap(2), madvise(2), brk(2)) and through loads and stores of the running program.
 * Linux backs it with {@code struct mm_struct} and its VMAs (mm/mmap.c, mm/vma.c in Linux 6.x).
 *
 * <p>Contract (as the man pages say, with exceptions instead of -1/errno):
 * <ul>
 *   <li>A failing call throws {@link io.pagelab.api.error.SyscallException} carrying the errno the
 *       man page lists (EINVAL, ENOMEM, EEXIST, EFAULT...) and changes nothing, except where Linux
 *       itself stops part-way: {@link #mprotect} over a range with a hole fails with ENOMEM after
 *       the mappings before the hole took the new rights (mm/mprotect.c: do_mprotect_pkey), and
 *       {@link #madvise} over a hole fails with ENOMEM after advising the mapped parts
 *       (mm/madvise.c: madvise_walk_vmas). An implementation may instead check first and change
 *       nothing; the part after the hole is never changed.</li>
 *   <li>{@link #mmap} returns a page-aligned address; {@code length} is rounded up to whole pages
 *       and must be &gt; 0 (EINVAL). Without {@link #MAP_FIXED} the hint is only a hint; with it,
 *       the address must be page-aligned and existing mappings there are replaced;
 *       {@link #MAP_FIXED_NOREPLACE} fails with EEXIST instead. No room: ENOMEM.</li>
 *   <li>{@link #munmap} needs a page-aligned address (EINVAL); unmapping a range with nothing
 *       mapped is not an error.</li>
 *   <li>{@link #brk} moves the program break and returns the new break; on failure, and for
 *       {@code brk(0)}, it returns the current break unchanged, as the Linux system call does
 *       (glibc's wrapper turns that into -1/ENOMEM). It never throws for a refused move.</li>
 *   <li>Loads and stores ({@link #readLong}, {@link #writeByte}...) go through the MMU: a missing
 *       page is faulted in (demand paging, copy-on-write); an access no mapping allows throws
 *       {@link io.pagelab.api.error.SegmentationFault} with SEGV_MAPERR or SEGV_ACCERR and stores
 *       nothing (x86 faults are precise: the faulting instruction is not performed). Multi-byte
 *       values are little-endian and may cross a page boundary. A byte of anonymous memory never
 *       written reads 0.</li>
 * </ul>
 */
public interface AddressSpace {
    /** Share changes with other mappings of the same object (uapi/linux/mman.h: 0x01). */
    int MAP_SHARED = 0x01;
    /** Private copy-on-write mapping (0x02). */
    int MAP_PRIVATE = 0x02;
    /** Place the mapping exactly at the address given (0x10). */
    int MAP_FIXED = 0x10;
    /** Not backed by a file; zero-filled (0x20). */
    int MAP_ANONYMOUS = 0x20;
    /** Stack-like mapping that grows down (0x100). */
    int MAP_GROWSDOWN = 0x100;
    /** Do not reserve swap space (0x4000). */
    int MAP_NORESERVE = 0x4000;
    /** Fault the pages in now (0x8000). */
    int MAP_POPULATE = 0x8000;
    /** Like MAP_FIXED but fail rather than replace (0x100000). */
    int MAP_FIXED_NOREPLACE = 0x100000;

    /** mremap(2): the mapping may move if it cannot grow in place (uapi/linux/mman.h: 1). */
    int MREMAP_MAYMOVE = 1;
    /** mremap(2): move to the new address given (2; requires MREMAP_MAYMOVE). */
    int MREMAP_FIXED = 2;

    /** madvise(2): no further special treatment (0). */
    int MADV_NORMAL = 0;
    /** madvise(2): expect access soon (3); a hint only. */
    int MADV_WILLNEED = 3;
    /** madvise(2): drop the pages; private anonymous memory reads back as zeros (4). */
    int MADV_DONTNEED = 4;
    /** madvise(2): free lazily (8). */
    int MADV_FREE = 8;

    /**
     * Maps {@code length} bytes of anonymous memory ({@code MAP_ANONYMOUS} must be set;
     * implementations may offer file mappings through their own overloads).
     *
     * @param hint preferred address, or 0
     * @param length bytes, rounded up to pages
     * @param prot access rights ({@link Prot#isUser()} is implied)
     * @param flags exactly one of MAP_PRIVATE or MAP_SHARED, with MAP_ANONYMOUS and optional
     *     MAP_FIXED, MAP_FIXED_NOREPLACE, MAP_POPULATE, MAP_NORESERVE, MAP_GROWSDOWN
     * @return the start of the mapping
     */
    long mmap(long hint, long length, Prot prot, int flags);

    /** Removes every mapping in {@code [addr, addr + length)} (length rounded up to pages). */
    void munmap(long addr, long length);

    /**
     * Changes the access rights of whole pages in {@code [addr, addr + length)}; every page must be
     * mapped (ENOMEM otherwise), {@code addr} page-aligned (EINVAL).
     */
    void mprotect(long addr, long length, Prot prot);

    /**
     * Resizes the mapping at {@code oldAddr} (mremap(2) without the fifth argument).
     *
     * @param flags 0 or {@link #MREMAP_MAYMOVE}
     * @return the (possibly new) address of the mapping
     */
    long mremap(long oldAddr, long oldLength, long newLength, int flags);

    /** Gives advice about {@code [addr, addr + length)}; {@link #MADV_DONTNEED} drops the pages. */
    void madvise(long addr, long length, int advice);

    /** Sets the program break; returns the break in effect afterwards (see the class contract). */
    long brk(long newBrk);

    /** A load of one byte by user code at {@code va}. */
    byte readByte(long va);

    /** A store of one byte by user code at {@code va}. */
    void writeByte(long va, byte value);

    /** A little-endian 8-byte load by user code at {@code va}. */
    long readLong(long va);

    /** A little-endian 8-byte store by user code at {@code va}. */
    void writeLong(long va, long value);

    /**
     * memmove() by user code: copies {@code n} bytes from {@code src} to {@code dst}; the ranges
     * may overlap. Implementations may copy a page at a time; this default goes 8 bytes at a time.
     */
    default void copy(long dst, long src, long n) {
        if (n <= 0 || dst == src) {
            return;
        }
        boolean backward = Long.compareUnsigned(dst, src) > 0 && Long.compareUnsigned(dst - src, n) < 0;
        if (!backward) {
            long i = 0;
            for (; i + 8 <= n; i += 8) {
                writeLong(dst + i, readLong(src + i));
            }
            for (; i < n; i++) {
                writeByte(dst + i, readByte(src + i));
            }
        } else {
            long i = n;
            for (; i >= 8; i -= 8) {
                writeLong(dst + i - 8, readLong(src + i - 8));
            }
            for (; i > 0; i--) {
                writeByte(dst + i - 1, readByte(src + i - 1));
            }
        }
    }

    /** memset() by user code: {@code n} bytes at {@code dst} become {@code value}. */
    default void fill(long dst, int value, long n) {
        long pattern = (value & 0xffL) * 0x0101010101010101L;
        long i = 0;
        for (; i + 8 <= n; i += 8) {
            writeLong(dst + i, pattern);
        }
        for (; i < n; i++) {
            writeByte(dst + i, (byte) value);
        }
    }

    /** The physical address of {@code va} if a page is present there, else {@link PageTable#NOT_MAPPED}. */
    long translate(long va);

    /** The page table of this address space. */
    PageTable pageTable();
}
