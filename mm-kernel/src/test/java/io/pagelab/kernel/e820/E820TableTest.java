package io.pagelab.kernel.e820;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.hardware.firmware.E820Entry;
import io.pagelab.hardware.firmware.E820Type;
import java.util.List;
import org.junit.jupiter.api.Test;

class E820TableTest {

    /** Table (a) of linux-reference.md §2.4: QEMU/KVM i440FX guest, Linux 6.13-rc7, 4 GiB. */
    static List<E820Entry> qemu4G() {
        return List.of(
                E820Entry.ofInclusive(0x0L, 0x9fbffL, E820Type.RAM),
                E820Entry.ofInclusive(0x9fc00L, 0x9ffffL, E820Type.RESERVED),
                E820Entry.ofInclusive(0xf0000L, 0xfffffL, E820Type.RESERVED),
                E820Entry.ofInclusive(0x100000L, 0xbffdffffL, E820Type.RAM),
                E820Entry.ofInclusive(0xbffe0000L, 0xbfffffffL, E820Type.RESERVED),
                E820Entry.ofInclusive(0xfeffc000L, 0xfeffffffL, E820Type.RESERVED),
                E820Entry.ofInclusive(0xfffc0000L, 0xffffffffL, E820Type.RESERVED),
                E820Entry.ofInclusive(0x100000000L, 0x13fffffffL, E820Type.RAM));
    }

    /** Table (c) of linux-reference.md §2.4: Fedora 32 VM on VirtualBox, Linux 5.6.6. */
    static List<E820Entry> fedoraVirtualBox() {
        return List.of(
                E820Entry.ofInclusive(0x0L, 0x9fbffL, E820Type.RAM),
                E820Entry.ofInclusive(0x9fc00L, 0x9ffffL, E820Type.RESERVED),
                E820Entry.ofInclusive(0xf0000L, 0xfffffL, E820Type.RESERVED),
                E820Entry.ofInclusive(0x100000L, 0xdffeffffL, E820Type.RAM),
                E820Entry.ofInclusive(0xdfff0000L, 0xdfffffffL, E820Type.ACPI),
                E820Entry.ofInclusive(0xfec00000L, 0xfec00fffL, E820Type.RESERVED),
                E820Entry.ofInclusive(0xfee00000L, 0xfee00fffL, E820Type.RESERVED),
                E820Entry.ofInclusive(0xfffc0000L, 0xffffffffL, E820Type.RESERVED),
                E820Entry.ofInclusive(0x100000000L, 0x3373fffffL, E820Type.RAM));
    }

    @Test
    void printReproducesTheQemuBiosE820LinesCharacterForCharacter() {
        E820Table table = E820Table.of(qemu4G());
        assertThat(table.update()).isTrue();
        // verbatim from linux-reference.md §2.4 (a), timestamps stripped
        assertThat(table.print("BIOS-e820")).containsExactly(
                "BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable",
                "BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved",
                "BIOS-e820: [mem 0x00000000000f0000-0x00000000000fffff] reserved",
                "BIOS-e820: [mem 0x0000000000100000-0x00000000bffdffff] usable",
                "BIOS-e820: [mem 0x00000000bffe0000-0x00000000bfffffff] reserved",
                "BIOS-e820: [mem 0x00000000feffc000-0x00000000feffffff] reserved",
                "BIOS-e820: [mem 0x00000000fffc0000-0x00000000ffffffff] reserved",
                "BIOS-e820: [mem 0x0000000100000000-0x000000013fffffff] usable");
    }

    @Test
    void printReproducesTheVirtualBoxLinesIncludingAcpiData() {
        E820Table table = E820Table.of(fedoraVirtualBox());
        table.update();
        // verbatim from linux-reference.md §2.4 (c)
        assertThat(table.print("BIOS-e820")).containsExactly(
                "BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable",
                "BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved",
                "BIOS-e820: [mem 0x00000000000f0000-0x00000000000fffff] reserved",
                "BIOS-e820: [mem 0x0000000000100000-0x00000000dffeffff] usable",
                "BIOS-e820: [mem 0x00000000dfff0000-0x00000000dfffffff] ACPI data",
                "BIOS-e820: [mem 0x00000000fec00000-0x00000000fec00fff] reserved",
                "BIOS-e820: [mem 0x00000000fee00000-0x00000000fee00fff] reserved",
                "BIOS-e820: [mem 0x00000000fffc0000-0x00000000ffffffff] reserved",
                "BIOS-e820: [mem 0x0000000100000000-0x00000003373fffff] usable");
    }

    @Test
    void theSeedDigestQ5OverlapFixtureSanitisesToThreeEntries() {
        // seed-digest §2.1 Q5: reserved overlaps the end of the first usable range and wins there;
        // the two touching usable ranges above 1 MiB coalesce.
        E820Table table = E820Table.of(List.of(
                E820Entry.ofInclusive(0x0L, 0x9ffffL, E820Type.RAM),
                E820Entry.ofInclusive(0x9f000L, 0xfffffL, E820Type.RESERVED),
                E820Entry.ofInclusive(0x100000L, 0x7ffffffL, E820Type.RAM),
                E820Entry.ofInclusive(0x8000000L, 0x8ffffffL, E820Type.RAM)));
        assertThat(table.update()).isTrue();
        assertThat(table.entries()).containsExactly(
                E820Entry.ofInclusive(0x0L, 0x9efffL, E820Type.RAM),
                E820Entry.ofInclusive(0x9f000L, 0xfffffL, E820Type.RESERVED),
                E820Entry.ofInclusive(0x100000L, 0x8ffffffL, E820Type.RAM));
    }

    @Test
    void theHigherTypeNumberWinsAnOverlap() {
        // ACPI (3) inside reserved (2) inside usable (1): each inner one wins its bytes.
        E820Table table = E820Table.of(List.of(
                E820Entry.of(0x0, 0x10000, E820Type.RAM),
                E820Entry.of(0x4000, 0x8000, E820Type.RESERVED),
                E820Entry.of(0x6000, 0x1000, E820Type.ACPI)));
        table.update();
        assertThat(table.entries()).containsExactly(
                E820Entry.of(0x0, 0x4000, E820Type.RAM),
                E820Entry.of(0x4000, 0x2000, E820Type.RESERVED),
                E820Entry.of(0x6000, 0x1000, E820Type.ACPI),
                E820Entry.of(0x7000, 0x5000, E820Type.RESERVED),
                E820Entry.of(0xc000, 0x4000, E820Type.RAM));
    }

    @Test
    void theSanitiserClassDiagramExampleHolds() {
        // the picture in E820Sanitizer's class comment, in bytes
        E820Table table = E820Table.of(List.of(
                E820Entry.of(0, 10, E820Type.RAM),
                E820Entry.of(4, 2, E820Type.RESERVED),
                E820Entry.of(8, 3, E820Type.ACPI)));
        table.update();
        assertThat(table.entries()).containsExactly(
                E820Entry.of(0, 4, E820Type.RAM),
                E820Entry.of(4, 2, E820Type.RESERVED),
                E820Entry.of(6, 2, E820Type.RAM),
                E820Entry.of(8, 3, E820Type.ACPI));
    }

    @Test
    void softReservedComparesUnsignedAndBeatsEveryOtherType() {
        // 0xefffffff is negative as a Java int; the kernel compares enum e820_type unsigned.
        E820Table table = E820Table.of(List.of(
                E820Entry.of(0x1000, 0x3000, E820Type.UNUSABLE),
                E820Entry.of(0x2000, 0x1000, E820Type.SOFT_RESERVED)));
        table.update();
        assertThat(table.entries()).containsExactly(
                E820Entry.of(0x1000, 0x1000, E820Type.UNUSABLE),
                E820Entry.of(0x2000, 0x1000, E820Type.SOFT_RESERVED),
                E820Entry.of(0x3000, 0x1000, E820Type.UNUSABLE));
    }

    @Test
    void adjacentPramRangesStayApartBecausePramIsNoMerge() {
        E820Table table = E820Table.of(List.of(
                E820Entry.of(0x100000, 0x100000, E820Type.PRAM),
                E820Entry.of(0x200000, 0x100000, E820Type.PRAM),
                E820Entry.of(0x300000, 0x100000, E820Type.RAM),
                E820Entry.of(0x400000, 0x100000, E820Type.RAM)));
        table.update();
        assertThat(table.entries()).containsExactly(
                E820Entry.of(0x100000, 0x100000, E820Type.PRAM),
                E820Entry.of(0x200000, 0x100000, E820Type.PRAM),
                E820Entry.of(0x300000, 0x200000, E820Type.RAM));
    }

    @Test
    void aPramRangeIsCutAtEveryChangePointInsideIt() {
        // A usable range inside PRAM loses (1 < 12) but its start and end are change points, and
        // e820_nomerge() closes the PRAM entry at each of them: three PRAM pieces.
        E820Table table = E820Table.of(List.of(
                E820Entry.of(0x0, 0x100, E820Type.PRAM),
                E820Entry.of(0x50, 0x10, E820Type.RAM)));
        table.update();
        assertThat(table.entries()).containsExactly(
                E820Entry.of(0x0, 0x50, E820Type.PRAM),
                E820Entry.of(0x50, 0x10, E820Type.PRAM),
                E820Entry.of(0x60, 0xa0, E820Type.PRAM));
    }

    @Test
    void zeroSizeEntriesAreDropped() {
        E820Table table = E820Table.of(List.of(
                E820Entry.of(0x0, 0x1000, E820Type.RAM),
                E820Entry.of(0x5000, 0, E820Type.RESERVED),
                E820Entry.of(0x8000, 0x1000, E820Type.RAM)));
        table.update();
        assertThat(table.entries()).containsExactly(
                E820Entry.of(0x0, 0x1000, E820Type.RAM),
                E820Entry.of(0x8000, 0x1000, E820Type.RAM));
    }

    @Test
    void touchingRangesOfTheSameTypeCoalesceAndGapsStay() {
        E820Table table = E820Table.of(List.of(
                E820Entry.of(0x3000, 0x1000, E820Type.RESERVED),
                E820Entry.of(0x1000, 0x1000, E820Type.RESERVED),
                E820Entry.of(0x2000, 0x1000, E820Type.RESERVED),
                E820Entry.of(0x6000, 0x1000, E820Type.RESERVED)));
        table.update();
        assertThat(table.entries()).containsExactly(
                E820Entry.of(0x1000, 0x3000, E820Type.RESERVED),
                E820Entry.of(0x6000, 0x1000, E820Type.RESERVED));
    }

    @Test
    void aWrappingEntryMakesTheSanitiserReturnFailureAndLeaveTheTable() {
        List<E820Entry> input = List.of(
                E820Entry.of(0x0, 0x1000, E820Type.RAM),
                E820Entry.of(0xfffffffffffff000L, 0x2000, E820Type.RESERVED));
        E820Table table = E820Table.of(input);
        assertThat(table.update()).isFalse();
        assertThat(table.entries()).isEqualTo(input);
    }

    @Test
    void aSingleEntryIsNotSanitisedAndReportsFailureAsIn6x() {
        // e820__update_table(): "if (table->nr_entries < 2) return -1;" (6.13)
        E820Table table = E820Table.of(List.of(E820Entry.of(0x1000, 0, E820Type.RAM)));
        assertThat(table.update()).isFalse();
        assertThat(table.nrEntries()).isEqualTo(1);
    }

    @Test
    void anEntryEndingExactlyAt2To64CountsAsWrapping() {
        // addr + size == 0 < addr: the kernel's "addr + size < addr" test rejects it
        E820Table table = E820Table.of(List.of(
                E820Entry.of(0x0, 0x1000, E820Type.RAM),
                E820Entry.of(0xffffffffff000000L, 0x1000000L, E820Type.RESERVED)));
        assertThat(table.update()).isFalse();
    }

    @Test
    void rangeUpdateOfPageZeroSplitsTheFirstEntryAndPrintsTheKernelLine() {
        E820Table table = E820Table.of(qemu4G());
        table.update();
        RangeEdit edit = table.rangeUpdate(0, 4096, E820Type.RAM, E820Type.RESERVED);
        // dmesg (a): e820: update [mem 0x00000000-0x00000fff] usable ==> reserved
        assertThat(edit.line()).isEqualTo("e820: update [mem 0x00000000-0x00000fff] usable ==> reserved");
        assertThat(edit.changedBytes()).isEqualTo(4096);
        // partial overlap at the head: a reserved piece is appended, the original starts at 0x1000
        assertThat(table.entry(0)).isEqualTo(E820Entry.of(0x1000, 0x9fc00 - 0x1000, E820Type.RAM));
        assertThat(table.entry(table.nrEntries() - 1)).isEqualTo(E820Entry.of(0x0, 0x1000, E820Type.RESERVED));
    }

    @Test
    void rangeUpdateStrictlyInsideAnEntrySplitsItIntoThree() {
        E820Table table = E820Table.of(List.of(E820Entry.of(0x0, 0x10000, E820Type.RAM)));
        RangeEdit edit = table.rangeUpdate(0x4000, 0x2000, E820Type.RAM, E820Type.ACPI);
        assertThat(edit.changedBytes()).isEqualTo(0x2000);
        assertThat(table.entries()).containsExactly(
                E820Entry.of(0x0, 0x4000, E820Type.RAM),
                E820Entry.of(0x4000, 0x2000, E820Type.ACPI),
                E820Entry.of(0x6000, 0xa000, E820Type.RAM));
    }

    @Test
    void rangeUpdateTrimsTheTailOfAPartlyCoveredEntry() {
        E820Table table = E820Table.of(List.of(E820Entry.of(0x0, 0x10000, E820Type.RAM)));
        table.rangeUpdate(0xc000, 0x8000, E820Type.RAM, E820Type.RESERVED);
        assertThat(table.entries()).containsExactly(
                E820Entry.of(0x0, 0xc000, E820Type.RAM),
                E820Entry.of(0xc000, 0x4000, E820Type.RESERVED));
    }

    @Test
    void rangeUpdateLeavesEntriesOfOtherTypesAlone() {
        E820Table table = E820Table.of(List.of(E820Entry.of(0x0, 0x10000, E820Type.RESERVED)));
        RangeEdit edit = table.rangeUpdate(0x0, 0x10000, E820Type.RAM, E820Type.UNUSABLE);
        assertThat(edit.changedBytes()).isZero();
        assertThat(table.entries()).containsExactly(E820Entry.of(0x0, 0x10000, E820Type.RESERVED));
    }

    @Test
    void rangeUpdateToTheSameTypeIsRejected() {
        E820Table table = E820Table.of(List.of(E820Entry.of(0x0, 0x1000, E820Type.RAM)));
        assertThatThrownBy(() -> table.rangeUpdate(0, 0x1000, E820Type.RAM, E820Type.RAM))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must differ");
        assertThat(table.entries()).containsExactly(E820Entry.of(0x0, 0x1000, E820Type.RAM));
    }

    @Test
    void reservedKernPrintsAsUsableOnBothSidesOfAnUpdate() {
        // dmesg (a): "e820: update [mem 0x13fffa0f0-0x13fffa0ff] usable ==> usable" (RAM -> RESERVED_KERN);
        // %#010Lx grows past 8 digits for addresses above 4 GiB.
        E820Table table = E820Table.of(qemu4G());
        RangeEdit edit = table.rangeUpdate(0x13fffa0f0L, 0x10, E820Type.RAM, E820Type.RESERVED_KERN);
        assertThat(edit.line()).isEqualTo("e820: update [mem 0x13fffa0f0-0x13fffa0ff] usable ==> usable");
    }

    @Test
    void rangeRemoveOfTheBiosAreaPrintsTheKernelLineAndKeepsReservedEntries() {
        E820Table table = E820Table.of(qemu4G());
        table.update();
        RangeEdit edit = table.rangeRemove(0xa0000, 0x60000, E820Type.RAM, true);
        // dmesg (a): e820: remove [mem 0x000a0000-0x000fffff] usable
        assertThat(edit.line()).isEqualTo("e820: remove [mem 0x000a0000-0x000fffff] usable");
        assertThat(edit.changedBytes()).isZero(); // QEMU reports no RAM there
        table.update();
        assertThat(table.nrEntries()).isEqualTo(8);
    }

    @Test
    void rangeRemoveWithoutTypeCheckPrintsNoTypeButKeepsTheTrailingSpace() {
        E820Table table = E820Table.of(List.of(E820Entry.of(0x0, 0x10000, E820Type.RESERVED)));
        RangeEdit edit = table.rangeRemove(0x2000, 0x1000, null, false);
        assertThat(edit.line()).isEqualTo("e820: remove [mem 0x00002000-0x00002fff] ");
        assertThat(table.entries()).containsExactly(
                E820Entry.of(0x0, 0x2000, E820Type.RESERVED),
                E820Entry.of(0x3000, 0xd000, E820Type.RESERVED));
    }

    @Test
    void rangeRemoveZeroesAFullyCoveredEntryUntilTheNextUpdate() {
        E820Table table = E820Table.of(List.of(
                E820Entry.of(0x0, 0x1000, E820Type.RAM),
                E820Entry.of(0x1000, 0x1000, E820Type.RAM)));
        table.rangeRemove(0x1000, 0x1000, E820Type.RAM, true);
        assertThat(table.entry(1)).isEqualTo(E820Entry.of(0, 0, E820Type.of(0)));
        table.update();
        assertThat(table.entries()).containsExactly(E820Entry.of(0x0, 0x1000, E820Type.RAM));
    }

    @Test
    void theTwoEarlyEditsOfEveryBootGiveTheExpectedQemuTable() {
        // trim_bios_range() on table (a): page 0 becomes reserved, nothing usable lies in the
        // 0xa0000-0xfffff hole, then e820__update_table() sorts the appended page-0 entry first.
        E820Table table = E820Table.of(qemu4G());
        table.update();
        table.rangeUpdate(0, 4096, E820Type.RAM, E820Type.RESERVED);
        table.rangeRemove(0xa0000, 0x60000, E820Type.RAM, true);
        table.update();
        assertThat(table.print("modified")).containsExactly(
                "modified: [mem 0x0000000000000000-0x0000000000000fff] reserved",
                "modified: [mem 0x0000000000001000-0x000000000009fbff] usable",
                "modified: [mem 0x000000000009fc00-0x000000000009ffff] reserved",
                "modified: [mem 0x00000000000f0000-0x00000000000fffff] reserved",
                "modified: [mem 0x0000000000100000-0x00000000bffdffff] usable",
                "modified: [mem 0x00000000bffe0000-0x00000000bfffffff] reserved",
                "modified: [mem 0x00000000feffc000-0x00000000feffffff] reserved",
                "modified: [mem 0x00000000fffc0000-0x00000000ffffffff] reserved",
                "modified: [mem 0x0000000100000000-0x000000013fffffff] usable");
    }

    @Test
    void endOfRamPfnOfTheQemuTableIs0x140000() {
        E820Table table = E820Table.of(qemu4G());
        table.update();
        // dmesg (a): last_pfn = 0x140000 max_arch_pfn = 0x400000000
        assertThat(table.endOfRamPfn().line()).isEqualTo("last_pfn = 0x140000 max_arch_pfn = 0x400000000");
        // below 4 GiB the last usable byte is 0xbffdffff: pfn 0xbffe0
        assertThat(table.endOfLowRamPfn().pfn()).isEqualTo(0xbffe0L);
    }

    @Test
    void endOfRamPfnCountsAcpiDataAndDropsPartialPages() {
        E820Table table = E820Table.of(fedoraVirtualBox());
        table.update();
        // (c): RAM ends at 0x3373fffff -> pfn 0x337400; below 4 GiB the ACPI data entry
        // 0xdfff0000-0xdfffffff counts (E820_TYPE_ACPI), so the low end is 0xe0000, not 0xdfff0.
        assertThat(table.endOfRamPfn().pfn()).isEqualTo(0x337400L);
        assertThat(table.endOfLowRamPfn().line()).isEqualTo("last_pfn = 0xe0000 max_arch_pfn = 0x400000000");
        // the first usable entry ends at 0x9fc00, a partial page: PFN_DOWN gives 0x9f
        E820Table low = E820Table.of(List.of(E820Entry.of(0, 0x9fc00, E820Type.RAM),
                E820Entry.of(0x9fc00, 0x400, E820Type.RESERVED)));
        assertThat(low.endOfRamPfn().pfn()).isEqualTo(0x9fL);
    }

    @Test
    void pciGapOfTheQemuTableIsTheHoleAbove3GiB() {
        // Hand derivation for table (a) after trim_bios_range(), scanning entries from the top with
        // last = 4 GiB and a 4 MiB minimum:
        //   usable 4G-5G:           start == last, no gap; last stays 0x100000000
        //   reserved 0xfffc0000-:   end == last, no gap; last = 0xfffc0000
        //   reserved 0xfeffc000-:   gap 0xfffc0000-0xff000000 = 0xfc0000 >= 4 MiB -> best; last = 0xfeffc000
        //   reserved 0xbffe0000-:   gap 0xfeffc000-0xc0000000 = 0x3effc000 >= best -> best; last = 0xbffe0000
        //   lower entries:          gaps below 4 MiB (e.g. 0xa0000-0xf0000 = 0x50000)
        // => [mem 0xc0000000-0xfeffbfff] available for PCI devices
        E820Table table = E820Table.of(qemu4G());
        table.update();
        table.rangeUpdate(0, 4096, E820Type.RAM, E820Type.RESERVED);
        table.rangeRemove(0xa0000, 0x60000, E820Type.RAM, true);
        table.update();
        PciGap gap = table.setupPciGap(0x140000);
        assertThat(gap.lines()).containsExactly("[mem 0xc0000000-0xfeffbfff] available for PCI devices");
    }

    @Test
    void pciGapOfTheVirtualBoxTableStartsAboveTheAcpiData() {
        // (c): the hole 0xe0000000-0xfebfffff (0x1ec00000 bytes) beats 0xfee01000-0xfffbffff
        // (0x11bf000) and the 0x1ff000 hole between the two APIC pages.
        E820Table table = E820Table.of(fedoraVirtualBox());
        table.update();
        assertThat(table.setupPciGap(0x337400).line())
                .isEqualTo("[mem 0xe0000000-0xfebfffff] available for PCI devices");
    }

    @Test
    void ofTwoEqualGapsTheLowerOneWins() {
        // entries at [4M,8M) and [12M,16M) and [20M,4G): gaps [8M,12M) and [16M,20M) are both 4 MiB;
        // the downward scan meets the upper gap first and replaces it with the lower one (>=).
        E820Table table = E820Table.of(List.of(
                E820Entry.of(0x400000, 0x400000, E820Type.RAM),
                E820Entry.of(0xc00000, 0x400000, E820Type.RAM),
                E820Entry.of(0x1400000, 0x100000000L - 0x1400000, E820Type.RESERVED)));
        assertThat(table.searchGap(E820Table.MIN_PCI_GAP)).contains(new PciGap(0x800000, 0x400000, true));
    }

    @Test
    void withoutA4MiBGapThePciWindowFallsBackAboveTheEndOfRam() {
        E820Table table = E820Table.of(List.of(
                E820Entry.of(0x0, 0xfff00000L, E820Type.RAM),
                E820Entry.of(0xfff00000L, 0x100000, E820Type.RESERVED)));
        PciGap gap = table.setupPciGap(0xfff00L);
        // (max_pfn << PAGE_SHIFT) + 1 MiB = 0xfff00000 + 0x100000 = 0x100000000, size stays 4 MiB
        assertThat(gap.lines()).containsExactly(
                "Cannot find an available gap in the 32-bit address range",
                "PCI devices with unassigned 32-bit BARs may not work!",
                "[mem 0x100000000-0x1003fffff] available for PCI devices");
    }

    @Test
    void aFullTableIgnoresFurtherRanges() {
        E820Table table = new E820Table(2);
        assertThat(table.add(0, 0x1000, E820Type.RAM)).isTrue();
        assertThat(table.add(0x1000, 0x1000, E820Type.RAM)).isTrue();
        assertThat(table.add(0x2000, 0x1000, E820Type.RAM)).isFalse();
        assertThat(table.nrEntries()).isEqualTo(2);
    }

    @Test
    void mappedAllFollowsCoverageAcrossTouchingEntries() {
        E820Table table = E820Table.of(qemu4G());
        table.update();
        assertThat(table.mappedAll(0x1000000, 0x5000000, E820Type.RAM)).isTrue();
        assertThat(table.mappedAll(0x9f000, 0x101000, E820Type.RAM)).isFalse();
        assertThat(table.mappedAny(0xa0000, 0x100000, E820Type.RESERVED)).isTrue();
    }
}
