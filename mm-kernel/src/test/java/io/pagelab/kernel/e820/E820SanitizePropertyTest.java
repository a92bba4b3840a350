package io.pagelab.kernel.e820;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.hardware.firmware.E820Entry;
import io.pagelab.hardware.firmware.E820Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Randomized check of {@code e820__update_table()} against a naive oracle that paints every byte of
 * a small address space with the highest (unsigned) type of the entries covering it.
 */
class E820SanitizePropertyTest {
    private static final int SPACE = 96;
    private static final int[] TYPES = {
        1, 2, 3, 4, 5, 7, 12, 128, 0xefffffff, 0x80000001, 9,
    };

    @TestFactory
    Stream<DynamicTest> sanitisedTablesAreSortedDisjointAndPaintEachByteWithTheHighestType() {
        return LongStream.range(1, 301).mapToObj(seed -> DynamicTest.dynamicTest("seed " + seed, () -> check(seed)));
    }

    private static void check(long seed) {
        Random rnd = new Random(seed);
        int n = 2 + rnd.nextInt(14);
        List<E820Entry> input = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long addr = rnd.nextInt(SPACE - 8);
            long size = rnd.nextInt(8) == 0 ? 0 : 1 + rnd.nextInt(Math.min(24, SPACE - (int) addr));
            input.add(E820Entry.of(addr, size, E820Type.of(TYPES[rnd.nextInt(TYPES.length)])));
        }
        // oracle: per byte, the unsigned maximum of the covering types (0 = hole)
        int[] painted = new int[SPACE];
        for (E820Entry e : input) {
            for (long b = e.addr(); b < e.end(); b++) {
                if (Integer.compareUnsigned(e.type().code(), painted[(int) b]) > 0) {
                    painted[(int) b] = e.type().code();
                }
            }
        }

        E820Table table = E820Table.of(input);
        assertThat(table.update()).as("seed %d: update() result", seed).isTrue();
        List<E820Entry> out = table.entries();

        int[] covered = new int[SPACE];
        long previousEnd = -1;
        E820Entry previous = null;
        for (E820Entry e : out) {
            assertThat(e.size()).as("seed %d: no empty entry in %s", seed, out).isPositive();
            assertThat(e.addr()).as("seed %d: sorted and disjoint %s", seed, out).isGreaterThanOrEqualTo(previousEnd);
            if (previous != null && previous.end() == e.addr() && previous.type().equals(e.type())) {
                assertThat(e.type().noMerge())
                        .as("seed %d: touching %s entries must have been coalesced in %s", seed, e.type(), out)
                        .isTrue();
            }
            for (long b = e.addr(); b < e.end(); b++) {
                covered[(int) b] = e.type().code();
            }
            previousEnd = e.end();
            previous = e;
        }
        assertThat(covered).as("seed %d: bytes painted by %s should match the oracle for input %s", seed, out, input)
                .isEqualTo(painted);
    }
}
