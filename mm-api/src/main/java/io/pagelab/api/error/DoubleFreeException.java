package io.pagelab.api.error;

/**
 * Freeing memory that is already free: a page block returned twice to the buddy allocator, an
 * object freed twice to a slab cache, a block freed twice to a simple allocator. Where Linux has a
 * check that catches it, the message follows that check (mm/slub.c: free_consistency_checks()
 * "Object already free").
 *
 * <p>glibc's malloc is the exception: every check it makes, double frees included ("free(): double
 * free detected in tcache 2", "double free or corruption (fasttop)"), ends in malloc_printerr() and
 * abort(), and cannot tell a double free from overwritten metadata; the ptmalloc model raises all
 * of them as {@link MemoryCorruptionException} with glibc's exact text.
 */
public final class DoubleFreeException extends SimulationException {
    private final long address;

    /**
     * @param address the address freed twice (for page frames, the physical address
     *     {@code pfn << PAGE_SHIFT})
     * @param message what was freed twice, in hex, and what the caller may free
     */
    public DoubleFreeException(long address, String message) {
        super(message);
        this.address = address;
    }

    /** The address freed twice (for page frames {@code pfn << PAGE_SHIFT}). */
    public long address() {
        return address;
    }
}
