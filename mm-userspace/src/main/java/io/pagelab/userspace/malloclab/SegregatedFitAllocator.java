package io.pagelab.userspace.malloclab;

import static io.pagelab.userspace.malloclab.BoundaryTags.WSIZE;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Segregated fits (CS:APP 3rd ed., §9.9.14): one explicit free list per size class, classes by
 * powers of two, best fit inside a class. A request looks in its own class first and then in
 * larger ones; any block of a larger class fits, so the search ends at the first non-empty class
 * that holds a fitting block. Splitting and coalescing as in the explicit list; a block always
 * lives in the class of its current size. The class roots are the first {@link #CLASSES} heap
 * words, in the process.
 *
 * <pre>
 *  class:  0       1        2         ...  13              14
 *  sizes:  32..63  64..127  128..255  ...  256K..512K-16   512K and up
 *  index = floor(log2(size)) - 5, at most 14
 * </pre>
 *
 * <p>This is the shape of glibc's malloc (malloc/malloc.c: small bins of one size each, large
 * bins of growing ranges searched best fit), without its fast bins, tcache, unsorted bin and
 * mmapped chunks: see the ptmalloc model for those. Best fit within power-of-two classes comes
 * close to best fit over the whole heap (CS:APP) at the cost of a scan of one class. Registered
 * as {@code "segregated"}.
 */
public final class SegregatedFitAllocator extends BoundaryTagAllocator {
    public static final String NAME = "segregated";
    /** Number of size classes (odd, so that roots plus prologue keep payloads 16-byte aligned). */
    public static final int CLASSES = 15;

    /** CS:APP's defaults: the heap grows by at least {@link BoundaryTags#CHUNKSIZE} bytes. */
    public SegregatedFitAllocator() {
        this(BoundaryTags.CHUNKSIZE);
    }

    /** An allocator whose heap grows by at least {@code chunkSize} bytes (a multiple of 16). */
    public SegregatedFitAllocator(long chunkSize) {
        super(chunkSize);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    protected int metadataWords() {
        return CLASSES;
    }

    /** The size class of a block of {@code size} bytes (32 and up): floor(log2(size)) - 5, capped. */
    public static int sizeClass(long size) {
        int log2 = 63 - Long.numberOfLeadingZeros(size);
        return Math.min(Math.max(log2 - 5, 0), CLASSES - 1);
    }

    /** Best fit in the request's class, else best fit in the first larger class that has a block. */
    @Override
    protected long findFit(long asize) {
        for (int c = sizeClass(asize); c < CLASSES; c++) {
            long best = 0;
            long bestSize = Long.MAX_VALUE;
            for (long bp = root(c); bp != 0; bp = tags.get(bp + WSIZE)) {
                long size = tags.blockSize(bp);
                if (size >= asize && size < bestSize) {
                    best = bp;
                    bestSize = size;
                    if (size == asize) {
                        return bp;
                    }
                }
            }
            if (best != 0) {
                return best;
            }
        }
        return 0;
    }

    /** LIFO insert into the block's class. */
    @Override
    protected void insertFree(long bp) {
        pushFree(rootAddress(sizeClass(tags.blockSize(bp))), bp);
    }

    @Override
    protected void removeFree(long bp) {
        unlinkFree(rootAddress(sizeClass(tags.blockSize(bp))), bp);
    }

    /** Every class list from class 0 up, stopping each at a cycle. */
    @Override
    protected List<Long> freeListed() {
        List<Long> list = new ArrayList<>();
        for (int c = 0; c < CLASSES; c++) {
            Set<Long> seen = new HashSet<>();
            for (long bp = root(c); bp != 0; bp = tags.get(bp + WSIZE)) {
                list.add(bp);
                if (!seen.add(bp)) {
                    break;
                }
            }
        }
        return list;
    }

    /** The free blocks listed in class {@code c} whose size belongs to another class. */
    List<Long> misfiled(int c) {
        List<Long> wrong = new ArrayList<>();
        for (long bp = root(c); bp != 0 && wrong.size() < 100; bp = tags.get(bp + WSIZE)) {
            if (sizeClass(tags.blockSize(bp)) != c) {
                wrong.add(bp);
            }
        }
        return wrong;
    }

    private long rootAddress(int sizeClass) {
        return heapBase + (long) sizeClass * WSIZE;
    }

    private long root(int sizeClass) {
        return tags.get(rootAddress(sizeClass));
    }
}
