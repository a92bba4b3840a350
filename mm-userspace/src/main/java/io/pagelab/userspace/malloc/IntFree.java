package io.pagelab.userspace.malloc;

import static io.pagelab.userspace.malloc.Chunks.*;

/**
 * The free path of one arena, as glibc 2.36 malloc/malloc.c: _int_free. In order: the pointer
 * and size sanity checks, the tcache (with the key-based double-free scan), the fastbins (LIFO, no
 * coalescing, "fasttop" check), else coalescing with free neighbours into the unsorted bin or top,
 * and for a freed region of 64 KiB or more: malloc_consolidate, then systrim (main arena) or
 * heap_trim (other arenas). Mmapped chunks go to munmap_chunk.
 */
final class IntFree {
    private final MallocContext ctx;
    private final Mem m;

    IntFree(MallocContext ctx) {
        this.ctx = ctx;
        this.m = ctx.mem;
    }

    /** _int_free(av, p, have_lock) with the calling thread's tcache (may be null). */
    void intFree(Arena av, long p, boolean haveLock, Tcache tcache) {
        MallocPar mp = ctx.mp;
        long size = m.chunksize(p);
        if (Long.compareUnsigned(p, -size) > 0 || misalignedChunk(p)) {
            throw MallocError.printerr("free(): invalid pointer", chunk2mem(p));
        }
        if (Long.compareUnsigned(size, MINSIZE) < 0 || !alignedOk(size)) {
            throw MallocError.printerr("free(): invalid size", chunk2mem(p));
        }
        long tcIdxL = csize2tidx(size);
        if (tcache != null && Long.compareUnsigned(tcIdxL, mp.tcacheBins) < 0) {
            int tcIdx = (int) tcIdxL;
            long e = chunk2mem(p);
            if (m.ld(e + 8) == ctx.tcacheKey) {
                tcache.checkDoubleFree(e, tcIdx);
            }
            if (tcache.count(tcIdx) < mp.tcacheCount) {
                tcache.put(p, tcIdx);
                return;
            }
        }

        if (Long.compareUnsigned(size, mp.globalMaxFast) <= 0) {
            long next = p + size;
            if (Long.compareUnsigned(m.sizeNomask(next), CHUNK_HDR_SZ) <= 0
                    || Long.compareUnsigned(m.chunksize(next), av.systemMem()) >= 0) {
                throw MallocError.printerr("free(): invalid next size (fast)", chunk2mem(p));
            }
            freePerturb(chunk2mem(p), size - CHUNK_HDR_SZ);
            av.setHaveFastchunks(true);
            int idx = fastbinIndex(size);
            long fb = av.fastbin(idx);
            long old = m.ld(fb);
            if (old == p) {
                throw MallocError.printerr("double free or corruption (fasttop)", chunk2mem(p));
            }
            m.setFd(p, Mem.protectPtr(p + OFF_FD, old));
            m.st(fb, p);
            if (haveLock && old != 0 && fastbinIndex(m.chunksize(old)) != idx) {
                throw MallocError.printerr("invalid fastbin entry (free)", chunk2mem(old));
            }
        } else if (!m.isMmapped(p)) {
            long nextchunk = p + size;
            if (p == av.top()) {
                throw MallocError.printerr("double free or corruption (top)", chunk2mem(p));
            }
            if (av.contiguous()
                    && Long.compareUnsigned(nextchunk, av.top() + m.chunksize(av.top())) >= 0) {
                throw MallocError.printerr("double free or corruption (out)", chunk2mem(p));
            }
            if (!m.prevInuse(nextchunk)) {
                throw MallocError.printerr("double free or corruption (!prev)", chunk2mem(p));
            }
            long nextsize = m.chunksize(nextchunk);
            if (Long.compareUnsigned(m.sizeNomask(nextchunk), CHUNK_HDR_SZ) <= 0
                    || Long.compareUnsigned(nextsize, av.systemMem()) >= 0) {
                throw MallocError.printerr("free(): invalid next size (normal)", chunk2mem(p));
            }
            freePerturb(chunk2mem(p), size - CHUNK_HDR_SZ);
            if (!m.prevInuse(p)) {
                long prevsize = m.prevSize(p);
                size += prevsize;
                p -= prevsize;
                if (m.chunksize(p) != prevsize) {
                    throw MallocError.printerr("corrupted size vs. prev_size while consolidating", p);
                }
                av.unlinkChunk(p);
            }
            if (nextchunk != av.top()) {
                boolean nextinuse = m.inuseBitAtOffset(nextchunk, nextsize);
                if (!nextinuse) {
                    av.unlinkChunk(nextchunk);
                    size += nextsize;
                } else {
                    m.clearInuseBitAtOffset(nextchunk, 0);
                }
                long bck = av.unsortedChunks();
                long fwd = m.fd(bck);
                if (m.bk(fwd) != bck) {
                    throw MallocError.printerr("free(): corrupted unsorted chunks", fwd);
                }
                m.setFd(p, fwd);
                m.setBk(p, bck);
                if (!inSmallbinRange(size)) {
                    m.setFdNextsize(p, 0);
                    m.setBkNextsize(p, 0);
                }
                m.setFd(bck, p);
                m.setBk(fwd, p);
                m.setHead(p, size | PREV_INUSE);
                m.setFoot(p, size);
            } else {
                size += nextsize;
                m.setHead(p, size | PREV_INUSE);
                av.setTop(p);
            }
            if (Long.compareUnsigned(size, FASTBIN_CONSOLIDATION_THRESHOLD) >= 0) {
                if (av.haveFastchunks()) {
                    ctx.malloc.mallocConsolidate(av);
                }
                if (av.isMain) {
                    if (Long.compareUnsigned(m.chunksize(av.top()), mp.trimThreshold) >= 0) {
                        ctx.sys.systrim(mp.topPad, av);
                    }
                } else {
                    ctx.heaps.heapTrim(ctx.heaps.heapForPtr(av.top()), mp.topPad);
                }
            }
        } else {
            ctx.sys.munmapChunk(p);
        }
    }

    private void freePerturb(long mem, long n) {
        if (ctx.mp.perturbByte != 0) {
            m.memset(mem, ctx.mp.perturbByte, n);
        }
    }
}
