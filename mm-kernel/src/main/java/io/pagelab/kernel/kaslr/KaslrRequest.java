package io.pagelab.kernel.kaslr;

import io.pagelab.hardware.firmware.E820Entry;
import java.util.List;
import java.util.Objects;

/**
 * What choose_random_location() works from: the boot_params the loader filled (e820 table,
 * command line), where the kernel would be decompressed, how much room it needs, and the
 * mem_avoid[] table.
 *
 * @param e820 the e820 table from the zero page
 * @param cmdline the kernel command line
 * @param output where head_64.S would decompress the kernel (see {@link LoadAddress#decompressionAddress})
 * @param outputSize bytes the decompressed kernel needs (needed_size in misc.c)
 * @param memAvoid the ranges to avoid ({@link MemAvoid#init})
 * @param config CONFIG_PHYSICAL_START, CONFIG_PHYSICAL_ALIGN, KERNEL_IMAGE_SIZE
 */
public record KaslrRequest(List<E820Entry> e820, String cmdline, long output, long outputSize,
                           List<MemVector> memAvoid, KaslrConfig config) {
    public KaslrRequest {
        e820 = List.copyOf(e820);
        Objects.requireNonNull(cmdline, "cmdline");
        memAvoid = List.copyOf(memAvoid);
        Objects.requireNonNull(config, "config");
    }
}
