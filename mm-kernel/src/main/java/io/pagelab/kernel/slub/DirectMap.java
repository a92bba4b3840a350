package io.pagelab.kernel.slub;

import io.pagelab.api.PhysicalMemory;
import io.pagelab.api.error.GeneralProtectionFault;
import io.pagelab.api.error.PageFault;
import java.util.Objects;

/**
 * The kernel's direct map on x86-64 with 4-level paging (Documentation/arch/x86/x86_64/mm.rst,
 * arch/x86/include/asm/page_64_types.h, Linux 6.x): all physical memory mapped at
 * PAGE_OFFSET = 0xffff888000000000, so __va(pa) = pa + PAGE_OFFSET and __pa(va) = va - PAGE_OFFSET.
 * Slab objects have direct-map addresses; this turns them into bus addresses for
 * {@link PhysicalMemory} and fails like the CPU would for anything else.
 *
 * <p>Differs from Linux: no KASLR (page_offset_base stays at its default), and the map is checked
 * against the present memory instead of page tables.
 *
 * @param memory the machine's memory
 * @param pageOffset PAGE_OFFSET, where physical address 0 appears
 */
public record DirectMap(PhysicalMemory memory, long pageOffset) {
    /** __PAGE_OFFSET_BASE_L4: the direct map's start without KASLR. */
    public static final long PAGE_OFFSET_L4 = 0xffff888000000000L;
    /** The direct map spans 64 TiB. */
    public static final long DIRECT_MAP_SIZE = 64L << 40;

    public DirectMap {
        Objects.requireNonNull(memory, "memory");
    }

    /** The direct map at the 4-level default PAGE_OFFSET. */
    public static DirectMap of(PhysicalMemory memory) {
        return new DirectMap(memory, PAGE_OFFSET_L4);
    }

    /** __va(pa): the direct-map address of a physical address. */
    public long va(long pa) {
        return pa + pageOffset;
    }

    /**
     * __pa(va) for an access of {@code len} bytes: the physical address, after the checks the CPU
     * would make. A non-canonical address raises #GP; an address outside the direct map or over
     * absent memory raises #PF (the kernel's "BUG: unable to handle page fault").
     */
    public long pa(long va, int len, boolean write) {
        long top = va >> 47;
        if (top != 0 && top != -1) {
            throw GeneralProtectionFault.nonCanonical(va, 48);
        }
        long pa = va - pageOffset;
        if (Long.compareUnsigned(va - pageOffset, DIRECT_MAP_SIZE) >= 0 || !memory.isPresent(pa)
                || !memory.isPresent(pa + len - 1)) {
            throw new PageFault(va, write ? PageFault.PF_WRITE : 0);
        }
        return pa;
    }

    /** Reads the 8-byte word at direct-map address {@code va}. */
    public long readLong(long va) {
        return memory.readLong(pa(va, 8, false));
    }

    /** Writes the 8-byte word at direct-map address {@code va}. */
    public void writeLong(long va, long value) {
        memory.writeLong(pa(va, 8, true), value);
    }

    /** Reads one unsigned byte at {@code va}. */
    public int readByte(long va) {
        return memory.readByte(pa(va, 1, false)) & 0xff;
    }

    /** Reads {@code len} bytes starting at {@code va}. */
    public byte[] readBytes(long va, int len) {
        if (len == 0) {
            return new byte[0];
        }
        return memory.readBytes(pa(va, len, false), len);
    }

    /** memset: fills {@code len} bytes at {@code va} with the low byte of {@code value}. */
    public void fill(long va, long len, int value) {
        if (len == 0) {
            return;
        }
        memory.fill(pa(va, (int) Math.min(len, Integer.MAX_VALUE), true), len, value);
    }

    /** Writes a 4-byte little-endian value at {@code va}. */
    public void writeInt(long va, int value) {
        memory.writeInt(pa(va, 4, true), value);
    }

    /** Reads a 4-byte little-endian value at {@code va}. */
    public int readInt(long va) {
        return memory.readInt(pa(va, 4, false));
    }
}
