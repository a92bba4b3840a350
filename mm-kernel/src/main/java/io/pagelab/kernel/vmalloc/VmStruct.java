package io.pagelab.kernel.vmalloc;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;

/**
 * One vmalloc'ed area: {@code struct vm_struct} (include/linux/vmalloc.h) together with its
 * {@code struct vmap_area} range.
 *
 * <p>{@code size} includes the guard page unless {@link Vmalloc#VM_NO_GUARD} is set, exactly as the
 * kernel's {@code vm->size} does; {@link #usableSize()} is {@code get_vm_area_size()}.
 *
 * @param addr first virtual address (va_start)
 * @param size bytes reserved, guard page included
 * @param flags VM_* flags
 * @param pfns the backing page frames, one per page, in virtual order (may be scattered)
 * @param caller who allocated it, shown as the {@code %pS} column of /proc/vmallocinfo (may be null)
 */
public record VmStruct(long addr, long size, int flags, long[] pfns, String caller) {

    public VmStruct {
        checkArgument((addr & 0xfff) == 0, "vm_struct address %s must be page-aligned", Long.toHexString(addr));
        checkArgument(size > 0 && (size & 0xfff) == 0, "vm_struct size %s must be a positive multiple of 4096", size);
        pfns = pfns.clone();
    }

    /** nr_pages. */
    public int nrPages() {
        return pfns.length;
    }

    /** va_end: addr + size (guard page included). */
    public long end() {
        return addr + size;
    }

    /** get_vm_area_size(): size without the guard page. */
    public long usableSize() {
        return (flags & Vmalloc.VM_NO_GUARD) != 0 ? size : size - Vmalloc.PAGE_SIZE;
    }

    /** The page frames, a copy. */
    @Override
    public long[] pfns() {
        return pfns.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VmStruct && ((VmStruct) o).addr == addr && ((VmStruct) o).size == size
                && ((VmStruct) o).flags == flags && Arrays.equals(((VmStruct) o).pfns, pfns)
                && java.util.Objects.equals(((VmStruct) o).caller, caller);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(addr) * 31 + Long.hashCode(size);
    }

    @Override
    public String toString() {
        return String.format("VmStruct[0x%016x-0x%016x size=%d pages=%d flags=%#x caller=%s]", addr, end(), size,
                pfns.length, flags, caller);
    }
}
