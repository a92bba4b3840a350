package io.pagelab.userspace.malloc;

/**
 * The constants and size arithmetic of a glibc 2.36 x86-64 malloc chunk (malloc/malloc.c:
 * request2size, checked_request2size, csize2tidx, fastbin_index, smallbin_index,
 * largebin_index_64, bin_index).
 *
 * <pre>
 *  chunk -&gt; +-------------------------------+  offset
 *           | prev_size (if previous free)   |  0x00  (user data of the previous chunk while it is in use)
 *           | size             | A | M | P   |  0x08  A = NON_MAIN_ARENA 0x4, M = IS_MMAPPED 0x2, P = PREV_INUSE 0x1
 *  mem   -&gt; | fd   (free) / user data        |  0x10  tcache: next (PROTECT_PTR), fastbin: fd (PROTECT_PTR)
 *           | bk   (free) / user data        |  0x18  tcache: key
 *           | fd_nextsize (large free)       |  0x20
 *           | bk_nextsize (large free)       |  0x28
 *           | ...                            |
 *  next  -&gt; | prev_size = size (if free)     |  the footer of a free chunk
 * </pre>
 */
final class Chunks {
    static final long SIZE_SZ = 8;
    static final long MALLOC_ALIGNMENT = 16;
    static final long MALLOC_ALIGN_MASK = MALLOC_ALIGNMENT - 1;
    static final long CHUNK_HDR_SZ = 2 * SIZE_SZ;
    /** offsetof(struct malloc_chunk, fd_nextsize). */
    static final long MINSIZE = 32;
    /** sizeof(struct malloc_chunk): used by mtrim. */
    static final long SIZEOF_MALLOC_CHUNK = 48;

    static final long PREV_INUSE = 0x1;
    static final long IS_MMAPPED = 0x2;
    static final long NON_MAIN_ARENA = 0x4;
    static final long SIZE_BITS = 0x7;

    static final long OFF_PREV_SIZE = 0;
    static final long OFF_SIZE = 8;
    static final long OFF_FD = 16;
    static final long OFF_BK = 24;
    static final long OFF_FD_NEXTSIZE = 32;
    static final long OFF_BK_NEXTSIZE = 40;

    static final int NBINS = 128;
    static final int NSMALLBINS = 64;
    static final long MIN_LARGE_SIZE = 1024;
    static final int NFASTBINS = 10;
    /** 80 * SIZE_SZ / 4: the largest value mallopt(M_MXFAST) accepts. */
    static final long MAX_FAST_SIZE = 160;
    /** 64 * SIZE_SZ / 4. */
    static final long DEFAULT_MXFAST = 128;
    static final long FASTBIN_CONSOLIDATION_THRESHOLD = 65536;
    static final int BINMAPSHIFT = 5;
    static final int BINMAPSIZE = NBINS / 32;

    static final int TCACHE_MAX_BINS = 64;
    static final int TCACHE_FILL_COUNT = 7;

    static final long PAGE_SIZE = 4096;

    private Chunks() {
    }

    static long chunk2mem(long p) {
        return p + CHUNK_HDR_SZ;
    }

    static long mem2chunk(long mem) {
        return mem - CHUNK_HDR_SZ;
    }

    /** request2size: user bytes to chunk size (MINSIZE at least, 16-aligned, +8 for the size field). */
    static long request2size(long req) {
        return Long.compareUnsigned(req + SIZE_SZ + MALLOC_ALIGN_MASK, MINSIZE) < 0
                ? MINSIZE : (req + SIZE_SZ + MALLOC_ALIGN_MASK) & ~MALLOC_ALIGN_MASK;
    }

    /** checked_request2size: -1 when {@code req} (a size_t) is above PTRDIFF_MAX, as glibc fails with ENOMEM. */
    static long checkedRequest2size(long req) {
        return req < 0 ? -1 : request2size(req);
    }

    static boolean alignedOk(long m) {
        return (m & MALLOC_ALIGN_MASK) == 0;
    }

    static boolean misalignedChunk(long p) {
        return (chunk2mem(p) & MALLOC_ALIGN_MASK) != 0;
    }

    /** csize2tidx: tcache bin of a chunk size (0x20 -&gt; 0 ... 0x410 -&gt; 63); unsigned, may be huge. */
    static long csize2tidx(long x) {
        return Long.divideUnsigned(x - MINSIZE + MALLOC_ALIGNMENT - 1, MALLOC_ALIGNMENT);
    }

    static int fastbinIndex(long sz) {
        return (int) ((sz >>> 4) - 2);
    }

    static boolean inSmallbinRange(long sz) {
        return Long.compareUnsigned(sz, MIN_LARGE_SIZE) < 0;
    }

    static int smallbinIndex(long sz) {
        return (int) (sz >>> 4);
    }

    static int largebinIndex(long sz) {
        if ((sz >>> 6) <= 48) {
            return (int) (48 + (sz >>> 6));
        } else if ((sz >>> 9) <= 20) {
            return (int) (91 + (sz >>> 9));
        } else if ((sz >>> 12) <= 10) {
            return (int) (110 + (sz >>> 12));
        } else if ((sz >>> 15) <= 4) {
            return (int) (119 + (sz >>> 15));
        } else if ((sz >>> 18) <= 2) {
            return (int) (124 + (sz >>> 18));
        }
        return 126;
    }

    static int binIndex(long sz) {
        return inSmallbinRange(sz) ? smallbinIndex(sz) : largebinIndex(sz);
    }

    static long alignUp(long v, long a) {
        return (v + a - 1) & -a;
    }

    static long alignDown(long v, long a) {
        return v & -a;
    }

    static boolean powerOf2(long x) {
        return (x & (x - 1)) == 0;
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
