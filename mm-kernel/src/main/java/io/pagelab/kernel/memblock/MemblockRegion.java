package io.pagelab.kernel.memblock;

/**
 * One {@code struct memblock_region}: {@code [base, base + size)} with its flags and node.
 *
 * @param base  first byte
 * @param size  length in bytes
 * @param flags {@code enum memblock_flags} bits ({@link Memblock#MEMBLOCK_NOMAP}...)
 * @param nid   node id, {@link Memblock#MAX_NUMNODES} while unassigned
 */
public record MemblockRegion(long base, long size, int flags, int nid) {
    /** One past the last byte. */
    public long end() {
        return base + size;
    }
}
