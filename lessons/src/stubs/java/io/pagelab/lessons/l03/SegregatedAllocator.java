package io.pagelab.lessons.l03;

import static io.pagelab.userspace.malloclab.BoundaryTags.CHUNKSIZE;
import static io.pagelab.userspace.malloclab.BoundaryTags.DSIZE;
import static io.pagelab.userspace.malloclab.BoundaryTags.MIN_BLOCK;
import static io.pagelab.userspace.malloclab.BoundaryTags.WSIZE;

import io.pagelab.api.AddressSpace;
import io.pagelab.api.error.DoubleFreeException;
import io.pagelab.api.error.OutOfMemoryException;
import io.pagelab.exercise.Todo;
import io.pagelab.userspace.malloclab.BoundaryTags;
import io.pagelab.userspace.malloclab.HeapAllocator;
import io.pagelab.userspace.malloclab.HeapBlock;
import io.pagelab.userspace.malloclab.HeapWalker;
import java.util.List;

/**
 * L03 写你自己的 malloc（三）：分离适配 Write your own malloc (3): segregated fits.
 *
 * <p>CS:APP 3rd ed., §9.9.14, the shape of glibc's bins: one explicit free list per size class.
 * Classes are powers of two starting at the 32-byte minimum block; the last class takes every
 * larger block. A request searches its own class best fit, then the larger classes in order;
 * any block of a larger class fits, so the first non-empty larger class answers. The
 * {@link #CLASSES} roots are the first heap words. List insert/remove and coalescing are given
 * (you wrote them in L02). 分离适配：按 2 的幂分大小类，每类一条空闲链表；先在本类找最佳适配，
 * 找不到再去更大的类。
 *
 * <pre>
 *  class:  0       1        2         ...  13              14
 *  sizes:  32..63  64..127  128..255  ...  256K..512K-16   512K and up
 *  start_brk: [root 0][root 1] ... [root 14][16|1][16|1][ blocks ... ][0|1]
 * </pre>
 *
 * <p>Your task: {@link #sizeClass} (the class of a block size) and {@link #findFit} (best fit in
 * the request's class, then the first larger class that has a block: best fit there too).
 * Run {@code ./pagelab grade l03} to check your work.
 */
public final class SegregatedAllocator implements HeapAllocator, HeapWalker {
    /** Size classes; odd, so that the roots plus the prologue keep payloads 16-byte aligned. */
    public static final int CLASSES = 15;

    private BoundaryTags tags;
    /** The heap word of class 0's root; class c's root is at {@code roots + 8c}. */
    private long roots;
    private long heapListp;

    @Override
    public String name() {
        return "l03-segregated";
    }

    @Override
    public void init(AddressSpace process) {
        tags = new BoundaryTags(process);
        long bytes = (CLASSES + 3) * (long) WSIZE;
        long start = tags.sbrk(bytes);
        if (start == -1) {
            throw new OutOfMemoryException(bytes, "mm_init: no room for the class roots and prologue");
        }
        roots = start;
        for (int c = 0; c < CLASSES; c++) {
            tags.put(roots + (long) c * WSIZE, 0);
        }
        long prologue = roots + (long) CLASSES * WSIZE;
        tags.put(prologue, BoundaryTags.pack(DSIZE, true));
        tags.put(prologue + WSIZE, BoundaryTags.pack(DSIZE, true));
        tags.put(prologue + 2 * WSIZE, BoundaryTags.pack(0, true));
        heapListp = prologue + WSIZE;
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

    /** The first free block of class {@code c}, or 0. */
    long firstFree(int c) {
        return tags.get(roots + (long) c * WSIZE);
    }

    /** The free block after {@code bp} in its class list, or 0. */
    long succ(long bp) {
        return tags.get(bp + WSIZE);
    }

    /**
     * The class of a block of {@code size} bytes (32 and up): class c holds sizes in
     * [2^(c+5), 2^(c+6)); sizes of 2^19 and more all go to the last class, {@code CLASSES - 1}.
     */
    static int sizeClass(long size) {
        throw new Todo("l03/SegregatedAllocator.java");
    }

    /**
     * Best fit: the smallest free block of at least {@code asize} bytes in {@code asize}'s class;
     * if that class has none, the same search in each larger class in turn; 0 if no class has one.
     */
    long findFit(long asize) {
        throw new Todo("l03/SegregatedAllocator.java");
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

    /** LIFO insert into the class of the block's current size. */
    void insertFree(long bp) {
        long root = roots + (long) sizeClass(tags.blockSize(bp)) * WSIZE;
        long first = tags.get(root);
        tags.put(bp, 0);
        tags.put(bp + WSIZE, first);
        if (first != 0) {
            tags.put(first, bp);
        }
        tags.put(root, bp);
    }

    /** Unlinks {@code bp} from the list of its class (call before changing its size). */
    void removeFree(long bp) {
        long pred = tags.get(bp);
        long succ = tags.get(bp + WSIZE);
        if (pred == 0) {
            tags.put(roots + (long) sizeClass(tags.blockSize(bp)) * WSIZE, succ);
        } else {
            tags.put(pred + WSIZE, succ);
        }
        if (succ != 0) {
            tags.put(succ, pred);
        }
    }

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
