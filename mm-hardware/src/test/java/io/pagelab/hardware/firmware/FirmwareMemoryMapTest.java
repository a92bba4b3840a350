package io.pagelab.hardware.firmware;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FirmwareMemoryMapTest {

    // linux-reference.md §2.4 (a): QEMU/KVM 4 GiB guest, Linux 6.13-rc7, the 8 BIOS-e820 lines.
    // Sizes are end - start + 1 because dmesg prints inclusive ends.
    private static final List<E820Entry> QEMU_4G = List.of(
            E820Entry.of(0x0L, 0x9fc00L, E820Type.RAM),
            E820Entry.of(0x9fc00L, 0x400L, E820Type.RESERVED),
            E820Entry.of(0xf0000L, 0x10000L, E820Type.RESERVED),
            E820Entry.of(0x100000L, 0xbffe0000L - 0x100000L, E820Type.RAM),
            E820Entry.of(0xbffe0000L, 0x20000L, E820Type.RESERVED),
            E820Entry.of(0xfeffc000L, 0x4000L, E820Type.RESERVED),
            E820Entry.of(0xfffc0000L, 0x40000L, E820Type.RESERVED),
            E820Entry.of(0x100000000L, 0x40000000L, E820Type.RAM));

    @Test
    void parsesTheQemu4GDmesgWithTimestampsAndHeader() {
        assertThat(FirmwareMemoryMap.parse(SampleFirmware.QEMU_4G_DMESG).entries()).isEqualTo(QEMU_4G);
    }

    @Test
    void parsesTheFedoraVirtualBoxJournalWithoutTimestamps() {
        // linux-reference.md §2.4 (c): 9 entries, one of them ACPI data.
        FirmwareMemoryMap map = FirmwareMemoryMap.parse(SampleFirmware.FEDORA_VIRTUALBOX_DMESG);
        assertThat(map.size()).isEqualTo(9);
        assertThat(map.entry(4)).isEqualTo(E820Entry.of(0xdfff0000L, 0x10000L, E820Type.ACPI));
        assertThat(map.entry(5)).isEqualTo(E820Entry.of(0xfec00000L, 0x1000L, E820Type.RESERVED));
        // 0x100000000..0x3373fffff inclusive = 0x237400000 bytes
        assertThat(map.entry(8)).isEqualTo(E820Entry.of(0x100000000L, 0x237400000L, E820Type.RAM));
    }

    @Test
    void ignoresOtherDmesgLinesAndBlankLines() {
        String text = "[    0.000000] Linux version 6.13.0-rc7\n\n"
                + "[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
                + "[    0.000000] NX (Execute Disable) protection: active\n"
                + "[    0.000000] reserve setup_data: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
                + "\n";
        assertThat(FirmwareMemoryMap.parse(text).entries())
                .containsExactly(E820Entry.of(0, 0x9fc00, E820Type.RAM));
    }

    @Test
    void acceptsAJournalPrefixAndWindowsLineEnds() {
        String text = "May 01 10:00:00 fedora kernel: BIOS-e820: [mem 0x0000000000100000-0x00000000dffeffff] usable\r\n"
                + "May 01 10:00:00 fedora kernel: BIOS-e820: [mem 0x00000000dfff0000-0x00000000dfffffff] ACPI data\r\n";
        assertThat(FirmwareMemoryMap.parse(text).entries()).containsExactly(
                E820Entry.of(0x100000L, 0xdfff0000L - 0x100000L, E820Type.RAM),
                E820Entry.of(0xdfff0000L, 0x10000L, E820Type.ACPI));
    }

    @Test
    void readsTypesByNumberAndPersistentMemoryNames() {
        String text = "BIOS-e820: [mem 0x0000000000000000-0x0000000000000fff] type 9\n"
                + "BIOS-e820: [mem 0x0000000000001000-0x0000000000001fff] persistent (type 12)\n"
                + "BIOS-e820: [mem 0x0000000000002000-0x0000000000002fff] ACPI NVS\n"
                + "BIOS-e820: [mem 0x0000000000003000-0x0000000000003fff] soft reserved\n";
        assertThat(FirmwareMemoryMap.parse(text).entries()).extracting(E820Entry::type).containsExactly(
                E820Type.of(9), E820Type.PRAM, E820Type.NVS, E820Type.SOFT_RESERVED);
    }

    @Test
    void keepsBiosOrderEvenWhenUnsortedAndOverlapping() {
        String text = "BIOS-e820: [mem 0x0000000000100000-0x00000000001fffff] usable\n"
                + "BIOS-e820: [mem 0x0000000000000000-0x0000000000100fff] reserved\n";
        assertThat(FirmwareMemoryMap.parse(text).entries()).extracting(E820Entry::addr)
                .containsExactly(0x100000L, 0L);
    }

    @Test
    void readsAddressesAboveTwoToThe63AsUnsigned() {
        FirmwareMemoryMap map = FirmwareMemoryMap.parse(
                "BIOS-e820: [mem 0xfffffffffffff000-0xfffffffffffffffe] reserved");
        assertThat(map.entry(0).addr()).isEqualTo(0xfffffffffffff000L);
        assertThat(map.entry(0).size()).isEqualTo(0xfffL);
    }

    @Test
    void rejectsALineWithoutTheMemBracketsNamingItsLineNumber() {
        String text = "BIOS-provided physical RAM map:\n"
                + "BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
                + "BIOS-e820: 0x100000 - 0x200000 usable\n";
        assertThatThrownBy(() -> FirmwareMemoryMap.parse(text))
                .isInstanceOf(E820FormatException.class)
                .hasMessage("line 3: expected 'BIOS-e820: [mem 0xSTART-0xEND] TYPE',"
                        + " got 'BIOS-e820: 0x100000 - 0x200000 usable'")
                .extracting(e -> ((E820FormatException) e).lineNumber()).isEqualTo(3);
    }

    @Test
    void rejectsAMissingEndAddress() {
        assertThatThrownBy(() -> FirmwareMemoryMap.parse("BIOS-e820: [mem 0x100-] usable"))
                .isInstanceOf(E820FormatException.class)
                .hasMessageStartingWith("line 1: expected 'BIOS-e820: [mem 0xSTART-0xEND] TYPE'")
                .hasMessageContaining("got 'BIOS-e820: [mem 0x100-] usable'");
    }

    @Test
    void rejectsAMissingType() {
        assertThatThrownBy(() -> FirmwareMemoryMap.parse("\n\nBIOS-e820: [mem 0x0000-0x0fff]"))
                .isInstanceOf(E820FormatException.class)
                .hasMessageStartingWith("line 3: expected")
                .satisfies(e -> assertThat(((E820FormatException) e).lineNumber()).isEqualTo(3));
    }

    @Test
    void rejectsNonHexDigits() {
        assertThatThrownBy(() -> FirmwareMemoryMap.parse("BIOS-e820: [mem 0x00000000000g0000-0x00000000000fffff] reserved"))
                .isInstanceOf(E820FormatException.class)
                .hasMessageStartingWith("line 1: expected");
    }

    @Test
    void rejectsAnAddressWiderThan64Bits() {
        assertThatThrownBy(() -> FirmwareMemoryMap.parse(
                "\nBIOS-e820: [mem 0x10000000000000000-0x10000000000000fff] reserved"))
                .isInstanceOf(E820FormatException.class)
                .hasMessageStartingWith("line 2: start 0x10000000000000000 does not fit in 64 bits")
                .satisfies(e -> assertThat(((E820FormatException) e).lineNumber()).isEqualTo(2));
    }

    @Test
    void rejectsAStartAboveTheEnd() {
        assertThatThrownBy(() -> FirmwareMemoryMap.parse(
                "a\nb\nc\nBIOS-e820: [mem 0x0000000000002000-0x0000000000001fff] usable"))
                .isInstanceOf(E820FormatException.class)
                .hasMessageStartingWith("line 4: start 0x2000 is above end 0x1fff")
                .hasMessageContaining("START <= END");
    }

    @Test
    void rejectsAnUnknownTypeName() {
        assertThatThrownBy(() -> FirmwareMemoryMap.parse(
                "BIOS-e820: [mem 0x0000000000000000-0x0000000000000fff] usable\n"
                        + "BIOS-e820: [mem 0x0000000000001000-0x0000000000001fff] free\n"))
                .isInstanceOf(E820FormatException.class)
                .hasMessageStartingWith("line 2: unknown e820 type 'free'")
                .hasMessageContaining("got 'BIOS-e820: [mem 0x0000000000001000-0x0000000000001fff] free'");
    }

    @Test
    void rejectsTextWithoutAnyBiosE820Line() {
        assertThatThrownBy(() -> FirmwareMemoryMap.parse("BIOS-provided physical RAM map:\nnothing here\n"))
                .isInstanceOf(E820FormatException.class)
                .hasMessageContaining("no 'BIOS-e820:' line found")
                .satisfies(e -> assertThat(((E820FormatException) e).lineNumber()).isZero());
    }

    @Test
    void readsFromAReaderAndAFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("dmesg.txt");
        Files.writeString(file, SampleFirmware.QEMU_4G_DMESG);
        assertThat(FirmwareMemoryMap.parse(file).entries()).isEqualTo(QEMU_4G);
        assertThat(FirmwareMemoryMap.parse(new StringReader(SampleFirmware.QEMU_4G_DMESG)).entries())
                .isEqualTo(QEMU_4G);
    }

    @Test
    void printsBackTheSameLinesTheKernelPrinted() {
        // e820__print_table uses %#018Lx: 0x and 16 lower-case hex digits, inclusive end.
        String expected = SampleFirmware.QEMU_4G_DMESG.lines()
                .filter(l -> l.contains("BIOS-e820:"))
                .map(l -> l.substring(l.indexOf("BIOS-e820:")) + "\n")
                .reduce("", String::concat);
        assertThat(FirmwareMemoryMap.of(QEMU_4G).toDmesg()).isEqualTo(expected);
    }

    @Test
    void entriesCannotBeModified() {
        FirmwareMemoryMap map = FirmwareMemoryMap.of(QEMU_4G);
        assertThatThrownBy(() -> map.entries().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void anEmptyMapIsRejected() {
        assertThatThrownBy(() -> FirmwareMemoryMap.of(List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one e820 entry");
    }

    @Test
    void anEntryIndexOutOfRangeNamesTheValidRange() {
        assertThatThrownBy(() -> FirmwareMemoryMap.of(QEMU_4G).entry(8))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("e820 entry index 8 out of range: the map has entries 0..7");
    }
}
