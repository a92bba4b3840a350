package io.pagelab.userspace.malloclab;

import static io.pagelab.userspace.malloclab.BoundaryTags.DSIZE;
import static io.pagelab.userspace.malloclab.BoundaryTags.MIN_BLOCK;
import static io.pagelab.userspace.malloclab.BoundaryTags.WSIZE;

import com.google.common.base.Preconditions;
import io.pagelab.api.AddressSpace;
import io.pagelab.api.error.BadAddressException;
import io.pagelab.api.error.DoubleFreeException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part of CS:APP's {@code mm.c} (3rd ed., §9.9.12) that every boundary-tag allocator shares:
 * {@code mm_init} (prologue and epilogue), {@code extend_heap}, {@code mm_malloc}, {@code place}
 * (split when the rest can hold a minimum block), {@code mm_free}, {@code coalesce} (the four
 * boundary-tag cases of Figure 9.40) and {@code mm_realloc}. A subclass says only how free blocks
 * are found: {@link #findFit} and, if it keeps a free list, {@link #insertFree}/{@link
 * #removeFree} on the roots it keeps in the {@link #metadataWords()} words at the start of the
 * heap (see {@link BoundaryTags} for the layout).
 *
 * <pre>
 *  malloc(n):  asize = max(32, align16(n + 16))
 *              bp = findFit(asize) or extendHeap(max(asize, chunk))   (0 if brk refuses)
 *              place(bp, asize): take bp off the free list, split off the rest if >= 32 bytes
 *  free(bp):   mark free, coalesce with free neighbours (footers tell us about the previous block)
 *  realloc:    shrink in place; grow into a free next block or past the break; else move
 * </pre>
 *
 * <p>Differs from CS:APP on purpose: {@code mm_init} does not pre-extend the heap (the first
 * malloc does), so a heap's size is easy to work out by hand; realloc grows in place into the
 * next free block or, at the end of the heap, by moving the break (the book leaves realloc as an
 * exercise); free and realloc check their pointer and throw where glibc would abort.
 */
public abstract class BoundaryTagAllocator implements HeapAllocator, HeapWalker {
    private static final Logger log = LoggerFactory.getLogger(BoundaryTagAllocator.class);

    private final long chunkSize;
    /** The helper bound to the process; null until {@link #init}. */
    protected BoundaryTags tags;
    /** Start of the heap: the metadata words (free-list roots). */
    protected long heapBase;
    /** CS:APP's {@code heap_listp}: the prologue block's bp. */
    protected long heapListp;

    /**
     * @param chunkSize the least the heap grows by when no free block fits (CS:APP: 4096); a
     *     positive multiple of 16
     */
    protected BoundaryTagAllocator(long chunkSize) {
        Preconditions.checkArgument(chunkSize > 0 && chunkSize % BoundaryTags.ALIGNMENT == 0,
                "chunk size %s must be a positive multiple of %s", chunkSize, BoundaryTags.ALIGNMENT);
        this.chunkSize = chunkSize;
    }

    /** How many words before the prologue the subclass keeps for its free-list roots. */
    protected abstract int metadataWords();

    /** A free block of at least {@code asize} bytes, or 0 when none fits. */
    protected abstract long findFit(long asize);

    /** Puts the free block {@code bp} (tags already written) on the free list. */
    protected abstract void insertFree(long bp);

    /** Takes the free block {@code bp} off the free list. */
    protected abstract void removeFree(long bp);

    /** Every block on the free list(s), in list order (the implicit list: every free block). */
    protected abstract List<Long> freeListed();

    /**
     * LIFO insertion of free block {@code bp} into the doubly linked list whose head pointer is
     * stored at {@code rootAddr} (pred at bp, succ at bp + 8, both in process memory).
     */
    protected final void pushFree(long rootAddr, long bp) {
        long first = tags.get(rootAddr);
        tags.put(bp, 0);
        tags.put(bp + BoundaryTags.WSIZE, first);
        if (first != 0) {
            tags.put(first, bp);
        }
        tags.put(rootAddr, bp);
    }

    /** Unlinks free block {@code bp} from the list whose head pointer is stored at {@code rootAddr}. */
    protected final void unlinkFree(long rootAddr, long bp) {
        long pred = tags.get(bp);
        long succ = tags.get(bp + BoundaryTags.WSIZE);
        if (pred == 0) {
            tags.put(rootAddr, succ);
        } else {
            tags.put(pred + BoundaryTags.WSIZE, succ);
        }
        if (succ != 0) {
            tags.put(succ, pred);
        }
    }

    /**
     * CS:APP's {@code mm_checkheap}: every block's header equals its footer and its size is a
     * multiple of 16 of at least 32, no two free blocks are adjacent (coalescing is immediate),
     * and the free lists hold exactly the free blocks, each once.
     *
     * @return the problems found, in plain words; empty when the heap is consistent
     */
    public List<String> checkHeap() {
        checkInitialised();
        List<String> problems = new java.util.ArrayList<>();
        java.util.Set<Long> free = new java.util.HashSet<>();
        boolean prevFree = false;
        for (long bp = tags.nextBlkp(heapListp); tags.blockSize(bp) > 0; bp = tags.nextBlkp(bp)) {
            long size = tags.blockSize(bp);
            if (size < MIN_BLOCK || size % BoundaryTags.ALIGNMENT != 0) {
                problems.add("block " + hex(bp) + " has size " + size + ": not a multiple of 16 of at least 32");
                break;
            }
            if (tags.get(BoundaryTags.hdrp(bp)) != tags.get(tags.ftrp(bp))) {
                problems.add("block " + hex(bp) + ": header and footer differ");
            }
            boolean isFree = !tags.isAllocated(bp);
            if (isFree && prevFree) {
                problems.add("block " + hex(bp) + " is free and so is the block before it: not coalesced");
            }
            if (isFree) {
                free.add(bp);
            }
            prevFree = isFree;
        }
        List<Long> listed = freeListed();
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (long bp : listed) {
            if (!seen.add(bp)) {
                problems.add("block " + hex(bp) + " is on the free list twice");
            } else if (!free.contains(bp)) {
                problems.add("block " + hex(bp) + " is on the free list but is not a free block");
            }
        }
        for (long bp : free) {
            if (!seen.contains(bp)) {
                problems.add("free block " + hex(bp) + " is on no free list: its memory is lost");
            }
        }
        return problems;
    }

    @Override
    public void init(AddressSpace process) {
        Preconditions.checkState(tags == null, "%s allocator already initialised", name());
        BoundaryTags t = new BoundaryTags(process);
        long start = t.brk();
        // the prologue header must sit at 8 mod 16 so that every payload is 16-byte aligned
        long lead = BoundaryTags.alignUp(start) - start;
        int words = metadataWords();
        long pad = (words % 2 == 0) ? WSIZE : 0;
        long base = t.sbrk(lead + (long) words * WSIZE + pad + 3 * WSIZE);
        if (base == -1) {
            throw new io.pagelab.api.error.OutOfMemoryException(lead + words * WSIZE + pad + 3 * WSIZE,
                    "mm_init: brk refused to grow the heap for the prologue");
        }
        tags = t;
        heapBase = base + lead;
        for (int i = 0; i < words; i++) {
            t.put(heapBase + (long) i * WSIZE, 0);
        }
        long prologueHdr = heapBase + (long) words * WSIZE + pad;
        t.put(prologueHdr, BoundaryTags.pack(DSIZE, true));
        t.put(prologueHdr + WSIZE, BoundaryTags.pack(DSIZE, true));
        t.put(prologueHdr + 2 * WSIZE, BoundaryTags.pack(0, true));
        heapListp = prologueHdr + WSIZE;
        log.debug("{}: heap at {}, prologue bp {}", name(), hex(heapBase), hex(heapListp));
    }

    @Override
    public long malloc(long size) {
        checkInitialised();
        if (size < 0 || size > BoundaryTags.MAX_REQUEST) {
            log.debug("{}: malloc({}) refused: size out of range", name(), size);
            return 0;
        }
        long asize = BoundaryTags.adjustedSize(size);
        long bp = findFit(asize);
        if (bp == 0) {
            bp = extendHeap(Math.max(asize, chunkSize));
            if (bp == 0) {
                return 0;
            }
        }
        place(bp, asize);
        log.debug("{}: malloc({}) = {} (block {} bytes)", name(), size, hex(bp), tags.blockSize(bp));
        return bp;
    }

    @Override
    public void free(long ptr) {
        if (ptr == 0) {
            return;
        }
        checkInitialised();
        checkLiveBlock("free", ptr);
        tags.setBlock(ptr, tags.blockSize(ptr), false);
        coalesce(ptr);
        log.debug("{}: free({})", name(), hex(ptr));
    }

    @Override
    public long realloc(long ptr, long size) {
        if (ptr == 0) {
            return malloc(size);
        }
        checkInitialised();
        checkLiveBlock("realloc", ptr);
        if (size == 0) {
            free(ptr);
            return 0;
        }
        if (size < 0 || size > BoundaryTags.MAX_REQUEST) {
            return 0;
        }
        long asize = BoundaryTags.adjustedSize(size);
        long csize = tags.blockSize(ptr);
        if (asize <= csize) {
            shrinkInPlace(ptr, asize);
            return ptr;
        }
        long next = tags.nextBlkp(ptr);
        long nsize = tags.isAllocated(next) ? 0 : tags.blockSize(next);
        boolean nextIsLast = nsize == 0 ? tags.blockSize(next) == 0 : tags.blockSize(next + nsize) == 0;
        if (csize + nsize >= asize || nextIsLast) {
            boolean grewBreak = csize + nsize < asize;
            if (grewBreak && tags.sbrk(asize - csize - nsize) == -1) {
                return moveBlock(ptr, size, csize);
            }
            if (nsize > 0) {
                removeFree(next);
            }
            long grown = Math.max(csize + nsize, asize);
            tags.setBlock(ptr, grown, true);
            if (grewBreak) {                   // the old epilogue is inside the block now: a new one at the end
                tags.put(BoundaryTags.hdrp(ptr + grown), BoundaryTags.pack(0, true));
            }
            shrinkInPlace(ptr, asize);
            return ptr;
        }
        return moveBlock(ptr, size, csize);
    }

    @Override
    public List<HeapBlock> blocks() {
        checkInitialised();
        return tags.walk(tags.nextBlkp(heapListp));
    }

    /** CS:APP {@code extend_heap}: a new free block of {@code size} bytes past the old epilogue, coalesced. */
    protected long extendHeap(long size) {
        long bp = tags.sbrk(size);
        if (bp == -1) {
            log.debug("{}: brk refused {} more bytes", name(), size);
            return 0;
        }
        // the old epilogue header becomes the new block's header
        tags.setBlock(bp, size, false);
        tags.put(BoundaryTags.hdrp(bp + size), BoundaryTags.pack(0, true));
        return coalesce(bp);
    }

    /** CS:APP {@code place}: allocate {@code asize} bytes of the free block {@code bp}, splitting off the rest. */
    protected void place(long bp, long asize) {
        removeFree(bp);
        long csize = tags.blockSize(bp);
        if (csize - asize >= MIN_BLOCK) {
            tags.setBlock(bp, asize, true);
            long rest = bp + asize;
            tags.setBlock(rest, csize - asize, false);
            insertFree(rest);
        } else {
            tags.setBlock(bp, csize, true);
        }
    }

    /**
     * CS:APP {@code coalesce}: merges the free block {@code bp} (not on the free list yet) with a
     * free previous and/or next block, puts the result on the free list and returns it.
     */
    protected long coalesce(long bp) {
        boolean prevAlloc = tags.isPrevAllocated(bp);
        long next = tags.nextBlkp(bp);
        boolean nextAlloc = tags.isAllocated(next);
        long size = tags.blockSize(bp);
        if (!nextAlloc) {                      // cases 2 and 4: absorb the next block
            removeFree(next);
            size += tags.blockSize(next);
        }
        if (!prevAlloc) {                      // cases 3 and 4: the previous block absorbs us
            long prev = tags.prevBlkp(bp);
            removeFree(prev);
            size += tags.blockSize(prev);
            bp = prev;
        }
        tags.setBlock(bp, size, false);        // case 1 (both allocated) just rewrites the tags
        insertFree(bp);
        return bp;
    }

    private void shrinkInPlace(long bp, long asize) {
        long csize = tags.blockSize(bp);
        if (csize - asize >= MIN_BLOCK) {
            tags.setBlock(bp, asize, true);
            long rest = bp + asize;
            tags.setBlock(rest, csize - asize, false);
            coalesce(rest);
        }
    }

    private long moveBlock(long ptr, long size, long csize) {
        long fresh = malloc(size);
        if (fresh == 0) {
            return 0;                          // C: the old block is left untouched
        }
        tags.copy(ptr, fresh, Math.min(size, csize - DSIZE));
        free(ptr);
        return fresh;
    }

    /** glibc-style pointer checks before free/realloc touch anything. */
    private void checkLiveBlock(String op, long ptr) {
        long end = tags.brk() - WSIZE;         // the epilogue header
        if ((ptr & (BoundaryTags.ALIGNMENT - 1)) != 0 || ptr <= heapListp || ptr >= end) {
            throw new BadAddressException(ptr, op + "(): invalid pointer " + hex(ptr)
                    + ": not a 16-byte aligned payload inside the heap [" + hex(heapListp) + ", " + hex(end) + ")");
        }
        long header = tags.get(BoundaryTags.hdrp(ptr));
        long size = header & ~0xfL;
        if (size < MIN_BLOCK || (size & 0xf) != 0 || ptr - WSIZE + size > end
                || tags.get(ptr + size - DSIZE) != header) {
            throw new BadAddressException(ptr, op + "(): invalid pointer " + hex(ptr)
                    + ": no block header and matching footer there (was it returned by malloc?)");
        }
        if ((header & 1) == 0) {
            throw new DoubleFreeException(ptr, op + "(): double free detected: block " + hex(ptr)
                    + " is already free");
        }
    }

    private void checkInitialised() {
        Preconditions.checkState(tags != null, "%s allocator used before init(process)", name());
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
