package io.pagelab.kernel.memblock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Random add / reserve / free / alloc sequences on a 64 KiB address space, checked against two byte
 * bitmaps (memory, reserved) and a brute-force top-down search.
 */
class MemblockPropertyTest {
    private static final int SPACE = 64 * 1024;
    private static final long[] ALIGNS = {8, 64, 512, 4096};

    @TestFactory
    Stream<DynamicTest> regionArraysMatchTheBitmapsAndAllocationsTakeTheHighestFit() {
        return LongStream.range(1, 121).mapToObj(seed -> DynamicTest.dynamicTest("seed " + seed, () -> run(seed)));
    }

    private static void run(long seed) {
        Random rnd = new Random(seed);
        Memblock mb = new Memblock();
        boolean[] memory = new boolean[SPACE];
        boolean[] reserved = new boolean[SPACE];
        long limit = 16 * 1024 + rnd.nextInt(SPACE - 16 * 1024);
        mb.setCurrentLimit(limit);
        for (int op = 0; op < 40; op++) {
            int base = rnd.nextInt(SPACE - 1);
            int size = 1 + rnd.nextInt(Math.min(SPACE - base, 6000));
            switch (rnd.nextInt(5)) {
                case 0:
                case 1:
                    mb.add(base, size);
                    fill(memory, base, size, true);
                    break;
                case 2:
                    mb.reserve(base, size);
                    fill(reserved, base, size, true);
                    break;
                case 3:
                    mb.free(base, size);
                    fill(reserved, base, size, false);
                    break;
                default:
                    long want = 1 + rnd.nextInt(3000);
                    long align = ALIGNS[rnd.nextInt(ALIGNS.length)];
                    long expected = highestFit(memory, reserved, want, align, limit);
                    if (expected < 0) {
                        assertThatThrownBy(() -> mb.alloc(want, align))
                                .as("seed %d op %d: alloc(%d, %d) should fail", seed, op, want, align)
                                .isInstanceOf(MemblockAllocationException.class);
                    } else {
                        assertThat(mb.alloc(want, align))
                                .as("seed %d op %d: alloc(%d, %d) below %d", seed, op, want, align, limit)
                                .isEqualTo(expected);
                        fill(reserved, (int) expected, (int) want, true);
                    }
                    break;
            }
            assertMatches(seed, op, mb.memory(), memory);
            assertMatches(seed, op, mb.reserved(), reserved);
        }
    }

    private static void fill(boolean[] map, int base, int size, boolean value) {
        for (int b = base; b < base + size && b < SPACE; b++) {
            map[b] = value;
        }
    }

    /** Brute force: the highest aligned start in [PAGE_SIZE, limit - size] whose bytes are all free memory. */
    private static long highestFit(boolean[] memory, boolean[] reserved, long size, long align, long limit) {
        int[] freePrefix = new int[SPACE + 1];
        for (int b = 0; b < SPACE; b++) {
            freePrefix[b + 1] = freePrefix[b] + (memory[b] && !reserved[b] ? 1 : 0);
        }
        for (long cand = ((limit - size) / align) * align; cand >= Memblock.PAGE_SIZE; cand -= align) {
            if (freePrefix[(int) (cand + size)] - freePrefix[(int) cand] == size) {
                return cand;
            }
        }
        return -1;
    }

    /** Sorted, disjoint, never touching (every touching pair here has equal node and flags), same bytes. */
    private static void assertMatches(long seed, int op, MemblockType type, boolean[] map) {
        List<MemblockRegion> regions = type.regions();
        boolean[] painted = new boolean[SPACE];
        long previousEnd = -1;
        long sum = 0;
        for (MemblockRegion r : regions) {
            assertThat(r.size()).as("seed %d op %d: empty %s region in %s", seed, op, type.name(), regions).isPositive();
            assertThat(r.base()).as("seed %d op %d: %s regions sorted, disjoint and merged: %s", seed, op, type.name(),
                    regions).isGreaterThan(previousEnd);
            fill(painted, (int) r.base(), (int) r.size(), true);
            previousEnd = r.end();
            sum += r.size();
        }
        assertThat(painted).as("seed %d op %d: %s bytes %s", seed, op, type.name(), regions).isEqualTo(map);
        assertThat(type.totalSize()).as("seed %d op %d: %s total_size", seed, op, type.name()).isEqualTo(sum);
    }
}
