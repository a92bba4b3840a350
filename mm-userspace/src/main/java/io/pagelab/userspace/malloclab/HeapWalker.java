package io.pagelab.userspace.malloclab;

import java.util.List;

/**
 * An allocator that can list its blocks, free and allocated, in address order, as CS:APP's
 * {@code mm_checkheap} walks the implicit list. {@link Fragmentation} measures any allocator that
 * implements it. Optional: an allocator that keeps no walkable layout (a pool, ptmalloc's mmapped
 * chunks) does not implement it.
 */
public interface HeapWalker {
    /** Every block between the prologue and the epilogue, lowest address first. */
    List<HeapBlock> blocks();
}
