package io.pagelab.kernel.memblock;

import static com.google.common.base.Preconditions.checkArgument;

import io.pagelab.kernel.printk.Vsprintf;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The boot memory allocator, {@code struct memblock} and the functions of mm/memblock.c
 * (Linux 6.13): two sorted region arrays, {@link #memory()} (the RAM the firmware reported) and
 * {@link #reserved()} (what is taken), and a first-fit allocator over "memory minus reserved".
 *
 * <pre>
 *  memory    [=========)      [===========================)      [==============)
 *  reserved  [==)  [=)               [====)           [==)
 *  free         [)   [)       [======)    [===========)  [)      [==============)
 *                                              top-down alloc takes the highest fit ^
 *                                              below current_limit, aligned down
 * </pre>
 *
 * <p>An allocation ({@code memblock_alloc_range_nid()}) searches the free ranges from the top
 * (default) or the bottom ({@link #setBottomUp}), never returns page 0, and records the result in
 * {@code reserved}, where it merges with touching reservations. Turn on DEBUG for the logger
 * {@code io.pagelab.kernel.memblock} to see every add, reserve, free and allocation.
 *
 * <p>Differs from Linux on purpose:
 * <ul>
 *   <li>An allocation that cannot be met throws {@link MemblockAllocationException} instead of
 *       returning 0; {@link #findInRange} keeps the kernel's "no result" as an empty optional.</li>
 *   <li>Misuse the kernel tolerates silently is rejected: a zero size or non-power-of-two alignment
 *       for an allocation or a trim, a start above the end of an allocation window.</li>
 *   <li>Alignment 0 is accepted as in the kernel (it warns and uses {@code SMP_CACHE_BYTES}).</li>
 *   <li>Only one node's allocation policy is modelled: no mirror or hot-plug fallbacks, and
 *       reservations made by allocations carry flags 0 as in 6.13 (later kernels mark them
 *       {@code MEMBLOCK_RSRV_KERN}).</li>
 * </ul>
 */
public final class Memblock implements MemblockView {
    private static final Logger LOG = LoggerFactory.getLogger(Memblock.class);

    public static final int PAGE_SHIFT = 12;
    public static final long PAGE_SIZE = 1L << PAGE_SHIFT;
    /** {@code PHYS_ADDR_MAX}. */
    public static final long PHYS_ADDR_MAX = -1L;
    /** {@code MEMBLOCK_ALLOC_ANYWHERE}: no upper bound at all. */
    public static final long MEMBLOCK_ALLOC_ANYWHERE = -1L;
    /** {@code MEMBLOCK_ALLOC_ACCESSIBLE}: up to {@link #currentLimit()}. */
    public static final long MEMBLOCK_ALLOC_ACCESSIBLE = 0L;
    /** {@code MEMBLOCK_ALLOC_NOLEAKTRACE}: like ACCESSIBLE, not reported to kmemleak. */
    public static final long MEMBLOCK_ALLOC_NOLEAKTRACE = 1L;
    /** {@code SMP_CACHE_BYTES} on x86-64: the alignment used for align == 0. */
    public static final long SMP_CACHE_BYTES = 64;
    /** {@code MAX_NUMNODES} with CONFIG_NODES_SHIFT=10; the node id of regions added without one. */
    public static final int MAX_NUMNODES = 1 << 10;
    /** {@code NUMA_NO_NODE}. */
    public static final int NUMA_NO_NODE = -1;

    /** {@code MEMBLOCK_NONE}. */
    public static final int MEMBLOCK_NONE = 0x0;
    /** {@code MEMBLOCK_HOTPLUG}: hot-pluggable region. */
    public static final int MEMBLOCK_HOTPLUG = 0x1;
    /** {@code MEMBLOCK_MIRROR}: mirrored region. */
    public static final int MEMBLOCK_MIRROR = 0x2;
    /** {@code MEMBLOCK_NOMAP}: not in the direct map, never allocated from. */
    public static final int MEMBLOCK_NOMAP = 0x4;
    /** {@code MEMBLOCK_DRIVER_MANAGED}: added by a driver, never allocated from. */
    public static final int MEMBLOCK_DRIVER_MANAGED = 0x8;

    private final MemblockType memory = new MemblockType("memory");
    private final MemblockType reserved = new MemblockType("reserved");
    private boolean bottomUp;
    private long currentLimit = MEMBLOCK_ALLOC_ANYWHERE;

    /** An empty memblock: no memory, nothing reserved, top-down, no limit. */
    public Memblock() {
    }

    /** A read-only view of this memblock (it still follows later changes). */
    public MemblockView view() {
        return new ReadOnlyMemblock(this);
    }

    // ------------------------------------------------------------------ views

    @Override
    public MemblockType memory() {
        return memory;
    }

    @Override
    public MemblockType reserved() {
        return reserved;
    }

    @Override
    public long currentLimit() {
        return currentLimit;
    }

    @Override
    public boolean bottomUp() {
        return bottomUp;
    }

    /** {@code memblock_set_current_limit()}. */
    public void setCurrentLimit(long limit) {
        LOG.debug("memblock_set_current_limit: {}", Vsprintf.pa(limit));
        this.currentLimit = limit;
    }

    /** {@code memblock_set_bottom_up()}. */
    public void setBottomUp(boolean enable) {
        this.bottomUp = enable;
    }

    @Override
    public long startOfDram() {
        return memory.count() == 0 ? 0 : memory.base(0);
    }

    @Override
    public long endOfDram() {
        return memory.count() == 0 ? 0 : memory.end(memory.count() - 1);
    }

    /** {@code memblock_phys_mem_size()}: {@code memory.total_size}. */
    public long physMemSize() {
        return memory.totalSize();
    }

    /** {@code memblock_reserved_size()}: {@code reserved.total_size}. */
    public long reservedSize() {
        return reserved.totalSize();
    }

    @Override
    public boolean isMemory(long addr) {
        return memory.search(addr) != -1;
    }

    @Override
    public boolean isReserved(long addr) {
        return reserved.search(addr) != -1;
    }

    /** {@code memblock_is_region_reserved()}: does {@code [base, base + size)} touch a reservation? */
    public boolean isRegionReserved(long base, long size) {
        return reserved.overlaps(base, size);
    }

    // ------------------------------------------------------------------ memory / reserved edits

    /** {@code memblock_add()}: adds RAM without a node ({@code nid = MAX_NUMNODES}, flags 0). */
    public void add(long base, long size) {
        addNode(base, size, MAX_NUMNODES, MEMBLOCK_NONE);
    }

    /** {@code memblock_add_node()}. A size reaching past 2^64 is capped, as in the kernel. */
    public void addNode(long base, long size, int nid, int flags) {
        checkArgument(nid >= 0 && nid <= MAX_NUMNODES, "node id %s outside 0..%s (MAX_NUMNODES = no node yet)", nid,
                MAX_NUMNODES);
        LOG.debug("memblock_add: [{}-{}] nid={} flags={}", Vsprintf.pa(base), Vsprintf.pa(base + size - 1), nid,
                Integer.toHexString(flags));
        memory.addRange(base, size, nid, flags);
    }

    /** {@code memblock_remove()}: takes a range out of {@code memory}, splitting regions as needed. */
    public void remove(long base, long size) {
        LOG.debug("memblock_remove: [{}-{}]", Vsprintf.pa(base), Vsprintf.pa(base + size - 1));
        memory.removeRange(base, size);
    }

    /** {@code memblock_reserve()}: marks a range as taken (it need not be memory). */
    public void reserve(long base, long size) {
        LOG.debug("memblock_reserve: [{}-{}]", Vsprintf.pa(base), Vsprintf.pa(base + size - 1));
        reserved.addRange(base, size, MAX_NUMNODES, MEMBLOCK_NONE);
    }

    /**
     * {@code memblock_phys_free()}: gives back a reserved range; a range in the middle of a
     * reservation splits it in two. Parts that were not reserved are ignored, as in the kernel.
     */
    public void free(long base, long size) {
        LOG.debug("memblock_phys_free: [{}-{}]", Vsprintf.pa(base), Vsprintf.pa(base + size - 1));
        reserved.removeRange(base, size);
    }

    /** {@code memblock_set_node(base, size, &memblock.memory, nid)}. */
    public void setNode(long base, long size, int nid) {
        checkArgument(nid >= 0 && nid <= MAX_NUMNODES, "node id %s outside 0..%s", nid, MAX_NUMNODES);
        memory.setNode(base, size, nid);
    }

    /** {@code memblock_mark_nomap()}: the range is skipped by allocations and free-range walks. */
    public void markNomap(long base, long size) {
        memory.setClearFlag(base, size, true, MEMBLOCK_NOMAP);
    }

    /** {@code memblock_clear_nomap()}. */
    public void clearNomap(long base, long size) {
        memory.setClearFlag(base, size, false, MEMBLOCK_NOMAP);
    }

    /** {@code memblock_mark_hotplug()}. */
    public void markHotplug(long base, long size) {
        memory.setClearFlag(base, size, true, MEMBLOCK_HOTPLUG);
    }

    /**
     * {@code memblock_trim_memory(align)}: rounds every memory region inward to {@code align}
     * (start up, end down) and drops regions left empty; {@code e820__memblock_setup()} calls it with
     * PAGE_SIZE to throw away partial pages. The kernel does not adjust {@code memory.total_size}
     * for the trimmed bytes and neither does this, so {@link MemblockType#totalSize()} keeps
     * counting them (see {@link MemblockType#regionBytes()}).
     *
     * @throws IllegalArgumentException if {@code align} is not a power of two
     */
    public void trimMemory(long align) {
        checkArgument(align > 0 && Long.bitCount(align) == 1,
                "memblock_trim_memory: align %s must be a power of two", Long.toHexString(align));
        memory.trim(align);
    }

    // ------------------------------------------------------------------ iteration

    @Override
    public List<FreeRange> freeRanges() {
        return freeRanges(NUMA_NO_NODE, MEMBLOCK_NONE);
    }

    /**
     * {@code for_each_free_mem_range(i, nid, flags, ...)} ({@code __next_mem_range()}): every memory
     * region of node {@code nid} ({@link #NUMA_NO_NODE} for all) that {@code should_skip_region()}
     * keeps, intersected with each gap between reserved regions, in ascending order.
     */
    public List<FreeRange> freeRanges(int nid, int flags) {
        List<FreeRange> out = new ArrayList<>();
        int rcnt = reserved.count();
        int idxB = 0;
        for (int a = 0; a < memory.count(); a++) {
            if (skipRegion(a, nid, flags)) {
                continue;
            }
            long mStart = memory.base(a);
            long mEnd = memory.end(a);
            int mNid = memory.nid(a);
            // gaps of reserved: [0, r0.base), [r0.end, r1.base), ..., [r_last.end, PHYS_ADDR_MAX)
            for (; idxB < rcnt + 1; idxB++) {
                long rStart = idxB == 0 ? 0 : reserved.end(idxB - 1);
                long rEnd = idxB < rcnt ? reserved.base(idxB) : PHYS_ADDR_MAX;
                if (Long.compareUnsigned(rStart, mEnd) >= 0) {
                    break; // this gap starts after the memory region: next region, same gap
                }
                if (Long.compareUnsigned(mStart, rEnd) < 0) {
                    long s = Long.compareUnsigned(mStart, rStart) > 0 ? mStart : rStart;
                    long e = Long.compareUnsigned(mEnd, rEnd) < 0 ? mEnd : rEnd;
                    if (Long.compareUnsigned(s, e) < 0) {
                        out.add(new FreeRange(s, e, mNid));
                    }
                    if (Long.compareUnsigned(mEnd, rEnd) <= 0) {
                        break; // the region ends first: next region, same gap (kernel: idx_a++)
                    }
                }
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** {@code should_skip_region()} for memory regions (no movable_node, no KHO). */
    private boolean skipRegion(int i, int nid, int flags) {
        int mFlags = memory.flags(i);
        if (nid >= 0 && nid < MAX_NUMNODES && nid != memory.nid(i)) {
            return true;
        }
        if ((flags & MEMBLOCK_MIRROR) != 0 && (mFlags & MEMBLOCK_MIRROR) == 0) {
            return true;
        }
        if ((flags & MEMBLOCK_NOMAP) == 0 && (mFlags & MEMBLOCK_NOMAP) != 0) {
            return true;
        }
        return (flags & MEMBLOCK_DRIVER_MANAGED) == 0 && (mFlags & MEMBLOCK_DRIVER_MANAGED) != 0;
    }

    @Override
    public List<PfnRange> memPfnRanges() {
        List<PfnRange> out = new ArrayList<>(memory.count());
        for (int i = 0; i < memory.count(); i++) {
            long startPfn = MemblockType.roundUp(memory.base(i), PAGE_SIZE) >>> PAGE_SHIFT;
            long endPfn = memory.end(i) >>> PAGE_SHIFT;
            if (startPfn >= endPfn) {
                continue;
            }
            out.add(new PfnRange(startPfn, endPfn, memory.nid(i)));
        }
        return Collections.unmodifiableList(out);
    }

    // ------------------------------------------------------------------ allocation

    /**
     * {@code memblock_phys_alloc(size, align)}: allocates below {@link #currentLimit()} and
     * reserves the result.
     *
     * @return the physical address of the block
     * @throws MemblockAllocationException when no free range can hold it
     * @throws IllegalArgumentException for size 0 or an alignment that is not a power of two
     */
    public long alloc(long size, long align) {
        return allocRange(size, align, 0, MEMBLOCK_ALLOC_ACCESSIBLE);
    }

    /**
     * {@code memblock_phys_alloc_range(size, align, start, end)}: allocates inside
     * {@code [start, end)}; {@code end} may be {@link #MEMBLOCK_ALLOC_ACCESSIBLE} (the current limit)
     * or {@link #MEMBLOCK_ALLOC_ANYWHERE}. Page 0 is never returned.
     */
    public long allocRange(long size, long align, long start, long end) {
        checkArgument(size != 0, "memblock allocation of 0 bytes: size must be at least 1");
        checkArgument(align == 0 || Long.bitCount(align) == 1,
                "memblock allocation align %s must be a power of two (or 0 for SMP_CACHE_BYTES)", Long.toHexString(align));
        checkArgument(end == MEMBLOCK_ALLOC_ACCESSIBLE || end == MEMBLOCK_ALLOC_NOLEAKTRACE
                        || Long.compareUnsigned(start, end) <= 0,
                "memblock allocation window start %s is above its end %s", Vsprintf.pa(start), Vsprintf.pa(end));
        if (align == 0) {
            LOG.warn("memblock allocation with align 0: using SMP_CACHE_BYTES ({})", SMP_CACHE_BYTES);
            align = SMP_CACHE_BYTES;
        }
        long[] window = window(start, end);
        long found = find(size, align, window[0], window[1], NUMA_NO_NODE, MEMBLOCK_NONE);
        if (found == 0) {
            FreeRange largest = largestFreeIn(window[0], window[1]);
            MemblockAllocationException e = new MemblockAllocationException(size, align, window[0], window[1], largest);
            LOG.debug("{}", e.getMessage());
            throw e;
        }
        reserved.addRange(found, size, MAX_NUMNODES, MEMBLOCK_NONE);
        LOG.debug("memblock_phys_alloc_range: {} bytes align={} -> [{}-{}] ({})", size, Vsprintf.hex(align),
                Vsprintf.pa(found), Vsprintf.pa(found + size - 1), bottomUp ? "bottom-up" : "top-down");
        return found;
    }

    /**
     * {@code memblock_find_in_range()}: the address an allocation of {@code size} at {@code align}
     * in {@code [start, end)} would get, without reserving it.
     */
    public OptionalLong findInRange(long start, long end, long size, long align) {
        checkArgument(align > 0 && Long.bitCount(align) == 1, "align %s must be a power of two", Long.toHexString(align));
        long[] window = window(start, end);
        long found = find(size, align, window[0], window[1], NUMA_NO_NODE, MEMBLOCK_NONE);
        return found == 0 ? OptionalLong.empty() : OptionalLong.of(found);
    }

    /** The start/end fix-ups of {@code memblock_find_in_range_node()}. */
    private long[] window(long start, long end) {
        if (end == MEMBLOCK_ALLOC_ACCESSIBLE || end == MEMBLOCK_ALLOC_NOLEAKTRACE) {
            end = currentLimit;
        }
        // avoid allocating the first page
        if (Long.compareUnsigned(start, PAGE_SIZE) < 0) {
            start = PAGE_SIZE;
        }
        if (Long.compareUnsigned(end, start) < 0) {
            end = start;
        }
        return new long[] {start, end};
    }

    private long find(long size, long align, long start, long end, int nid, int flags) {
        List<FreeRange> free = freeRanges(nid, flags);
        if (bottomUp) {
            for (FreeRange r : free) {
                long thisStart = clamp(r.start(), start, end);
                long thisEnd = clamp(r.end(), start, end);
                long cand = MemblockType.roundUp(thisStart, align);
                if (Long.compareUnsigned(cand, thisEnd) < 0 && Long.compareUnsigned(thisEnd - cand, size) >= 0) {
                    return cand;
                }
            }
            return 0;
        }
        for (int k = free.size() - 1; k >= 0; k--) {
            FreeRange r = free.get(k);
            long thisStart = clamp(r.start(), start, end);
            long thisEnd = clamp(r.end(), start, end);
            if (Long.compareUnsigned(thisEnd, size) < 0) {
                continue;
            }
            long cand = (thisEnd - size) & -align;
            if (Long.compareUnsigned(cand, thisStart) >= 0) {
                return cand;
            }
        }
        return 0;
    }

    private FreeRange largestFreeIn(long start, long end) {
        FreeRange best = null;
        for (FreeRange r : freeRanges()) {
            long s = clamp(r.start(), start, end);
            long e = clamp(r.end(), start, end);
            if (Long.compareUnsigned(s, e) < 0 && (best == null || Long.compareUnsigned(e - s, best.size()) > 0)) {
                best = new FreeRange(s, e, r.nid());
            }
        }
        return best;
    }

    private static long clamp(long x, long lo, long hi) {
        if (Long.compareUnsigned(x, lo) < 0) {
            return lo;
        }
        return Long.compareUnsigned(x, hi) > 0 ? hi : x;
    }

    // ------------------------------------------------------------------ dump

    /**
     * {@code __memblock_dump_all()} (printed with {@code memblock=debug}):
     * <pre>
     * MEMBLOCK configuration:
     *  memory size = 0x... reserved size = 0x...
     *  memory.cnt  = 0x3
     *  memory[0x0]	[0x0000000000001000-0x000000000009efff], 0x000000000009e000 bytes on node 0 flags: 0x0
     *  reserved.cnt  = 0x...
     * </pre>
     * The node is printed only for a valid node id (not for {@code MAX_NUMNODES}).
     */
    @Override
    public List<String> dump() {
        List<String> lines = new ArrayList<>();
        lines.add("MEMBLOCK configuration:");
        lines.add(" memory size = " + Vsprintf.pa(memory.totalSize()) + " reserved size = " + Vsprintf.pa(reserved.totalSize()));
        dumpType(memory, lines);
        dumpType(reserved, lines);
        return lines;
    }

    private static void dumpType(MemblockType type, List<String> lines) {
        lines.add(" " + type.name() + ".cnt  = " + Vsprintf.hex(type.count()));
        for (int i = 0; i < type.count(); i++) {
            int nid = type.nid(i);
            String node = nid >= 0 && nid < MAX_NUMNODES ? " on node " + nid : "";
            lines.add(" " + type.name() + "[" + Vsprintf.hex(i) + "]\t[" + Vsprintf.pa(type.base(i)) + "-"
                    + Vsprintf.pa(type.end(i) - 1) + "], " + Vsprintf.pa(type.size(i)) + " bytes" + node
                    + " flags: " + Vsprintf.hex(type.flags(i)));
        }
    }

    @Override
    public String toString() {
        return String.join("\n", dump());
    }
}
