package io.pagelab.kernel.page;

/**
 * Heap bytes the memmap's arrays take, by owner, counted from the array lengths plus one
 * {@link MemMap#ARRAY_HEADER_BYTES} header per array.
 *
 * @param frames        frames with a struct page
 * @param buddyBytes    the buddy allocator's share: state, free-list links, pageblock bits
 * @param refcountBytes {@code _refcount}
 * @param flagsBytes    {@code flags}
 * @param mapcountBytes {@code _mapcount} arrays created so far
 * @param lruBytes      {@code lru} prev/next arrays created so far (two per section that has linked a frame)
 */
public record MemMapFootprint(long frames, long buddyBytes, long refcountBytes, long flagsBytes, long mapcountBytes,
        long lruBytes) {
    /** A footprint without LRU arrays. */
    public MemMapFootprint(long frames, long buddyBytes, long refcountBytes, long flagsBytes, long mapcountBytes) {
        this(frames, buddyBytes, refcountBytes, flagsBytes, mapcountBytes, 0);
    }

    /** The buddy allocator's bytes per frame (Linux: 64 for the whole struct page). */
    public double buddyBytesPerFrame() {
        return frames == 0 ? 0 : (double) buddyBytes / frames;
    }

    /** All bytes per frame. */
    public double totalBytesPerFrame() {
        return frames == 0 ? 0 : (double) totalBytes() / frames;
    }

    /** All bytes. */
    public long totalBytes() {
        return buddyBytes + refcountBytes + flagsBytes + mapcountBytes + lruBytes;
    }
}
