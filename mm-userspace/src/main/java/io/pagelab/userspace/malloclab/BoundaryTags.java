package io.pagelab.userspace.malloclab;

import io.pagelab.api.AddressSpace;
import io.pagelab.api.error.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The block format and heap primitives of CS:APP's malloc lab (3rd ed., §9.9.12: the {@code PACK},
 * {@code GET}, {@code PUT}, {@code HDRP}, {@code FTRP}, {@code NEXT_BLKP}, {@code PREV_BLKP}
 * macros of {@code mm.c} and {@code memlib.c}'s {@code mem_sbrk}), for x86-64: 8-byte boundary
 * tags, 16-byte alignment (glibc's {@code MALLOC_ALIGNMENT} on x86-64). Every word lives in the
 * simulated process and is read and written through {@link AddressSpace#readLong}/{@link
 * AddressSpace#writeLong}, as the real allocator's would be.
 *
 * <pre>
 *  one block (size a multiple of 16, at least 32)          header/footer word
 *                                                          63 ............ 4  3..1  0
 *  hdr  bp-8  [ size | a ]                                 [    size >> 4    | 000 | a ]
 *  bp         payload (free blocks: pred, succ pointers)   a = 1 allocated, 0 free
 *  ftr  bp+size-16 [ size | a ]   (same word as the header)
 *
 *  the heap (start_brk is page aligned)
 *  start_brk  [ M metadata words: free-list roots ][ pad? ][ prologue 16|1 ][ 16|1 ][ blocks... ][ epilogue 0|1 ]
 *                                                             hdr at 8 mod 16        payloads at 0 mod 16
 * </pre>
 *
 * <p>Differs from CS:APP on purpose: words are 8 bytes and payloads 16-byte aligned (the book's
 * 32-bit mm.c uses 4 and 8), so the minimum block is 32 bytes: header, two free-list pointers,
 * footer. The metadata words before the prologue hold the allocator's free-list roots, so all
 * of its state is in the process.
 */
public final class BoundaryTags {
    /** Word size: one header or footer ({@code WSIZE}). */
    public static final int WSIZE = 8;
    /** Double word ({@code DSIZE}): header + footer overhead of one block. */
    public static final int DSIZE = 16;
    /** Payload alignment on x86-64 (glibc {@code MALLOC_ALIGNMENT} = 2 * SIZE_SZ = 16). */
    public static final int ALIGNMENT = 16;
    /** Smallest block: header, pred, succ, footer. */
    public static final int MIN_BLOCK = 32;
    /** CS:APP's {@code CHUNKSIZE}: extend the heap by at least 4 KiB at a time. */
    public static final long CHUNKSIZE = 1 << 12;
    /** Largest request served; anything larger cannot be rounded without overflow: malloc returns 0. */
    public static final long MAX_REQUEST = 1L << 48;

    private final AddressSpace process;

    public BoundaryTags(AddressSpace process) {
        this.process = Objects.requireNonNull(process, "process");
    }

    public AddressSpace process() {
        return process;
    }

    /** {@code PACK(size, alloc)}: a header/footer word. */
    public static long pack(long size, boolean allocated) {
        return size | (allocated ? 1 : 0);
    }

    /**
     * The block size for a request of {@code size} bytes: payload plus header and footer, rounded
     * up to 16, at least {@link #MIN_BLOCK} (mm.c: {@code asize}).
     */
    public static long adjustedSize(long size) {
        InvalidArgumentException.check(size >= 0 && size <= MAX_REQUEST,
                "request of %s bytes: sizes go from 0 to %s", size, MAX_REQUEST);
        return Math.max(MIN_BLOCK, alignUp(size + DSIZE));
    }

    /** {@code v} rounded up to a multiple of {@link #ALIGNMENT}. */
    public static long alignUp(long v) {
        return (v + ALIGNMENT - 1) & -ALIGNMENT;
    }

    /** {@code GET(p)}. */
    public long get(long addr) {
        return process.readLong(addr);
    }

    /** {@code PUT(p, val)}. */
    public void put(long addr, long value) {
        process.writeLong(addr, value);
    }

    /** {@code HDRP(bp)}. */
    public static long hdrp(long bp) {
        return bp - WSIZE;
    }

    /** {@code FTRP(bp)}. */
    public long ftrp(long bp) {
        return bp + blockSize(bp) - DSIZE;
    }

    /** {@code GET_SIZE(HDRP(bp))}. */
    public long blockSize(long bp) {
        return get(hdrp(bp)) & ~0xfL;
    }

    /** {@code GET_ALLOC(HDRP(bp))}. */
    public boolean isAllocated(long bp) {
        return (get(hdrp(bp)) & 1) != 0;
    }

    /** {@code NEXT_BLKP(bp)}. */
    public long nextBlkp(long bp) {
        return bp + blockSize(bp);
    }

    /** {@code PREV_BLKP(bp)}: reads the previous block's footer, just below this header. */
    public long prevBlkp(long bp) {
        return bp - (get(bp - DSIZE) & ~0xfL);
    }

    /** Whether the block before {@code bp} is allocated (its footer's low bit). */
    public boolean isPrevAllocated(long bp) {
        return (get(bp - DSIZE) & 1) != 0;
    }

    /** Writes the header and the footer of the block at {@code bp}. */
    public void setBlock(long bp, long size, boolean allocated) {
        put(hdrp(bp), pack(size, allocated));
        put(bp + size - DSIZE, pack(size, allocated));
    }

    /** The current program break ({@code brk(0)}). */
    public long brk() {
        return process.brk(0);
    }

    /**
     * {@code mem_sbrk(incr)}: moves the break up by {@code incr} bytes and returns the old break,
     * or -1 when the process refuses (the kernel's brk left the break where it was).
     */
    public long sbrk(long incr) {
        long old = process.brk(0);
        long want = old + incr;
        return process.brk(want) == want ? old : -1;
    }

    /**
     * Copies {@code n} payload bytes from {@code src} to {@code dst} a word at a time (both 16-byte
     * aligned payloads whose blocks hold {@code n} rounded up to 8).
     */
    public void copy(long src, long dst, long n) {
        for (long off = 0; off < n; off += WSIZE) {
            put(dst + off, get(src + off));
        }
    }

    /** Every block from {@code firstBp} up to the epilogue (a size-0 header), in address order. */
    public List<HeapBlock> walk(long firstBp) {
        List<HeapBlock> blocks = new ArrayList<>();
        for (long bp = firstBp; blockSize(bp) > 0; bp = nextBlkp(bp)) {
            blocks.add(new HeapBlock(bp, blockSize(bp), isAllocated(bp)));
        }
        return blocks;
    }
}
