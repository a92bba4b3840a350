package io.pagelab.kernel.kaslr;

import io.pagelab.kernel.layout.KernelLayout64;
import java.util.List;

/**
 * Where choose_random_location() put the kernel.
 *
 * @param physical the physical address the kernel is decompressed to ({@code *output})
 * @param virtualOffset {@code virt_addr}: _text - __START_KERNEL_map (LOAD_PHYSICAL_ADDR without KASLR)
 * @param physicalSlots how many physical slots there were (0 when the scan was skipped or found none)
 * @param virtualSlots how many virtual slots there were (0 with nokaslr)
 * @param kaslrFlag whether KASLR_FLAG was set in loadflags (false with nokaslr); memory
 *        randomization runs only when it is
 * @param warnings the decompressor's messages, e.g. {@code KASLR disabled: 'nokaslr' on cmdline.}
 */
public record KaslrResult(long physical, long virtualOffset, long physicalSlots, long virtualSlots,
                          boolean kaslrFlag, List<String> warnings) {
    public KaslrResult {
        warnings = List.copyOf(warnings);
    }

    /** The virtual address of _text: __START_KERNEL_map + virt_addr, 0xffffffff81000000 without KASLR. */
    public long text() {
        return KernelLayout64.START_KERNEL_MAP + virtualOffset;
    }

    /**
     * phys_base as arch/x86/kernel/head64.c computes it: the physical address of _text minus its
     * offset in the kernel mapping, so that __pa(_text) = physical.
     */
    public long physBase() {
        return physical - virtualOffset;
    }
}
