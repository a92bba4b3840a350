package io.pagelab.lessons.l01;

import static io.pagelab.userspace.malloclab.BoundaryTags.CHUNKSIZE;
import static io.pagelab.userspace.malloclab.BoundaryTags.DSIZE;
import static io.pagelab.userspace.malloclab.BoundaryTags.MIN_BLOCK;
import static io.pagelab.userspace.malloclab.BoundaryTags.WSIZE;

import io.pagelab.api.AddressSpace;
import io.pagelab.api.error.DoubleFreeException;
import io.pagelab.api.error.OutOfMemoryException;
import io.pagelab.userspace.malloclab.BoundaryTags;
import io.pagelab.userspace.malloclab.HeapAllocator;
import io.pagelab.userspace.malloclab.HeapBlock;
import io.pagelab.userspace.malloclab.HeapWalker;
import java.util.List;

/**
 * L01 写你自己的 malloc（一）：隐式空闲链表 Write your own malloc (1): the implicit free list.
 *
 * <p>CS:APP's {@code mm.c} (3rd ed., §9.9.12) on x86-64: every block has an 8-byte header and an
 * 8-byte footer holding {@code size | allocated}; payloads are 16-byte aligned; the smallest block
 * is 32 bytes. The heap itself is the list: {@code NEXT_BLKP} adds the block's size,
 * {@code PREV_BLKP} reads the previous block's footer. {@link BoundaryTags} gives you the macros
 * ({@code tags.blockSize(bp)}, {@code tags.isAllocated(bp)}, {@code tags.nextBlkp(bp)},
 * {@code tags.prevBlkp(bp)}, {@code tags.isPrevAllocated(bp)}, {@code tags.setBlock(bp, size, alloc)}).
 * 隐式链表：靠每块头部的大小“走”过整个堆；分配用首次适配，切分剩余，释放时用边界标记立即合并。
 *
 * <pre>
 *  start_brk: [pad][16|1][16|1][ block ][ block ] ... [0|1]
 *                    prologue    ^ heapListp + 16       epilogue
 *  block:  bp-8 [size|a]  bp: payload ...  bp+size-16 [size|a]
 * </pre>
 *
 * <p>Your task: {@link #findFit} (first fit), {@link #place} (split when the rest is at least
 * {@code MIN_BLOCK}), {@link #coalesce} (the four cases of CS:APP Figure 9.40). The rest is given.
 * Run {@code ./pagelab grade l01} to check your work.
 */
public final class ImplicitAllocator implements HeapAllocator, HeapWalker {
    private BoundaryTags tags;
    /** The prologue block's payload: the walk starts at the block after it. */
    private long heapListp;

    @Override
    public String name() {
        return "l01-implicit";
    }

    @Override
    public void init(AddressSpace process) {
        tags = new BoundaryTags(process);
        long start = tags.sbrk(4 * WSIZE);
        if (start == -1) {
            throw new OutOfMemoryException(4 * WSIZE, "mm_init: no room for the prologue");
        }
        tags.put(start, 0);                                        // alignment padding
        tags.put(start + WSIZE, BoundaryTags.pack(DSIZE, true));     // prologue header
        tags.put(start + 2 * WSIZE, BoundaryTags.pack(DSIZE, true)); // prologue footer
        tags.put(start + 3 * WSIZE, BoundaryTags.pack(0, true));     // epilogue header
        heapListp = start + 2 * WSIZE;
    }

    @Override
    public long malloc(long size) {
        if (size < 0 || size > BoundaryTags.MAX_REQUEST) {
            return 0;
        }
        long asize = BoundaryTags.adjustedSize(size);
        long bp = findFit(asize);
        if (bp == 0) {
            bp = extendHeap(Math.max(asize, CHUNKSIZE));
            if (bp == 0) {
                return 0;
            }
        }
        place(bp, asize);
        return bp;
    }

    @Override
    public void free(long ptr) {
        if (ptr == 0) {
            return;
        }
        if (!tags.isAllocated(ptr)) {
            throw new DoubleFreeException(ptr, "free(): double free detected: 0x" + Long.toHexString(ptr));
        }
        tags.setBlock(ptr, tags.blockSize(ptr), false);
        coalesce(ptr);
    }

    /** The simplest correct realloc: allocate, copy, free. */
    @Override
    public long realloc(long ptr, long size) {
        if (ptr == 0) {
            return malloc(size);
        }
        if (size == 0) {
            free(ptr);
            return 0;
        }
        long fresh = malloc(size);
        if (fresh == 0) {
            return 0;
        }
        tags.copy(ptr, fresh, Math.min(size, tags.blockSize(ptr) - DSIZE));
        free(ptr);
        return fresh;
    }

    @Override
    public List<HeapBlock> blocks() {
        return tags.walk(tags.nextBlkp(heapListp));
    }

    /** A new free block of {@code size} bytes where the epilogue was, merged with a free last block. */
    long extendHeap(long size) {
        long bp = tags.sbrk(size);
        if (bp == -1) {
            return 0;
        }
        tags.setBlock(bp, size, false);                              // over the old epilogue
        tags.put(BoundaryTags.hdrp(bp + size), BoundaryTags.pack(0, true)); // new epilogue
        return coalesce(bp);
    }

    /**
     * First fit: walk the blocks from the first one after the prologue until the epilogue (size
     * 0) and return the first free block of at least {@code asize} bytes, or 0.
     */
    long findFit(long asize) {
        for (long bp = tags.nextBlkp(heapListp); tags.blockSize(bp) > 0; bp = tags.nextBlkp(bp)) {
            if (!tags.isAllocated(bp) && tags.blockSize(bp) >= asize) {
                return bp;
            }
        }
        return 0;
    }

    /**
     * Marks the first {@code asize} bytes of the free block {@code bp} allocated; when the rest is
     * at least {@code MIN_BLOCK} bytes it becomes a free block of its own, else the whole block
     * is allocated.
     */
    void place(long bp, long asize) {
        long csize = tags.blockSize(bp);
        if (csize - asize >= MIN_BLOCK) {
            tags.setBlock(bp, asize, true);
            tags.setBlock(bp + asize, csize - asize, false);
        } else {
            tags.setBlock(bp, csize, true);
        }
    }

    /**
     * Merges the free block {@code bp} with a free previous and/or next block and returns the
     * payload address of the merged block.
     */
    long coalesce(long bp) {
        boolean prevAlloc = tags.isPrevAllocated(bp);
        long next = tags.nextBlkp(bp);
        boolean nextAlloc = tags.isAllocated(next);
        long size = tags.blockSize(bp);
        if (!nextAlloc) {
            size += tags.blockSize(next);
        }
        if (!prevAlloc) {
            bp = tags.prevBlkp(bp);
            size += tags.blockSize(bp);
        }
        tags.setBlock(bp, size, false);
        return bp;
    }
}
