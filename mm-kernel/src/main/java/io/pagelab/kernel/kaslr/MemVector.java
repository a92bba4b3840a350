package io.pagelab.kernel.kaslr;

import java.util.Objects;

/**
 * {@code struct mem_vector} of arch/x86/boot/compressed/misc.h: a physical range
 * {@code [start, start + size)}, here with the name of what it holds so that messages can say it.
 *
 * @param name what the range is ("ZO range", "initrd", "cmdline", "boot_params", "memmap")
 * @param start first byte
 * @param size length in bytes (0 allowed, as the kernel's table has empty slots)
 */
public record MemVector(String name, long start, long size) {

    public MemVector {
        Objects.requireNonNull(name, "name");
    }

    /** One past the last byte. */
    public long end() {
        return start + size;
    }

    /**
     * kaslr.c: mem_overlaps(): false when one range ends at or before the other starts. Like the
     * kernel, an empty range strictly inside another counts as overlapping.
     */
    public boolean overlaps(MemVector other) {
        if (Long.compareUnsigned(start + size, other.start) <= 0) {
            return false;
        }
        return Long.compareUnsigned(start, other.start + other.size) < 0;
    }

    @Override
    public String toString() {
        return String.format("%s [%#x-%#x)", name, start, start + size);
    }
}
