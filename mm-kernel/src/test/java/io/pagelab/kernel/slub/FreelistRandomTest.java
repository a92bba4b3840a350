package io.pagelab.kernel.slub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.error.InvalidArgumentException;
import java.util.Arrays;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class FreelistRandomTest {

    @Test
    void fisherYatesSwapsFromTheTopDown() {
        // count 4, draws: below(4) = 1, below(3) = 2, below(2) = 0
        // [0 1 2 3] -> swap [3],[1] -> [0 3 2 1] -> swap [2],[2] -> same -> swap [1],[0] -> [3 0 2 1]
        int[] draws = {1, 2, 0};
        int[] next = {0};
        int[] perm = FreelistRandom.freelistRandomize(4, ceil -> draws[next[0]++]);
        assertThat(perm).containsExactly(3, 0, 2, 1);
    }

    @Test
    void eachSlabReadsTheCachesSequenceCyclicallyFromItsStart() {
        // linux-reference.md §4.5 next_freelist_entry; random_seq [5 2 7 0 3 6 1 4] * 64, start 6
        int size = 64;
        int[] seq = Arrays.stream(new int[] {5, 2, 7, 0, 3, 6, 1, 4}).map(i -> i * size).toArray();
        long[] order = FreelistRandom.shuffledOffsets(seq, 8, size, 6);
        assertThat(order).containsExactly(1L * size, 4L * size, 5L * size, 2L * size, 7L * size, 0L, 3L * size,
                6L * size);
    }

    @Test
    void aSmallerFallbackSlabSkipsOffsetsBeyondItsObjects() {
        // same sequence, slab of 6 objects: index 7 and 6 are >= page_limit and are skipped
        int size = 64;
        int[] seq = Arrays.stream(new int[] {5, 2, 7, 0, 3, 6, 1, 4}).map(i -> i * size).toArray();
        long[] order = FreelistRandom.shuffledOffsets(seq, 6, size, 6);
        assertThat(Arrays.stream(order).map(o -> o / size).toArray()).containsExactly(1, 4, 5, 2, 0, 3);
    }

    @Test
    void theCacheSequenceHoldsByteOffsets() {
        KmemCacheLayout s = KmemCacheLayout.calculateSizes(KmemCacheArgs.kmalloc("kmalloc-512", 512, 0),
                SlubParams.defaults(4));
        int[] seq = FreelistRandom.initCacheRandomSeq(s, new KernelRandom(7));
        assertThat(seq).hasSize(16);
        assertThat(Arrays.stream(seq).allMatch(off -> off % 512 == 0)).isTrue();
        assertThat(FreelistRandom.indices(seq, 512)).containsExactlyInAnyOrder(
                0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    }

    @Test
    void aCacheWithOneObjectPerSlabIsNotShuffled() {
        // 40000-byte objects: order 4, one object per slab -> no random_seq
        KmemCacheLayout s = KmemCacheLayout.calculateSizes(KmemCacheArgs.of("big", 40000, 0, 0, false),
                SlubParams.defaults(4));
        assertThat(FreelistRandom.initCacheRandomSeq(s, new KernelRandom(1))).isEmpty();
    }

    @Test
    void theSameSeedGivesTheSamePermutation() {
        assertThat(FreelistRandom.freelistRandomize(64, new KernelRandom(42)))
                .containsExactly(FreelistRandom.freelistRandomize(64, new KernelRandom(42)));
        assertThat(FreelistRandom.freelistRandomize(64, new KernelRandom(42)))
                .isNotEqualTo(FreelistRandom.freelistRandomize(64, new KernelRandom(43)));
    }

    @TestFactory
    Stream<DynamicTest> everyShuffledSlabIsAPermutationOfItsObjects() {
        return LongStream.rangeClosed(1, 200).mapToObj(seed -> DynamicTest.dynamicTest("seed " + seed, () -> {
            KernelRandom rng = new KernelRandom(seed);
            int objects = 2 + rng.getRandomU32Below(600);
            int size = 8 * (1 + rng.getRandomU32Below(64));
            int[] seq = FreelistRandom.freelistRandomize(objects, rng);
            for (int i = 0; i < objects; i++) {
                seq[i] *= size;
            }
            // a full slab and a smaller fallback slab, each from a random start
            for (int slabObjects : new int[] {objects, 1 + rng.getRandomU32Below(objects)}) {
                int start = rng.getRandomU32Below(objects);
                long[] order = FreelistRandom.shuffledOffsets(seq, slabObjects, size, start);
                long[] sorted = order.clone();
                Arrays.sort(sorted);
                long[] expected = LongStream.range(0, slabObjects).map(i -> i * size).toArray();
                assertThat(sorted).as("seed %d: %d of %d objects, size %d, start %d", seed, slabObjects, objects, size,
                        start).containsExactly(expected);
            }
        }));
    }

    @Test
    void badArgumentsAreRejected() {
        assertThatThrownBy(() -> FreelistRandom.shuffledOffsets(new int[] {0, 8}, 2, 8, 2))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("start position 2");
        assertThatThrownBy(() -> FreelistRandom.freelistRandomize(3, ceil -> ceil))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("below its bound");
        assertThatThrownBy(() -> new KernelRandom(1).getRandomU32Below(0)).isInstanceOf(InvalidArgumentException.class);
    }
}
