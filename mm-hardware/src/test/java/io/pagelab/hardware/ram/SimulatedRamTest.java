package io.pagelab.hardware.ram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.PhysicalMemory;
import io.pagelab.api.error.BadAddressException;
import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.api.testkit.PhysicalMemoryContract;
import io.pagelab.hardware.firmware.E820Entry;
import io.pagelab.hardware.firmware.E820Type;
import io.pagelab.hardware.firmware.FirmwareMemoryMap;
import io.pagelab.hardware.firmware.SampleFirmware;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SimulatedRam passes the whole PhysicalMemory contract, plus what is specific to e820-built RAM. */
class SimulatedRamTest extends PhysicalMemoryContract {

    @Override
    protected PhysicalMemory create(List<Range> present) {
        List<E820Entry> entries = new ArrayList<>();
        for (Range r : present) {
            entries.add(E820Entry.of(r.start(), r.end() - r.start(), E820Type.RAM));
        }
        return new SimulatedRam(FirmwareMemoryMap.of(entries));
    }

    @Test
    void everyE820TypeIsPresentNotOnlyUsable() {
        SimulatedRam ram = SimulatedRam.of(SampleFirmware.qemu4G());
        // §2.4 (a): 0xfeffc000-0xfeffffff reserved, 0x9fc00-0x9ffff reserved
        assertThat(ram.isPresent(0xfeffc000L)).isTrue();
        assertThat(ram.isPresent(0x9fc00L)).isTrue();
        assertThat(ram.isPresent(0xa0000L)).as("the VGA hole 0xa0000-0xeffff is in no entry").isFalse();
        assertThat(ram.isPresent(0xff000000L)).as("between 0xfeffffff and 0xfffc0000").isFalse();
    }

    @Test
    void maxAddressOfTheQemu4GGuestIsTheEndOfItsLastEntry() {
        // last entry 0x100000000-0x13fffffff, and last_pfn = 0x140000 in the same dmesg
        assertThat(SimulatedRam.of(SampleFirmware.qemu4G()).maxAddress()).isEqualTo(0x140000000L);
    }

    @Test
    void aHoleAccessNamesTheAccessTheAddressAndTheRangesAroundIt() {
        // touching entries count as one present range: usable 0-0x9fbff + reserved 0x9fc00-0x9ffff,
        // and reserved 0xf0000-0xfffff + usable 0x100000-0xbffdffff + reserved 0xbffe0000-0xbfffffff
        SimulatedRam ram = SimulatedRam.of(SampleFirmware.qemu4G());
        assertThatThrownBy(() -> ram.readByte(0xa0000L))
                .isInstanceOf(BadAddressException.class)
                .hasMessage("1-byte read at 0xa0000: physical address 0xa0000 is in a hole of the memory map:"
                        + " present ranges around it are [mem 0x0000000000000000-0x000000000009ffff]"
                        + " and [mem 0x00000000000f0000-0x00000000bfffffff]");
    }

    @Test
    void anAccessCrossingIntoAHoleNamesTheFirstAbsentByte() {
        SimulatedRam ram = SimulatedRam.of(SampleFirmware.qemu4G());
        assertThatThrownBy(() -> ram.writeLong(0x9fffcL, 1))
                .isInstanceOf(BadAddressException.class)
                .hasMessageStartingWith("8-byte write at 0x9fffc: physical address 0xa0000 is in a hole");
    }

    @Test
    void anAccessAboveTheMapNamesTheLastRangeAndTheLimit() {
        SimulatedRam ram = SimulatedRam.of(SampleFirmware.qemu4G());
        assertThatThrownBy(() -> ram.readLong(0x140000000L))
                .isInstanceOf(BadAddressException.class)
                .hasMessage("8-byte read at 0x140000000: physical address 0x140000000 is above the end of the"
                        + " memory map: the last present range is [mem 0x00000000fffc0000-0x000000013fffffff],"
                        + " so addresses must be below 0x140000000");
    }

    @Test
    void anAccessBeyondFiftyTwoBitsSaysSo() {
        SimulatedRam ram = SimulatedRam.of(SampleFirmware.qemu128M());
        assertThatThrownBy(() -> ram.readByte(1L << 52))
                .isInstanceOf(BadAddressException.class)
                .hasMessageContaining("physical address 0x10000000000000 is beyond the 52-bit physical address space");
    }

    @Test
    void aSixtyFourGigabyteMachineIsUsableInASmallHeap() {
        // qemu(64 GiB): RAM above 4 GiB ends at 4 GiB + 61 GiB = 0x1040000000
        SimulatedRam ram = SimulatedRam.of(SampleFirmware.qemu(64L << 30));
        assertThat(ram.maxAddress()).isEqualTo(0x1040000000L);
        // present = 64 GiB minus the VGA hole [0xa0000, 0xf0000) (0x50000) plus the two reserved ranges
        // under 4 GiB (0x4000 + 0x40000): 64 GiB - 0xc000
        assertThat(ram.presentBytes()).isEqualTo((64L << 30) - 0xc000L);
        assertThat(ram.touchedFrames()).as("creating it allocates no frame").isZero();

        ram.writeLong(0x1040000000L - 8, 0x0123456789abcdefL);
        ram.writeByte(0x0L, 0x5a);
        assertThat(ram.readLong(0x1040000000L - 8)).isEqualTo(0x0123456789abcdefL);
        assertThat(ram.readByte(0x103fffffffL)).isEqualTo((byte) 0x01);
        assertThat(ram.touchedFrames()).isEqualTo(2);
        assertThat(ram.isTouched(0x103ffffL)).isTrue();
        assertThat(ram.isTouched(0x1000L)).isFalse();
    }

    @Test
    void tenThousandFramesSpreadOverSixtyFourGigabytesCostTenThousandFrames() {
        SimulatedRam ram = SimulatedRam.of(SampleFirmware.qemu(64L << 30));
        long stride = (0x1040000000L - 0x100000000L) / 10_000 & ~0xfffL; // frame-aligned, above 4 GiB
        for (int i = 0; i < 10_000; i++) {
            ram.writeInt(0x100000000L + i * stride + 16, i);
        }
        for (int i = 0; i < 10_000; i++) {
            assertThat(ram.readInt(0x100000000L + i * stride + 16)).isEqualTo(i);
        }
        assertThat(ram.touchedFrames()).isEqualTo(10_000);
    }

    @Test
    void overlappingUnsortedAndZeroSizeEntriesAreMerged() {
        SimulatedRam ram = SimulatedRam.of(FirmwareMemoryMap.of(
                E820Entry.of(0x3000, 0x2000, E820Type.RAM),
                E820Entry.of(0x0, 0x4000, E820Type.RESERVED),
                E820Entry.of(0x10000, 0, E820Type.RAM)));
        // union of [0x3000, 0x5000) and [0, 0x4000) = [0, 0x5000); the empty entry adds nothing
        assertThat(ram.maxAddress()).isEqualTo(0x5000L);
        assertThat(ram.presentBytes()).isEqualTo(0x5000L);
        ram.writeLong(0x3ffc, -1L); // crosses the boundary between the two firmware entries
        assertThat(ram.readLong(0x3ffc)).isEqualTo(-1L);
        assertThat(ram.isPresent(0x10000)).isFalse();
    }

    @Test
    void entriesAboveTheAddressWidthAreIgnored() {
        SimulatedRam ram = SimulatedRam.of(FirmwareMemoryMap.of(
                E820Entry.of(0x0, 0x1000, E820Type.RAM),
                E820Entry.of(1L << 52, 0x1000, E820Type.RAM)));
        assertThat(ram.maxAddress()).isEqualTo(0x1000L);
    }

    @Test
    void aMapWithOnlyEmptyEntriesCannotMakeRam() {
        assertThatThrownBy(() -> SimulatedRam.of(FirmwareMemoryMap.of(E820Entry.of(0, 0, E820Type.RAM))))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("no non-empty range below 2^52");
    }

    @Test
    void bigCopiesAcrossManyFramesBehaveLikeMemmove() {
        SimulatedRam ram = SimulatedRam.of(SampleFirmware.qemu128M());
        for (int i = 0; i < 3 * 4096; i++) {
            ram.writeByte(0x200000L + i, i * 7);
        }
        ram.copy(0x200000L, 0x200801L, 3 * 4096); // overlapping, destination above: copied backward
        for (int i = 0; i < 3 * 4096; i++) {
            assertThat(ram.readByte(0x200801L + i)).as("byte %d", i).isEqualTo((byte) (i * 7));
        }
    }
}
