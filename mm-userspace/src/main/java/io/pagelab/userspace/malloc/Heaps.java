package io.pagelab.userspace.malloc;

import static io.pagelab.userspace.malloc.Chunks.*;

import io.pagelab.api.AddressSpace;
import io.pagelab.api.Prot;
import io.pagelab.api.error.SyscallException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heaps of non-main arenas, as glibc 2.36 malloc/arena.c: alloc_new_heap (new_heap),
 * grow_heap, shrink_heap, delete_heap, heap_trim, heap_for_ptr. Each heap reserves HEAP_MAX_SIZE
 * (64 MiB) aligned to 64 MiB with PROT_NONE and makes the used part read-write with mprotect, so
 * /proc/pid/maps shows a {@code rw-p} + {@code ---p} pair; heap_for_ptr(p) = p &amp; ~(64 MiB - 1).
 *
 * <pre>
 *  heap_info (0x30 bytes on x86-64 2.36)        first heap of an arena:
 *   +0x00 ar_ptr      +0x08 prev                 h + 0x30   struct malloc_state (0x898)
 *   +0x10 size        +0x18 mprotect_size        h + 0x8d0  first chunk (16-aligned user memory)
 *   +0x20 pagesize    +0x28 pad
 * </pre>
 *
 * Differs from glibc: shrink_heap always takes the MADV_DONTNEED path (overcommit_memory is not 2).
 */
final class Heaps {
    private static final Logger LOG = LoggerFactory.getLogger(Heaps.class);
    static final long SIZEOF_HEAP_INFO = 0x30;
    private static final long HEAP_MAX = MallocPar.HEAP_MAX_SIZE;

    private final MallocContext ctx;
    private final Mem m;
    private final AddressSpace as;
    /** aligned_heap_area: where the next heap is tried first (the second half of the last 128 MiB map). */
    private long alignedHeapArea;

    Heaps(MallocContext ctx) {
        this.ctx = ctx;
        this.m = ctx.mem;
        this.as = ctx.mem.process();
    }

    long heapForPtr(long p) {
        return p & ~(HEAP_MAX - 1);
    }

    long arPtr(long h) {
        return m.ld(h);
    }

    void setArPtr(long h, long a) {
        m.st(h, a);
    }

    long prev(long h) {
        return m.ld(h + 8);
    }

    void setPrev(long h, long p) {
        m.st(h + 8, p);
    }

    long size(long h) {
        return m.ld(h + 16);
    }

    private void setSize(long h, long s) {
        m.st(h + 16, s);
    }

    private long mprotectSize(long h) {
        return m.ld(h + 24);
    }

    private void setMprotectSize(long h, long s) {
        m.st(h + 24, s);
    }

    private long pagesize(long h) {
        return m.ld(h + 32);
    }

    private void munmapQuiet(long a, long len) {
        if (len > 0) {
            as.munmap(a, len);
        }
    }

    /** alloc_new_heap(size, top_pad, pagesize, 0): a 64 MiB-aligned heap, or 0. */
    long newHeap(long size, long topPad) {
        if (Long.compareUnsigned(size + topPad, MallocPar.HEAP_MIN_SIZE) < 0) {
            size = MallocPar.HEAP_MIN_SIZE;
        } else if (Long.compareUnsigned(size + topPad, HEAP_MAX) <= 0) {
            size += topPad;
        } else if (Long.compareUnsigned(size, HEAP_MAX) > 0) {
            return 0;
        } else {
            size = HEAP_MAX;
        }
        size = alignUp(size, PAGE_SIZE);
        long p2 = -1;
        if (alignedHeapArea != 0) {
            p2 = ctx.sys.mmap(alignedHeapArea, HEAP_MAX, Prot.NONE.bits());
            alignedHeapArea = 0;
            if (p2 != -1 && (p2 & (HEAP_MAX - 1)) != 0) {
                munmapQuiet(p2, HEAP_MAX);
                p2 = -1;
            }
        }
        if (p2 == -1) {
            long p1 = ctx.sys.mmap(0, HEAP_MAX << 1, Prot.NONE.bits());
            if (p1 != -1) {
                p2 = (p1 + (HEAP_MAX - 1)) & ~(HEAP_MAX - 1);
                long ul = p2 - p1;
                if (ul != 0) {
                    munmapQuiet(p1, ul);
                } else {
                    alignedHeapArea = p2 + HEAP_MAX;
                }
                munmapQuiet(p2 + HEAP_MAX, HEAP_MAX - ul);
            } else {
                p2 = ctx.sys.mmap(0, HEAP_MAX, Prot.NONE.bits());
                if (p2 == -1) {
                    return 0;
                }
                if ((p2 & (HEAP_MAX - 1)) != 0) {
                    munmapQuiet(p2, HEAP_MAX);
                    return 0;
                }
            }
        }
        try {
            as.mprotect(p2, size, Prot.of(SysMalloc.PROT_RW));
        } catch (SyscallException e) {
            munmapQuiet(p2, HEAP_MAX);
            return 0;
        }
        setSize(p2, size);
        setMprotectSize(p2, size);
        m.st(p2 + 32, PAGE_SIZE);
        LOG.debug("new_heap: {} reserved 64 MiB PROT_NONE, first {} read-write", hex(p2), hex(size));
        return p2;
    }

    /** grow_heap: 0 on success, -1 when the heap would pass 64 MiB, -2 when mprotect fails. */
    int growHeap(long h, long diff) {
        diff = alignUp(diff, pagesize(h));
        long newSize = size(h) + diff;
        if (Long.compareUnsigned(newSize, HEAP_MAX) > 0) {
            return -1;
        }
        if (Long.compareUnsigned(newSize, mprotectSize(h)) > 0) {
            try {
                as.mprotect(h + mprotectSize(h), newSize - mprotectSize(h), Prot.of(SysMalloc.PROT_RW));
            } catch (SyscallException e) {
                return -2;
            }
            setMprotectSize(h, newSize);
        }
        setSize(h, newSize);
        return 0;
    }

    /** shrink_heap: drop the pages past the new size with MADV_DONTNEED (they stay read-write). */
    int shrinkHeap(long h, long diff) {
        long newSize = size(h) - diff;
        if (newSize < SIZEOF_HEAP_INFO) {
            return -1;
        }
        as.madvise(h + newSize, diff, AddressSpace.MADV_DONTNEED);
        setSize(h, newSize);
        LOG.debug("shrink_heap: {} to {} (MADV_DONTNEED {})", hex(h), hex(newSize), hex(diff));
        return 0;
    }

    /** heap_trim(heap, pad): drop whole empty heaps of an arena, then shrink the last one. */
    boolean heapTrim(long heap, long pad) {
        Arena arPtr = ctx.arenaAt(arPtr(heap));
        long topChunk = arPtr.top();
        while (topChunk == heap + SIZEOF_HEAP_INFO) {
            long prevHeap = prev(heap);
            long prevSize = size(prevHeap) - (MINSIZE - 2 * SIZE_SZ);
            long p = prevHeap + prevSize;
            long misalign = p & MALLOC_ALIGN_MASK;
            p = prevHeap + prevSize - misalign; // the fencepost
            p = p - m.prevSize(p); // prev_chunk
            long newSize = m.chunksize(p) + (MINSIZE - 2 * SIZE_SZ) + misalign;
            if (!m.prevInuse(p)) {
                newSize += m.prevSize(p);
            }
            if (newSize + (HEAP_MAX - size(prevHeap)) < pad + MINSIZE + pagesize(heap)) {
                break;
            }
            arPtr.setSystemMem(arPtr.systemMem() - size(heap));
            LOG.debug("heap_trim: delete heap {} of arena {}", hex(heap), hex(arPtr.av));
            as.munmap(heap, HEAP_MAX);
            heap = prevHeap;
            if (!m.prevInuse(p)) {
                p = p - m.prevSize(p);
                arPtr.unlinkChunk(p);
            }
            arPtr.setTop(p);
            topChunk = p;
            m.setHead(topChunk, newSize | PREV_INUSE);
        }
        long topSize = m.chunksize(topChunk);
        if (Long.compareUnsigned(topSize, ctx.mp.trimThreshold) < 0) {
            return false;
        }
        long topArea = topSize - MINSIZE - 1;
        if (topArea < 0 || Long.compareUnsigned(topArea, pad) <= 0) {
            return false;
        }
        long extra = alignDown(topArea - pad, pagesize(heap));
        if (extra == 0) {
            return false;
        }
        if (shrinkHeap(heap, extra) != 0) {
            return false;
        }
        arPtr.setSystemMem(arPtr.systemMem() - extra);
        m.setHead(topChunk, (topSize - extra) | PREV_INUSE);
        return true;
    }
}
