package io.pagelab.questions.q02;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.pagelab.hardware.firmware.Bios;
import io.pagelab.hardware.firmware.E820Entry;
import io.pagelab.hardware.firmware.E820Type;
import io.pagelab.hardware.firmware.FirmwareMemoryMap;
import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.kernel.boot.setup.BootResult;
import io.pagelab.kernel.boot.setup.Bootloader;
import io.pagelab.kernel.boot.setup.CpuMode;
import io.pagelab.kernel.boot.setup.RealModeOnlyException;
import io.pagelab.kernel.boot.setup.SetupEvent;
import io.pagelab.kernel.boot.setup.SetupStage;
import io.pagelab.kernel.boot.setup.ZeroPage;
import java.util.ArrayList;
import java.util.List;
import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q2 何时去探明内存布局？由谁去探明呢？ When is the layout probed, and by whom?
 *
 * <p>The step order is arch/x86/boot/main.c: main() of Linux 6.x (x86-64, CONFIG_EDD); the zero page
 * offsets are arch/x86/include/uapi/asm/bootparam.h; byte values are worked out by hand below.
 */
@Grader(id = "q02")
@DisplayName("Q2 the real-mode setup code fills the zero page")
class RealModeSetupTest {

    /** The trace with each run of consecutive E820 BIOS calls shown as one "detect_memory". */
    private static List<String> steps(List<SetupEvent> trace) {
        List<String> steps = new ArrayList<>();
        for (SetupEvent e : trace) {
            String name = e.name().equals(SetupEvent.INT15_E820) ? "detect_memory" : e.name();
            if (!(name.equals("detect_memory") && !steps.isEmpty() && steps.get(steps.size() - 1).equals(name))) {
                steps.add(name);
            }
        }
        return steps;
    }

    private static int[] unsigned(byte[] bytes) {
        int[] out = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = Byte.toUnsignedInt(bytes[i]);
        }
        return out;
    }

    @Test
    @Points(3)
    @Hint("Read main() in arch/x86/boot/main.c: the memory map is detected after set_bios_mode and "
            + "before keyboard_init, and go_to_protected_mode comes last.")
    void mainRunsTheSetupStepsInTheKernelsOrder() {
        BootResult boot = Bootloader.legacy(Bios.of(SampleFirmware.qemu4G()), RealModeSetup::main);

        assertThat(steps(boot.setupTrace()))
                .as("setup steps, E820 calls shown as detect_memory")
                .containsExactly("copy_boot_params", "console_init", "init_heap", "validate_cpu",
                        "set_bios_mode", "detect_memory", "keyboard_init", "query_ist", "query_edd",
                        "set_video", "go_to_protected_mode");
        assertThat(boot.modeAtKernelEntry()).as("CPU mode when the kernel proper starts")
                .isEqualTo(CpuMode.PROTECTED);
    }

    @Test
    @Points(3)
    @Hint("INT 0x15 is real-mode BIOS code: call it through setup.int15E820(...), which refuses "
            + "once the CPU is in protected mode. That is WHY the probe happens in the setup code.")
    void probingAfterGoToProtectedModeIsRefused() {
        SetupStage setup = new SetupStage(Bios.of(SampleFirmware.qemu4G()));
        setup.goToProtectedMode();

        Throwable thrown = catchThrowable(() -> RealModeSetup.detectMemory(setup));

        assertThat(thrown).as("what detect_memory does in protected mode")
                .isInstanceOf(RealModeOnlyException.class)
                .hasMessageContaining("int 0x15");
        assertThat(setup.zeroPage().e820Entries()).as("e820_entries after the refused probe").isZero();
    }

    @Test
    @Points(4)
    @Hint("Slot i of e820_table starts at 0x2d0 + 20*i: u64 addr, u64 size, u32 type, all "
            + "little-endian (lowest byte first); the count is the u8 at 0x1e8.")
    void theZeroPageHoldsTheEntriesAsLittleEndianBytes() {
        BootResult boot = Bootloader.legacy(Bios.of(SampleFirmware.qemu4G()), RealModeSetup::main);
        ZeroPage zp = boot.zeroPage();

        assertThat(zp.getU8(0x1e8)).as("e820_entries at 0x1e8").isEqualTo(8);
        // slot 0 at 0x2d0: addr 0, size 0x9fc00 -> 00 fc 09 00 00 00 00 00, type usable 1 -> 01 00 00 00
        assertThat(unsigned(zp.bytes(0x2d0, 20))).as("bytes of slot 0 at 0x2d0").containsExactly(
                0, 0, 0, 0, 0, 0, 0, 0,
                0x00, 0xfc, 0x09, 0, 0, 0, 0, 0,
                0x01, 0, 0, 0);
        // slot 7 at 0x2d0 + 140 = 0x35c: addr 0x100000000 -> 00 00 00 00 01 00 00 00,
        // size 0x40000000 -> 00 00 00 40 00 00 00 00, type 1
        assertThat(unsigned(zp.bytes(0x35c, 20))).as("bytes of slot 7 at 0x35c").containsExactly(
                0, 0, 0, 0, 0x01, 0, 0, 0,
                0, 0, 0, 0x40, 0, 0, 0, 0,
                0x01, 0, 0, 0);
        assertThat(zp.e820Table()).as("the whole table decoded")
                .containsExactlyElementsOf(SampleFirmware.qemu4G().entries());
    }

    @Test
    @Points(3)
    @Hint("boot_params.e820_table has E820_MAX_ENTRIES_ZEROPAGE = 128 slots; stop asking the BIOS "
            + "when they are full, and never write past them (0xcd0 is the next field).")
    void aFirmwareWith200EntriesFillsThe128SlotsAndNothingBeyond() {
        List<E820Entry> many = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            many.add(E820Entry.of(i * 0x2000L, 0x1000, E820Type.RAM));
        }
        Bios bios = Bios.of(FirmwareMemoryMap.of(many));

        BootResult boot = Bootloader.legacy(bios, RealModeSetup::main);

        assertThat(boot.zeroPage().getU8(0x1e8)).as("e820_entries").isEqualTo(128);
        assertThat(boot.zeroPage().e820Table()).as("stored entries").containsExactlyElementsOf(many.subList(0, 128));
        // 0x2d0 + 128 * 20 = 0xcd0: _pad8[48] follows and must stay zero
        assertThat(unsigned(boot.zeroPage().bytes(0xcd0, 48))).as("the 48 bytes after e820_table").containsOnly(0);
        assertThat(bios.callCount()).as("INT 0x15 calls").isEqualTo(128);
    }

    @Test
    @Points(2)
    @Hint("When a reply comes back without 'SMAP', the kernel sets the count to 0: whatever slots "
            + "were written, e820_entries says there are none.")
    void aBiosThatForgetsSmapLeavesZeroEntries() {
        BootResult boot = Bootloader.legacy(Bios.droppingSmapAfter(SampleFirmware.qemu4G(), 3), RealModeSetup::main);

        assertThat(boot.zeroPage().getU8(0x1e8)).as("e820_entries after the 4th reply lacked 'SMAP'").isZero();
    }

    @Test
    @Points(3)
    @Hint("GRUB2 probes the map itself and writes the same boot_params fields; the kernel cannot "
            + "tell who did it. Your zero page must match GRUB2's byte for byte.")
    void theZeroPageIsTheSameAsTheOneGrub2Builds() {
        BootResult legacy = Bootloader.legacy(Bios.of(SampleFirmware.fedoraVirtualBox()), RealModeSetup::main);
        BootResult grub2 = Bootloader.grub2(Bios.of(SampleFirmware.fedoraVirtualBox()));

        assertThat(grub2.setupRan()).as("did the kernel's setup code run under GRUB2").isFalse();
        assertThat(legacy.setupRan()).as("did the kernel's setup code run under a legacy loader").isTrue();
        assertThat(legacy.zeroPage().bytes(0x1e8, 1)).as("e820_entries, setup code vs GRUB2")
                .isEqualTo(grub2.zeroPage().bytes(0x1e8, 1));
        assertThat(legacy.zeroPage().bytes(0x2d0, 0xa00)).as("e820_table bytes, setup code vs GRUB2")
                .isEqualTo(grub2.zeroPage().bytes(0x2d0, 0xa00));
    }
}
