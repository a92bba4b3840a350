package io.pagelab.kernel.kaslr;

/**
 * {@code struct slot_area} of kaslr.c: {@code num} candidate load addresses
 * {@code addr, addr + align, ..., addr + (num - 1) * align}, each with room for the whole image.
 *
 * @param addr the first slot
 * @param num how many slots
 */
public record SlotArea(long addr, long num) {
}
