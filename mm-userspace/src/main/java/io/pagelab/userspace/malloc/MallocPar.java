package io.pagelab.userspace.malloc;

/**
 * glibc 2.36's {@code static struct malloc_par mp_} plus the two other malloc globals
 * ({@code global_max_fast}, {@code perturb_byte}), with the x86-64 defaults
 * (malloc/malloc.c, sysdeps/generic/malloc-machine.h; linux-reference.md §5.2).
 */
final class MallocPar {
    /** DEFAULT_MMAP_THRESHOLD_MIN = 128 KiB. */
    static final long DEFAULT_MMAP_THRESHOLD = 128 * 1024;
    /** 4 MiB * sizeof(long) = 32 MiB on 64-bit. */
    static final long DEFAULT_MMAP_THRESHOLD_MAX = 4L * 1024 * 1024 * 8;
    /** 2 * DEFAULT_MMAP_THRESHOLD_MAX = 64 MiB. */
    static final long HEAP_MAX_SIZE = 2 * DEFAULT_MMAP_THRESHOLD_MAX;
    static final long HEAP_MIN_SIZE = 32 * 1024;
    static final long DEFAULT_TOP_PAD = 128 * 1024;
    static final long DEFAULT_TRIM_THRESHOLD = 128 * 1024;
    static final int DEFAULT_MMAP_MAX = 65536;
    /** MMAP_AS_MORECORE_SIZE: the least mmap used when brk fails. */
    static final long MMAP_AS_MORECORE_SIZE = 1024 * 1024;

    long trimThreshold = DEFAULT_TRIM_THRESHOLD;
    long topPad = DEFAULT_TOP_PAD;
    long mmapThreshold = DEFAULT_MMAP_THRESHOLD;
    /** NARENAS_FROM_NCORES(1) = 8 on 64-bit. */
    long arenaTest = 8;
    long arenaMax = 0;
    long nMmaps;
    long nMmapsMax = DEFAULT_MMAP_MAX;
    long maxNMmaps;
    boolean noDynThreshold;
    long mmappedMem;
    long maxMmappedMem;
    long sbrkBase;
    long tcacheBins = Chunks.TCACHE_MAX_BINS;
    /** tidx2usize(63) = 1032. */
    long tcacheMaxBytes = 1032;
    long tcacheCount = Chunks.TCACHE_FILL_COUNT;
    long tcacheUnsortedLimit = 0;

    /** set_max_fast(DEFAULT_MXFAST) = (128 + 8) &amp; ~15 = 0x80. */
    long globalMaxFast = setMaxFast(Chunks.DEFAULT_MXFAST);
    int perturbByte;

    /** set_max_fast(s): s == 0 gives MIN_CHUNK_SIZE / 2 (no chunk is fast), else (s + 8) &amp; ~15. */
    static long setMaxFast(long s) {
        return s == 0 ? Chunks.MINSIZE / 2 : (s + Chunks.SIZE_SZ) & ~Chunks.MALLOC_ALIGN_MASK;
    }
}
