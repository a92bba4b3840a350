package io.pagelab.questions.q01;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.hardware.firmware.Bios;
import io.pagelab.hardware.firmware.E820Entry;
import io.pagelab.hardware.firmware.E820Type;
import io.pagelab.hardware.firmware.FirmwareMemoryMap;
import io.pagelab.hardware.firmware.SampleFirmware;
import java.util.ArrayList;
import java.util.List;
import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q1 如何知道计算机内存布局？内存空间有多少？ How does the machine learn its memory layout,
 * and how much memory is there?
 *
 * <p>The rules come from arch/x86/boot/memory.c: detect_memory_e820() (Linux 6.x); the tables are
 * real dmesg output (linux-reference.md §2.4) or the D.1 fixture of the seed digest.
 */
@Grader(id = "q01")
@DisplayName("Q1 detect_memory_e820 and the usable total")
class E820ProbeTest {

    @Test
    @Points(3)
    @Hint("Start with EBX=0 and pass back the EBX each reply returns; the entry that comes with "
            + "EBX=0 is the last one and is kept.")
    void readsTheQemuMapInBiosOrderWithOneCallPerEntry() {
        Bios bios = Bios.of(SampleFirmware.qemu4G());

        List<E820Entry> map = E820Probe.detectMemory(bios);

        // real dmesg of a 4 GiB QEMU guest: 8 BIOS-e820 lines
        assertThat(map).as("entries read from the QEMU 4 GiB BIOS, in BIOS order")
                .containsExactlyElementsOf(SampleFirmware.qemu4G().entries());
        assertThat(bios.callCount()).as("INT 0x15 calls for 8 entries").isEqualTo(8);
    }

    @Test
    @Points(2)
    @Hint("Add up the sizes of the entries whose type is usable (E820_TYPE_RAM = 1); reserved and "
            + "ACPI ranges are not RAM the kernel may use.")
    void usableBytesOfTheD1TableAre133692416() {
        // seed digest D.1: 0x9fc00 + (0x7fe0000 - 0x100000) = 654,336 + 133,038,080 = 133,692,416
        assertThat(E820Probe.usableBytes(SampleFirmware.qemu128M().entries()))
                .as("usable bytes of the 128 MiB D.1 table")
                .isEqualTo(133_692_416L);
    }

    @Test
    @Points(2)
    @Hint("Only type usable counts: ACPI data, reserved and the like are left out, and RAM above 4 "
            + "GiB counts like any other.")
    void usableBytesCountOnlyUsableEntriesAcrossTheWholeMap() {
        // QEMU 4 GiB, by hand:
        //   0x0000000..0x009fbff       0x9fc00    =       654,336
        //   0x0100000..0xbffdffff  0xbfee0000     = 3,220,045,824
        //   4 GiB..5 GiB           0x40000000     = 1,073,741,824
        //   total                                 = 4,294,441,984 (4 GiB minus the 0x80400-byte holes)
        assertThat(E820Probe.usableBytes(SampleFirmware.qemu4G().entries()))
                .as("usable bytes of the QEMU 4 GiB table")
                .isEqualTo(4_294_441_984L);
        // Fedora VirtualBox: 0x9fc00 + (0xdfff0000 - 0x100000) + (0x337400000 - 0x100000000)
        //   = 654,336 + 3,756,982,272 + 9,516,875,776 = 13,274,512,384 (its ACPI data range is not counted)
        assertThat(E820Probe.usableBytes(SampleFirmware.fedoraVirtualBox().entries()))
                .as("usable bytes of the Fedora VirtualBox table")
                .isEqualTo(13_274_512_384L);
    }

    @Test
    @Points(2)
    @Hint("A BIOS may end the chain by failing the next call (CF=1) instead of returning EBX=0. "
            + "Check the carry flag before anything else, and keep what you already read.")
    void aChainEndingWithTheCarryFlagKeepsEveryEntryRead() {
        Bios bios = Bios.endingWithCarry(SampleFirmware.qemu4G());

        List<E820Entry> map = E820Probe.detectMemory(bios);

        assertThat(map).as("entries from a BIOS that ends with CF=1")
                .containsExactlyElementsOf(SampleFirmware.qemu4G().entries());
        // 8 good calls, then the 9th fails with CF=1 and ends the loop
        assertThat(bios.callCount()).as("INT 0x15 calls, the last one failing").isEqualTo(9);
    }

    @Test
    @Points(2)
    @Hint("boot_params.e820_table has room for E820_MAX_ENTRIES_ZEROPAGE = 128 entries: the loop "
            + "stops there even if EBX never becomes 0.")
    void aBiosThatNeverEndsIsStoppedAfter128Entries() {
        Bios bios = Bios.neverEnding(SampleFirmware.qemu4G());

        List<E820Entry> map = E820Probe.detectMemory(bios);

        assertThat(map).as("entries read from a BIOS whose EBX never returns to 0").hasSize(128);
        // this firmware repeats its 8 entries: entry 8 is entry 0 again, entry 127 is entry 7
        assertThat(map.get(8)).as("entry 8").isEqualTo(SampleFirmware.qemu4G().entry(0));
        assertThat(map.get(127)).as("entry 127").isEqualTo(SampleFirmware.qemu4G().entry(7));
        assertThat(bios.callCount()).as("INT 0x15 calls").isEqualTo(128);
    }

    @Test
    @Points(2)
    @Hint("The limit is about the table size, not about broken firmware: a correct BIOS with more "
            + "than 128 entries is cut to its first 128.")
    void aCorrectMapLongerThan128EntriesIsCutToItsFirst128() {
        // 200 one-page usable ranges at 0, 8 KiB, 16 KiB, ... (a page-sized hole after each)
        List<E820Entry> many = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            many.add(E820Entry.of(i * 0x2000L, 0x1000, E820Type.RAM));
        }
        Bios bios = Bios.of(FirmwareMemoryMap.of(many));

        List<E820Entry> map = E820Probe.detectMemory(bios);

        assertThat(map).as("entries read from a 200-entry BIOS").containsExactlyElementsOf(many.subList(0, 128));
        assertThat(bios.callCount()).as("INT 0x15 calls").isEqualTo(128);
    }

    @Test
    @Points(3)
    @Hint("Every good reply carries EAX='SMAP' (0x534D4150). If one does not, the kernel cannot "
            + "tell what it already read is right: it throws the whole map away.")
    void aBiosThatStopsSayingSmapLosesTheWholeMap() {
        Bios bios = Bios.droppingSmapAfter(SampleFirmware.qemu4G(), 3);

        List<E820Entry> map = E820Probe.detectMemory(bios);

        assertThat(map).as("entries kept after the 4th reply came without 'SMAP'").isEmpty();
        // 3 good replies, the 4th without the signature ends the loop
        assertThat(bios.callCount()).as("INT 0x15 calls").isEqualTo(4);
    }
}
