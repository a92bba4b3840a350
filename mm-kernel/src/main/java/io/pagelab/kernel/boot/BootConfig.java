package io.pagelab.kernel.boot;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * The kernel build and boot facts the memory setup depends on.
 *
 * <p>The defaults are those of a real Linux 6.6 boot in a QEMU i440FX guest with
 * {@code memblock=debug nokaslr}: the kernel image reserved at {@code CONFIG_PHYSICAL_START}
 * 0x1000000 for 0x2600000 bytes ({@code _text} to {@code __end_of_kernel_reserve}), a 0x9000-byte
 * brk area right after it, and a real-mode trampoline of 28672 bytes.
 *
 * @param kernelStart      physical load address of the kernel ({@code CONFIG_PHYSICAL_START}, no KASLR)
 * @param kernelReserve    bytes {@code early_reserve_memory()} reserves for the image
 * @param brkSize          bytes {@code reserve_brk()} reserves right after the image
 * @param realModeSize     bytes {@code reserve_real_mode()} allocates below 1 MiB for the trampoline
 * @param zoneDevice       CONFIG_ZONE_DEVICE: the "Device" zone exists (and prints {@code empty})
 * @param memblockDebug    {@code memblock=debug}: print the MEMBLOCK configuration after e820 setup
 * @param maxPhysmemBits   {@code MAX_PHYSMEM_BITS}: 46 (4-level paging, max_arch_pfn 0x400000000) or 52
 *                         (5-level capable kernels such as Fedora's 6.19, max_arch_pfn 0x10000000000)
 */
public record BootConfig(long kernelStart, long kernelReserve, long brkSize, long realModeSize, boolean zoneDevice,
        boolean memblockDebug, int maxPhysmemBits) {
    /** {@code CONFIG_PHYSICAL_START} default: 16 MiB. */
    public static final long CONFIG_PHYSICAL_START = 0x1000000L;

    public BootConfig {
        checkArgument(kernelStart > 0 && (kernelStart & 0xfff) == 0,
                "kernel start %s must be a positive page-aligned address", Long.toHexString(kernelStart));
        checkArgument(kernelReserve > 0, "kernel image size %s must be positive", kernelReserve);
        checkArgument(brkSize >= 0, "brk size %s must not be negative", brkSize);
        checkArgument(realModeSize > 0 && realModeSize < (1 << 20),
                "real-mode trampoline size %s must be in 1..1 MiB", realModeSize);
        checkArgument(maxPhysmemBits == 46 || maxPhysmemBits == 52,
                "MAX_PHYSMEM_BITS %s not supported: x86-64 uses 46 (4-level) or 52 (5-level)", maxPhysmemBits);
    }

    /** {@code MAX_ARCH_PFN} = 1 &lt;&lt; (MAX_PHYSMEM_BITS - PAGE_SHIFT). */
    public long maxArchPfn() {
        return 1L << (maxPhysmemBits - 12);
    }

    /** The defaults described above, with ZONE_DEVICE as in the Linux 6.13 QEMU boot. */
    public static BootConfig defaults() {
        return new BootConfig(CONFIG_PHYSICAL_START, 0x2600000L, 0x9000L, 28672, true, false, 46);
    }

    /** The same configuration with {@code memblock=debug} on or off. */
    public BootConfig withMemblockDebug(boolean on) {
        return new BootConfig(kernelStart, kernelReserve, brkSize, realModeSize, zoneDevice, on, maxPhysmemBits);
    }

    /** The same configuration with or without CONFIG_ZONE_DEVICE. */
    public BootConfig withZoneDevice(boolean on) {
        return new BootConfig(kernelStart, kernelReserve, brkSize, realModeSize, on, memblockDebug, maxPhysmemBits);
    }

    /** The same configuration with another {@code MAX_PHYSMEM_BITS} (46 or 52). */
    public BootConfig withMaxPhysmemBits(int bits) {
        return new BootConfig(kernelStart, kernelReserve, brkSize, realModeSize, zoneDevice, memblockDebug, bits);
    }
}
