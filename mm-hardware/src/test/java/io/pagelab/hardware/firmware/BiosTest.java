package io.pagelab.hardware.firmware;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BiosTest {

    /**
     * The loop of arch/x86/boot/memory.c: detect_memory_e820() (Linux 6.x), written out here so the
     * tests can show what Linux makes of each firmware: stop on CF, discard everything when EAX is
     * not 'SMAP', stop when EBX is 0 or 128 entries were read.
     */
    private static List<E820Entry> detectMemoryE820(Bios bios) {
        List<E820Entry> table = new ArrayList<>();
        int next = 0;
        do {
            E820Reply reply = bios.int15E820(E820Call.next(next));
            next = reply.ebx();
            if (reply.carry()) {
                break;
            }
            if (reply.eax() != 0x534D4150) {
                table.clear();
                break;
            }
            table.add(reply.entry().orElseThrow());
        } while (next != 0 && table.size() < 128);
        return table;
    }

    @Test
    void walkingQemu4GReturnsTheEightEntriesInOrderThenEbxZero() {
        Bios bios = Bios.of(SampleFirmware.qemu4G());
        List<E820Entry> seen = new ArrayList<>();
        int ebx = 0;
        for (int i = 0; i < 8; i++) {
            E820Reply reply = bios.int15E820(E820Call.next(ebx));
            assertThat(reply.carry()).as("CF on call %d", i + 1).isFalse();
            assertThat(reply.eax()).as("EAX on call %d", i + 1).isEqualTo(0x534D4150);
            assertThat(reply.ecx()).as("ECX on call %d", i + 1).isEqualTo(20);
            seen.add(reply.entry().orElseThrow());
            ebx = reply.ebx();
            assertThat(ebx == 0).as("EBX is 0 only after the 8th entry (call %d)", i + 1).isEqualTo(i == 7);
        }
        assertThat(seen).isEqualTo(SampleFirmware.qemu4G().entries());
        assertThat(bios.callCount()).isEqualTo(8);
    }

    @Test
    void linuxLoopReadsAllEntriesOfACorrectBiosInOneCallEach() {
        Bios bios = Bios.of(SampleFirmware.fedoraVirtualBox());
        assertThat(detectMemoryE820(bios)).isEqualTo(SampleFirmware.fedoraVirtualBox().entries());
        assertThat(bios.callCount()).isEqualTo(9);
    }

    @Test
    void theFirstCallRegistersAreThoseLinuxLoads() {
        // memory.c: ireg.ax = 0xe820; ireg.cx = sizeof(buf) (20); ireg.edx = SMAP; ebx = 0
        assertThat(E820Call.first()).isEqualTo(new E820Call(0xE820, 0, 20, 0x534D4150));
    }

    @Test
    void aWrongFunctionNumberSetsCarry() {
        Bios bios = Bios.of(SampleFirmware.qemu4G());
        E820Reply reply = bios.int15E820(new E820Call(0xE801, 0, 20, Bios.SMAP));
        assertThat(reply.carry()).isTrue();
        assertThat(reply.entry()).isEmpty();
        assertThat((reply.eax() >>> 8) & 0xff).as("AH = 0x86 function not supported").isEqualTo(0x86);
        assertThat(bios.callCount()).isEqualTo(1);
    }

    @Test
    void aWrongSignatureInEdxSetsCarry() {
        E820Reply reply = Bios.of(SampleFirmware.qemu4G()).int15E820(new E820Call(0xE820, 0, 20, 0x50414D53));
        assertThat(reply.carry()).isTrue();
        assertThat(reply.ok()).isFalse();
    }

    @Test
    void aBufferSmallerThanTwentyBytesSetsCarry() {
        E820Reply reply = Bios.of(SampleFirmware.qemu4G()).int15E820(new E820Call(0xE820, 0, 16, Bios.SMAP));
        assertThat(reply.carry()).isTrue();
    }

    @Test
    void anUnknownContinuationSetsCarry() {
        Bios bios = Bios.of(SampleFirmware.qemu4G());
        assertThat(bios.int15E820(E820Call.next(8)).carry()).as("one past the last index").isTrue();
        assertThat(bios.int15E820(E820Call.next(-1)).carry()).as("0xffffffff").isTrue();
    }

    @Test
    void aFirmwareEndingWithCarryGivesANonZeroEbxOnTheLastEntryThenFails() {
        Bios bios = Bios.endingWithCarry(SampleFirmware.qemu4G());
        int ebx = 0;
        for (int i = 0; i < 8; i++) {
            E820Reply reply = bios.int15E820(E820Call.next(ebx));
            assertThat(reply.ok()).isTrue();
            ebx = reply.ebx();
        }
        assertThat(ebx).as("EBX after the last entry").isNotZero();
        E820Reply end = bios.int15E820(E820Call.next(ebx));
        assertThat(end.carry()).isTrue();
        assertThat(end.eax()).as("no SMAP on the failing probe").isNotEqualTo(Bios.SMAP);
    }

    @Test
    void linuxKeepsTheWholeMapOfAFirmwareEndingWithCarry() {
        Bios bios = Bios.endingWithCarry(SampleFirmware.qemu4G());
        assertThat(detectMemoryE820(bios)).isEqualTo(SampleFirmware.qemu4G().entries());
        assertThat(bios.callCount()).as("8 entries + the failing probe").isEqualTo(9);
    }

    @Test
    void aNeverEndingFirmwareRepeatsItsTableAndNeverReturnsEbxZero() {
        Bios bios = Bios.neverEnding(SampleFirmware.qemu128M());
        int ebx = 0;
        List<E820Entry> seen = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            E820Reply reply = bios.int15E820(E820Call.next(ebx));
            assertThat(reply.ok()).isTrue();
            seen.add(reply.entry().orElseThrow());
            ebx = reply.ebx();
            assertThat(ebx).as("EBX after call %d", i + 1).isNotZero();
        }
        // 7 entries: calls 8..14 repeat entries 0..6
        assertThat(seen.subList(7, 14)).isEqualTo(SampleFirmware.qemu128M().entries());
    }

    @Test
    void linuxStopsANeverEndingFirmwareAt128Entries() {
        // E820_MAX_ENTRIES_ZEROPAGE = 128 (linux-reference.md §2.1)
        Bios bios = Bios.neverEnding(SampleFirmware.qemu4G());
        assertThat(detectMemoryE820(bios)).hasSize(128);
        assertThat(bios.callCount()).isEqualTo(128);
    }

    @Test
    void aFirmwareDroppingSmapAnswersWithAnotherEaxAfterNGoodReplies() {
        Bios bios = Bios.droppingSmapAfter(SampleFirmware.qemu4G(), 3);
        int ebx = 0;
        for (int i = 0; i < 3; i++) {
            E820Reply reply = bios.int15E820(E820Call.next(ebx));
            assertThat(reply.eax()).isEqualTo(Bios.SMAP);
            ebx = reply.ebx();
        }
        E820Reply fourth = bios.int15E820(E820Call.next(ebx));
        assertThat(fourth.carry()).isFalse();
        assertThat(fourth.eax()).isNotEqualTo(Bios.SMAP);
        assertThat(fourth.ok()).isFalse();
    }

    @Test
    void linuxDiscardsTheWholeMapWhenSmapDisappears() {
        Bios bios = Bios.droppingSmapAfter(SampleFirmware.qemu4G(), 3);
        assertThat(detectMemoryE820(bios)).isEmpty();
        assertThat(bios.callCount()).isEqualTo(4);
    }

    @Test
    void resettingTheCallCountStartsOver() {
        Bios bios = Bios.of(SampleFirmware.qemu4G());
        detectMemoryE820(bios);
        bios.resetCallCount();
        assertThat(bios.callCount()).isZero();
        assertThat(bios.memoryMap()).isEqualTo(SampleFirmware.qemu4G());
    }

    @Test
    void dropsSmapQuirkNeedsItsCount() {
        assertThatThrownBy(() -> Bios.withQuirk(SampleFirmware.qemu4G(), Bios.Quirk.DROPS_SMAP))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("droppingSmapAfter");
        assertThatThrownBy(() -> Bios.droppingSmapAfter(SampleFirmware.qemu4G(), -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("goodReplies must be >= 0, got -1");
    }
}
