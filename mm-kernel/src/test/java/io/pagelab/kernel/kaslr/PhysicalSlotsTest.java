package io.pagelab.kernel.kaslr;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.hardware.firmware.E820Entry;
import io.pagelab.hardware.firmware.E820Type;
import io.pagelab.hardware.firmware.SampleFirmware;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PhysicalSlotsTest {

    private static final long MIB = 1L << 20;
    private final KaslrConfig config = KaslrConfig.defaults();
    /** seed-digest App. D.1: usable 0x0-0x9fbff and 0x100000-0x7fdffff. */
    private final List<E820Entry> d1 = SampleFirmware.qemu128M().entries();

    @Test
    void theSyntheticMapHas48SlotsForA16MiBImage() {
        // seed-digest Q4 / C.9, checked against kaslr.c: the low entry ends below the 16 MiB minimum;
        // the other gives [0x1000000, 0x7fe0000), size 0x6fe0000, and (0x6fe0000 - 0x1000000) / 2 MiB + 1
        // = 47 + 1 = 48 slots, the last at 0x1000000 + 47 * 2 MiB = 0x6e00000
        SlotTable slots = PhysicalSlots.scan(d1, 0x1000000L, 16 * MIB, List.of(), -1L, config);
        assertThat(slots.total()).isEqualTo(48);
        assertThat(slots.address(0)).isEqualTo(0x1000000L);
        assertThat(slots.address(47)).isEqualTo(0x6e00000L);
        assertThat(slots.areas()).containsExactly(new SlotArea(0x1000000L, 48));
    }

    @Test
    void anAvoidedRangeSplitsTheRegionInTwo() {
        // ZO range [0x2400000, 0x3000000): before it [0x1000000, 0x2400000) = 20 MiB > 16 MiB:
        // (20 - 16) / 2 + 1 = 3 slots; after it [0x3000000, 0x7fe0000): (0x4fe0000 - 0x1000000) / 2 MiB + 1
        // = 31 + 1 = 32 slots; 35 in all
        SlotTable slots = PhysicalSlots.scan(d1, 0x1000000L, 16 * MIB,
                List.of(new MemVector("ZO range", 0x2400000L, 0xc00000L)), -1L, config);
        assertThat(slots.areas()).containsExactly(new SlotArea(0x1000000L, 3), new SlotArea(0x3000000L, 32));
        assertThat(slots.total()).isEqualTo(35);
    }

    @Test
    void aPieceExactlyTheImageSizeBeforeAnAvoidedRangeHoldsOneSlot() {
        // kaslr.c (since 5.9, commit 8d1cf8595860 "x86/kaslr: Fix off-by-one error in
        // __process_mem_region") keeps the piece before an overlap if overlap.start >= region.start
        // + image_size. The piece [0x1000000, 0x2000000) is exactly 16 MiB: (16 - 16) / 2 + 1 = 1 slot,
        // then the 32 slots after the range.
        SlotTable slots = PhysicalSlots.scan(d1, 0x1000000L, 16 * MIB,
                List.of(new MemVector("initrd", 0x2000000L, 0x1000000L)), -1L, config);
        assertThat(slots.areas()).containsExactly(new SlotArea(0x1000000L, 1), new SlotArea(0x3000000L, 32));
    }

    @Test
    void theLowestOfSeveralOverlappingRangesIsHandledFirst() {
        // avoid [0x5000000, +1 MiB) and [0x2800000, +4 KiB) (listed in that order): the cut happens at the
        // lower one first. [0x1000000, 0x2800000) = 24 MiB: (24-16)/2+1 = 5; then from 0x2801000 aligned up
        // to 0x2a00000 up to 0x5000000 = 38 MiB: (38-16)/2+1 = 12; then [0x5100000 -> 0x5200000, 0x7fe0000)
        // = 0x2de0000: (0x2de0000 - 0x1000000) / 2 MiB + 1 = 14 + 1 = 15
        SlotTable slots = PhysicalSlots.scan(d1, 0x1000000L, 16 * MIB, List.of(
                new MemVector("initrd", 0x5000000L, MIB), new MemVector("cmdline", 0x2800000L, 0x1000)), -1L, config);
        assertThat(slots.areas()).containsExactly(new SlotArea(0x1000000L, 5), new SlotArea(0x2a00000L, 12),
                new SlotArea(0x5200000L, 15));
    }

    @Test
    void memLimitCutsTheUsableRange() {
        // mem=64M: [0x1000000, 0x4000000) = 48 MiB: (48 - 16) / 2 + 1 = 17
        SlotTable slots = PhysicalSlots.scan(d1, 0x1000000L, 16 * MIB, List.of(), 64 * MIB, config);
        assertThat(slots.total()).isEqualTo(17);
    }

    @Test
    void onlyUsableRamCountsAndBothRangesOfTheQemuGuestGiveSlots() {
        // QEMU 4 GiB (linux-reference.md §2.4 (a)) with a 42 MiB image (needed_size 0x2a00000 of a real
        // 6.19 boot log): [0x1000000, 0xbffe0000) gives (0xbefe0000 - 0x2a00000) / 2 MiB + 1 = 1506 + 1;
        // [0x100000000, 0x140000000) gives (0x40000000 - 0x2a00000) / 2 MiB + 1 = 491 + 1
        SlotTable slots = PhysicalSlots.scan(SampleFirmware.qemu4G().entries(), 0x1000000L, 0x2a00000L, List.of(), -1L,
                config);
        assertThat(slots.areas()).containsExactly(new SlotArea(0x1000000L, 1507), new SlotArea(0x100000000L, 492));
        assertThat(slots.address(1507)).isEqualTo(0x100000000L);
    }

    @Test
    void noMoreThan100AreasAreStored() {
        // 150 usable 16 MiB ranges, 32 MiB apart: one slot each, but MAX_SLOT_AREA is 100
        List<E820Entry> many = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            many.add(E820Entry.of(0x1000000L + i * 32 * MIB, 16 * MIB, E820Type.RAM));
        }
        SlotTable slots = PhysicalSlots.scan(many, 0x1000000L, 16 * MIB, List.of(), -1L, config);
        assertThat(slots.areas()).hasSize(SlotTable.MAX_SLOT_AREA);
        assertThat(slots.total()).isEqualTo(100);
    }
}
