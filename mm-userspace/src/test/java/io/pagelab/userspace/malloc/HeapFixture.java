package io.pagelab.userspace.malloc;

import io.pagelab.api.testkit.NaiveAddressSpace;

/**
 * A fresh simulated process (ASLR off, heap at 0x555555559000) with its malloc, plus the pokes a
 * test needs to read and corrupt chunk headers the way a buggy C program would.
 */
final class HeapFixture {
    /** start_brk of NaiveAddressSpace: the heap begins here. */
    static final long HEAP = NaiveAddressSpace.START_BRK;
    /** &amp;main_arena (Debian glibc 2.36, setarch -R); the unsorted bin header is main_arena + 0x60. */
    static final long MAIN_ARENA = 0x7ffff7fa8c60L;
    static final long UNSORTED = MAIN_ARENA + 0x60;

    final NaiveAddressSpace as = new NaiveAddressSpace();
    final Ptmalloc pm = new Ptmalloc(as);

    /** The size field of the chunk of user pointer {@code mem} (flags included). */
    long sizeField(long mem) {
        return as.readLong(mem - 8);
    }

    void setSizeField(long mem, long v) {
        as.writeLong(mem - 8, v);
    }

    long prevSizeField(long mem) {
        return as.readLong(mem - 16);
    }

    void setPrevSizeField(long mem, long v) {
        as.writeLong(mem - 16, v);
    }

    /** The user pointer of the chunk right after the chunk of {@code mem}. */
    long nextMem(long mem) {
        return mem + (sizeField(mem) & ~7L);
    }

    /** bin_at(main_arena, i): the pseudo-chunk whose fd/bk are bins[2i-2], bins[2i-1]. */
    static long binAt(int i) {
        return MAIN_ARENA + 0x60 + 16L * (i - 1);
    }

    /** fastbinsY[idx] of the main arena. */
    static long fastbinSlot(int idx) {
        return MAIN_ARENA + 0x10 + 8L * idx;
    }

    /** Allocates n chunks of {@code bytes}, each followed by nothing else (contiguous from top). */
    long[] mallocs(int n, long bytes) {
        long[] p = new long[n];
        for (int i = 0; i < n; i++) {
            p[i] = pm.malloc(bytes);
        }
        return p;
    }

    void freeAll(long... ptrs) {
        for (long p : ptrs) {
            pm.free(p);
        }
    }

    /** PROTECT_PTR(pos, ptr) as glibc 2.32+ stores tcache next and fastbin fd. */
    static long protect(long pos, long ptr) {
        return (pos >>> 12) ^ ptr;
    }
}
