package io.pagelab.userspace.malloc;

import static io.pagelab.userspace.malloc.Chunks.*;

import io.pagelab.api.AddressSpace;

/**
 * Statistics and trimming over the arenas, as glibc 2.36 malloc/malloc.c: int_mallinfo,
 * __libc_mallinfo2, __malloc_stats and mtrim (the per-arena part of malloc_trim).
 */
final class MallocInfo {
    private final MallocContext ctx;
    private final Mem m;

    MallocInfo(MallocContext ctx) {
        this.ctx = ctx;
        this.m = ctx.mem;
    }

    boolean mtrim(Arena av, long pad) {
        ctx.malloc.mallocConsolidate(av);
        long psm1 = PAGE_SIZE - 1;
        int psindex = binIndex(PAGE_SIZE);
        boolean result = false;
        for (int i = 1; i < NBINS; i++) {
            if (i == 1 || i >= psindex) {
                long bin = av.binAt(i);
                for (long p = av.last(bin); p != bin; p = m.bk(p)) {
                    long size = m.chunksize(p);
                    if (Long.compareUnsigned(size, psm1 + SIZEOF_MALLOC_CHUNK) > 0) {
                        long paligned = (p + SIZEOF_MALLOC_CHUNK + psm1) & ~psm1;
                        size -= paligned - p;
                        if (Long.compareUnsigned(size, psm1) > 0) {
                            ctx.mem.process().madvise(paligned, size & ~psm1, AddressSpace.MADV_DONTNEED);
                            result = true;
                        }
                    }
                }
            }
        }
        return result | (av.isMain && ctx.sys.systrim(pad, av));
    }

    /** mallinfo2(3): the statistics of all arenas together. */
    Mallinfo2 mallinfo2() {
        long[] acc = new long[10];
        for (Arena av : ctx.arenasInOrder()) {
            intMallinfo(av, acc);
        }
        return new Mallinfo2(acc[0], acc[1], acc[2], acc[3], acc[4], acc[5], acc[6], acc[7], acc[8], acc[9]);
    }

    /** int_mallinfo: adds one arena to acc (fields in Mallinfo2 order). */
    void intMallinfo(Arena av, long[] acc) {
        long avail = m.chunksize(av.top());
        long nblocks = 1;
        long nfastblocks = 0;
        long fastavail = 0;
        for (int i = 0; i < NFASTBINS; i++) {
            for (long p = m.ld(av.fastbin(i)); p != 0; p = m.revealAt(p + OFF_FD)) {
                if (misalignedChunk(p)) {
                    throw MallocError.printerr("int_mallinfo(): unaligned fastbin chunk detected", p);
                }
                nfastblocks++;
                fastavail += m.chunksize(p);
            }
        }
        avail += fastavail;
        for (int i = 1; i < NBINS; i++) {
            long b = av.binAt(i);
            for (long p = av.last(b); p != b; p = m.bk(p)) {
                nblocks++;
                avail += m.chunksize(p);
            }
        }
        acc[2] += nfastblocks;
        acc[1] += nblocks;
        acc[8] += avail;
        acc[7] += av.systemMem() - avail;
        acc[0] += av.systemMem();
        acc[6] += fastavail;
        if (av.isMain) {
            acc[3] = ctx.mp.nMmaps;
            acc[4] = ctx.mp.mmappedMem;
            acc[5] = 0;
            acc[9] = m.chunksize(av.top());
        }
    }

    /** The exact text malloc_stats(3) writes to stderr. */
    String mallocStats() {
        StringBuilder sb = new StringBuilder();
        int inUseB = (int) ctx.mp.mmappedMem;
        int systemB = inUseB;
        int i = 0;
        for (Arena av : ctx.arenasInOrder()) {
            long[] acc = new long[10];
            intMallinfo(av, acc);
            sb.append(String.format("Arena %d:%n", i++));
            sb.append(String.format("system bytes     = %10d%n", Integer.toUnsignedLong((int) acc[0])));
            sb.append(String.format("in use bytes     = %10d%n", Integer.toUnsignedLong((int) acc[7])));
            systemB += (int) acc[0];
            inUseB += (int) acc[7];
        }
        sb.append("Total (incl. mmap):\n");
        sb.append(String.format("system bytes     = %10d%n", Integer.toUnsignedLong(systemB)));
        sb.append(String.format("in use bytes     = %10d%n", Integer.toUnsignedLong(inUseB)));
        sb.append(String.format("max mmap regions = %10d%n", Integer.toUnsignedLong((int) ctx.mp.maxNMmaps)));
        sb.append(String.format("max mmap bytes   = %10s%n", Long.toUnsignedString(ctx.mp.maxMmappedMem)));
        return sb.toString().replace(System.lineSeparator(), "\n");
    }
}
