package io.pagelab.userspace.malloclab;

import java.util.ArrayList;
import java.util.List;

/**
 * CS:APP's implicit free list allocator (3rd ed., §9.9.12, {@code mm.c}: {@code find_fit} with
 * first fit): there is no list of free blocks; the heap itself, read block by block through the
 * size in each header, is the list. Allocation walks it from the start and takes the first free
 * block that is large enough, splitting off the rest; free coalesces at once with boundary tags.
 *
 * <pre>
 *  heap_listp
 *   [pad][16|1][16|1][ 48|1 ...... ][ 96|0 ............ ][ 32|1 .. ][0|1]
 *                     ^ walk ------> ^ first free block with size >= asize
 * </pre>
 *
 * <p>Cost: malloc is linear in the number of blocks, free and allocated alike (the book's
 * Figure 9.44 lab scores it lowest on throughput). Registered as {@code "implicit"}.
 * Differs from glibc on purpose: glibc never walks the heap to allocate; it keeps binned free
 * lists (see {@link SegregatedFitAllocator}).
 */
public final class ImplicitListAllocator extends BoundaryTagAllocator {
    public static final String NAME = "implicit";

    /** CS:APP's defaults: the heap grows by at least {@link BoundaryTags#CHUNKSIZE} bytes. */
    public ImplicitListAllocator() {
        this(BoundaryTags.CHUNKSIZE);
    }

    /** An allocator whose heap grows by at least {@code chunkSize} bytes (a multiple of 16). */
    public ImplicitListAllocator(long chunkSize) {
        super(chunkSize);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** No roots: the implicit list needs only the alignment padding word. */
    @Override
    protected int metadataWords() {
        return 0;
    }

    /** First fit over every block in address order. */
    @Override
    protected long findFit(long asize) {
        for (long bp = tags.nextBlkp(heapListp); tags.blockSize(bp) > 0; bp = tags.nextBlkp(bp)) {
            if (!tags.isAllocated(bp) && tags.blockSize(bp) >= asize) {
                return bp;
            }
        }
        return 0;
    }

    @Override
    protected void insertFree(long bp) {
        // implicit list: a free block is found by walking the heap, nothing to link
    }

    @Override
    protected void removeFree(long bp) {
        // implicit list: nothing to unlink
    }

    /** The implicit list "lists" every free block, in address order. */
    @Override
    protected List<Long> freeListed() {
        List<Long> free = new ArrayList<>();
        for (HeapBlock b : blocks()) {
            if (!b.allocated()) {
                free.add(b.payload());
            }
        }
        return free;
    }
}
