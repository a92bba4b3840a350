package io.pagelab.lessons.l02;

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
 * L02 写你自己的 malloc（二）：显式空闲链表 Write your own malloc (2): the explicit free list.
 *
 * <p>CS:APP 3rd ed., §9.9.13: free blocks are linked in a doubly linked list whose two pointers
 * live in the free block's own payload, so malloc looks only at free blocks. LIFO: a new free
 * block goes to the front. The list root is the first word of the heap (in the simulated
 * process, like everything else). Block format and macros as in L01 ({@link BoundaryTags}).
 * 显式链表：空闲块的有效载荷里存前驱/后继指针；新释放的块插到表头（LIFO）；合并时先把邻居从链表摘下。
 *
 * <pre>
 *  start_brk: [root][16|1][16|1][ blocks ... ][0|1]
 *  free block:  bp-8 [size|0]  bp [pred]  bp+8 [succ]  ...  [size|0]      (0 = no block)
 *  root ──► A ⇄ B ⇄ C ──► 0
 * </pre>
 *
 * <p>Your task: {@link #insertFree} (push at the front), {@link #removeFree} (unlink: four cases,
 * depending on whether the block has a predecessor and a successor) and {@link #coalesce} (the
 * boundary-tag cases of L01, now keeping the list right: unlink each free neighbour before
 * merging, insert the merged block). {@link #findFit} and {@link #place} are given and use your
 * list functions. Run {@code ./pagelab grade l02} to check your work.
 */
public final class ExplicitAllocator implements HeapAllocator, HeapWalker {
    private BoundaryTags tags;
    /** The heap word holding the address of the first free block (0: empty list). */
    private long root;
    private long heapListp;

    @Override
    public String name() {
        return "l02-explicit";
    }

    @Override
    public void init(AddressSpace process) {
        tags = new BoundaryTags(process);
        long start = tags.sbrk(4 * WSIZE);
        if (start == -1) {
            throw new OutOfMemoryException(4 * WSIZE, "mm_init: no room for the prologue");
        }
        root = start;
        tags.put(root, 0);                                         // empty free list
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

    /** The first free block, or 0 (for the grader and for debugging). */
    long firstFree() {
        return tags.get(root);
    }

    /** The free block after {@code bp} in the list, or 0. */
    long succ(long bp) {
        return tags.get(bp + WSIZE);
    }

    /** The free block before {@code bp} in the list, or 0. */
    long pred(long bp) {
        return tags.get(bp);
    }

    long extendHeap(long size) {
        long bp = tags.sbrk(size);
        if (bp == -1) {
            return 0;
        }
        tags.setBlock(bp, size, false);
        tags.put(BoundaryTags.hdrp(bp + size), BoundaryTags.pack(0, true));
        return coalesce(bp);
    }

    /** First fit along the free list. */
    long findFit(long asize) {
        for (long bp = firstFree(); bp != 0; bp = succ(bp)) {
            if (tags.blockSize(bp) >= asize) {
                return bp;
            }
        }
        return 0;
    }

    /** Takes {@code bp} off the list, allocates {@code asize} bytes, puts a large enough rest back. */
    void place(long bp, long asize) {
        removeFree(bp);
        long csize = tags.blockSize(bp);
        if (csize - asize >= MIN_BLOCK) {
            tags.setBlock(bp, asize, true);
            tags.setBlock(bp + asize, csize - asize, false);
            insertFree(bp + asize);
        } else {
            tags.setBlock(bp, csize, true);
        }
    }

    /** Pushes the free block {@code bp} at the front of the list (LIFO). */
    void insertFree(long bp) {
        long first = tags.get(root);
        tags.put(bp, 0);              // pred
        tags.put(bp + WSIZE, first);  // succ
        if (first != 0) {
            tags.put(first, bp);
        }
        tags.put(root, bp);
    }

    /** Unlinks the free block {@code bp} from the list. */
    void removeFree(long bp) {
        long pred = tags.get(bp);
        long succ = tags.get(bp + WSIZE);
        if (pred == 0) {
            tags.put(root, succ);
        } else {
            tags.put(pred + WSIZE, succ);
        }
        if (succ != 0) {
            tags.put(succ, pred);
        }
    }

    /**
     * Merges the free block {@code bp} (not on the list yet) with its free neighbours, puts the
     * merged block on the list and returns it.
     */
    long coalesce(long bp) {
        boolean prevAlloc = tags.isPrevAllocated(bp);
        long next = tags.nextBlkp(bp);
        boolean nextAlloc = tags.isAllocated(next);
        long size = tags.blockSize(bp);
        if (!nextAlloc) {
            removeFree(next);
            size += tags.blockSize(next);
        }
        if (!prevAlloc) {
            bp = tags.prevBlkp(bp);
            removeFree(bp);
            size += tags.blockSize(bp);
        }
        tags.setBlock(bp, size, false);
        insertFree(bp);
        return bp;
    }
}
