package io.pagelab.kernel.pgtable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.kernel.boot.BootMemory;
import io.pagelab.kernel.memblock.Memblock;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * split_mem_range() (arch/x86/mm/init.c, Linux 6.x) on hand-worked ranges. The QEMU 4 GiB guest's
 * memblock.memory after boot is [0x1000, 0x9f000), [0x100000, 0xbffe0000), [0x100000000, 0x140000000)
 * (page 0 and 640K-1M taken out by trim_bios_range(), partial pages trimmed).
 */
class SplitMemRangeTest {
    private static final int MASK_2M = MapRange.MASK_2M;
    private static final int MASK_1G = MapRange.MASK_1G;

    private static final Memblock QEMU4G = BootMemory.boot(SampleFirmware.qemu4G()).memblock();

    private static List<String> lines(List<MapRange> ranges) {
        return ranges.stream().map(MapRange::line).collect(Collectors.toList());
    }

    @Test
    void lowRamWithGbpagesIsCutIntoHead2m1g2mAndTail() {
        // [1M, 0xbffe0000): head 4k up to 2M; 2M up to the 1 GiB boundary; 1G for [1G, 2G) (the only
        // whole GiB: round_down(0xbffe0, 0x40000) = 0x80000); 2M up to round_down(end, 2M) = 0xbfe00000;
        // 4k tail. No merge: neighbours differ in page size.
        List<MapRange> mr = SplitMemRange.split(0x100000L, 0xbffe0000L, MASK_2M | MASK_1G, QEMU4G);

        assertThat(lines(mr)).containsExactly(
                " [mem 0x00100000-0x001fffff] page 4k",
                " [mem 0x00200000-0x3fffffff] page 2M",
                " [mem 0x40000000-0x7fffffff] page 1G",
                " [mem 0x80000000-0xbfdfffff] page 2M",
                " [mem 0xbfe00000-0xbffdffff] page 4k");
    }

    @Test
    void withoutGbpagesTheThree2mPiecesMergeIntoOne() {
        // the 1G piece gets mask & (2M|1G) = 2M; three touching 2M pieces merge
        List<MapRange> mr = SplitMemRange.split(0x100000L, 0xbffe0000L, MASK_2M, QEMU4G);

        assertThat(lines(mr)).containsExactly(
                " [mem 0x00100000-0x001fffff] page 4k",
                " [mem 0x00200000-0xbfdfffff] page 2M",
                " [mem 0xbfe00000-0xbffdffff] page 4k");
    }

    @Test
    void theIsaRangeStays4kBecausePage0IsNotMemory() {
        // [0, 1M) has no 2M-aligned part; adjust_range_page_size_mask() asks whether [0, 2M) is one
        // memblock region: no, memory starts at 0x1000
        assertThat(lines(SplitMemRange.split(0, 0x100000L, MASK_2M | MASK_1G, QEMU4G)))
                .containsExactly(" [mem 0x00000000-0x000fffff] page 4k");
    }

    @Test
    void aSmallPieceGetsTheBigPageWhenTheWholeBlockAroundItIsRam() {
        Memblock flat = new Memblock();
        flat.add(0, 1L << 30); // one region [0, 1 GiB)
        // head [1M, 2M) is 4k by alignment, but [0, 2M) is RAM: promoted to 2M, then merged with [2M, 4M)
        assertThat(lines(SplitMemRange.split(0x100000L, 0x400000L, MASK_2M, flat)))
                .containsExactly(" [mem 0x00100000-0x003fffff] page 2M");
    }

    @Test
    void aRangeInsideOneGigabyteOfRamIsPromotedTo1g() {
        // [0x13fe00000, 0x140000000) is a 2M piece; [4G, 5G) is one memblock region: promoted to 1G
        assertThat(lines(SplitMemRange.split(0x13fe00000L, 0x140000000L, MASK_2M | MASK_1G, QEMU4G)))
                .containsExactly(" [mem 0x13fe00000-0x13fffffff] page 1G");
    }

    @Test
    void withoutPseEverythingIs4k() {
        assertThat(SplitMemRange.split(0x100000L, 0xbffe0000L, 0, QEMU4G))
                .containsExactly(new MapRange(0x100000L, 0xbffe0000L, 0));
    }

    @Test
    void aBadMaskIsRefused() {
        assertThatThrownBy(() -> new MapRange(0, 0x1000, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("page_size_mask");
    }
}
