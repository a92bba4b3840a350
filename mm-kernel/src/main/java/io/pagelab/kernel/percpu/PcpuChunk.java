package io.pagelab.kernel.percpu;

import java.util.BitSet;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * One per-CPU chunk (mm/percpu-internal.h: struct pcpu_chunk, Linux 6.x): a region repeated in
 * every CPU's unit, managed by an allocation bitmap with one bit per PCPU_MIN_ALLOC_SIZE (4)
 * bytes. Offsets count from {@code baseAddr}, the chunk's address in unit 0; the first
 * {@code startOffset} bytes and everything after {@code startOffset + mapSize} are hidden (kept
 * allocated), as pcpu_alloc_first_chunk() hides the static area before the dynamic one.
 *
 * <p>Differs from Linux on purpose: the area is found first fit, bit by bit, instead of through
 * the per-block hints (contig_hint, scan_hint, first_free per PAGE_SIZE metadata block) that
 * pcpu_find_block_fit() uses to skip blocks quickly; the boundaries of each allocation are kept in
 * a map instead of the bound_map bitmap. The chosen offset is the same lowest fitting one the
 * kernel's scan finds within a chunk. Pages are not populated lazily: every chunk is fully backed.
 */
final class PcpuChunk {

    private final long baseAddr;
    private final int startOffset;
    private final int mapSize;
    private final BitSet allocMap;
    private final int bits;
    private final TreeMap<Integer, Integer> allocations = new TreeMap<>();
    private int freeBytes;

    PcpuChunk(long baseAddr, int startOffset, int mapSize, int regionSize) {
        this.baseAddr = baseAddr;
        this.startOffset = startOffset;
        this.mapSize = mapSize;
        this.bits = regionSize / PcpuAllocInfo.PCPU_MIN_ALLOC_SIZE;
        this.allocMap = new BitSet(bits);
        allocMap.set(0, startOffset / PcpuAllocInfo.PCPU_MIN_ALLOC_SIZE);
        allocMap.set((startOffset + mapSize) / PcpuAllocInfo.PCPU_MIN_ALLOC_SIZE, bits);
        this.freeBytes = mapSize;
    }

    long baseAddr() {
        return baseAddr;
    }

    int freeBytes() {
        return freeBytes;
    }

    boolean contains(long addr) {
        long off = addr - baseAddr;
        return off >= startOffset && off < startOffset + mapSize;
    }

    /** The lowest free run of {@code size} bytes whose offset is a multiple of {@code align}. */
    OptionalInt allocArea(int size, int align) {
        int need = size / PcpuAllocInfo.PCPU_MIN_ALLOC_SIZE;
        int step = align / PcpuAllocInfo.PCPU_MIN_ALLOC_SIZE;
        int bit = allocMap.nextClearBit(0);
        while (bit + need <= bits) {
            bit = (bit + step - 1) / step * step;
            if (bit + need > bits) {
                break;
            }
            int used = allocMap.nextSetBit(bit);
            if (used < 0 || used >= bit + need) {
                allocMap.set(bit, bit + need);
                allocations.put(bit, need);
                freeBytes -= size;
                return OptionalInt.of(bit * PcpuAllocInfo.PCPU_MIN_ALLOC_SIZE);
            }
            bit = allocMap.nextClearBit(used);
        }
        return OptionalInt.empty();
    }

    /** pcpu_free_area(): the size freed, or -1 when no allocation starts at that offset. */
    int freeArea(int offset) {
        if (offset % PcpuAllocInfo.PCPU_MIN_ALLOC_SIZE != 0) {
            return -1;
        }
        Integer need = allocations.remove(offset / PcpuAllocInfo.PCPU_MIN_ALLOC_SIZE);
        if (need == null) {
            return -1;
        }
        int bit = offset / PcpuAllocInfo.PCPU_MIN_ALLOC_SIZE;
        allocMap.clear(bit, bit + need);
        freeBytes += need * PcpuAllocInfo.PCPU_MIN_ALLOC_SIZE;
        return need * PcpuAllocInfo.PCPU_MIN_ALLOC_SIZE;
    }

    Map<Integer, Integer> allocations() {
        return allocations;
    }
}
