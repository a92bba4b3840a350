package io.pagelab.questions.q07;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.api.error.OutOfMemoryException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Q7 处理完毕的e820表如何管理？ How is the processed e820 table managed? (reference solution)
 *
 * <p>A small memblock, the boot-time allocator of mm/memblock.c (Linux 6.x). After sanitizing,
 * {@code e820__memblock_setup()} adds every usable e820 range to {@code memblock.memory}; whatever
 * the kernel already uses (its own image, the initrd, page 0...) goes to {@code memblock.reserved}.
 * Free memory is "memory minus reserved". An allocation searches that free memory from the top
 * down, below {@code memblock.current_limit} and never below the first page, and records what it
 * took in reserved:
 *
 * <pre>
 *   memory    [0x0000000 ---- 0x9fc00)   [0x100000 ------------------------------- 0x7fe0000)
 *   reserved                                    [0x1000000 -- 0x3000000)
 *   free      [0x1000 - 0x9fc00)          [0x100000-0x1000000)      [0x3000000 -- 0x7fe0000)
 *   alloc(4 KiB, 4 KiB)                                                     takes 0x7fdf000 ^
 * </pre>
 *
 * <p>Both region lists stay sorted and never overlap; touching regions are merged into one
 * ({@code memblock_add_range()} + {@code memblock_merge_regions()}). Removing or freeing the middle
 * of a region splits it in two ({@code memblock_isolate_range()}).
 *
 * <p>Differs from Linux on purpose: no NUMA node ids or region flags, no fixed-size arrays to
 * double, addresses below 2^63, an alignment of 0 is refused instead of replaced by
 * SMP_CACHE_BYTES, and a failed allocation throws instead of returning 0.
 */
public final class Memblock {

    /** The page size; memblock never hands out the page at address 0. */
    public static final long PAGE_SIZE = 4096;
    /** A current limit meaning "no limit" (~0 in the kernel). */
    public static final long MEMBLOCK_ALLOC_ANYWHERE = -1L;

    /** One region {@code [base, base + size)}. */
    public record Region(long base, long size) {
        /** One past the last byte. */
        public long end() {
            return base + size;
        }
    }

    private final List<Region> memory = new ArrayList<>();
    private final List<Region> reserved = new ArrayList<>();
    private long currentLimit = MEMBLOCK_ALLOC_ANYWHERE;

    /** memblock_add(): registers RAM. Overlaps with known memory are fine; the union is kept. */
    public void addMemory(long base, long size) {
        checkRange(base, size);
        addRange(memory, base, size);
    }

    /** memblock_reserve(): marks a range as in use. Overlapping reservations are merged. */
    public void reserve(long base, long size) {
        checkRange(base, size);
        addRange(reserved, base, size);
    }

    /** memblock_phys_free(): gives a reserved range back; parts that were not reserved are ignored. */
    public void free(long base, long size) {
        checkRange(base, size);
        removeRange(reserved, base, size);
    }

    /**
     * memblock_phys_alloc(): the highest {@code align}-aligned address where {@code size} free bytes
     * fit, between PAGE_SIZE and the current limit; the range is reserved before returning.
     *
     * @throws OutOfMemoryException naming the request if no free range can hold it
     */
    public long alloc(long size, long align) {
        InvalidArgumentException.check(size > 0, "memblock alloc size must be > 0, got %s", size);
        InvalidArgumentException.check(align > 0 && Long.bitCount(align) == 1,
                "memblock alloc align must be a power of two, got %s", align);
        long start = PAGE_SIZE;
        long end = Long.compareUnsigned(currentLimit, Long.MAX_VALUE) > 0 ? Long.MAX_VALUE : currentLimit;
        List<Region> free = freeRanges();
        for (int i = free.size() - 1; i >= 0; i--) {
            long thisStart = clamp(free.get(i).base(), start, end);
            long thisEnd = clamp(free.get(i).end(), start, end);
            if (thisEnd < size) {
                continue;
            }
            long candidate = (thisEnd - size) & -align; // round_down
            if (candidate >= thisStart) {
                addRange(reserved, candidate, size);
                return candidate;
            }
        }
        throw new OutOfMemoryException(size, String.format(
                "memblock: Failed to allocate %d bytes align=%#x below limit %#x", size, align, end));
    }

    /** memblock.memory: the RAM regions, sorted. */
    public List<Region> memory() {
        return List.copyOf(memory);
    }

    /** memblock.reserved: the reserved regions, sorted. */
    public List<Region> reserved() {
        return List.copyOf(reserved);
    }

    /** memblock_phys_mem_size(): bytes of RAM registered. */
    public long totalMemory() {
        return memory.stream().mapToLong(Region::size).sum();
    }

    /** memblock_reserved_size(): bytes reserved. */
    public long reservedSize() {
        return reserved.stream().mapToLong(Region::size).sum();
    }

    /** memblock.current_limit: allocations end below this address. */
    public long currentLimit() {
        return currentLimit;
    }

    /** memblock_set_current_limit(). */
    public void setCurrentLimit(long limit) {
        this.currentLimit = limit;
    }

    /** Memory minus reserved, ascending. */
    private List<Region> freeRanges() {
        List<Region> free = new ArrayList<>();
        for (Region m : memory) {
            long cursor = m.base();
            for (Region r : reserved) {
                if (r.end() <= cursor || r.base() >= m.end()) {
                    continue;
                }
                if (r.base() > cursor) {
                    free.add(new Region(cursor, r.base() - cursor));
                }
                cursor = Math.max(cursor, r.end());
            }
            if (cursor < m.end()) {
                free.add(new Region(cursor, m.end() - cursor));
            }
        }
        return free;
    }

    private static void addRange(List<Region> regions, long base, long size) {
        if (size == 0) {
            return;
        }
        regions.add(new Region(base, size));
        regions.sort(Comparator.comparingLong(Region::base));
        List<Region> merged = new ArrayList<>();
        for (Region r : regions) {
            Region last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && r.base() <= last.end()) {
                long end = Math.max(last.end(), r.end());
                merged.set(merged.size() - 1, new Region(last.base(), end - last.base()));
            } else {
                merged.add(r);
            }
        }
        regions.clear();
        regions.addAll(merged);
    }

    private static void removeRange(List<Region> regions, long base, long size) {
        long end = base + size;
        List<Region> kept = new ArrayList<>();
        for (Region r : regions) {
            if (r.end() <= base || r.base() >= end) {
                kept.add(r);
                continue;
            }
            if (r.base() < base) {
                kept.add(new Region(r.base(), base - r.base()));
            }
            if (r.end() > end) {
                kept.add(new Region(end, r.end() - end));
            }
        }
        regions.clear();
        regions.addAll(kept);
    }

    private static long clamp(long value, long low, long high) {
        return Math.min(Math.max(value, low), high);
    }

    private static void checkRange(long base, long size) {
        InvalidArgumentException.check(base >= 0 && size >= 0 && base + size >= base,
                "memblock range base %s size %s must be non-negative and end below 2^63", base, size);
    }
}
