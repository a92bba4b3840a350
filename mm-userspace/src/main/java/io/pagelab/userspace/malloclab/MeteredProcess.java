package io.pagelab.userspace.malloclab;

import io.pagelab.api.AddressSpace;
import io.pagelab.api.ForwardingAddressSpace;
import io.pagelab.api.Prot;
import java.util.ArrayList;
import java.util.Map;
import java.util.TreeMap;

/**
 * Watches an allocator's system calls to measure its heap the way malloc-lab measures it, for
 * allocators that get memory both from brk(2) and from mmap(2): heap = (brk - initial brk) +
 * bytes mapped by mmap and not yet unmapped. Passes every call through to the process it wraps;
 * remembers where each mapping starts, so that an address can be told apart as "heap + offset"
 * or "mmap + offset within its mapping", the two forms {@code replay.c} prints.
 *
 * <p>Differs from glibc's harness on purpose: {@code replay.c} recognises a mmapped chunk by its
 * IS_MMAPPED bit and finds its mapping through prev_size; this class needs no knowledge of
 * ptmalloc's chunk layout, so it serves any {@link HeapAllocator}. The two agree for ptmalloc,
 * whose mmapped chunks each own one mapping.
 */
public final class MeteredProcess extends ForwardingAddressSpace {
    private final long startBrk;
    private final TreeMap<Long, Long> mappings = new TreeMap<>();
    private long brk;
    private long mapped;
    private long peakHeap;

    /** Wraps {@code process}, taking its current break as the initial one. */
    public MeteredProcess(AddressSpace process) {
        super(checkNotNull(process));
        this.startBrk = process.brk(0);
        this.brk = startBrk;
    }

    private static AddressSpace checkNotNull(AddressSpace process) {
        if (process == null) {
            throw new IllegalArgumentException("process is null; a MeteredProcess wraps an AddressSpace");
        }
        return process;
    }

    /** The break before the allocator ran. */
    public long startBrk() {
        return startBrk;
    }

    /** The current break. */
    public long brk() {
        return brk;
    }

    /** The heap now: brk growth plus mmapped bytes in use. */
    public long heapBytes() {
        return brk - startBrk + mapped;
    }

    /** The largest {@link #heapBytes()} seen so far. */
    public long peakHeapBytes() {
        return peakHeap;
    }

    /** Bytes currently mapped by mmap (page-rounded). */
    public long mappedBytes() {
        return mapped;
    }

    /** The start of the mmap mapping containing {@code va}, or -1 if none does. */
    public long mappingStart(long va) {
        Map.Entry<Long, Long> e = mappings.floorEntry(va);
        return e != null && va < e.getKey() + e.getValue() ? e.getKey() : -1;
    }

    /**
     * {@code va} as {@code replay.c} prints it: {@code mmap+0x10} inside a mapping, else
     * {@code heap+0x2a0} relative to the initial break; {@code null} for 0.
     */
    public String describe(long va) {
        if (va == 0) {
            return "null";
        }
        long m = mappingStart(va);
        return m >= 0 ? "mmap+0x" + Long.toHexString(va - m) : "heap+0x" + Long.toHexString(va - startBrk);
    }

    private void grew() {
        peakHeap = Math.max(peakHeap, heapBytes());
    }

    private static long pageAlign(long v) {
        return (v + 4095) & -4096L;
    }

    @Override
    public long mmap(long hint, long length, Prot prot, int flags) {
        long addr = delegate().mmap(hint, length, prot, flags);
        long len = pageAlign(length);
        forget(addr, addr + len);
        mappings.put(addr, len);
        mapped += len;
        grew();
        return addr;
    }

    @Override
    public void munmap(long addr, long length) {
        delegate().munmap(addr, length);
        forget(addr, addr + pageAlign(length));
    }

    /** Removes [start, end) from the recorded mappings, keeping the parts outside it. */
    private void forget(long start, long end) {
        Long from = mappings.floorKey(start);
        for (long s : new ArrayList<>(mappings.subMap(from == null ? start : from, end).keySet())) {
            long t = s + mappings.get(s);
            if (t <= start) {
                continue;
            }
            mappings.remove(s);
            mapped -= t - s;
            if (s < start) {
                mappings.put(s, start - s);
                mapped += start - s;
            }
            if (t > end) {
                mappings.put(end, t - end);
                mapped += t - end;
            }
        }
    }

    @Override
    public long mremap(long oldAddr, long oldLength, long newLength, int flags) {
        long to = delegate().mremap(oldAddr, oldLength, newLength, flags);
        forget(oldAddr, oldAddr + pageAlign(oldLength));
        forget(to, to + pageAlign(newLength));
        mappings.put(to, pageAlign(newLength));
        mapped += pageAlign(newLength);
        grew();
        return to;
    }

    @Override
    public long brk(long newBrk) {
        brk = delegate().brk(newBrk);
        grew();
        return brk;
    }
}
