package io.pagelab.questions.q04;

import io.pagelab.exercise.Todo;
import io.pagelab.hardware.firmware.E820Entry;
import java.util.List;

/**
 * Q4 kernel映像如何隐匿自己的位置？ How does the kernel image hide its location?
 *
 * <p>With KASLR (CONFIG_RANDOMIZE_BASE) the decompressor picks a random place for the kernel before
 * extracting it: arch/x86/boot/compressed/kaslr.c: choose_random_location(). On x86-64 it chooses
 * twice, independently: a physical address among all the aligned places in usable RAM that can hold
 * the image, and a virtual offset inside the kernel mapping. The "nokaslr" boot option turns it off.
 * KASLR 在解压前随机选择内核的物理地址和虚拟地址：先数出所有可放下内核的对齐位置（slot），再随机取一个。
 *
 * <p>Your task, following kaslr.c:
 * <ul>
 *   <li>{@link #slotAreas}: process_e820_entries() + process_mem_region(). Round {@code minimum} up to
 *       {@code align} first. For each usable (type RAM) entry, in order: skip it when its end is below
 *       the minimum. Then repeat: raise the region's start to the minimum, round it up to
 *       {@code align}; stop when that passes the entry's end or the region left is smaller than the
 *       image. If no avoided range overlaps the region, store it and stop. Otherwise take the
 *       overlapping range with the LOWEST start: store the piece before it if
 *       {@code overlap.start >= region.start + imageSize} (Linux 5.9+; older kernels used a strict
 *       {@code >} and dropped a piece exactly as large as the image); stop if the overlap reaches the
 *       region's end; else continue with the region after the overlap. Storing a piece of
 *       {@code size} bytes at {@code start} adds {@code Area(start, (size - imageSize) / align + 1)}.
 *       Two ranges overlap unless one ends at or before the other starts.</li>
 *   <li>{@link #physicalAddress}: slots_fetch_random(). The slots are numbered across the areas in
 *       order; slot = {@code random % total} with {@code random} read as UNSIGNED
 *       ({@link Long#remainderUnsigned}); return that slot's address, or 0 when there is no slot.</li>
 *   <li>{@link #virtualSlots} and {@link #virtualOffset}: find_random_virt_addr(). Round the minimum
 *       and the image size up to {@code align}; slots = (kernelImageSize - minimum - imageSize) / align
 *       + 1; the offset is {@code (random % slots) * align + minimum}, random again unsigned.</li>
 * </ul>
 *
 * <p>Do not call io.pagelab.kernel.kaslr: it is the library's own copy of this code.
 *
 * <p>Run {@code ./pagelab grade q04} to check your work.
 */
public final class KaslrSlots {

    private KaslrSlots() {
    }

    /** A physical range {@code [start, start + size)} the kernel must not overlap (given complete). */
    public record Range(long start, long size) {
    }

    /** {@code num} slots {@code addr, addr + align, ...} (given complete). */
    public record Area(long addr, long num) {
    }

    /** The slot areas of the usable RAM in {@code e820}, in the order kaslr.c stores them. */
    public static List<Area> slotAreas(List<E820Entry> e820, long minimum, long imageSize, long align,
                                       List<Range> avoid) {
        throw new Todo("q04/KaslrSlots.java");
    }

    /** The address of slot {@code random % total} (unsigned), or 0 when there are no slots. */
    public static long physicalAddress(List<Area> areas, long align, long random) {
        throw new Todo("q04/KaslrSlots.java");
    }

    /** How many virtual offsets an image of {@code imageSize} bytes can take. */
    public static long virtualSlots(long minimum, long imageSize, long kernelImageSize, long align) {
        throw new Todo("q04/KaslrSlots.java");
    }

    /** find_random_virt_addr(): the virtual offset (from __START_KERNEL_map) chosen by {@code random}. */
    public static long virtualOffset(long minimum, long imageSize, long kernelImageSize, long align, long random) {
        throw new Todo("q04/KaslrSlots.java");
    }
}
