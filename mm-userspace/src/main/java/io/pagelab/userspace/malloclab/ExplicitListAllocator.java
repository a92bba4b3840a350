package io.pagelab.userspace.malloclab;

import static io.pagelab.userspace.malloclab.BoundaryTags.WSIZE;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * CS:APP's explicit free list (3rd ed., §9.9.13): free blocks are linked by two pointers kept in
 * their own payload, so malloc looks at free blocks only. LIFO order: a freed (or coalesced)
 * block goes to the front of the list, and allocation takes the first block that fits (first
 * fit in LIFO order). The list root is the first heap word, in the process.
 *
 * <pre>
 *  free block                      root (heap word 0)
 *  bp-8  [ size | 0 ]                 |
 *  bp    [ pred ]  previous free block (0 at the front)
 *  bp+8  [ succ ]  next free block (0 at the end)
 *        ...
 *        [ size | 0 ]
 * </pre>
 *
 * <p>Cost: malloc is linear in the number of <em>free</em> blocks; free is constant time (LIFO
 * insert plus at most two unlinks when coalescing). Registered as {@code "explicit"}. LIFO is
 * simple and fast but keeps more fragmentation than address-ordered first fit (the book cites
 * that trade-off); glibc's unsorted bin is also LIFO-fed.
 */
public final class ExplicitListAllocator extends BoundaryTagAllocator {
    public static final String NAME = "explicit";

    /** CS:APP's defaults: the heap grows by at least {@link BoundaryTags#CHUNKSIZE} bytes. */
    public ExplicitListAllocator() {
        this(BoundaryTags.CHUNKSIZE);
    }

    /** An allocator whose heap grows by at least {@code chunkSize} bytes (a multiple of 16). */
    public ExplicitListAllocator(long chunkSize) {
        super(chunkSize);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** One word: the free-list root. */
    @Override
    protected int metadataWords() {
        return 1;
    }

    /** First fit along the free list, most recently freed first. */
    @Override
    protected long findFit(long asize) {
        for (long bp = root(); bp != 0; bp = succ(bp)) {
            if (tags.blockSize(bp) >= asize) {
                return bp;
            }
        }
        return 0;
    }

    /** LIFO: the block becomes the new front of the list. */
    @Override
    protected void insertFree(long bp) {
        pushFree(heapBase, bp);
    }

    @Override
    protected void removeFree(long bp) {
        unlinkFree(heapBase, bp);
    }

    /** The free list from the root, stopping at a cycle. */
    @Override
    protected List<Long> freeListed() {
        List<Long> list = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        for (long bp = root(); bp != 0; bp = succ(bp)) {
            list.add(bp);
            if (!seen.add(bp)) {
                break;
            }
        }
        return list;
    }

    private long root() {
        return tags.get(heapBase);
    }

    private long succ(long bp) {
        return tags.get(bp + WSIZE);
    }
}
