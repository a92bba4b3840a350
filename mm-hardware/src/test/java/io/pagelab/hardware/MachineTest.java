package io.pagelab.hardware;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.hardware.firmware.Bios;
import io.pagelab.hardware.firmware.E820Call;
import io.pagelab.hardware.firmware.E820Entry;
import io.pagelab.hardware.firmware.E820Reply;
import io.pagelab.hardware.firmware.E820Type;
import io.pagelab.hardware.firmware.SampleFirmware;
import org.junit.jupiter.api.Test;

class MachineTest {

    @Test
    void theQemu4GMachineBiosAnswersTheFirstEntryOfTheRealTable() {
        Machine m = Machine.qemu4G();
        E820Reply first = m.bios().int15E820(E820Call.first());
        // §2.4 (a) first line: [mem 0x0000000000000000-0x000000000009fbff] usable
        assertThat(first.entry()).contains(E820Entry.of(0, 0x9fc00, E820Type.RAM));
        assertThat(first.ebx()).isNotZero();
    }

    @Test
    void firmwareBiosAndRamDescribeTheSameMap() {
        Machine m = Machine.qemu128M();
        assertThat(m.bios().memoryMap()).isEqualTo(m.firmware());
        assertThat(m.ram().firmwareMap()).isEqualTo(m.firmware());
        assertThat(m.memory().maxAddress()).as("last D.1 entry ends at 0xffffffff").isEqualTo(0x100000000L);
    }

    @Test
    void aMachineCanBeBuiltAroundAQuirkyBios() {
        Machine m = Machine.withBios(Bios.endingWithCarry(SampleFirmware.fedoraVirtualBox()));
        assertThat(m.bios().quirk()).isEqualTo(Bios.Quirk.ENDS_WITH_CARRY);
        assertThat(m.firmware()).isEqualTo(SampleFirmware.fedoraVirtualBox());
    }

    @Test
    void ramOfAFreshMachineIsUntouched() {
        Machine m = Machine.qemu(64L << 30);
        assertThat(m.memory().touchedFrames()).isZero();
        m.memory().writeLong(0x1000, 42);
        assertThat(m.memory().readLong(0x1000)).isEqualTo(42);
    }
}
