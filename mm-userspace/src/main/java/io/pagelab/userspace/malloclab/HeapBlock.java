package io.pagelab.userspace.malloclab;

import com.google.common.base.Preconditions;

/**
 * One block of a boundary-tag heap as {@link HeapWalker} reports it.
 *
 * @param payload   the payload address (CS:APP's {@code bp}); the header sits 8 bytes below
 * @param size      the whole block, header and footer included (a multiple of 16, at least 32)
 * @param allocated whether the block is in use
 */
public record HeapBlock(long payload, long size, boolean allocated) {
    public HeapBlock {
        Preconditions.checkArgument(size > 0 && size % BoundaryTags.ALIGNMENT == 0,
                "block size %s must be a positive multiple of %s", size, BoundaryTags.ALIGNMENT);
    }

    /** The address of the header word ({@code HDRP(bp)}). */
    public long header() {
        return payload - BoundaryTags.WSIZE;
    }

    /** One past the last byte of the block: the next block's header. */
    public long end() {
        return header() + size;
    }
}
