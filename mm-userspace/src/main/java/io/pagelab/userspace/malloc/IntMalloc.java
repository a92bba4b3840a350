package io.pagelab.userspace.malloc;

import static io.pagelab.userspace.malloc.Chunks.*;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The allocation path of one arena, as glibc 2.36 malloc/malloc.c: _int_malloc and
 * malloc_consolidate. The order of the searches is glibc's, step for step, because it decides
 * which address a request gets: fastbin (plus stashing into the tcache), exact smallbin, the
 * unsorted list (last_remainder rule, exact fits to the tcache, sorting into small and large
 * bins), best fit in the request's large bin, the binmap scan of larger bins, the top chunk, and
 * last sysmalloc. Every integrity check raises glibc's message.
 */
final class IntMalloc {
    private static final Logger LOG = LoggerFactory.getLogger(IntMalloc.class);
    private static final int MAX_ITERS = 10000;

    private final MallocContext ctx;
    private final Mem m;

    IntMalloc(MallocContext ctx) {
        this.ctx = ctx;
        this.m = ctx.mem;
    }

    /** _int_malloc(av, bytes) with the calling thread's tcache (may be null): user pointer or 0. */
    long intMalloc(Arena av, long bytes, Tcache tcache) {
        long nb = checkedRequest2size(bytes);
        if (nb < 0) {
            return 0;
        }
        if (av == null) {
            return ctx.sys.sysmalloc(nb, null, tcache);
        }
        MallocPar mp = ctx.mp;
        int idx;
        if (Long.compareUnsigned(nb, mp.globalMaxFast) <= 0) {
            idx = fastbinIndex(nb);
            long fb = av.fastbin(idx);
            long victim = m.ld(fb);
            if (victim != 0) {
                if (misalignedChunk(victim)) {
                    throw MallocError.printerr("malloc(): unaligned fastbin chunk detected 2", victim);
                }
                removeFb(fb, victim);
                if (fastbinIndex(m.chunksize(victim)) != idx) {
                    throw MallocError.printerr("malloc(): memory corruption (fast)", victim);
                }
                int tcIdx = (int) csize2tidx(nb);
                if (tcache != null && tcIdx < mp.tcacheBins) {
                    long tcVictim;
                    while (tcache.count(tcIdx) < mp.tcacheCount && (tcVictim = m.ld(fb)) != 0) {
                        if (misalignedChunk(tcVictim)) {
                            throw MallocError.printerr("malloc(): unaligned fastbin chunk detected 3", tcVictim);
                        }
                        removeFb(fb, tcVictim);
                        tcache.put(tcVictim, tcIdx);
                    }
                }
                return allocPerturb(chunk2mem(victim), bytes);
            }
        }

        if (inSmallbinRange(nb)) {
            idx = smallbinIndex(nb);
            long bin = av.binAt(idx);
            long victim = av.last(bin);
            if (victim != bin) {
                long bck = m.bk(victim);
                if (m.fd(bck) != victim) {
                    throw MallocError.printerr("malloc(): smallbin double linked list corrupted", victim);
                }
                m.setInuseBitAtOffset(victim, nb);
                m.setBk(bin, bck);
                m.setFd(bck, bin);
                if (!av.isMain) {
                    m.setNonMainArena(victim);
                }
                int tcIdx = (int) csize2tidx(nb);
                if (tcache != null && tcIdx < mp.tcacheBins) {
                    long tcVictim;
                    while (tcache.count(tcIdx) < mp.tcacheCount && (tcVictim = av.last(bin)) != bin) {
                        bck = m.bk(tcVictim);
                        m.setInuseBitAtOffset(tcVictim, nb);
                        if (!av.isMain) {
                            m.setNonMainArena(tcVictim);
                        }
                        m.setBk(bin, bck);
                        m.setFd(bck, bin);
                        tcache.put(tcVictim, tcIdx);
                    }
                }
                return allocPerturb(chunk2mem(victim), bytes);
            }
        } else {
            idx = largebinIndex(nb);
            if (av.haveFastchunks()) {
                mallocConsolidate(av);
            }
        }

        long tcacheNb = 0;
        long tcIdxL = csize2tidx(nb);
        int tcIdx = (int) Math.min(tcIdxL, Integer.MAX_VALUE);
        if (tcache != null && Long.compareUnsigned(tcIdxL, mp.tcacheBins) < 0) {
            tcacheNb = nb;
        }
        boolean returnCached = false;
        long tcacheUnsortedCount = 0;
        long unsorted = av.unsortedChunks();

        for (;;) {
            int iters = 0;
            long victim;
            while ((victim = m.bk(unsorted)) != unsorted) {
                long bck = m.bk(victim);
                long size = m.chunksize(victim);
                long next = victim + size;
                if (Long.compareUnsigned(size, CHUNK_HDR_SZ) <= 0
                        || Long.compareUnsigned(size, av.systemMem()) > 0) {
                    throw MallocError.printerr("malloc(): invalid size (unsorted)", victim);
                }
                if (Long.compareUnsigned(m.sizeNomask(next), CHUNK_HDR_SZ) < 0
                        || Long.compareUnsigned(m.sizeNomask(next), av.systemMem()) > 0) {
                    throw MallocError.printerr("malloc(): invalid next size (unsorted)", victim);
                }
                if ((m.prevSize(next) & ~SIZE_BITS) != size) {
                    throw MallocError.printerr("malloc(): mismatching next->prev_size (unsorted)", victim);
                }
                if (m.fd(bck) != victim || m.fd(victim) != unsorted) {
                    throw MallocError.printerr("malloc(): unsorted double linked list corrupted", victim);
                }
                if (m.prevInuse(next)) {
                    throw MallocError.printerr("malloc(): invalid next->prev_inuse (unsorted)", victim);
                }

                // a small request served from the last remainder, the only unsorted chunk: locality
                if (inSmallbinRange(nb) && bck == unsorted && victim == av.lastRemainder()
                        && Long.compareUnsigned(size, nb + MINSIZE) > 0) {
                    long remainderSize = size - nb;
                    long remainder = victim + nb;
                    m.setBk(unsorted, remainder);
                    m.setFd(unsorted, remainder);
                    av.setLastRemainder(remainder);
                    m.setBk(remainder, unsorted);
                    m.setFd(remainder, unsorted);
                    if (!inSmallbinRange(remainderSize)) {
                        m.setFdNextsize(remainder, 0);
                        m.setBkNextsize(remainder, 0);
                    }
                    m.setHead(victim, nb | PREV_INUSE | av.arenaBit());
                    m.setHead(remainder, remainderSize | PREV_INUSE);
                    m.setFoot(remainder, remainderSize);
                    return allocPerturb(chunk2mem(victim), bytes);
                }

                m.setBk(unsorted, bck);
                m.setFd(bck, unsorted);

                if (size == nb) {
                    m.setInuseBitAtOffset(victim, size);
                    if (!av.isMain) {
                        m.setNonMainArena(victim);
                    }
                    if (tcacheNb != 0 && tcache.count(tcIdx) < mp.tcacheCount) {
                        tcache.put(victim, tcIdx);
                        returnCached = true;
                        continue;
                    }
                    return allocPerturb(chunk2mem(victim), bytes);
                }

                int victimIndex;
                long fwd;
                if (inSmallbinRange(size)) {
                    victimIndex = smallbinIndex(size);
                    bck = av.binAt(victimIndex);
                    fwd = m.fd(bck);
                } else {
                    victimIndex = largebinIndex(size);
                    bck = av.binAt(victimIndex);
                    fwd = m.fd(bck);
                    if (fwd != bck) {
                        long sizeP = size | PREV_INUSE; // or'ed with the inuse bit to speed comparisons
                        if (Long.compareUnsigned(sizeP, m.sizeNomask(m.bk(bck))) < 0) {
                            // smaller than the smallest: append at the end, past the loop
                            fwd = bck;
                            bck = m.bk(bck);
                            m.setFdNextsize(victim, m.fd(fwd));
                            m.setBkNextsize(victim, m.bkNextsize(m.fd(fwd)));
                            m.setBkNextsize(m.fd(fwd), victim);
                            m.setFdNextsize(m.bkNextsize(victim), victim);
                        } else {
                            while (Long.compareUnsigned(sizeP, m.sizeNomask(fwd)) < 0) {
                                fwd = m.fdNextsize(fwd);
                            }
                            if (sizeP == m.sizeNomask(fwd)) {
                                fwd = m.fd(fwd); // always insert in the second position
                            } else {
                                m.setFdNextsize(victim, fwd);
                                m.setBkNextsize(victim, m.bkNextsize(fwd));
                                if (m.fdNextsize(m.bkNextsize(fwd)) != fwd) {
                                    throw MallocError.printerr(
                                            "malloc(): largebin double linked list corrupted (nextsize)", fwd);
                                }
                                m.setBkNextsize(fwd, victim);
                                m.setFdNextsize(m.bkNextsize(victim), victim);
                            }
                            bck = m.bk(fwd);
                            if (m.fd(bck) != fwd) {
                                throw MallocError.printerr("malloc(): largebin double linked list corrupted (bk)", fwd);
                            }
                        }
                    } else {
                        m.setFdNextsize(victim, victim);
                        m.setBkNextsize(victim, victim);
                    }
                }
                av.markBin(victimIndex);
                m.setBk(victim, bck);
                m.setFd(victim, fwd);
                m.setBk(fwd, victim);
                m.setFd(bck, victim);

                ++tcacheUnsortedCount;
                if (returnCached && mp.tcacheUnsortedLimit > 0 && tcacheUnsortedCount > mp.tcacheUnsortedLimit) {
                    return tcache.get(tcIdx);
                }
                if (++iters >= MAX_ITERS) {
                    break;
                }
            }

            if (returnCached) {
                return tcache.get(tcIdx);
            }

            if (!inSmallbinRange(nb)) {
                long bin = av.binAt(idx);
                victim = av.first(bin);
                if (victim != bin && Long.compareUnsigned(m.sizeNomask(victim), nb) >= 0) {
                    victim = m.bkNextsize(victim);
                    long size;
                    while (Long.compareUnsigned(size = m.chunksize(victim), nb) < 0) {
                        victim = m.bkNextsize(victim);
                    }
                    // avoid removing the first of a size run: the skip list would need rerouting
                    if (victim != av.last(bin) && m.sizeNomask(victim) == m.sizeNomask(m.fd(victim))) {
                        victim = m.fd(victim);
                    }
                    long remainderSize = size - nb;
                    av.unlinkChunk(victim);
                    if (Long.compareUnsigned(remainderSize, MINSIZE) < 0) {
                        m.setInuseBitAtOffset(victim, size);
                        if (!av.isMain) {
                            m.setNonMainArena(victim);
                        }
                    } else {
                        splitToUnsorted(av, victim, nb, remainderSize, "malloc(): corrupted unsorted chunks", false);
                    }
                    return allocPerturb(chunk2mem(victim), bytes);
                }
            }

            // scan larger bins with the binmap
            ++idx;
            long bin = av.binAt(idx);
            int block = idx >>> BINMAPSHIFT;
            int map = av.binmap(block);
            int bit = 1 << (idx & 31);
            boolean useTop = false;
            for (;;) {
                if (Integer.compareUnsigned(bit, map) > 0 || bit == 0) {
                    do {
                        if (++block >= BINMAPSIZE) {
                            useTop = true;
                            break;
                        }
                    } while ((map = av.binmap(block)) == 0);
                    if (useTop) {
                        break;
                    }
                    bin = av.binAt(block << BINMAPSHIFT);
                    bit = 1;
                }
                while ((bit & map) == 0) {
                    bin += 16;
                    bit <<= 1;
                }
                victim = av.last(bin);
                if (victim == bin) {
                    map &= ~bit;
                    av.setBinmap(block, map); // a false alarm: clear the bit
                    bin += 16;
                    bit <<= 1;
                } else {
                    long size = m.chunksize(victim);
                    long remainderSize = size - nb;
                    av.unlinkChunk(victim);
                    if (Long.compareUnsigned(remainderSize, MINSIZE) < 0) {
                        m.setInuseBitAtOffset(victim, size);
                        if (!av.isMain) {
                            m.setNonMainArena(victim);
                        }
                    } else {
                        splitToUnsorted(av, victim, nb, remainderSize, "malloc(): corrupted unsorted chunks 2",
                                inSmallbinRange(nb));
                    }
                    return allocPerturb(chunk2mem(victim), bytes);
                }
            }

            // use_top
            victim = av.top();
            long size = m.chunksize(victim);
            if (Long.compareUnsigned(size, av.systemMem()) > 0) {
                throw MallocError.printerr("malloc(): corrupted top size", victim);
            }
            if (Long.compareUnsigned(size, nb + MINSIZE) >= 0) {
                long remainder = victim + nb;
                av.setTop(remainder);
                m.setHead(victim, nb | PREV_INUSE | av.arenaBit());
                m.setHead(remainder, (size - nb) | PREV_INUSE);
                return allocPerturb(chunk2mem(victim), bytes);
            } else if (av.haveFastchunks()) {
                mallocConsolidate(av);
                idx = inSmallbinRange(nb) ? smallbinIndex(nb) : largebinIndex(nb);
            } else {
                long p = ctx.sys.sysmalloc(nb, av, tcache);
                return p == 0 ? 0 : allocPerturb(p, bytes);
            }
        }
    }

    private void splitToUnsorted(Arena av, long victim, long nb, long remainderSize, String check,
            boolean advertise) {
        long remainder = victim + nb;
        long bck = av.unsortedChunks();
        long fwd = m.fd(bck);
        if (m.bk(fwd) != bck) {
            throw MallocError.printerr(check, fwd);
        }
        m.setBk(remainder, bck);
        m.setFd(remainder, fwd);
        m.setFd(bck, remainder);
        m.setBk(fwd, remainder);
        if (advertise) {
            av.setLastRemainder(remainder);
        }
        if (!inSmallbinRange(remainderSize)) {
            m.setFdNextsize(remainder, 0);
            m.setBkNextsize(remainder, 0);
        }
        m.setHead(victim, nb | PREV_INUSE | av.arenaBit());
        m.setHead(remainder, remainderSize | PREV_INUSE);
        m.setFoot(remainder, remainderSize);
    }

    /** Pops {@code victim}, the head of fastbin {@code fb} (REMOVE_FB when other threads exist). */
    private void removeFb(long fb, long victim) {
        long pp = m.revealAt(victim + OFF_FD);
        if (!ctx.singleThread && pp != 0 && misalignedChunk(pp)) {
            throw MallocError.printerr("malloc(): unaligned fastbin chunk detected", pp);
        }
        m.st(fb, pp);
    }

    private long allocPerturb(long mem, long bytes) {
        if (ctx.mp.perturbByte != 0) {
            m.memset(mem, ctx.mp.perturbByte ^ 0xff, bytes);
        }
        return mem;
    }

    /**
     * malloc_consolidate: empty every fastbin, merging each chunk with free neighbours, into the
     * unsorted bin (or into top).
     */
    void mallocConsolidate(Arena av) {
        av.setHaveFastchunks(false);
        long unsortedBin = av.unsortedChunks();
        int merged = 0;
        for (int i = 0; i < NFASTBINS; i++) {
            long fb = av.fastbin(i);
            long p = m.ld(fb);
            m.st(fb, 0);
            while (p != 0) {
                if (misalignedChunk(p)) {
                    throw MallocError.printerr("malloc_consolidate(): unaligned fastbin chunk detected", p);
                }
                if (fastbinIndex(m.chunksize(p)) != i) {
                    throw MallocError.printerr("malloc_consolidate(): invalid chunk size", p);
                }
                long nextp = m.revealAt(p + OFF_FD);
                long size = m.chunksize(p);
                long nextchunk = p + size;
                long nextsize = m.chunksize(nextchunk);
                if (!m.prevInuse(p)) {
                    long prevsize = m.prevSize(p);
                    size += prevsize;
                    p -= prevsize;
                    if (m.chunksize(p) != prevsize) {
                        throw MallocError.printerr("corrupted size vs. prev_size in fastbins", p);
                    }
                    av.unlinkChunk(p);
                }
                if (nextchunk != av.top()) {
                    boolean nextinuse = m.inuseBitAtOffset(nextchunk, nextsize);
                    if (!nextinuse) {
                        size += nextsize;
                        av.unlinkChunk(nextchunk);
                    } else {
                        m.clearInuseBitAtOffset(nextchunk, 0);
                    }
                    long firstUnsorted = m.fd(unsortedBin);
                    m.setFd(unsortedBin, p);
                    m.setBk(firstUnsorted, p);
                    if (!inSmallbinRange(size)) {
                        m.setFdNextsize(p, 0);
                        m.setBkNextsize(p, 0);
                    }
                    m.setHead(p, size | PREV_INUSE);
                    m.setBk(p, unsortedBin);
                    m.setFd(p, firstUnsorted);
                    m.setFoot(p, size);
                } else {
                    size += nextsize;
                    m.setHead(p, size | PREV_INUSE);
                    av.setTop(p);
                }
                merged++;
                p = nextp;
            }
        }
        LOG.debug("malloc_consolidate(arena {}): {} fastbin chunks merged into unsorted/top, top now {} size {}",
                hex(av.av), merged, hex(av.top()), hex(m.chunksize(av.top())));
    }
}
