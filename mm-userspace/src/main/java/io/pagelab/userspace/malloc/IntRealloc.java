package io.pagelab.userspace.malloc;

import static io.pagelab.userspace.malloc.Chunks.*;

/**
 * Resizing and aligned allocation inside one arena, as glibc 2.36 malloc/malloc.c: _int_realloc
 * (shrink in place with a split, grow into top or into a free next chunk, else malloc-copy-free)
 * and _int_memalign (over-allocate nb + alignment + MINSIZE, give back the leading and trailing
 * space). glibc 2.36 does not yet look for an already aligned free chunk (that came in 2.38).
 */
final class IntRealloc {
    private final MallocContext ctx;
    private final Mem m;

    IntRealloc(MallocContext ctx) {
        this.ctx = ctx;
        this.m = ctx.mem;
    }

    /** _int_realloc(av, oldp, oldsize, nb): the new user pointer or 0. */
    long intRealloc(Arena av, long oldp, long oldsize, long nb, Tcache tcache) {
        if (Long.compareUnsigned(m.sizeNomask(oldp), CHUNK_HDR_SZ) <= 0
                || Long.compareUnsigned(oldsize, av.systemMem()) >= 0) {
            throw MallocError.printerr("realloc(): invalid old size", chunk2mem(oldp));
        }
        long next = oldp + oldsize;
        long nextsize = m.chunksize(next);
        if (Long.compareUnsigned(m.sizeNomask(next), CHUNK_HDR_SZ) <= 0
                || Long.compareUnsigned(nextsize, av.systemMem()) >= 0) {
            throw MallocError.printerr("realloc(): invalid next size", chunk2mem(oldp));
        }
        long newp;
        long newsize;
        if (Long.compareUnsigned(oldsize, nb) >= 0) {
            newp = oldp;
            newsize = oldsize;
        } else if (next == av.top() && Long.compareUnsigned(newsize = oldsize + nextsize, nb + MINSIZE) >= 0) {
            m.setHeadSize(oldp, nb | av.arenaBit());
            av.setTop(oldp + nb);
            m.setHead(oldp + nb, (newsize - nb) | PREV_INUSE);
            return chunk2mem(oldp);
        } else if (next != av.top() && !m.inuse(next)
                && Long.compareUnsigned(newsize = oldsize + nextsize, nb) >= 0) {
            newp = oldp;
            av.unlinkChunk(next);
        } else {
            long newmem = ctx.malloc.intMalloc(av, nb - MALLOC_ALIGN_MASK, tcache);
            if (newmem == 0) {
                return 0;
            }
            newp = mem2chunk(newmem);
            newsize = m.chunksize(newp);
            if (newp == next) {
                newsize += oldsize;
                newp = oldp;
            } else {
                m.memcpy(newmem, chunk2mem(oldp), m.memsize(oldp));
                ctx.free.intFree(av, oldp, true, tcache);
                return newmem;
            }
        }
        long remainderSize = newsize - nb;
        if (Long.compareUnsigned(remainderSize, MINSIZE) < 0) {
            m.setHeadSize(newp, newsize | av.arenaBit());
            m.setInuseBitAtOffset(newp, newsize);
        } else {
            long remainder = newp + nb;
            m.setHeadSize(newp, nb | av.arenaBit());
            m.setHead(remainder, remainderSize | PREV_INUSE | av.arenaBit());
            m.setInuseBitAtOffset(remainder, remainderSize);
            ctx.free.intFree(av, remainder, true, tcache);
        }
        return chunk2mem(newp);
    }

    /** _int_memalign(av, alignment, bytes): alignment is a power of two &gt;= MINSIZE. */
    long intMemalign(Arena av, long alignment, long bytes, Tcache tcache) {
        long nb = checkedRequest2size(bytes);
        if (nb < 0) {
            return 0;
        }
        long mem = ctx.malloc.intMalloc(av, nb + alignment + MINSIZE, tcache);
        if (mem == 0) {
            return 0;
        }
        long p = mem2chunk(mem);
        if (Long.remainderUnsigned(mem, alignment) != 0) {
            long brk = mem2chunk((mem + alignment - 1) & -alignment);
            if (Long.compareUnsigned(brk - p, MINSIZE) < 0) {
                brk += alignment;
            }
            long newp = brk;
            long leadsize = brk - p;
            long newsize = m.chunksize(p) - leadsize;
            if (m.isMmapped(p)) {
                m.setPrevSize(newp, m.prevSize(p) + leadsize);
                m.setHead(newp, newsize | IS_MMAPPED);
                return chunk2mem(newp);
            }
            m.setHead(newp, newsize | PREV_INUSE | av.arenaBit());
            m.setInuseBitAtOffset(newp, newsize);
            m.setHeadSize(p, leadsize | av.arenaBit());
            ctx.free.intFree(av, p, true, tcache);
            p = newp;
        }
        if (!m.isMmapped(p)) {
            long size = m.chunksize(p);
            if (Long.compareUnsigned(size, nb + MINSIZE) > 0) {
                long remainder = p + nb;
                m.setHead(remainder, (size - nb) | PREV_INUSE | av.arenaBit());
                m.setHeadSize(p, nb);
                ctx.free.intFree(av, remainder, true, tcache);
            }
        }
        return chunk2mem(p);
    }
}
