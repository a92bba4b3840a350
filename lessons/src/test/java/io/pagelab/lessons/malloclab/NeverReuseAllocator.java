package io.pagelab.lessons.malloclab;

import io.pagelab.api.AddressSpace;
import io.pagelab.userspace.malloclab.BoundaryTags;
import io.pagelab.userspace.malloclab.HeapAllocator;

/**
 * The naive allocator of CS:APP's {@code mm-naive.c}: every malloc moves the break up by the
 * request (plus an 8-byte size word, rounded to 16), free does nothing, realloc always copies.
 * Correct, fast, and wasteful: the baseline the exercise thresholds must reject.
 */
final class NeverReuseAllocator implements HeapAllocator {
    private AddressSpace process;

    @Override
    public String name() {
        return "never-reuse";
    }

    @Override
    public void init(AddressSpace process) {
        this.process = process;
        long brk = process.brk(0);
        process.brk(BoundaryTags.alignUp(brk + 8) - 8);
    }

    @Override
    public long malloc(long size) {
        long old = process.brk(0);
        long want = old + BoundaryTags.alignUp(size + 8);
        if (process.brk(want) != want) {
            return 0;
        }
        process.writeLong(old, size);
        return old + 8;
    }

    @Override
    public void free(long ptr) {
        // never reused
    }

    @Override
    public long realloc(long ptr, long size) {
        if (ptr == 0) {
            return malloc(size);
        }
        if (size == 0) {
            return 0;
        }
        long p = malloc(size);
        if (p == 0) {
            return 0;
        }
        long old = process.readLong(ptr - 8);
        for (long off = 0; off < Math.min(old, size); off++) {
            process.writeByte(p + off, process.readByte(ptr + off));
        }
        return p;
    }
}
