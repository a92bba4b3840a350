package io.pagelab.questions.q04;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import io.pagelab.hardware.firmware.E820Entry;
import io.pagelab.hardware.firmware.E820Type;
import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.questions.q04.KaslrSlots.Area;
import io.pagelab.questions.q04.KaslrSlots.Range;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q4 kernel映像如何隐匿自己的位置？ How does the kernel image hide its location?
 *
 * <p>Slot counts are worked out by hand from arch/x86/boot/compressed/kaslr.c (Linux 5.9 to 6.x) on the
 * seed digest's D.1 map (usable [0, 0x9fc00) and [0x100000, 0x7fe0000)); on random maps one test checks,
 * without any oracle, that the slots are exactly the free aligned positions the kaslr.c rules allow.
 */
@Grader(id = "q04")
@DisplayName("Q4 KASLR: physical slots in usable RAM, random slot, virtual offset")
class KaslrSlotsTest {

    private static final long MIB = 1L << 20;
    private static final long ALIGN = 0x200000L;
    private static final long KERNEL_IMAGE_SIZE = 1L << 30;
    private final List<E820Entry> d1 = SampleFirmware.qemu128M().entries();

    @Test
    @Points(3)
    @Hint("The low entry ends below the 16 MiB minimum and is skipped. The other becomes [0x1000000, 0x7fe0000): "
            + "(size - image) / align + 1 slots.")
    void theSyntheticMapHas48SlotsForA16MiBImage() {
        // seed-digest Q4: (0x6fe0000 - 0x1000000) / 0x200000 + 1 = 47 + 1 = 48, from 0x1000000 to 0x6e00000
        assertThat(KaslrSlots.slotAreas(d1, 0x1000000L, 16 * MIB, ALIGN, List.of()))
                .as("slot areas of D.1 for a 16 MiB image").containsExactly(new Area(0x1000000L, 48));
    }

    @Test
    @Points(3)
    @Hint("When an avoided range overlaps, store the piece before it (if big enough), then go on with the "
            + "region that starts right after the avoided range.")
    void anAvoidedRangeSplitsTheRegion() {
        // [0x2400000, 0x3000000) avoided: before it 20 MiB -> (20 - 16) / 2 + 1 = 3 slots;
        // after it [0x3000000, 0x7fe0000) -> (0x4fe0000 - 0x1000000) / 2 MiB + 1 = 32 slots
        assertThat(KaslrSlots.slotAreas(d1, 0x1000000L, 16 * MIB, ALIGN, List.of(new Range(0x2400000L, 0xc00000L))))
                .as("areas around the ZO range").containsExactly(new Area(0x1000000L, 3), new Area(0x3000000L, 32));
    }

    @Test
    @Points(2)
    @Hint("Since Linux 5.9 kaslr.c keeps the piece before an overlap when overlap.start >= region.start + "
            + "image_size: a piece exactly as large as the image still holds one slot.")
    void aPieceExactlyAsLargeAsTheImageKeepsOneSlot() {
        // Linux 5.9+ __process_mem_region() (commit 8d1cf8595860, "Fix off-by-one error"): the piece
        // [0x1000000, 0x2000000) before the avoided [0x2000000, 0x3000000) is 16 MiB = image_size, so it is kept:
        // (0x1000000 - 0x1000000) / 2 MiB + 1 = 1 slot. After it [0x3000000, 0x7fe0000) = 0x4fe0000 bytes:
        // (0x4fe0000 - 0x1000000) / 0x200000 + 1 = 31 + 1 = 32 slots.
        assertThat(KaslrSlots.slotAreas(d1, 0x1000000L, 16 * MIB, ALIGN, List.of(new Range(0x2000000L, 0x1000000L))))
                .as("areas when the piece before the initrd is exactly 16 MiB")
                .containsExactly(new Area(0x1000000L, 1), new Area(0x3000000L, 32));
    }

    @Test
    @Points(2)
    @Hint("Among the avoided ranges overlapping the region take the one with the lowest start, whatever their "
            + "order in the list; after it, round the start up to the alignment again.")
    void theLowestOverlapIsCutFirst() {
        // [0x1000000, 0x2800000) 24 MiB -> 5; [0x2a00000, 0x5000000) 38 MiB -> 12;
        // [0x5200000, 0x7fe0000) = 0x2de0000 -> 14 + 1 = 15
        assertThat(KaslrSlots.slotAreas(d1, 0x1000000L, 16 * MIB, ALIGN,
                List.of(new Range(0x5000000L, MIB), new Range(0x2800000L, 0x1000))))
                .as("areas around two avoided ranges")
                .containsExactly(new Area(0x1000000L, 5), new Area(0x2a00000L, 12), new Area(0x5200000L, 15));
    }

    @Test
    @Points(2)
    @Hint("Round the minimum up to the alignment before anything else, and ignore entries that are not "
            + "usable RAM.")
    void theMinimumIsAlignedUpAndOnlyUsableRamCounts() {
        // minimum 0x1100000 -> 0x1200000: (0x7fe0000 - 0x1200000 - 0x1000000) / 2 MiB + 1 = 46 + 1
        assertThat(KaslrSlots.slotAreas(d1, 0x1100000L, 16 * MIB, ALIGN, List.of()))
                .as("areas with an unaligned minimum").containsExactly(new Area(0x1200000L, 47));
        List<E820Entry> reservedOnly = List.of(E820Entry.of(0x1000000L, 64 * MIB, E820Type.RESERVED));
        assertThat(KaslrSlots.slotAreas(reservedOnly, 0x1000000L, 16 * MIB, ALIGN, List.of()))
                .as("a reserved entry gives no slot").isEmpty();
    }

    @Test
    @Points(3)
    @Hint("Number the slots across all areas; slot = Long.remainderUnsigned(random, total); then walk the "
            + "areas subtracting their counts. No slot at all: return 0.")
    void theRandomNumberPicksOneSlotCountingAcrossAreas() {
        List<Area> one = List.of(new Area(0x1000000L, 48));
        assertThat(KaslrSlots.physicalAddress(one, ALIGN, 5)).as("5 % 48 = 5").isEqualTo(0x1a00000L);
        // (2^64 - 1) mod 48 = 15, since 2^64 mod 48 = 16
        assertThat(KaslrSlots.physicalAddress(one, ALIGN, -1L)).as("random -1 is 2^64 - 1 unsigned")
                .isEqualTo(0x1000000L + 15 * ALIGN);
        // slot 4 of (3 + 32): second area, index 1
        assertThat(KaslrSlots.physicalAddress(List.of(new Area(0x1000000L, 3), new Area(0x3000000L, 32)), ALIGN, 39))
                .as("39 % 35 = 4: the second area's slot 1").isEqualTo(0x3200000L);
        assertThat(KaslrSlots.physicalAddress(List.of(), ALIGN, 7)).as("no slots").isZero();
    }

    @Test
    @Points(3)
    @Hint("slots = (KERNEL_IMAGE_SIZE - minimum - ALIGN(image)) / align + 1; offset = (random % slots) * "
            + "align + minimum, random unsigned.")
    void theVirtualOffsetIsAnAlignedStepInsideKernelImageSize() {
        // linux-reference.md §14.1: (1008 MiB - 40 MiB) / 2 MiB + 1 = 485; 39 MiB + 1 byte rounds to 40 MiB
        assertThat(KaslrSlots.virtualSlots(0x1000000L, 40 * MIB, KERNEL_IMAGE_SIZE, ALIGN)).as("40 MiB image")
                .isEqualTo(485);
        assertThat(KaslrSlots.virtualSlots(0x1000000L, 39 * MIB + 1, KERNEL_IMAGE_SIZE, ALIGN)).as("39 MiB + 1")
                .isEqualTo(485);
        // 16 MiB image: (1024 - 16 - 16) / 2 + 1 = 497; 100 % 497 = 100 -> 0x1000000 + 100 * 2 MiB = 0xd800000
        assertThat(KaslrSlots.virtualOffset(0x1000000L, 16 * MIB, KERNEL_IMAGE_SIZE, ALIGN, 100)).as("random 100")
                .isEqualTo(0xd800000L);
        // (2^64 - 1) mod 497 = 435 -> 0x1000000 + 435 * 2 MiB = 0x37600000
        assertThat(KaslrSlots.virtualOffset(0x1000000L, 16 * MIB, KERNEL_IMAGE_SIZE, ALIGN, -1L)).as("random -1")
                .isEqualTo(0x37600000L);
    }

    @Test
    @Points(2)
    @Hint("With the right modulo every slot is reachable: over many random values all 48 physical and 497 "
            + "virtual slots must come up.")
    void overManyRandomValuesEverySlotIsHit() {
        List<Area> areas = KaslrSlots.slotAreas(d1, 0x1000000L, 16 * MIB, ALIGN, List.of());
        BitSet physical = new BitSet();
        BitSet virtual = new BitSet();
        SplittableRandom random = new SplittableRandom(2024);
        for (int i = 0; i < 20_000; i++) {
            long p = KaslrSlots.physicalAddress(areas, ALIGN, random.nextLong());
            long v = KaslrSlots.virtualOffset(0x1000000L, 16 * MIB, KERNEL_IMAGE_SIZE, ALIGN, random.nextLong());
            physical.set((int) ((p - 0x1000000L) / ALIGN));
            virtual.set((int) ((v - 0x1000000L) / ALIGN));
        }
        assertThat(physical.cardinality()).as("physical slots hit (seed 2024)").isEqualTo(48);
        assertThat(virtual.cardinality()).as("virtual slots hit (seed 2024)").isEqualTo(497);
    }

    @Test
    @Points(3)
    @Hint("On random maps, count a slot exactly when it is aligned, at or above the aligned minimum, inside one "
            + "usable entry with room for the whole image, and clear of every avoided range: no free place missed, "
            + "no place counted that the kernel could not use.")
    void onRandomMapsTheSlotsAreExactlyTheFreeAlignedPositions() {
        // No oracle: the rules of kaslr.c's __process_mem_region() (Linux 5.9+) say which aligned positions p are
        // slots. p is free when [p, p + image) lies inside one usable entry, p >= ALIGN(minimum), and it
        // overlaps no avoided range (mem_overlaps(): [s, s + n) overlaps when p < s + n and p + image > s, so even
        // an empty range strictly inside the image counts). Each stored piece [start, end) adds the aligned
        // positions start, start + align, ... up to end - image, and since 5.9 (commit 8d1cf8595860) a piece is
        // kept as soon as it is at least image_size long, so the slots are exactly the free positions.
        SplittableRandom random = new SplittableRandom(4);
        for (int round = 0; round < 300; round++) {
            List<E820Entry> map = new ArrayList<>();
            long at = 0;
            int entries = 1 + random.nextInt(6);
            for (int i = 0; i < entries; i++) {
                at += random.nextLong(0, 64 * MIB) & -0x1000L;
                long size = random.nextLong(0x1000, 256 * MIB) & -0x1000L;
                map.add(E820Entry.of(at, size, random.nextInt(4) == 0 ? E820Type.RESERVED : E820Type.RAM));
                at += size;
            }
            long minimum = random.nextLong(0, 64 * MIB);
            long image = random.nextInt(4) == 0 ? (1 + random.nextInt(24)) * ALIGN : random.nextLong(MIB, 48 * MIB);
            List<Range> avoid = new ArrayList<>();
            for (int i = random.nextInt(4); i > 0; i--) {
                long start = random.nextLong(0, Math.max(1, at)) & -0x1000L;
                if (random.nextInt(3) == 0) {
                    start &= -ALIGN; // right on a slot boundary
                }
                avoid.add(new Range(start, random.nextLong(0, 32 * MIB)));
            }
            if (random.nextInt(3) == 0) {
                // a range starting exactly one image after an entry's first slot: the piece before it is exactly
                // image_size long, where >= and > disagree
                E820Entry e = map.get(random.nextInt(map.size()));
                avoid.add(new Range(alignUp(Math.max(e.addr(), alignUp(minimum))) + image, random.nextLong(0, 32 * MIB)));
            }
            String what = String.format("round %d (seed 4): map %s, minimum %#x, image %#x, avoid %s", round, map,
                    minimum, image, avoid);

            List<Area> areas = KaslrSlots.slotAreas(map, minimum, image, ALIGN, avoid);
            TreeSet<Long> counted = new TreeSet<>();
            long total = 0;
            for (Area area : areas) {
                assertThat(area.num()).as("%s: area %s holds at least one slot", what, area).isPositive();
                total += area.num();
                for (long k = 0; k < area.num(); k++) {
                    counted.add(area.addr() + k * ALIGN);
                }
            }
            assertThat(counted).as("%s: no slot counted twice", what).hasSize((int) total);

            TreeSet<Long> free = new TreeSet<>();
            long lowest = alignUp(minimum);
            for (E820Entry e : map) {
                if (e.type() == E820Type.RAM) {
                    for (long p = alignUp(Math.max(e.addr(), lowest)); p + image <= e.addr() + e.size(); p += ALIGN) {
                        if (clear(p, image, avoid)) {
                            free.add(p);
                        }
                    }
                }
            }
            assertThat(counted).as("%s: the slots", what).containsExactlyElementsOf(free);
        }
    }

    /** [p, p + image) overlaps none of the avoided ranges, by mem_overlaps() of kaslr.c. */
    private static boolean clear(long p, long image, List<Range> avoid) {
        for (Range r : avoid) {
            if (p < r.start() + r.size() && p + image > r.start()) {
                return false;
            }
        }
        return true;
    }

    private static long alignUp(long x) {
        return (x + ALIGN - 1) & -ALIGN;
    }
}
