package io.pagelab.kernel.kaslr;

/**
 * One region kernel_randomize_memory() placed: {@code struct kaslr_memory_region} after the loop.
 *
 * @param name the variable the kernel sets: page_offset_base, vmalloc_base or vmemmap_base
 * @param base the chosen base (PUD_SIZE, 1 GiB, aligned)
 * @param sizeTb size_tb: the room kept for the region, in terabytes (1 &lt;&lt; 40 bytes)
 * @param entropy the random part added before the region, in bytes (a multiple of 1 GiB)
 */
public record RandomizedRegion(String name, long base, long sizeTb, long entropy) {

    /** size_tb in bytes. */
    public long sizeBytes() {
        return sizeTb << 40;
    }
}
