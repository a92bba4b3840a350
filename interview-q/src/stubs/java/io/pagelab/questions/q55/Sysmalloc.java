package io.pagelab.questions.q55;

import static com.google.common.base.Preconditions.checkArgument;

import io.pagelab.exercise.Todo;

/**
 * Q55 glibc对brk和mmap如何使用？ How does glibc use brk and mmap?
 *
 * <p>glibc's malloc (ptmalloc2) gets memory from the kernel in two ways. Small and medium requests
 * are cut from the <i>top chunk</i>, the free space at the end of the main heap; when the top chunk
 * is too small, malloc moves the program break up with sbrk (brk) and asks for more than it needs,
 * so that the next requests need no system call. Large requests get a mapping of their own with
 * mmap, which free() returns to the kernel at once. The line between them, M_MMAP_THRESHOLD, starts
 * at 128 KiB and moves up when the program frees large mmapped chunks.
 * 小块从堆顶 (top chunk) 切，不够时用 brk 多扩一些；大块 (≥ mmap 阈值) 单独 mmap，free 时立即 munmap；
 * 阈值会随 free 的 mmap 块动态上调。
 *
 * <p>Your task: the decisions glibc 2.36 makes on x86-64 (malloc/malloc.c; SIZE_SZ = 8,
 * MALLOC_ALIGNMENT = 16, MINSIZE = 32, pages of 4096 bytes), for the main arena.
 * <ul>
 *   <li>{@link #request2size}: a chunk carries an 8-byte size header, and may use the first 8 bytes
 *       of the next chunk (its prev_size field) while in use. So malloc(n) needs n + 8 bytes rounded
 *       up to a multiple of 16, and never less than 32.</li>
 *   <li>{@link #route}: with empty bins (assume so), malloc splits the top chunk when it holds at
 *       least nb + MINSIZE bytes. Only otherwise does sysmalloc run: it uses mmap when nb is at least
 *       mp_.mmap_threshold and fewer than mp_.n_mmaps_max chunks are mmapped, else brk.</li>
 *   <li>{@link #mmapChunkSize}: sysmalloc maps nb + SIZE_SZ bytes rounded up to whole pages.</li>
 *   <li>{@link #sysmallocIncrement}: for brk it asks for nb + mp_.top_pad + MINSIZE bytes, minus
 *       what the top chunk already has (the heap is contiguous), rounded up to whole pages.</li>
 *   <li>{@link #freeMmappedChunk}: free() of an mmapped chunk raises the threshold to that chunk's
 *       size and the trim threshold to twice it — but only if no mallopt call has fixed the
 *       parameters, and only if the chunk's size field (size | IS_MMAPPED) is above the current
 *       threshold and not above DEFAULT_MMAP_THRESHOLD_MAX (32 MiB).</li>
 *   <li>{@link #trimOnFree}: after a free, glibc gives memory back with sbrk(-extra) when the freed
 *       chunk (after merging with its neighbours) is at least 64 KiB and the top chunk has reached
 *       mp_.trim_threshold. It keeps top_pad + MINSIZE bytes and releases whole pages only.
 *       glibc compares these sizes as unsigned numbers: a threshold of -1 is the largest value.</li>
 * </ul>
 * {@link MallocPar}, glibc's mp_ with its mallopt(), is given complete.
 *
 * <p>Run {@code ./pagelab grade q55} to check your work.
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
    /** 4 MiB * sizeof(long): 32 MiB on 64-bit. */
    public static final long DEFAULT_MMAP_THRESHOLD_MAX = 4L * 1024 * 1024 * 8;
    public static final int DEFAULT_MMAP_MAX = 65536;
    /** Frees of at least this many bytes (after merging) check whether the heap can be trimmed. */
    public static final long FASTBIN_CONSOLIDATION_THRESHOLD = 65536;
    /** The size-field bit that marks an mmapped chunk. */
    public static final long IS_MMAPPED = 0x2;
    public static final int M_TRIM_THRESHOLD = -1;
    public static final int M_TOP_PAD = -2;
    public static final int M_MMAP_THRESHOLD = -3;
    public static final int M_MMAP_MAX = -4;

    private Sysmalloc() {
    }

    /** Where malloc finds the memory for a request (given complete). */
    public enum Route {
        /** Split off the top chunk: no system call. */
        TOP,
        /** sysmalloc grows the main heap with sbrk. */
        BRK,
        /** sysmalloc maps a chunk of its own with mmap. */
        MMAP
    }

    /**
     * glibc's {@code struct malloc_par mp_}: the tunable parameters and mmap counters (given
     * complete, no need to edit).
     */
    public static final class MallocPar {
        private long mmapThreshold = DEFAULT_MMAP_THRESHOLD;
        private long trimThreshold = DEFAULT_TRIM_THRESHOLD;
        private long topPad = DEFAULT_TOP_PAD;
        private int nMmapsMax = DEFAULT_MMAP_MAX;
        private int nMmaps;
        private boolean noDynThreshold;

        /** mp_.mmap_threshold: sysmalloc mmaps chunks of at least this size. */
        public long mmapThreshold() {
            return mmapThreshold;
        }

        public void setMmapThreshold(long mmapThreshold) {
            this.mmapThreshold = mmapThreshold;
        }

        /** mp_.trim_threshold (-1: never trim, as an unsigned number it is the largest). */
        public long trimThreshold() {
            return trimThreshold;
        }

        public void setTrimThreshold(long trimThreshold) {
            this.trimThreshold = trimThreshold;
        }

        /** mp_.top_pad: the extra bytes sbrk asks for, and keeps when trimming. */
        public long topPad() {
            return topPad;
        }

        /** mp_.n_mmaps_max: at most this many chunks are mmapped at once (0: never mmap). */
        public int nMmapsMax() {
            return nMmapsMax;
        }

        /** mp_.n_mmaps: how many chunks are mmapped now. */
        public int nMmaps() {
            return nMmaps;
        }

        public void setNMmaps(int nMmaps) {
            checkArgument(nMmaps >= 0, "n_mmaps %s is negative", nMmaps);
            this.nMmaps = nMmaps;
        }

        /** mp_.no_dyn_threshold: set by mallopt of any of these parameters; stops the dynamic threshold. */
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

    /**
     * request2size(n): the chunk size malloc(n) needs.
     *
     * @param n the bytes asked for, 0 or more
     */
    public static long request2size(long n) {
        throw new Todo("q55/Sysmalloc.java");
    }

    /**
     * Where malloc(n) comes from, when the bins and tcache hold nothing and the top chunk has
     * {@code topSize} bytes (0 before the first sbrk).
     */
    public static Route route(long n, long topSize, MallocPar mp) {
        throw new Todo("q55/Sysmalloc.java");
    }

    /** The bytes sysmalloc mmaps for a chunk of nb bytes (nb from request2size). */
    public static long mmapChunkSize(long nb) {
        throw new Todo("q55/Sysmalloc.java");
    }

    /**
     * The sbrk increment sysmalloc asks for to serve a chunk of nb bytes when the top chunk has
     * {@code topSize} bytes (the main heap is contiguous).
     */
    public static long sysmallocIncrement(long nb, long topSize, MallocPar mp) {
        throw new Todo("q55/Sysmalloc.java");
    }

    /**
     * What free() does to mp_ before it munmaps an mmapped chunk of {@code chunkSize} bytes (a
     * multiple of the page size; its size field holds chunkSize | IS_MMAPPED).
     */
    public static void freeMmappedChunk(long chunkSize, MallocPar mp) {
        throw new Todo("q55/Sysmalloc.java");
    }

    /**
     * How many bytes free() gives back to the kernel with sbrk(-extra), 0 for none, after freeing a
     * heap chunk that became {@code coalescedSize} bytes once merged with its free neighbours (with
     * the top chunk too, if it touched it), leaving a top chunk of {@code topSize} bytes.
     */
    public static long trimOnFree(long coalescedSize, long topSize, MallocPar mp) {
        throw new Todo("q55/Sysmalloc.java");
    }
}
