package io.pagelab.questions.q02;

import io.pagelab.exercise.Todo;
import io.pagelab.kernel.boot.setup.SetupStage;

/**
 * Q2 何时去探明内存布局？由谁去探明呢？ When is the layout probed, and by whom?
 *
 * <p>When: early, in the kernel's 16-bit setup code (setup.bin, arch/x86/boot/), while the CPU is
 * still in real mode. The BIOS services are real-mode code; once go_to_protected_mode() switches
 * the CPU to protected mode they are out of reach, so everything the kernel wants from the BIOS
 * must be asked before. By whom: with a legacy loader (GRUB legacy, LILO), by that setup code; with
 * GRUB2, by the boot loader itself, which then enters the kernel directly in protected mode and the
 * setup code never runs. Either way the map travels to the kernel in the zero page
 * ({@code struct boot_params}), so memory management does not care who probed.
 * 内存布局在实模式的 setup 代码中、进入保护模式之前探测（GRUB2 则由引导程序自己探测），结果放在 zero page 中交给内核。
 *
 * <p>Your task: write the kernel's setup code for a legacy boot.
 * <ul>
 *   <li>{@link #main}: arch/x86/boot/main.c: main(). Call the steps of {@link SetupStage} in the
 *       kernel's order (read the real function), calling YOUR {@link #detectMemory} at the point
 *       where main() calls detect_memory(), and finish with go_to_protected_mode.</li>
 *   <li>{@link #detectMemory}: arch/x86/boot/memory.c: detect_memory_e820(). Run the E820 loop of
 *       Q1 through {@code setup.int15E820(call)} (the BIOS as the setup code reaches it) and store
 *       each accepted entry straight into {@code setup.zeroPage()}:
 *       slot i starts at {@code 0x2d0 + 20 * i} and holds u64 addr, u64 size, u32 type, all
 *       little-endian ({@code putU64}, {@code putU32}); at the end write the number of entries as
 *       the u8 {@code e820_entries} at 0x1e8 ({@code putU8}). There are 128 slots
 *       (E820_MAX_ENTRIES_ZEROPAGE). The rules of the loop are the kernel's: stop on CF=1 keeping
 *       what was read; a reply without 'SMAP' makes the count 0.</li>
 * </ul>
 *
 * <p>Do not call io.pagelab.kernel.boot.setup.SetupMain: it is the library's own copy of this
 * code. The offsets are also named in {@link io.pagelab.kernel.boot.setup.ZeroPage}.
 *
 * <p>Run {@code ./pagelab grade q02} to check your work.
 */
public final class RealModeSetup {

    private RealModeSetup() {
    }

    /**
     * The real-mode setup code's main(): every step in the kernel's order, ending in protected mode.
     *
     * @param setup the machine: BIOS, zero page, CPU mode; it records what you run
     */
    public static void main(SetupStage setup) {
        throw new Todo("q02/RealModeSetup.java");
    }

    /**
     * detect_memory_e820(): ask the BIOS for the memory map and store it in the zero page
     * (e820_table at 0x2d0, e820_entries at 0x1e8).
     *
     * @param setup the machine; use its int15E820 and zeroPage
     */
    public static void detectMemory(SetupStage setup) {
        throw new Todo("q02/RealModeSetup.java");
    }
}
