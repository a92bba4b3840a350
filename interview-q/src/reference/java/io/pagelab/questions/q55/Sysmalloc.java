package io.pagelab.questions.q55;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Q55 glibc对brk和mmap如何使用？ How does glibc use brk and mmap? (reference solution)
 *
 * <p>Models glibc 2.36 malloc/malloc.c on x86-64 (SIZE_SZ 8, MALLOC_ALIGNMENT 16, MINSIZE 32,
 * 4 KiB pages), main arena only: request2size(); _int_malloc()'s last step (use_top, else
 * sysmalloc); sysmalloc()'s choice between sysmalloc_mmap() and growing the main heap with
 * MORECORE (sbrk); __libc_free()'s dynamic mmap threshold; _int_free()'s trim test and systrim().
 *
 * <pre>
 *  malloc(n): nb = request2size(n)
 *     top chunk &gt;= nb + MINSIZE ? ── yes ─▶ TOP   (split the top chunk, no system call)
 *        │ no: sysmalloc
 *     nb &gt;= mmap_threshold and n_mmaps &lt; n_mmaps_max ? ── yes ─▶ MMAP  ALIGN_UP(nb + 8, 4096)
 *        │ no
 *     BRK   sbrk(ALIGN_UP(nb + top_pad + MINSIZE - top, 4096))
 *  free(mmapped chunk of size S): 128 KiB threshold &lt; S+2 &lt;= 32 MiB and no mallopt ─▶ threshold = S,
 *                                 trim_threshold = 2 S
 *  free(heap chunk): coalesced &gt;= 64 KiB and top &gt;= trim_threshold ─▶ sbrk(-ALIGN_DOWN(top - 33 - top_pad))
 * </pre>
 *
 * <p>Differs from glibc on purpose: bins and tcache are assumed empty (route() looks only at the
 * top chunk), the heap is contiguous, sbrk never fails (so no mmap fallback as MORECORE), and the
 * answer is a decision or a number rather than memory.
 */
public final class Sysmalloc {

    public static final long SIZE_SZ = 8;
    public static final long MALLOC_ALIGNMENT = 16;
    public static final long MALLOC_ALIGN_MASK = MALLOC_ALIGNMENT - 1;
    public static final long MINSIZE = 32;
    public static final long PAGE_SIZE = 4096;
    public static final long DEFAULT_MMAP_THRESHOLD = 128 * 1024;
    public static final long DEFAULT_TRIM_THRESHOLD = 128 * 1024;
    public static final long DEFAULT_TOP_PAD = 128 * 1024;
    public static final long DEFAULT_MMAP_THRESHOLD_MAX = 4L * 1024 * 1024 * 8;
    public static final int DEFAULT_MMAP_MAX = 65536;
    public static final long FASTBIN_CONSOLIDATION_THRESHOLD = 65536;
    public static final long IS_MMAPPED = 0x2;
    public static final int M_TRIM_THRESHOLD = -1;
    public static final int M_TOP_PAD = -2;
    public static final int M_MMAP_THRESHOLD = -3;
    public static final int M_MMAP_MAX = -4;

    private Sysmalloc() {
    }

    /** Where malloc finds the memory for a request. */
    public enum Route {
        /** Split off the top chunk: no system call. */
        TOP,
        /** sysmalloc grows the main heap with sbrk. */
        BRK,
        /** sysmalloc maps a chunk of its own with mmap. */
        MMAP
    }

    /** glibc's {@code struct malloc_par mp_}: the tunable parameters and mmap counters. */
    public static final class MallocPar {
        private long mmapThreshold = DEFAULT_MMAP_THRESHOLD;
        private long trimThreshold = DEFAULT_TRIM_THRESHOLD;
        private long topPad = DEFAULT_TOP_PAD;
        private int nMmapsMax = DEFAULT_MMAP_MAX;
        private int nMmaps;
        private boolean noDynThreshold;

        public long mmapThreshold() {
            return mmapThreshold;
        }

        public void setMmapThreshold(long mmapThreshold) {
            this.mmapThreshold = mmapThreshold;
        }

        public long trimThreshold() {
            return trimThreshold;
        }

        public void setTrimThreshold(long trimThreshold) {
            this.trimThreshold = trimThreshold;
        }

        public long topPad() {
            return topPad;
        }

        public int nMmapsMax() {
            return nMmapsMax;
        }

        public int nMmaps() {
            return nMmaps;
        }

        public void setNMmaps(int nMmaps) {
            checkArgument(nMmaps >= 0, "n_mmaps %s is negative", nMmaps);
            this.nMmaps = nMmaps;
        }

        public boolean noDynThreshold() {
            return noDynThreshold;
        }

        /** mallopt(param, value) for the four parameters of this exercise; returns 1 on success, 0 if refused. */
        public int mallopt(int param, long value) {
            switch (param) {
                case M_TRIM_THRESHOLD:
                    trimThreshold = value;
                    break;
                case M_TOP_PAD:
                    topPad = value;
                    break;
                case M_MMAP_THRESHOLD:
                    if (Long.compareUnsigned(value, DEFAULT_MMAP_THRESHOLD_MAX) > 0) {
                        return 0;
                    }
                    mmapThreshold = value;
                    break;
                case M_MMAP_MAX:
                    checkArgument(value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE,
                            "M_MMAP_MAX value %s does not fit an int", value);
                    nMmapsMax = (int) value;
                    break;
                default:
                    throw new IllegalArgumentException("mallopt parameter " + param + " is not one of M_TRIM_THRESHOLD"
                            + " (-1), M_TOP_PAD (-2), M_MMAP_THRESHOLD (-3), M_MMAP_MAX (-4)");
            }
            noDynThreshold = true;
            return 1;
        }
    }

    /** request2size(n): the chunk size malloc(n) needs. */
    public static long request2size(long n) {
        checkArgument(n >= 0 && n <= Long.MAX_VALUE - 2 * MALLOC_ALIGNMENT,
                "malloc request %s is out of range: 0 to PTRDIFF_MAX minus the chunk overhead", n);
        long padded = n + SIZE_SZ + MALLOC_ALIGN_MASK;
        return padded < MINSIZE ? MINSIZE : padded & ~MALLOC_ALIGN_MASK;
    }

    /** Where malloc(n) comes from when the bins and tcache are empty and the top chunk has topSize bytes. */
    public static Route route(long n, long topSize, MallocPar mp) {
        checkTop(topSize);
        long nb = request2size(n);
        if (topSize >= nb + MINSIZE) {
            return Route.TOP;
        }
        boolean mmap = Long.compareUnsigned(nb, mp.mmapThreshold()) >= 0 && mp.nMmaps() < mp.nMmapsMax();
        return mmap ? Route.MMAP : Route.BRK;
    }

    /** The bytes sysmalloc_mmap() maps for a chunk of nb bytes. */
    public static long mmapChunkSize(long nb) {
        checkChunk(nb);
        return alignUp(nb + SIZE_SZ);
    }

    /** The sbrk increment sysmalloc asks for to serve nb when the (contiguous) top chunk has topSize bytes. */
    public static long sysmallocIncrement(long nb, long topSize, MallocPar mp) {
        checkChunk(nb);
        checkTop(topSize);
        return alignUp(nb + mp.topPad() + MINSIZE - topSize);
    }

    /** __libc_free() of an mmapped chunk of chunkSize bytes: the dynamic threshold update. */
    public static void freeMmappedChunk(long chunkSize, MallocPar mp) {
        checkArgument(chunkSize > 0 && chunkSize % PAGE_SIZE == 0,
                "mmapped chunk size %s is not a positive multiple of the page size %s", chunkSize, PAGE_SIZE);
        long sizeField = chunkSize | IS_MMAPPED;
        if (!mp.noDynThreshold() && Long.compareUnsigned(sizeField, mp.mmapThreshold()) > 0
                && sizeField <= DEFAULT_MMAP_THRESHOLD_MAX) {
            mp.setMmapThreshold(chunkSize);
            mp.setTrimThreshold(2 * chunkSize);
        }
    }

    /** The bytes free() gives back with sbrk(-extra) after freeing a chunk that coalesced to coalescedSize. */
    public static long trimOnFree(long coalescedSize, long topSize, MallocPar mp) {
        checkChunk(coalescedSize);
        checkTop(topSize);
        if (coalescedSize < FASTBIN_CONSOLIDATION_THRESHOLD
                || Long.compareUnsigned(topSize, mp.trimThreshold()) < 0) {
            return 0;
        }
        long topArea = topSize - MINSIZE - 1;
        if (Long.compareUnsigned(topArea, mp.topPad()) <= 0) {
            return 0;
        }
        return (topArea - mp.topPad()) & ~(PAGE_SIZE - 1);
    }

    private static long alignUp(long bytes) {
        return (bytes + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    }

    private static void checkChunk(long size) {
        checkArgument(size >= MINSIZE && (size & MALLOC_ALIGN_MASK) == 0,
                "chunk size %s is not a multiple of %s of at least MINSIZE %s", size, MALLOC_ALIGNMENT, MINSIZE);
    }

    private static void checkTop(long topSize) {
        checkArgument(topSize >= 0 && (topSize & MALLOC_ALIGN_MASK) == 0,
                "top chunk size %s is not a non-negative multiple of %s", topSize, MALLOC_ALIGNMENT);
    }
}
