package io.pagelab.questions.q06;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.hardware.firmware.E820Entry;
import io.pagelab.hardware.firmware.E820Type;
import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.questions.q06.PhysicalLayout.Range;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q6 内存是连续的吗？ Is memory contiguous?
 *
 * <p>Holes follow from the e820 tables (seed digest D.1, real dmesg in linux-reference.md §2.4);
 * sections are computed by hand with SECTION_SIZE_BITS = 27 and PAGE_SHIFT = 12 on x86-64, so a
 * section holds 2^15 = 0x8000 page frames and section = pfn &gt;&gt; 15.
 */
@Grader(id = "q06")
@DisplayName("Q6 holes in the physical map and SPARSEMEM present sections")
class PhysicalLayoutTest {

    private static final long FOUR_GIB = 0x100000000L;

    private static List<Long> sections(long firstInclusive, long lastInclusive) {
        return LongStream.rangeClosed(firstInclusive, lastInclusive).boxed().collect(Collectors.toList());
    }

    @Test
    @Points(3)
    @Hint("Walk the entries by address and report every stretch no entry covers, whatever its type; "
            + "reserved ranges are not holes.")
    void theD1TableHasThreeHolesBelow4GiB() {
        // seed digest D.1: the legacy window after 0x9ffff up to the BIOS ROM at 0xf0000, the PCI hole
        // from the end of RAM (0x8000000) to 0xfeffc000, and the gap between the two firmware ranges
        assertThat(PhysicalLayout.holes(SampleFirmware.qemu128M().entries(), FOUR_GIB))
                .as("holes below 4 GiB in the 128 MiB D.1 table")
                .containsExactly(
                        new Range(0xa0000L, 0xf0000L),
                        new Range(0x8000000L, 0xfeffc000L),
                        new Range(0xff000000L, 0xfffc0000L));
    }

    @Test
    @Points(2)
    @Hint("The last hole runs from the end of the last entry up to the limit.")
    void memoryAboveTheLastEntryUpToTheLimitIsAHole() {
        // QEMU 4 GiB: RAM ends at 0x13fffffff (5 GiB), so with a 6 GiB limit [5 GiB, 6 GiB) is a hole;
        // under 4 GiB the PCI hole starts at 0xc0000000, after the reserved 0xbffe0000..0xbfffffff
        assertThat(PhysicalLayout.holes(SampleFirmware.qemu4G().entries(), 0x180000000L))
                .as("holes below 6 GiB in the QEMU 4 GiB table")
                .containsExactly(
                        new Range(0xa0000L, 0xf0000L),
                        new Range(0xc0000000L, 0xfeffc000L),
                        new Range(0xff000000L, 0xfffc0000L),
                        new Range(0x140000000L, 0x180000000L));
    }

    @Test
    @Points(2)
    @Hint("Nothing at or above the limit is reported: a hole that crosses the limit is cut there.")
    void holesAreCutAtTheLimit() {
        List<E820Entry> d1 = SampleFirmware.qemu128M().entries();
        assertThat(PhysicalLayout.holes(d1, 0x100000L)).as("holes below 1 MiB")
                .containsExactly(new Range(0xa0000L, 0xf0000L));
        assertThat(PhysicalLayout.holes(d1, 0xc0000L)).as("holes below 0xc0000 (inside the VGA hole)")
                .containsExactly(new Range(0xa0000L, 0xc0000L));
    }

    @Test
    @Points(3)
    @Hint("Raw tables may be unsorted and overlap: sort by start, and remember the highest end seen "
            + "so far; a range that starts below it is not a hole.")
    void overlappingAndUnsortedEntriesLeaveOnlyTheUncoveredStretches() {
        // covered: [0, 0x9fc00) u [0x9f000, 0xa0000) = [0, 0xa0000); [0xe0000, 0x100000) twice;
        // a zero-size entry at 0xb0000 covers nothing; [0x100000, 0x1000000)
        List<E820Entry> raw = List.of(
                E820Entry.ofInclusive(0x100000L, 0xffffffL, E820Type.RAM),
                E820Entry.ofInclusive(0xf0000L, 0xfffffL, E820Type.RESERVED),
                E820Entry.ofInclusive(0x9f000L, 0x9ffffL, E820Type.RESERVED),
                E820Entry.of(0xb0000L, 0, E820Type.RESERVED),
                E820Entry.ofInclusive(0xe0000L, 0xfffffL, E820Type.RESERVED),
                E820Entry.ofInclusive(0, 0x9fbffL, E820Type.RAM));

        assertThat(PhysicalLayout.holes(raw, 0x2000000L))
                .as("holes below 32 MiB in an overlapping, unsorted table")
                .containsExactly(new Range(0xa0000L, 0xe0000L), new Range(0x1000000L, 0x2000000L));
    }

    @Test
    @Points(3)
    @Hint("A section is 128 MiB (1 << 27). Take each usable entry's first and last whole page frame "
            + "and mark every section from first >> 15 to last >> 15.")
    void theQemu4GiBGuestHasSections0To23And32To39() {
        // RAM [0, 0x9fc00): pfns 0..0x9e          -> section 0
        // RAM [0x100000, 0xbffe0000): pfns 0x100..0xbffdf -> sections 0..0xbffdf >> 15 = 23
        // RAM [4 GiB, 5 GiB): pfns 0x100000..0x13ffff     -> sections 32..39
        // 3 GiB..4 GiB holds only reserved ranges and holes: sections 24..31 are absent
        List<Long> expected = Stream.concat(sections(0, 23).stream(), sections(32, 39).stream())
                .collect(Collectors.toList());
        assertThat(PhysicalLayout.presentSections(SampleFirmware.qemu4G().entries()))
                .as("present sections of the QEMU 4 GiB guest")
                .containsExactlyElementsOf(expected);
    }

    @Test
    @Points(2)
    @Hint("Same rule on a bigger machine: RAM above 4 GiB starts at section 32.")
    void theFedoraVirtualBoxGuestHasSections0To27And32To102() {
        // RAM [0x100000, 0xdfff0000): last pfn 0xdffef, 0xdffef >> 15 = 27
        // RAM [4 GiB, 0x337400000): pfns 0x100000..0x3373ff, 0x3373ff >> 15 = 0x66 = 102
        // the ACPI data range at 0xdfff0000 is not RAM and adds nothing
        List<Long> expected = Stream.concat(sections(0, 27).stream(), sections(32, 102).stream())
                .collect(Collectors.toList());
        assertThat(PhysicalLayout.presentSections(SampleFirmware.fedoraVirtualBox().entries()))
                .as("present sections of the Fedora VirtualBox guest")
                .containsExactlyElementsOf(expected);
    }

    @Test
    @Points(3)
    @Hint("The end of a range is exclusive: RAM ending exactly at 128 MiB does not touch section 1. "
            + "And only whole pages count: PFN_UP the start, PFN_DOWN the end.")
    void ramEndingAtASectionBoundaryOrASubPageSliverAddsNoSection() {
        // [1 MiB, 128 MiB): last pfn 0x7fff -> section 0 only
        List<E820Entry> endsAtBoundary = List.of(
                E820Entry.ofInclusive(0, 0x9fbffL, E820Type.RAM),
                E820Entry.ofInclusive(0x100000L, 0x7ffffffL, E820Type.RAM));
        assertThat(PhysicalLayout.presentSections(endsAtBoundary))
                .as("sections when RAM ends exactly at 0x8000000")
                .containsExactly(0L);

        // one more page [0x8000000, 0x8001000) reaches section 1
        List<E820Entry> onePageMore = List.of(
                E820Entry.ofInclusive(0x100000L, 0x8000fffL, E820Type.RAM));
        assertThat(PhysicalLayout.presentSections(onePageMore))
                .as("sections when RAM ends at 0x8001000")
                .containsExactly(0L, 1L);

        // 2 KiB of RAM at 256 MiB is not one whole page: PFN_UP(0x10000000) = PFN_DOWN(0x10000800)
        List<E820Entry> sliver = List.of(
                E820Entry.ofInclusive(0x100000L, 0x7ffffffL, E820Type.RAM),
                E820Entry.ofInclusive(0x10000000L, 0x100007ffL, E820Type.RAM));
        assertThat(PhysicalLayout.presentSections(sliver))
                .as("sections with a 2 KiB sliver of RAM in section 2")
                .containsExactly(0L);
    }
}
