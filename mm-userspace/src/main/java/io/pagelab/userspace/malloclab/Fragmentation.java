package io.pagelab.userspace.malloclab;

import com.google.common.base.Preconditions;
import java.util.Map;

/**
 * Internal and external fragmentation of a heap at one moment (CS:APP 3rd ed., §9.9.4).
 *
 * <ul>
 *   <li><b>Internal</b>: bytes inside allocated blocks that no request asked for: headers,
 *       footers, alignment padding, the rest of a block too small to split.
 *       {@code internal = sum(allocated block sizes) - sum(requested sizes)}.</li>
 *   <li><b>External</b>: free memory scattered in pieces too small for a large request.
 *       {@code external = 1 - largest free block / total free bytes}; 0 when the free memory is
 *       one block (or there is none), approaching 1 when it is many small blocks.</li>
 * </ul>
 *
 * <p>The allocator cannot know what was requested (its headers record block sizes only), so the
 * caller passes the requested size of every live payload, as the malloc-lab driver knows them
 * from the trace. Works for any allocator that is a {@link HeapWalker}.
 */
public final class Fragmentation {
    private Fragmentation() {
    }

    /**
     * The figures of one heap.
     *
     * @param allocatedBytes sum of the sizes of allocated blocks (headers and padding included)
     * @param requestedBytes sum of the requested sizes of the live payloads
     * @param freeBytes      sum of the sizes of free blocks
     * @param largestFree    the largest free block (0 if none)
     * @param freeBlocks     how many free blocks there are
     */
    public record Report(long allocatedBytes, long requestedBytes, long freeBytes, long largestFree,
                         int freeBlocks) {
        /** Allocated bytes that were not requested. */
        public long internal() {
            return allocatedBytes - requestedBytes;
        }

        /** {@code 1 - largestFree / freeBytes}, 0 when nothing is free. */
        public double external() {
            return freeBytes == 0 ? 0.0 : 1.0 - (double) largestFree / freeBytes;
        }
    }

    /**
     * Measures {@code heap}.
     *
     * @param requestedByPayload the requested size of every allocated block, keyed by its payload
     *     address; every allocated block must have an entry and every entry a block
     * @throws IllegalArgumentException naming the first block without a request, or request without
     *     a block, or a request larger than its block's payload
     */
    public static Report measure(HeapWalker heap, Map<Long, Long> requestedByPayload) {
        Preconditions.checkNotNull(heap, "heap must not be null");
        Preconditions.checkNotNull(requestedByPayload, "requestedByPayload must not be null");
        long allocated = 0;
        long requested = 0;
        long free = 0;
        long largest = 0;
        int freeBlocks = 0;
        int live = 0;
        for (HeapBlock b : heap.blocks()) {
            if (b.allocated()) {
                Long want = requestedByPayload.get(b.payload());
                Preconditions.checkArgument(want != null,
                        "allocated block at 0x%s (%s bytes) has no requested size; pass one for every live payload",
                        Long.toHexString(b.payload()), b.size());
                Preconditions.checkArgument(want >= 0 && want <= b.size() - BoundaryTags.DSIZE,
                        "request of %s bytes cannot live in the %s-byte block at 0x%s (payload at most size - 16)",
                        want, b.size(), Long.toHexString(b.payload()));
                allocated += b.size();
                requested += want;
                live++;
            } else {
                free += b.size();
                largest = Math.max(largest, b.size());
                freeBlocks++;
            }
        }
        Preconditions.checkArgument(live == requestedByPayload.size(),
                "%s requested sizes given but the heap has %s allocated blocks; some payload is not a live block",
                requestedByPayload.size(), live);
        return new Report(allocated, requested, free, largest, freeBlocks);
    }
}
