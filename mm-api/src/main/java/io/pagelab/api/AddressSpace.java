package io.pagelab.api;

/**
 * The virtual address space of one process, seen through its system calls: mmap(2), munmap(2),
 * brk(2), backed by {@code struct mm_struct} and its VMAs (mm/mmap.c, mm/vma.c in Linux 6.x). This
 * is the skeleton later issues grow (mprotect, mremap, page faults, /proc/pid/maps).
 *
 * <p>Contract (as the man pages say, with exceptions instead of errno):
 * <ul>
 *   <li>{@link #mmap} returns a page-aligned address; {@code length} is rounded up to whole pages
 *       and must be &gt; 0 ({@link io.pagelab.api.error.InvalidArgumentException}, EINVAL).
 *       Without {@link #MAP_FIXED} the hint is only a hint; with it, the address must be
 *       page-aligned and existing mappings there are replaced. No room: OutOfMemoryException
 *       (ENOMEM).</li>
 *   <li>{@link #munmap} needs a page-aligned address; unmapping a range with nothing mapped is not
 *       an error.</li>
 *   <li>{@link #brk} moves the program break and returns the new break; on failure, and for
 *       {@code brk(0)}, it returns the current break unchanged, as the Linux system call does
 *       (glibc's wrapper turns that into -1/ENOMEM).</li>
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
    /** Do not reserve swap space (0x4000). */
    int MAP_NORESERVE = 0x4000;
    /** Fault the pages in now (0x8000). */
    int MAP_POPULATE = 0x8000;
    /** Like MAP_FIXED but fail rather than replace (0x100000). */
    int MAP_FIXED_NOREPLACE = 0x100000;

    /**
     * Maps {@code length} bytes of anonymous memory (file mappings come in a later issue).
     *
     * @param hint preferred address, or 0
     * @param length bytes, rounded up to pages
     * @param prot access rights ({@link Prot#isUser()} is implied)
     * @param flags MAP_PRIVATE or MAP_SHARED, with MAP_ANONYMOUS and optional MAP_FIXED...
     * @return the start of the mapping
     */
    long mmap(long hint, long length, Prot prot, int flags);

    /** Removes every mapping in {@code [addr, addr + length)} (length rounded up to pages). */
    void munmap(long addr, long length);

    /** Sets the program break; returns the break in effect afterwards (see the class contract). */
    long brk(long newBrk);

    /** The physical address of {@code va} if a page is present there, else {@link PageTable#NOT_MAPPED}. */
    long translate(long va);

    /** The page table of this address space. */
    PageTable pageTable();
}
