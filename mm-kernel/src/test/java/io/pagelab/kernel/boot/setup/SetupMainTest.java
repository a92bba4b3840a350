package io.pagelab.kernel.boot.setup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.hardware.firmware.Bios;
import io.pagelab.hardware.firmware.E820Call;
import io.pagelab.hardware.firmware.E820Entry;
import io.pagelab.hardware.firmware.E820Type;
import io.pagelab.hardware.firmware.FirmwareMemoryMap;
import io.pagelab.hardware.firmware.SampleFirmware;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SetupMainTest {

    @Test
    void mainRunsTheStepsOfArchX86BootMainCInOrder() {
        BootResult boot = Bootloader.legacy(Bios.of(SampleFirmware.qemu4G()), SetupMain::main);

        // arch/x86/boot/main.c main() (6.x), x86-64 with CONFIG_EDD; 8 e820 entries = 8 BIOS calls
        List<String> expected = new ArrayList<>(List.of("copy_boot_params", "console_init", "init_heap",
                "validate_cpu", "set_bios_mode"));
        for (int i = 0; i < 8; i++) {
            expected.add(SetupEvent.INT15_E820);
        }
        expected.addAll(List.of("keyboard_init", "query_ist", "query_edd", "set_video", "go_to_protected_mode"));
        assertThat(boot.setupTrace().stream().map(SetupEvent::name).collect(Collectors.toList()))
                .containsExactlyElementsOf(expected);
        assertThat(boot.setupRan()).isTrue();
        assertThat(boot.modeAtKernelEntry()).isEqualTo(CpuMode.PROTECTED);
    }

    @Test
    void theZeroPageCarriesTheFirmwareMapAndTheSetupHeaderMagic() {
        BootResult boot = Bootloader.legacy(Bios.of(SampleFirmware.qemu4G()), SetupMain::main);

        assertThat(boot.zeroPage().e820Entries()).isEqualTo(8);
        assertThat(boot.zeroPage().e820Table()).containsExactlyElementsOf(SampleFirmware.qemu4G().entries());
        // "HdrS" little-endian at 0x202, boot_flag 0xaa55 at 0x1fe
        assertThat(boot.zeroPage().bytes(0x202, 4)).containsExactly('H', 'd', 'r', 'S');
        assertThat(boot.zeroPage().getU16(0x1fe)).isEqualTo(0xaa55);
    }

    @Test
    void aMapLongerThanTheZeroPageIsCutTo128() {
        List<E820Entry> many = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            many.add(E820Entry.of(i * 0x2000L, 0x1000, E820Type.RAM));
        }
        Bios bios = Bios.of(FirmwareMemoryMap.of(many));
        BootResult boot = Bootloader.legacy(bios, SetupMain::main);

        assertThat(boot.zeroPage().e820Entries()).isEqualTo(128);
        assertThat(boot.zeroPage().e820Table()).containsExactlyElementsOf(many.subList(0, 128));
        assertThat(bios.callCount()).isEqualTo(128);
        assertThat(boot.zeroPage().bytes(0xcd0, 0x30)).containsOnly(0);
    }

    @Test
    void aBiosLosingSmapLeavesNoEntries() {
        BootResult boot = Bootloader.legacy(Bios.droppingSmapAfter(SampleFirmware.qemu4G(), 2), SetupMain::main);
        assertThat(boot.zeroPage().e820Entries()).isZero();
    }

    @Test
    void biosCallsAndSetupStepsAreRefusedInProtectedMode() {
        SetupStage setup = new SetupStage(Bios.of(SampleFirmware.qemu4G()));
        setup.goToProtectedMode();

        assertThatThrownBy(() -> setup.int15E820(E820Call.first()))
                .isInstanceOf(RealModeOnlyException.class)
                .hasMessageContaining("int 0x15 ax=0xe820")
                .hasMessageContaining("protected mode");
        assertThatThrownBy(setup::setVideo).isInstanceOf(RealModeOnlyException.class)
                .hasMessageContaining("INT 0x10");
        assertThatThrownBy(setup::goToProtectedMode).isInstanceOf(RealModeOnlyException.class);
        assertThat(setup.trace()).extracting(SetupEvent::name).containsExactly("go_to_protected_mode");
    }

    @Test
    void grub2FillsTheSameZeroPageWithoutRunningTheSetupCode() {
        BootResult legacy = Bootloader.legacy(Bios.of(SampleFirmware.fedoraVirtualBox()), SetupMain::main);
        BootResult grub2 = Bootloader.grub2(Bios.of(SampleFirmware.fedoraVirtualBox()));

        assertThat(grub2.setupRan()).isFalse();
        assertThat(grub2.modeAtKernelEntry()).isEqualTo(CpuMode.PROTECTED);
        assertThat(grub2.zeroPage().bytes()).isEqualTo(legacy.zeroPage().bytes());
    }

    @Test
    void aSetupMainThatNeverLeavesRealModeCannotReachTheKernel() {
        assertThatThrownBy(() -> Bootloader.legacy(Bios.of(SampleFirmware.qemu4G()), SetupMain::detectMemory))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("go_to_protected_mode");
    }
}
