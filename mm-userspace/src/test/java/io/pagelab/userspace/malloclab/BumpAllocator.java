package io.pagelab.userspace.malloclab;

import io.pagelab.api.AddressSpace;
import java.util.HashMap;
import java.util.Map;

/**
 * The simplest allocator for driver tests: blocks are carved one after another from the break in
 * 16-byte steps and never reused, so the heap and utilization of a trace can be worked out by hand.
 * Flags make it break one rule of the malloc contract at a time.
 */
class BumpAllocator implements HeapAllocator {
    enum Fault { NONE, MISALIGN, OVERLAP, FORGET_ON_REALLOC, MMAP_EVERYTHING }

    private final Fault fault;
    private final Map<Long, Long> sizes = new HashMap<>();
    private AddressSpace process;
    private long cur;

    BumpAllocator() {
        this(Fault.NONE);
    }

    BumpAllocator(Fault fault) {
        this.fault = fault;
    }

    @Override
    public String name() {
        return "bump";
    }

    @Override
    public void init(AddressSpace process) {
        this.process = process;
        this.cur = process.brk(0);
    }

    @Override
    public long malloc(long size) {
        if (fault == Fault.MMAP_EVERYTHING) {
            long p = process.mmap(0, Math.max(size, 1), io.pagelab.api.Prot.USER_RW,
                    AddressSpace.MAP_PRIVATE | AddressSpace.MAP_ANONYMOUS);
            sizes.put(p, size);
            return p;
        }
        long p = cur;
        cur += (Math.max(size, 1) + 15) & -16L;
        if (fault == Fault.OVERLAP && sizes.size() == 1) {
            p -= 16;
        }
        process.brk(cur);
        sizes.put(p, size);
        return fault == Fault.MISALIGN ? p + 8 : p;
    }

    @Override
    public void free(long ptr) {
        Long size = sizes.remove(ptr);
        if (fault == Fault.MMAP_EVERYTHING && size != null) {
            process.munmap(ptr, Math.max(size, 1));
        }
    }

    @Override
    public long realloc(long ptr, long size) {
        if (size == 0) {
            free(ptr);
            return 0;
        }
        long old = sizes.getOrDefault(ptr, 0L);
        long p = malloc(size);
        if (fault != Fault.FORGET_ON_REALLOC) {
            for (long i = 0; i < Math.min(old, size); i++) {
                process.writeByte(p + i, process.readByte(ptr + i));
            }
        }
        free(ptr);
        return p;
    }
}
