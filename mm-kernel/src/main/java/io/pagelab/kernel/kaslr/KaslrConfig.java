package io.pagelab.kernel.kaslr;

import io.pagelab.api.error.InvalidArgumentException;

/**
 * The build options that decide where the kernel runs (arch/x86/Kconfig, Linux 6.x):
 *
 * <pre>
 *  CONFIG_PHYSICAL_START   0x1000000 (16 MiB)  where a non-relocated kernel runs
 *  CONFIG_PHYSICAL_ALIGN   0x200000  (2 MiB)   alignment of the physical and virtual start;
 *                                              on x86-64 a multiple of 2 MiB
 *  LOAD_PHYSICAL_ADDR = ALIGN(CONFIG_PHYSICAL_START, CONFIG_PHYSICAL_ALIGN)   (page_types.h)
 *  KERNEL_IMAGE_SIZE       1 GiB with CONFIG_RANDOMIZE_BASE, 512 MiB without  (page_64_types.h)
 * </pre>
 *
 * @param physicalStart CONFIG_PHYSICAL_START
 * @param physicalAlign CONFIG_PHYSICAL_ALIGN
 * @param kernelImageSize KERNEL_IMAGE_SIZE, the span of __START_KERNEL_map the image may use
 */
public record KaslrConfig(long physicalStart, long physicalAlign, long kernelImageSize) {
    /** CONFIG_PHYSICAL_START default. */
    public static final long PHYSICAL_START = 0x1000000L;
    /** CONFIG_PHYSICAL_ALIGN default. */
    public static final long PHYSICAL_ALIGN = 0x200000L;
    /** KERNEL_IMAGE_SIZE with KASLR. */
    public static final long KERNEL_IMAGE_SIZE = 1L << 30;

    public KaslrConfig {
        if (physicalAlign < PHYSICAL_ALIGN || Long.bitCount(physicalAlign) != 1 || physicalAlign > 0x1000000L) {
            throw new InvalidArgumentException(String.format(
                    "CONFIG_PHYSICAL_ALIGN %#x: x86-64 needs a power of two from 0x200000 (2 MiB) to 0x1000000",
                    physicalAlign));
        }
        if (physicalStart < 0 || physicalStart >= kernelImageSize) {
            throw new InvalidArgumentException(String.format(
                    "CONFIG_PHYSICAL_START %#x must lie inside KERNEL_IMAGE_SIZE %#x", physicalStart, kernelImageSize));
        }
        if (kernelImageSize != (512L << 20) && kernelImageSize != KERNEL_IMAGE_SIZE) {
            throw new InvalidArgumentException(String.format(
                    "KERNEL_IMAGE_SIZE %#x: Linux uses 512 MiB or, with KASLR, 1 GiB", kernelImageSize));
        }
    }

    /** The defaults of an x86-64 distribution kernel: 16 MiB, 2 MiB, 1 GiB. */
    public static KaslrConfig defaults() {
        return new KaslrConfig(PHYSICAL_START, PHYSICAL_ALIGN, KERNEL_IMAGE_SIZE);
    }

    /** LOAD_PHYSICAL_ADDR = CONFIG_PHYSICAL_START rounded up to CONFIG_PHYSICAL_ALIGN. */
    public long loadPhysicalAddr() {
        return align(physicalStart);
    }

    /** {@code ALIGN(x, CONFIG_PHYSICAL_ALIGN)}: x rounded up to the alignment. */
    public long align(long x) {
        return (x + physicalAlign - 1) & -physicalAlign;
    }
}
