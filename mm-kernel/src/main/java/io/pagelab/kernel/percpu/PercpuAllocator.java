package io.pagelab.kernel.percpu;

import io.pagelab.api.Pages;
import io.pagelab.api.error.BadAddressException;
import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.api.error.OutOfMemoryException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-CPU allocator after boot (mm/percpu.c, Linux 6.x): pcpu_setup_first_chunk() turns the
 * first chunk's reserved and dynamic areas into chunks, setup_per_cpu_areas()
 * (arch/x86/kernel/setup_percpu.c) sets {@code __per_cpu_offset[cpu] = delta + pcpu_unit_offsets[cpu]}
 * with {@code delta = pcpu_base_addr - __per_cpu_start}, and pcpu_alloc() / free_percpu() hand out
 * and take back per-CPU pointers.
 *
 * <p>A per-CPU pointer is not an address: it is the address in unit 0 translated back into the
 * static section's numbering, {@code __addr_to_pcpu_ptr(addr) = addr - pcpu_base_addr + __per_cpu_start};
 * {@code per_cpu_ptr(ptr, cpu) = ptr + __per_cpu_offset[cpu]} is CPU n's copy. On x86-64 SMP
 * {@code __per_cpu_start} is 0 (the section is linked zero-based), so a pointer is a small offset
 * such as 0x4b000, and the %gs base of each CPU is its {@code __per_cpu_offset}.
 *
 * <p>Differs from Linux on purpose: a chunk is picked first fit in creation order (Linux scans
 * {@code pcpu_chunk_lists[slot]} from the slot of the requested size upwards, slots ordered by each
 * chunk's largest free area), new chunks are placed one after another from {@code vmChunkBase}
 * instead of pcpu_get_vm_areas() in the vmalloc range, pages are never populated lazily or freed
 * by the balance work, and there is no memcg accounting.
 */
public final class PercpuAllocator {

    private static final Logger LOG = LoggerFactory.getLogger(PercpuAllocator.class);

    private final PcpuAllocInfo ai;
    private final long pcpuBaseAddr;
    private final long perCpuStart;
    private final long vmChunkBase;
    private final PcpuChunk reservedChunk;
    private final List<PcpuChunk> chunks = new ArrayList<>();

    /**
     * @param ai the first chunk's shape
     * @param pcpuBaseAddr pcpu_base_addr: where unit 0 of the first chunk starts
     * @param perCpuStart __per_cpu_start: the link address of the static section (0 on x86-64 SMP)
     * @param vmChunkBase where the first chunk created later is placed (unit 0)
     */
    public PercpuAllocator(PcpuAllocInfo ai, long pcpuBaseAddr, long perCpuStart, long vmChunkBase) {
        this.ai = Objects.requireNonNull(ai, "ai");
        InvalidArgumentException.check((pcpuBaseAddr & (Pages.PAGE_SIZE - 1)) == 0,
                "pcpu_base_addr %s is not allowed: it must be page aligned", pcpuBaseAddr);
        InvalidArgumentException.check((vmChunkBase & (Pages.PAGE_SIZE - 1)) == 0,
                "chunk base %s is not allowed: it must be page aligned", vmChunkBase);
        this.pcpuBaseAddr = pcpuBaseAddr;
        this.perCpuStart = perCpuStart;
        this.vmChunkBase = vmChunkBase;
        this.reservedChunk = ai.reservedSize() > 0
                ? firstChunkPart(pcpuBaseAddr + ai.staticSize(), (int) ai.reservedSize()) : null;
        chunks.add(firstChunkPart(pcpuBaseAddr + ai.staticSize() + ai.reservedSize(), (int) ai.dynSize()));
    }

    /** pcpu_alloc_first_chunk(tmp_addr, map_size): a page-aligned base, the start hidden. */
    private static PcpuChunk firstChunkPart(long addr, int mapSize) {
        long aligned = addr & ~(Pages.PAGE_SIZE - 1);
        int startOffset = (int) (addr - aligned);
        int region = (int) ((startOffset + mapSize + Pages.PAGE_SIZE - 1) & ~(Pages.PAGE_SIZE - 1));
        return new PcpuChunk(aligned, startOffset, mapSize, region);
    }

    public PcpuAllocInfo allocInfo() {
        return ai;
    }

    /** delta = pcpu_base_addr - __per_cpu_start. */
    public long delta() {
        return pcpuBaseAddr - perCpuStart;
    }

    /** __per_cpu_offset[cpu] = delta + pcpu_unit_offsets[cpu]. */
    public long perCpuOffset(int cpu) {
        return delta() + ai.unitOffset(cpu);
    }

    /** per_cpu_ptr(ptr, cpu): CPU {@code cpu}'s copy of the per-CPU variable {@code ptr}. */
    public long perCpuPtr(long ptr, int cpu) {
        return ptr + perCpuOffset(cpu);
    }

    /** __addr_to_pcpu_ptr(addr). */
    public long addrToPcpuPtr(long addr) {
        return addr - pcpuBaseAddr + perCpuStart;
    }

    /** __pcpu_ptr_to_addr(ptr): the address of unit 0's copy. */
    public long pcpuPtrToAddr(long ptr) {
        return ptr + pcpuBaseAddr - perCpuStart;
    }

    /** alloc_percpu / __alloc_percpu(size, align): a per-CPU pointer, zeroed in every unit. */
    public long alloc(long size, long align) {
        return pcpuAlloc(size, align, false);
    }

    /** __alloc_reserved_percpu(size, align): from the reserved area kept for module statics. */
    public long allocReserved(long size, long align) {
        return pcpuAlloc(size, align, true);
    }

    private long pcpuAlloc(long size, long align, boolean reserved) {
        long a = Math.max(align, PcpuAllocInfo.PCPU_MIN_ALLOC_SIZE);
        long s = (size + PcpuAllocInfo.PCPU_MIN_ALLOC_SIZE - 1) & -PcpuAllocInfo.PCPU_MIN_ALLOC_SIZE;
        if (size <= 0 || s > PcpuAllocInfo.PCPU_MIN_UNIT_SIZE || a > Pages.PAGE_SIZE || Long.bitCount(a) != 1) {
            throw new InvalidArgumentException(String.format("percpu: illegal size (%d) or align (%d) for percpu "
                    + "allocation: size 1..%d, align a power of two up to %d", size, align,
                    PcpuAllocInfo.PCPU_MIN_UNIT_SIZE, Pages.PAGE_SIZE));
        }
        if (reserved) {
            if (reservedChunk == null) {
                throw new InvalidArgumentException("percpu: no reserved area in the first chunk (r0)");
            }
            return place(reservedChunk, (int) s, (int) a, size, true);
        }
        for (PcpuChunk chunk : chunks) {
            if (chunk.freeBytes() >= s) {
                long ptr = place(chunk, (int) s, (int) a, size, false);
                if (ptr != 0) {
                    return ptr;
                }
            }
        }
        long stride = ai.nrUnits() * ai.unitSize();
        PcpuChunk chunk = new PcpuChunk(vmChunkBase + (chunks.size() - 1) * stride, 0, (int) ai.unitSize(),
                (int) ai.unitSize());
        chunks.add(chunk);
        LOG.debug("percpu: new chunk {} at {}", chunks.size() - 1, Long.toHexString(chunk.baseAddr()));
        return place(chunk, (int) s, (int) a, size, false);
    }

    private long place(PcpuChunk chunk, int s, int a, long size, boolean reserved) {
        OptionalInt off = chunk.allocArea(s, a);
        if (off.isEmpty()) {
            if (reserved) {
                throw new OutOfMemoryException(size, String.format(
                        "percpu: allocation failed, size=%d align=%d atomic=0, alloc from reserved chunk failed",
                        size, a));
            }
            return 0;
        }
        long ptr = addrToPcpuPtr(chunk.baseAddr() + off.getAsInt());
        LOG.debug("pcpu_alloc size {} align {} -> {}", size, a, Long.toHexString(ptr));
        return ptr;
    }

    /** free_percpu(ptr): NULL is ignored; anything not returned by the allocator is refused. */
    public void free(long ptr) {
        if (ptr == 0) {
            return;
        }
        long addr = pcpuPtrToAddr(ptr);
        PcpuChunk chunk = chunkOf(addr);
        if (chunk == null || chunk.freeArea((int) (addr - chunk.baseAddr())) < 0) {
            throw new BadAddressException(ptr, String.format(
                    "free_percpu(%#x): not a pointer alloc_percpu returned, or already freed", ptr));
        }
    }

    private PcpuChunk chunkOf(long addr) {
        if (reservedChunk != null && reservedChunk.contains(addr)) {
            return reservedChunk;
        }
        for (PcpuChunk chunk : chunks) {
            if (chunk.contains(addr)) {
                return chunk;
            }
        }
        return null;
    }

    /** Chunks serving the dynamic area, the first chunk's included. */
    public int chunkCount() {
        return chunks.size();
    }

    /** Free bytes left in the first chunk's dynamic area. */
    public int firstChunkFreeBytes() {
        return chunks.get(0).freeBytes();
    }
}
