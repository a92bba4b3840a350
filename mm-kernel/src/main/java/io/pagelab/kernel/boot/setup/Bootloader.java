package io.pagelab.kernel.boot.setup;

import io.pagelab.hardware.firmware.Bios;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who probes the memory map depends on the boot loader (Documentation/arch/x86/boot.rst):
 *
 * <pre>
 *  LEGACY (GRUB legacy 0.97, LILO, "linux16"):  loads setup.bin + vmlinux, jumps to the 16-bit
 *      setup code; the kernel's own main() calls INT 0x15 E820 and fills boot_params.
 *  GRUB2 ("linux" command, BIOS):  GRUB asks the firmware itself (grub-core/mmap/i386/pc),
 *      fills boot_params.e820_table, and jumps straight to the 32-bit entry (code32_start, head_32
 *      / startup_32) in protected mode; the kernel's real-mode setup code never runs.
 * </pre>
 *
 * <p>Either way the kernel proper reads the same zero page, so for memory management it makes no
 * difference who probed.
 *
 * <p>Differs from real loaders on purpose: no kernel image is loaded or decompressed; only the zero
 * page and the CPU mode are modelled.
 */
public final class Bootloader {
    private static final Logger log = LoggerFactory.getLogger(Bootloader.class);

    /** The two ways into the kernel. */
    public enum Kind {
        /** The loader runs the kernel's real-mode setup code, which probes the memory map. */
        LEGACY,
        /** GRUB2 probes the memory map itself and enters the kernel in protected mode. */
        GRUB2
    }

    private Bootloader() {
    }

    /**
     * A legacy loader: runs {@code setupMain} (the kernel's real-mode main(), for example
     * {@link SetupMain#main}) on a fresh {@link SetupStage}.
     *
     * @throws IllegalStateException if setupMain returns without entering protected mode
     */
    public static BootResult legacy(Bios bios, Consumer<SetupStage> setupMain) {
        Objects.requireNonNull(setupMain, "setupMain");
        SetupStage setup = new SetupStage(bios);
        setupMain.accept(setup);
        if (setup.cpuMode() != CpuMode.PROTECTED) {
            throw new IllegalStateException("the setup code returned in " + setup.cpuMode()
                    + " mode: main() must end with go_to_protected_mode() to reach the kernel");
        }
        log.debug("legacy boot: setup ran {} steps, {} e820 entries", setup.trace().size(),
                setup.zeroPage().e820Entries());
        return new BootResult(Kind.LEGACY, setup.zeroPage(), setup.trace(), CpuMode.PROTECTED);
    }

    /** GRUB2: the loader probes the map, fills the zero page and enters the kernel in protected mode. */
    public static BootResult grub2(Bios bios) {
        Objects.requireNonNull(bios, "bios");
        ZeroPage zeroPage = new ZeroPage();
        zeroPage.copySetupHeader(); // GRUB copies the setup header out of the bzImage, too
        int count = SetupMain.e820Loop(bios::int15E820, zeroPage);
        zeroPage.putU8(ZeroPage.E820_ENTRIES, count);
        log.debug("GRUB2 boot: loader stored {} e820 entries, kernel setup code skipped", count);
        return new BootResult(Kind.GRUB2, zeroPage, List.of(), CpuMode.PROTECTED);
    }
}
