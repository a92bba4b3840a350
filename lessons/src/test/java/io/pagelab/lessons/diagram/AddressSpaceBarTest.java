package io.pagelab.lessons.diagram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.hardware.firmware.E820Entry;
import io.pagelab.hardware.firmware.E820Type;
import java.util.List;
import org.junit.jupiter.api.Test;

class AddressSpaceBarTest {

    private static final long GIB = 1L << 30;

    @Test
    void regionsFillTheGapsOfTableAWithThreeHoles() {
        List<Region> regions = AddressSpaceBar.regions(QemuTableA.TABLE, 0, 5 * GIB);

        // 8 entries and, between them, three gaps: the legacy window 0xa0000-0xeffff, the PCI
        // hole 0xc0000000-0xfeffbfff and 0xff000000-0xfffbffff (read off §2.4 (a) by hand)
        assertThat(regions).hasSize(11);
        assertThat(regions).filteredOn(r -> r.kind() == RegionKind.HOLE).containsExactly(
                new Region(0xa0000L, 0xf0000L, RegionKind.HOLE),
                new Region(0xc0000000L, 0xfeffc000L, RegionKind.HOLE),
                new Region(0xff000000L, 0xfffc0000L, RegionKind.HOLE));
    }

    @Test
    void zoomOnTheFirstMebibyteShowsTheLegacyHoleBetweenRamAndTheBiosRom() {
        List<String> lines = AddressSpaceBar.linear(QemuTableA.TABLE, 0, 0x100000L, 64,
                List.of(new AddressSpaceBar.Tick(0, "0"), new AddressSpaceBar.Tick(0xa0000L, "0xa0000")),
                Painter.NONE);

        // 64 cells of 16 KiB: 0-0x9ffff is 40 cells (the 1 KiB reserved tail loses its cell to the
        // 15 KiB of RAM), 0xa0000-0xeffff 20 hole cells, 0xf0000-0xfffff 4 reserved cells
        assertThat(lines.get(0)).isEqualTo("█".repeat(40) + "·".repeat(20) + "▒".repeat(4));
        assertThat(lines.get(1)).isEqualTo("^" + " ".repeat(39) + "^");
        assertThat(lines.get(2)).isEqualTo("0" + " ".repeat(39) + "0xa0000");
    }

    @Test
    void overviewToFiveGibShowsThePciHoleBelowFourGib() {
        List<String> lines = AddressSpaceBar.linear(QemuTableA.TABLE, 0, 5 * GIB, 64, List.of(), Painter.NONE);

        // 64 cells of 80 MiB. RAM ends at 0xbffe0000 = 38.4 cells: cell 38 is mostly PCI hole.
        // The hole ends at 0xfeffc000 = 50.99 cells; cell 51 (0xff000000-0x103ffffff) is 64 MiB of
        // the RAM above 4 GiB against 16 MiB of hole and firmware, so RAM from cell 51 to 63.
        assertThat(lines.get(0)).isEqualTo("█".repeat(38) + "·".repeat(13) + "█".repeat(13));
    }

    @Test
    void logBarDoublesTheSizeWithEveryCharacter() {
        // 1 + floor(log2(KiB)): 1 KiB -> 1, 639 KiB -> 1 + 9 = 10, 1 GiB = 2^20 KiB -> 21
        assertThat(AddressSpaceBar.logLength(1024)).isEqualTo(1);
        assertThat(AddressSpaceBar.logLength(0x9fc00)).isEqualTo(10);
        assertThat(AddressSpaceBar.logLength(GIB)).isEqualTo(21);
        assertThat(AddressSpaceBar.logLength(100)).isEqualTo(1);
    }

    @Test
    void logChartHasOneRowPerRegionWithItsSizeAndNote() {
        List<String> rows = AddressSpaceBar.logChart(QemuTableA.TABLE, 0, 0x140000000L,
                region -> region.start() == 0xa0000L ? "legacy" : "", Painter.NONE);

        assertThat(rows).hasSize(11);
        // 0x9fc00 bytes = 639 KiB exactly; 1 + floor(log2 639) = 10 characters
        assertThat(rows.get(0)).isEqualTo("0x000000000-0x00009fbff  usable         639 KiB  " + "█".repeat(10));
        // 0xf0000 - 0xa0000 = 0x50000 = 320 KiB; 1 + floor(log2 320) = 9
        assertThat(rows.get(2)).isEqualTo("0x0000a0000-0x0000effff  (hole)         320 KiB  " + "·".repeat(9) + "  legacy");
    }

    @Test
    void anUnsanitizedTableIsRejectedWithTheOffendingAddress() {
        List<E820Entry> overlapping = List.of(
                E820Entry.ofInclusive(0, 0x9ffff, E820Type.RAM),
                E820Entry.ofInclusive(0x9f000, 0xfffff, E820Type.RESERVED));

        assertThatThrownBy(() -> AddressSpaceBar.regions(overlapping, 0, 0x100000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0x9f000")
                .hasMessageContaining("sanitized");
    }
}
