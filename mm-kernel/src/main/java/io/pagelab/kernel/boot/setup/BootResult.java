package io.pagelab.kernel.boot.setup;

import java.util.List;
import java.util.Objects;

/**
 * What the kernel proper finds when a boot loader has done its work: the zero page, and the trace
 * of the kernel's own real-mode setup code (empty when the loader skipped it).
 *
 * @param loader who loaded the kernel
 * @param zeroPage boot_params as handed to the 32/64-bit kernel entry
 * @param setupTrace what the kernel's setup code ran, in order; empty with GRUB2
 * @param modeAtKernelEntry the CPU mode at the protected-mode kernel entry (always PROTECTED)
 */
public record BootResult(Bootloader.Kind loader, ZeroPage zeroPage, List<SetupEvent> setupTrace,
                         CpuMode modeAtKernelEntry) {
    public BootResult {
        Objects.requireNonNull(loader, "loader");
        Objects.requireNonNull(zeroPage, "zeroPage");
        setupTrace = List.copyOf(setupTrace);
        Objects.requireNonNull(modeAtKernelEntry, "modeAtKernelEntry");
    }

    /** True when the kernel's own real-mode setup code ran (legacy loaders). */
    public boolean setupRan() {
        return !setupTrace.isEmpty();
    }
}
