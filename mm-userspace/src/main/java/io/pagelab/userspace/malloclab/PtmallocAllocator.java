package io.pagelab.userspace.malloclab;

import io.pagelab.api.AddressSpace;
import io.pagelab.userspace.malloc.Ptmalloc;

/**
 * glibc 2.36's malloc ({@link Ptmalloc}, the model of malloc/malloc.c) behind the malloc-lab
 * contract, named "ptmalloc": the main thread of a fresh process, tcache key from seed 0. This is
 * the allocator whose every address {@code PtmallocFidelityTest} compares with real glibc.
 */
public final class PtmallocAllocator implements HeapAllocator {
    private Ptmalloc malloc;

    @Override
    public String name() {
        return "ptmalloc";
    }

    @Override
    public void init(AddressSpace process) {
        if (malloc != null) {
            throw new IllegalStateException("ptmalloc is already initialised; use a new instance for a new process");
        }
        malloc = new Ptmalloc(process);
    }

    /** The model itself, for questions malloc-lab does not ask (mallinfo2, malloc_stats...). */
    public Ptmalloc ptmalloc() {
        checkInit();
        return malloc;
    }

    @Override
    public long malloc(long size) {
        checkInit();
        return malloc.malloc(size);
    }

    @Override
    public void free(long ptr) {
        checkInit();
        malloc.free(ptr);
    }

    @Override
    public long realloc(long ptr, long size) {
        checkInit();
        return malloc.realloc(ptr, size);
    }

    private void checkInit() {
        if (malloc == null) {
            throw new IllegalStateException("ptmalloc is not initialised: call init(process) first");
        }
    }
}
