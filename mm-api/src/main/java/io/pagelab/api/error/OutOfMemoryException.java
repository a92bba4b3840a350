package io.pagelab.api.error;

/**
 * No memory left for a request: the page allocator found no free block of the order asked for, a
 * slab cache could not get a new slab, an address space has no gap large enough (ENOMEM). The
 * message names the request (size or order, flags) and what is available.
 */
public final class OutOfMemoryException extends SimulationException {
    private final long requestedBytes;

    /**
     * @param requestedBytes the size asked for, in bytes
     * @param message the request and what was available
     */
    public OutOfMemoryException(long requestedBytes, String message) {
        super(message);
        this.requestedBytes = requestedBytes;
    }

    /** The size of the failed request in bytes. */
    public long requestedBytes() {
        return requestedBytes;
    }
}
