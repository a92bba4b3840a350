package io.pagelab.userspace.malloc;

import static io.pagelab.userspace.malloc.Chunks.*;

/**
 * One thread's {@code tcache_perthread_struct} (glibc 2.36 malloc/malloc.c: tcache_put,
 * tcache_get, and the double-free scan of _int_free). It is allocated in the heap on the thread's
 * first malloc/free (a 640-byte request, a 0x290 chunk), so it is process memory like any chunk:
 *
 * <pre>
 *  tc + 0x000  uint16_t counts[64]
 *  tc + 0x080  tcache_entry *entries[64]     (entries point at user memory, chunk + 0x10)
 *  entry + 0   next  (stored as PROTECT_PTR(&amp;next, next))
 *  entry + 8   key   (tcache_key: marks "this chunk is in a tcache")
 * </pre>
 */
final class Tcache {
    /** sizeof(tcache_perthread_struct) = 64 * 2 + 64 * 8. */
    static final long SIZEOF = 640;
    private static final long OFF_ENTRIES = 128;

    final long tc;
    private final Mem m;
    private final MallocContext ctx;

    Tcache(MallocContext ctx, long tc) {
        this.ctx = ctx;
        this.m = ctx.mem;
        this.tc = tc;
    }

    int count(int idx) {
        return m.ld16(tc + 2L * idx);
    }

    long entry(int idx) {
        return m.ld(tc + OFF_ENTRIES + 8L * idx);
    }

    /** tcache_put: LIFO push of the chunk's user memory, key set, next safe-linked. */
    void put(long chunk, int idx) {
        long e = chunk2mem(chunk);
        m.st(e + 8, ctx.tcacheKey);
        m.st(e, Mem.protectPtr(e, entry(idx)));
        m.st(tc + OFF_ENTRIES + 8L * idx, e);
        m.st16(tc + 2L * idx, count(idx) + 1);
    }

    /** tcache_get: LIFO pop; the entry must be 16-byte aligned; key cleared. */
    long get(int idx) {
        long e = entry(idx);
        if (!alignedOk(e)) {
            throw MallocError.printerr("malloc(): unaligned tcache chunk detected", e);
        }
        m.st(tc + OFF_ENTRIES + 8L * idx, m.revealAt(e));
        m.st16(tc + 2L * idx, count(idx) - 1);
        m.st(e + 8, 0);
        return e;
    }

    /** _int_free's check when e-&gt;key == tcache_key: walk the bin looking for e. */
    void checkDoubleFree(long e, int idx) {
        long cnt = 0;
        for (long tmp = entry(idx); tmp != 0; tmp = m.revealAt(tmp), cnt++) {
            if (cnt >= ctx.mp.tcacheCount) {
                throw MallocError.printerr("free(): too many chunks detected in tcache", e);
            }
            if (!alignedOk(tmp)) {
                throw MallocError.printerr("free(): unaligned chunk detected in tcache 2", tmp);
            }
            if (tmp == e) {
                throw MallocError.printerr("free(): double free detected in tcache 2", e);
            }
        }
    }
}
