package io.pagelab.userspace.malloc;

import static io.pagelab.userspace.malloc.Chunks.*;

import io.pagelab.api.AddressSpace;
import io.pagelab.api.Prot;
import io.pagelab.api.error.SyscallException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where malloc gets memory from the kernel and gives it back, as glibc 2.36 malloc/malloc.c:
 * sysmalloc, sysmalloc_mmap, systrim, munmap_chunk, mremap_chunk, and misc/sbrk.c's sbrk over the
 * process's brk(2).
 *
 * <pre>
 *  request nb &gt;= mmap_threshold (and n_mmaps &lt; n_mmaps_max)  -&gt; mmap ALIGN_UP(nb + 8, 4096)
 *        chunk at the mapping start, prev_size 0, size | IS_MMAPPED, user pointer = mapping + 0x10
 *  main arena: sbrk(ALIGN_UP(nb + top_pad + MINSIZE - old_top_size, 4096)), top grows in place
 *  other arena: grow_heap (mprotect more of its 64 MiB reservation) or a new heap
 * </pre>
 *
 * Differs from glibc: no transparent-huge-page or hugetlb paths (glibc.malloc.hugetlb is 0 by default).
 */
final class SysMalloc {
    private static final Logger LOG = LoggerFactory.getLogger(SysMalloc.class);
    static final int PROT_RW = Prot.READ | Prot.WRITE | Prot.USER;

    private final MallocContext ctx;
    private final Mem m;
    private final AddressSpace as;

    SysMalloc(MallocContext ctx) {
        this.ctx = ctx;
        this.m = ctx.mem;
        this.as = ctx.mem.process();
    }

    /**
     * sbrk(increment) (misc/sbrk.c): the old break, or -1 when brk refused. glibc's __curbrk is
     * whatever the last brk() of the process returned; here it is read with brk(0) each time, so a
     * brk() by user code is seen as glibc would see it.
     */
    long sbrk(long increment) {
        long curbrk = as.brk(0);
        if (increment == 0) {
            return curbrk;
        }
        long oldbrk = curbrk;
        if (increment > 0 ? Long.compareUnsigned(oldbrk + increment, oldbrk) < 0
                : Long.compareUnsigned(oldbrk, -increment) < 0) {
            return -1;
        }
        long got = as.brk(oldbrk + increment);
        if (got != oldbrk + increment) {
            return -1;
        }
        return oldbrk;
    }

    /** MORECORE (__glibc_morecore): sbrk, with 0 meaning failure. */
    private long morecore(long increment) {
        long r = sbrk(increment);
        return r == -1 ? 0 : r;
    }

    /** mmap(0, size, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS), or -1 (MAP_FAILED). */
    long mmap(long hint, long size, int prot) {
        try {
            return as.mmap(hint, size, Prot.of(prot), AddressSpace.MAP_PRIVATE | AddressSpace.MAP_ANONYMOUS);
        } catch (SyscallException e) {
            LOG.debug("mmap({}, {}) failed: {}", hex(hint), hex(size), e.getMessage());
            return -1;
        }
    }

    /** sysmalloc_mmap: a chunk of its own mapping; user pointer or -1 (MAP_FAILED). */
    long sysmallocMmap(long nb) {
        long size = alignUp(nb + SIZE_SZ, PAGE_SIZE);
        if (Long.compareUnsigned(size, nb) <= 0) {
            return -1;
        }
        long mm = mmap(0, size, PROT_RW);
        if (mm == -1) {
            return -1;
        }
        m.setPrevSize(mm, 0);
        m.setHead(mm, size | IS_MMAPPED);
        MallocPar mp = ctx.mp;
        mp.nMmaps++;
        mp.maxNMmaps = Math.max(mp.maxNMmaps, mp.nMmaps);
        mp.mmappedMem += size;
        mp.maxMmappedMem = Math.max(mp.maxMmappedMem, mp.mmappedMem);
        LOG.debug("sysmalloc: nb {} >= mmap_threshold {}: mmapped chunk {} size {}", hex(nb), hex(mp.mmapThreshold),
                hex(mm), hex(size));
        return chunk2mem(mm);
    }

    /**
     * sysmalloc(nb, av): grow the arena (or mmap) and carve nb from the new top; user pointer or 0.
     * {@code tcache} is the calling thread's: a leftover old top freed here may land in it.
     */
    long sysmalloc(long nb, Arena av, Tcache tcache) {
        MallocPar mp = ctx.mp;
        boolean triedMmap = false;
        if (av == null || (Long.compareUnsigned(nb, mp.mmapThreshold) >= 0 && mp.nMmaps < mp.nMmapsMax)) {
            long mm = sysmallocMmap(nb);
            if (mm != -1) {
                return mm;
            }
            triedMmap = true;
        }
        if (av == null) {
            return 0;
        }
        long oldTop = av.top();
        long oldSize = m.chunksize(oldTop);
        long oldEnd = oldTop + oldSize;
        long brk = 0;
        long sndBrk = 0;

        if (!av.isMain) {
            long oldHeap = ctx.heaps.heapForPtr(oldTop);
            long oldHeapSize = ctx.heaps.size(oldHeap);
            long heap;
            if (MINSIZE + nb - oldSize > 0 && ctx.heaps.growHeap(oldHeap, MINSIZE + nb - oldSize) == 0) {
                av.setSystemMem(av.systemMem() + ctx.heaps.size(oldHeap) - oldHeapSize);
                m.setHead(oldTop, (oldHeap + ctx.heaps.size(oldHeap) - oldTop) | PREV_INUSE);
                LOG.debug("sysmalloc: grew heap {} of arena {} to {}", hex(oldHeap), hex(av.av),
                        hex(ctx.heaps.size(oldHeap)));
            } else if ((heap = ctx.heaps.newHeap(nb + (MINSIZE + Heaps.SIZEOF_HEAP_INFO), mp.topPad)) != 0) {
                ctx.heaps.setArPtr(heap, av.av);
                ctx.heaps.setPrev(heap, oldHeap);
                av.setSystemMem(av.systemMem() + ctx.heaps.size(heap));
                long top = heap + Heaps.SIZEOF_HEAP_INFO;
                av.setTop(top);
                m.setHead(top, (ctx.heaps.size(heap) - Heaps.SIZEOF_HEAP_INFO) | PREV_INUSE);
                // fenceposts at the end of the old heap; free what is left of the old top
                oldSize = (oldSize - MINSIZE) & ~MALLOC_ALIGN_MASK;
                m.setHead(oldTop + oldSize + CHUNK_HDR_SZ, PREV_INUSE);
                if (Long.compareUnsigned(oldSize, MINSIZE) >= 0) {
                    m.setHead(oldTop + oldSize, CHUNK_HDR_SZ | PREV_INUSE);
                    m.setFoot(oldTop + oldSize, CHUNK_HDR_SZ);
                    m.setHead(oldTop, oldSize | PREV_INUSE | NON_MAIN_ARENA);
                    ctx.free.intFree(av, oldTop, true, tcache);
                } else {
                    m.setHead(oldTop, (oldSize + CHUNK_HDR_SZ) | PREV_INUSE);
                    m.setFoot(oldTop, oldSize + CHUNK_HDR_SZ);
                }
                LOG.debug("sysmalloc: arena {} continues in new heap {}", hex(av.av), hex(heap));
            } else if (!triedMmap) {
                long mm = sysmallocMmap(nb);
                if (mm != -1) {
                    return mm;
                }
            }
        } else {
            long size = nb + mp.topPad + MINSIZE;
            if (av.contiguous()) {
                size -= oldSize;
            }
            size = alignUp(size, PAGE_SIZE);
            if (size > 0) {
                brk = morecore(size);
            }
            LOG.debug("sysmalloc: main arena needs {} (nb {} + top_pad {} + MINSIZE - old top {}): sbrk({}) -> {}",
                    hex(nb), hex(nb), hex(mp.topPad), hex(oldSize), hex(size), hex(brk));
            if (brk == 0) {
                if (av.contiguous()) {
                    size = alignUp(size + oldSize, PAGE_SIZE);
                }
                if (Long.compareUnsigned(size, MallocPar.MMAP_AS_MORECORE_SIZE) < 0) {
                    size = MallocPar.MMAP_AS_MORECORE_SIZE;
                }
                if (Long.compareUnsigned(size, nb) > 0) {
                    long mbrk = mmap(0, size, PROT_RW);
                    if (mbrk != -1) {
                        brk = mbrk;
                        sndBrk = brk + size;
                        av.setNoncontiguous();
                        LOG.debug("sysmalloc: brk failed, main arena continues in mmapped {} size {}", hex(brk),
                                hex(size));
                    }
                }
            }
            if (brk != 0) {
                if (mp.sbrkBase == 0) {
                    mp.sbrkBase = brk;
                }
                av.setSystemMem(av.systemMem() + size);
                if (brk == oldEnd && sndBrk == 0) {
                    m.setHead(oldTop, (size + oldSize) | PREV_INUSE);
                } else if (av.contiguous() && oldSize != 0 && Long.compareUnsigned(brk, oldEnd) < 0) {
                    throw MallocError.printerr("break adjusted to free malloc space", brk);
                } else {
                    long correction = 0;
                    long alignedBrk = brk;
                    if (av.contiguous()) {
                        if (oldSize != 0) {
                            av.setSystemMem(av.systemMem() + brk - oldEnd); // foreign sbrk counts as ours
                        }
                        long frontMisalign = chunk2mem(brk) & MALLOC_ALIGN_MASK;
                        if (frontMisalign > 0) {
                            correction = MALLOC_ALIGNMENT - frontMisalign;
                            alignedBrk += correction;
                        }
                        correction += oldSize;
                        long endMisalign = brk + size + correction;
                        correction += alignUp(endMisalign, PAGE_SIZE) - endMisalign;
                        sndBrk = morecore(correction);
                        if (sndBrk == 0) {
                            correction = 0;
                            sndBrk = morecore(0);
                        }
                    } else if (sndBrk == 0) {
                        sndBrk = morecore(0);
                    }
                    if (sndBrk != 0) {
                        av.setTop(alignedBrk);
                        m.setHead(alignedBrk, (sndBrk - alignedBrk + correction) | PREV_INUSE);
                        av.setSystemMem(av.systemMem() + correction);
                        if (oldSize != 0) {
                            // a gap (foreign sbrk or mmap): double fencepost so nothing merges across it
                            oldSize = (oldSize - 2 * CHUNK_HDR_SZ) & ~MALLOC_ALIGN_MASK;
                            m.setHead(oldTop, oldSize | PREV_INUSE);
                            m.setHead(oldTop + oldSize, CHUNK_HDR_SZ | PREV_INUSE);
                            m.setHead(oldTop + oldSize + CHUNK_HDR_SZ, CHUNK_HDR_SZ | PREV_INUSE);
                            if (Long.compareUnsigned(oldSize, MINSIZE) >= 0) {
                                ctx.free.intFree(av, oldTop, true, tcache);
                            }
                        }
                    }
                }
            }
        }
        if (Long.compareUnsigned(av.systemMem(), av.maxSystemMem()) > 0) {
            av.setMaxSystemMem(av.systemMem());
        }
        long p = av.top();
        long size = m.chunksize(p);
        if (Long.compareUnsigned(size, nb + MINSIZE) >= 0) {
            long remainder = p + nb;
            av.setTop(remainder);
            m.setHead(p, nb | PREV_INUSE | av.arenaBit());
            m.setHead(remainder, (size - nb) | PREV_INUSE);
            return chunk2mem(p);
        }
        LOG.debug("sysmalloc: no memory for nb {} (ENOMEM)", hex(nb));
        return 0;
    }

    /** systrim(pad, av): give the top's free pages above pad back with a negative sbrk. */
    boolean systrim(long pad, Arena av) {
        long topSize = m.chunksize(av.top());
        long topArea = topSize - MINSIZE - 1;
        if (topArea <= pad) {
            return false;
        }
        long extra = alignDown(topArea - pad, PAGE_SIZE);
        if (extra == 0) {
            return false;
        }
        long currentBrk = morecore(0);
        if (currentBrk == av.top() + topSize) {
            morecore(-extra);
            long newBrk = morecore(0);
            if (newBrk != 0) {
                long released = currentBrk - newBrk;
                if (released != 0) {
                    av.setSystemMem(av.systemMem() - released);
                    m.setHead(av.top(), (topSize - released) | PREV_INUSE);
                    LOG.debug("systrim: top {} was {}, released {} with sbrk(-{}), break now {}", hex(av.top()),
                            hex(topSize), hex(released), hex(extra), hex(newBrk));
                    return true;
                }
            }
        }
        return false;
    }

    /** munmap_chunk: unmap an mmapped chunk after checking it looks like one. */
    void munmapChunk(long p) {
        long size = m.chunksize(p);
        long mem = chunk2mem(p);
        long block = p - m.prevSize(p);
        long total = m.prevSize(p) + size;
        if (((block | total) & (PAGE_SIZE - 1)) != 0 || !powerOf2(mem & (PAGE_SIZE - 1))) {
            throw MallocError.printerr("munmap_chunk(): invalid pointer", mem);
        }
        ctx.mp.nMmaps--;
        ctx.mp.mmappedMem -= total;
        LOG.debug("munmap_chunk: munmap({}, {})", hex(block), hex(total));
        as.munmap(block, total);
    }

    /** mremap_chunk: resize an mmapped chunk with mremap(MREMAP_MAYMOVE); the new chunk or 0. */
    long mremapChunk(long p, long newSize) {
        long offset = m.prevSize(p);
        long size = m.chunksize(p);
        long block = p - offset;
        long mem = chunk2mem(p);
        long total = offset + size;
        if (((block | total) & (PAGE_SIZE - 1)) != 0 || !powerOf2(mem & (PAGE_SIZE - 1))) {
            throw MallocError.printerr("mremap_chunk(): invalid pointer", mem);
        }
        newSize = alignUp(newSize + offset + SIZE_SZ, PAGE_SIZE);
        if (total == newSize) {
            return p;
        }
        long cp;
        try {
            cp = as.mremap(block, total, newSize, AddressSpace.MREMAP_MAYMOVE);
        } catch (SyscallException e) {
            return 0;
        }
        p = cp + offset;
        m.setHead(p, (newSize - offset) | IS_MMAPPED);
        ctx.mp.mmappedMem += newSize - size - offset;
        ctx.mp.maxMmappedMem = Math.max(ctx.mp.maxMmappedMem, ctx.mp.mmappedMem);
        LOG.debug("mremap_chunk: {} size {} -> {} size {}", hex(block), hex(total), hex(cp), hex(newSize));
        return p;
    }
}
