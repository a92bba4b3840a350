package io.pagelab.kernel.memblock;

/**
 * One range produced by {@code for_each_free_mem_range()}: a piece of {@code memblock.memory} not
 * covered by {@code memblock.reserved}.
 *
 * @param start first free byte
 * @param end   one past the last free byte
 * @param nid   node of the memory region it lies in
 */
public record FreeRange(long start, long end, int nid) {
    public long size() {
        return end - start;
    }
}
