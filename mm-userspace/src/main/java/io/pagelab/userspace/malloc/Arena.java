package io.pagelab.userspace.malloc;

import static io.pagelab.userspace.malloc.Chunks.*;

/**
 * One arena: glibc 2.36's {@code struct malloc_state} (malloc/malloc.c), seen at its address. The
 * fields are read and written through {@link Mem} at their real offsets, so a bin header is a
 * pseudo-chunk whose fd/bk overlay {@code bins[]} as in glibc (bin_at):
 *
 * <pre>
 *  0x000 mutex (int)   0x004 flags (int, NONCONTIGUOUS_BIT 2)   0x008 have_fastchunks (int)
 *  0x010 fastbinsY[10]                       0x060 top             0x068 last_remainder
 *  0x070 bins[254]  (bin_at(i) = av + 0x60 + 16*(i-1); bin 1 = unsorted = av + 0x60)
 *  0x860 binmap[4] (unsigned int)            0x870 next            0x878 next_free
 *  0x880 attached_threads                    0x888 system_mem      0x890 max_system_mem
 *  sizeof = 0x898
 * </pre>
 *
 * The main arena lives in libc's .data ({@link Mem#MAIN_ARENA}); another arena lives in its
 * first heap right after the 0x30-byte heap_info (arena.c: _int_new_arena), in process memory.
 */
final class Arena {
    static final long SIZEOF_MALLOC_STATE = 0x898;
    private static final long OFF_FLAGS = 0x4;
    private static final long OFF_HAVE_FASTCHUNKS = 0x8;
    private static final long OFF_FASTBINS = 0x10;
    private static final long OFF_TOP = 0x60;
    private static final long OFF_LAST_REMAINDER = 0x68;
    private static final long OFF_BINS = 0x70;
    private static final long OFF_BINMAP = 0x860;
    private static final long OFF_NEXT = 0x870;
    private static final long OFF_NEXT_FREE = 0x878;
    private static final long OFF_ATTACHED = 0x880;
    private static final long OFF_SYSTEM_MEM = 0x888;
    private static final long OFF_MAX_SYSTEM_MEM = 0x890;
    private static final int NONCONTIGUOUS_BIT = 2;

    final long av;
    final boolean isMain;
    private final Mem m;

    Arena(Mem m, long av, boolean isMain) {
        this.m = m;
        this.av = av;
        this.isMain = isMain;
    }

    /** malloc_init_state: empty circular bins, noncontiguous unless main, top = initial_top. */
    void init() {
        for (int i = 1; i < NBINS; i++) {
            long bin = binAt(i);
            m.setFd(bin, bin);
            m.setBk(bin, bin);
        }
        if (!isMain) {
            m.st32(av + OFF_FLAGS, m.ld32(av + OFF_FLAGS) | NONCONTIGUOUS_BIT);
        }
        setHaveFastchunks(false);
        setTop(unsortedChunks());
    }

    long binAt(int i) {
        return av + OFF_BINS + 16L * (i - 1) - 16;
    }

    long unsortedChunks() {
        return binAt(1);
    }

    /** initial_top(av): the unsorted bin header, whose "size" (last_remainder) reads 0 at start. */
    long initialTop() {
        return unsortedChunks();
    }

    long first(long bin) {
        return m.fd(bin);
    }

    long last(long bin) {
        return m.bk(bin);
    }

    /** Address of fastbinsY[idx]. */
    long fastbin(int idx) {
        return av + OFF_FASTBINS + 8L * idx;
    }

    long top() {
        return m.ld(av + OFF_TOP);
    }

    void setTop(long p) {
        m.st(av + OFF_TOP, p);
    }

    long lastRemainder() {
        return m.ld(av + OFF_LAST_REMAINDER);
    }

    void setLastRemainder(long p) {
        m.st(av + OFF_LAST_REMAINDER, p);
    }

    boolean haveFastchunks() {
        return m.ld32(av + OFF_HAVE_FASTCHUNKS) != 0;
    }

    void setHaveFastchunks(boolean v) {
        m.st32(av + OFF_HAVE_FASTCHUNKS, v ? 1 : 0);
    }

    boolean contiguous() {
        return (m.ld32(av + OFF_FLAGS) & NONCONTIGUOUS_BIT) == 0;
    }

    void setNoncontiguous() {
        m.st32(av + OFF_FLAGS, m.ld32(av + OFF_FLAGS) | NONCONTIGUOUS_BIT);
    }

    int binmap(int block) {
        return m.ld32(av + OFF_BINMAP + 4L * block);
    }

    void setBinmap(int block, int map) {
        m.st32(av + OFF_BINMAP + 4L * block, map);
    }

    void markBin(int i) {
        setBinmap(i >>> BINMAPSHIFT, binmap(i >>> BINMAPSHIFT) | (1 << (i & 31)));
    }

    long next() {
        return m.ld(av + OFF_NEXT);
    }

    void setNext(long a) {
        m.st(av + OFF_NEXT, a);
    }

    long nextFree() {
        return m.ld(av + OFF_NEXT_FREE);
    }

    void setNextFree(long a) {
        m.st(av + OFF_NEXT_FREE, a);
    }

    long attachedThreads() {
        return m.ld(av + OFF_ATTACHED);
    }

    void setAttachedThreads(long n) {
        m.st(av + OFF_ATTACHED, n);
    }

    long systemMem() {
        return m.ld(av + OFF_SYSTEM_MEM);
    }

    void setSystemMem(long v) {
        m.st(av + OFF_SYSTEM_MEM, v);
    }

    long maxSystemMem() {
        return m.ld(av + OFF_MAX_SYSTEM_MEM);
    }

    void setMaxSystemMem(long v) {
        m.st(av + OFF_MAX_SYSTEM_MEM, v);
    }

    /** chunk_main_arena is a chunk property; this says which NON_MAIN_ARENA bit this arena's chunks carry. */
    long arenaBit() {
        return isMain ? 0 : NON_MAIN_ARENA;
    }

    /** unlink_chunk (malloc.c 2.36): take a free chunk off its doubly linked bin list, with the checks. */
    void unlinkChunk(long p) {
        if (m.chunksize(p) != m.prevSize(p + m.chunksize(p))) {
            throw MallocError.printerr("corrupted size vs. prev_size", p);
        }
        long fd = m.fd(p);
        long bk = m.bk(p);
        if (m.bk(fd) != p || m.fd(bk) != p) {
            throw MallocError.printerr("corrupted double-linked list", p);
        }
        m.setBk(fd, bk);
        m.setFd(bk, fd);
        if (!inSmallbinRange(m.sizeNomask(p)) && m.fdNextsize(p) != 0) {
            long fdn = m.fdNextsize(p);
            long bkn = m.bkNextsize(p);
            if (m.bkNextsize(fdn) != p || m.fdNextsize(bkn) != p) {
                throw MallocError.printerr("corrupted double-linked list (not small)", p);
            }
            if (m.fdNextsize(fd) == 0) {
                if (fdn == p) {
                    m.setFdNextsize(fd, fd);
                    m.setBkNextsize(fd, fd);
                } else {
                    m.setFdNextsize(fd, fdn);
                    m.setBkNextsize(fd, bkn);
                    m.setBkNextsize(fdn, fd);
                    m.setFdNextsize(bkn, fd);
                }
            } else {
                m.setBkNextsize(fdn, bkn);
                m.setFdNextsize(bkn, fdn);
            }
        }
    }
}
