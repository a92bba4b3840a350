package io.pagelab.kernel.mm;

import io.pagelab.api.error.InvalidArgumentException;

/**
 * One virtual memory area, the value part of {@code struct vm_area_struct} (include/linux/mm_types.h,
 * Linux 6.6): {@code [start, end)} page aligned, {@code vm_flags}, {@code vm_pgoff} (in pages), the
 * mapped file or none, and a display name.
 *
 * <p>Differs from Linux on purpose: the name is stored, not computed. Linux derives {@code [heap]} and
 * {@code [stack]} in get_vma_name() from {@code mm->brk}/{@code mm->start_stack} and {@code [anon:NAME]}
 * from {@code anon_vma_name}; here the caller labels the area, and {@link VmaSet} treats the label like
 * {@code anon_vma_name} when merging (equal labels required). There is no anon_vma, mempolicy,
 * userfaultfd context or vm_ops.
 *
 * @param start first byte, page aligned
 * @param end one past the last byte, page aligned, greater than start
 * @param flags {@code VM_*} bits of this class
 * @param pgoff offset in pages into the file; for anonymous areas {@code start >> PAGE_SHIFT} at creation
 * @param file the mapped file, or {@code null} for anonymous memory
 * @param name display name such as "[heap]", "[stack]", "[vdso]", or {@code null} for none
 */
public record Vma(long start, long end, int flags, long pgoff, MappedFile file, String name) {
    public static final int PAGE_SHIFT = 12;
    public static final long PAGE_SIZE = 1L << PAGE_SHIFT;

    // include/linux/mm.h (Linux 6.6, x86-64)
    public static final int VM_READ = 0x00000001;
    public static final int VM_WRITE = 0x00000002;
    public static final int VM_EXEC = 0x00000004;
    public static final int VM_SHARED = 0x00000008;
    public static final int VM_MAYREAD = 0x00000010;
    public static final int VM_MAYWRITE = 0x00000020;
    public static final int VM_MAYEXEC = 0x00000040;
    public static final int VM_MAYSHARE = 0x00000080;
    public static final int VM_GROWSDOWN = 0x00000100;
    public static final int VM_PFNMAP = 0x00000400;
    public static final int VM_LOCKED = 0x00002000;
    public static final int VM_IO = 0x00004000;
    public static final int VM_DONTEXPAND = 0x00040000;
    public static final int VM_DONTCOPY = 0x00020000;
    public static final int VM_ACCOUNT = 0x00100000;
    public static final int VM_NORESERVE = 0x00200000;
    public static final int VM_HUGEPAGE = 0x20000000;
    public static final int VM_NOHUGEPAGE = 0x40000000;
    public static final int VM_SOFTDIRTY = 0x08000000;
    /** VM_STACK on x86: VM_GROWSDOWN. */
    public static final int VM_STACK = VM_GROWSDOWN;
    public static final int VM_MIXEDMAP = 0x10000000;
    /** {@code VM_SPECIAL}: areas that never merge. */
    public static final int VM_SPECIAL = VM_IO | VM_DONTEXPAND | VM_PFNMAP | VM_MIXEDMAP;

    public Vma {
        InvalidArgumentException.check((start & (PAGE_SIZE - 1)) == 0,
                "vma start %s is not page aligned (must be a multiple of %s)", start, PAGE_SIZE);
        InvalidArgumentException.check((end & (PAGE_SIZE - 1)) == 0,
                "vma end %s is not page aligned (must be a multiple of %s)", end, PAGE_SIZE);
        InvalidArgumentException.check(Long.compareUnsigned(start, end) < 0,
                "vma start %s must be below end %s", start, end);
        InvalidArgumentException.check(pgoff >= 0, "vma pgoff %s must be non-negative", pgoff);
    }

    /** An anonymous area with {@code pgoff = start >> PAGE_SHIFT}, as mmap_region() sets it. */
    public static Vma anonymous(long start, long end, int flags, String name) {
        return new Vma(start, end, flags, start >>> PAGE_SHIFT, null, name);
    }

    /** A file-backed area whose first page is page {@code pgoff} of {@code file}. */
    public static Vma fileBacked(long start, long end, int flags, long pgoff, MappedFile file) {
        if (file == null) {
            throw new InvalidArgumentException("file-backed vma needs a file; use Vma.anonymous for none");
        }
        return new Vma(start, end, flags, pgoff, file, null);
    }

    /** {@code vma_is_anonymous()}: no file behind it. */
    public boolean isAnonymous() {
        return file == null;
    }

    /** {@code vma_pages()}: length in pages. */
    public long pages() {
        return (end - start) >>> PAGE_SHIFT;
    }

    /** True when {@code start <= addr < end}. */
    public boolean contains(long addr) {
        return Long.compareUnsigned(start, addr) <= 0 && Long.compareUnsigned(addr, end) < 0;
    }

    /** This area cut to {@code [newStart, newEnd)}, with pgoff advanced by the pages dropped below. */
    Vma slice(long newStart, long newEnd) {
        return new Vma(newStart, newEnd, flags, pgoff + ((newStart - start) >>> PAGE_SHIFT), file, name);
    }
}
