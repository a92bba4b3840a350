package io.pagelab.kernel.kaslr;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.hardware.firmware.E820Entry;
import io.pagelab.hardware.firmware.E820Type;
import java.util.List;
import java.util.Optional;

/**
 * Where the kernel runs before KASLR, in three steps:
 *
 * <pre>
 *  1. build time   LOAD_PHYSICAL_ADDR = ALIGN(CONFIG_PHYSICAL_START, CONFIG_PHYSICAL_ALIGN)
 *                  = 0x1000000; the setup header advertises it as pref_address, and
 *                  CONFIG_PHYSICAL_ALIGN as kernel_alignment (arch/x86/boot/header.S)
 *  2. boot loader  loads the protected-mode part at code32_start (0x100000 for a bzImage) or, for a
 *                  relocatable kernel, wherever it has init_size bytes of RAM (ideally pref_address)
 *  3. head_64.S    (arch/x86/boot/compressed) decompresses to
 *                  out = ALIGN(loaded address, kernel_alignment), raised to LOAD_PHYSICAL_ADDR
 *                  when lower; a non-relocatable kernel always uses LOAD_PHYSICAL_ADDR
 * </pre>
 *
 * <p>So a bzImage loaded at 1 MiB runs at 16 MiB: ALIGN(0x100000, 2 MiB) = 0x200000 is below
 * 0x1000000. KASLR then may move it ({@link Kaslr}).
 */
public final class LoadAddress {

    private LoadAddress() {
    }

    /**
     * The decompression address head_64.S computes.
     *
     * @param loadedAt where the boot loader put the protected-mode kernel (startup_32)
     * @param kernelAlignment hdr.kernel_alignment, a power of two
     * @param relocatable hdr.relocatable_kernel (CONFIG_RELOCATABLE)
     * @param config for LOAD_PHYSICAL_ADDR
     * @throws InvalidArgumentException when kernelAlignment is not a power of two
     */
    public static long decompressionAddress(long loadedAt, long kernelAlignment, boolean relocatable,
                                            KaslrConfig config) {
        if (kernelAlignment <= 0 || Long.bitCount(kernelAlignment) != 1) {
            throw new InvalidArgumentException(String.format(
                    "kernel_alignment %#x is not a power of two", kernelAlignment));
        }
        long load = config.loadPhysicalAddr();
        if (!relocatable) {
            return load;
        }
        long out = (loadedAt + kernelAlignment - 1) & -kernelAlignment;
        return Long.compareUnsigned(out, load) < 0 ? load : out;
    }

    /**
     * The usable e820 entry holding all of {@code [addr, addr + size)}, as a boot loader checks
     * before it loads a kernel that needs init_size bytes there.
     */
    public static Optional<E820Entry> usableEntryHolding(List<E820Entry> e820, long addr, long size) {
        for (E820Entry e : e820) {
            if (e.type() == E820Type.RAM && Long.compareUnsigned(addr, e.addr()) >= 0
                    && Long.compareUnsigned(addr + size, e.end()) <= 0 && Long.compareUnsigned(addr + size, addr) >= 0) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
