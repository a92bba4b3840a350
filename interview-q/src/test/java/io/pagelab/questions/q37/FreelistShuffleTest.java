package io.pagelab.questions.q37;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntUnaryOperator;
import org.assertj.core.presentation.Representation;
import org.assertj.core.presentation.StandardRepresentation;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q37 SLUB分配如何防止被预判？ How does SLUB keep its allocations unpredictable?
 *
 * <p>The algorithm is CONFIG_SLAB_FREELIST_RANDOM as in Linux 6.x (reference
 * linux-reference.md §4.5): freelist_randomize() swaps list[i] with list[get_random_u32_below(i + 1)]
 * for i = n-1 .. 1; shuffle_freelist() draws pos = get_random_u32_below(n) and reads random_seq
 * cyclically from there, skipping offsets beyond the slab. The random numbers are scripted here,
 * so every expected order is derived by hand in the comments. Cache geometry comes from the
 * single-CPU /proc/slabinfo sample of §4.3: kmalloc-512 8 objects / 1 page, kmalloc-1k 8 / 2,
 * kmalloc-4k 8 / 8.
 */
@Grader(id = "q37")
@DisplayName("Q37 freelist randomization: Fisher-Yates per cache, random start per slab")
class FreelistShuffleTest {

    static final long SLAB = 0xffff888004a1c000L;

    /** Failure messages show addresses and stored words in hex, as the kernel prints them. */
    static final Representation HEX = new StandardRepresentation() {
        @Override
        protected String toStringOf(Long value) {
            return String.format("%#018x", value);
        }
    };

    /**
     * Draws for n = 8, asked with bounds 8, 7, 6, 5, 4, 3, 2. By hand, list = [0 1 2 3 4 5 6 7]:
     * <pre>
     *  i=7 draw 3: swap [7],[3] -> 0 1 2 7 4 5 6 3
     *  i=6 draw 6: swap [6],[6] -> 0 1 2 7 4 5 6 3
     *  i=5 draw 0: swap [5],[0] -> 5 1 2 7 4 0 6 3
     *  i=4 draw 4: swap [4],[4] -> 5 1 2 7 4 0 6 3
     *  i=3 draw 1: swap [3],[1] -> 5 7 2 1 4 0 6 3
     *  i=2 draw 2: swap [2],[2] -> 5 7 2 1 4 0 6 3
     *  i=1 draw 1: swap [1],[1] -> 5 7 2 1 4 0 6 3
     * </pre>
     */
    static final int[] DRAWS_8 = {3, 6, 0, 4, 1, 2, 1};
    static final int[] PERMUTATION_8 = {5, 7, 2, 1, 4, 0, 6, 3};

    /** A fake get_random_u32_below that plays back scripted draws and records the bounds asked. */
    static final class Script implements IntUnaryOperator {
        private final Deque<Integer> draws = new ArrayDeque<>();
        final List<Integer> bounds = new ArrayList<>();

        Script(int... draws) {
            Arrays.stream(draws).forEach(this.draws::add);
        }

        @Override
        public int applyAsInt(int bound) {
            bounds.add(bound);
            if (draws.isEmpty()) {
                throw new AssertionError("get_random_u32_below(" + bound + ") asked once too often: the script "
                        + "has no more draws (bounds asked so far " + bounds + ")");
            }
            int d = draws.poll();
            if (d >= bound) {
                throw new AssertionError("get_random_u32_below(" + bound + ") cannot return the scripted draw " + d
                        + ": the kernel asks a different bound at this point (bounds asked so far " + bounds + ")");
            }
            return d;
        }
    }

    /** The kmalloc-512 (1 CPU) sequence: PERMUTATION_8 times 512. */
    static int[] kmalloc512Seq() {
        return new int[] {2560, 3584, 1024, 512, 2048, 0, 3072, 1536};
    }

    static long[] addresses(long start, int size, int... indices) {
        return Arrays.stream(indices).mapToLong(i -> start + (long) i * size).toArray();
    }

    @Test
    @Points(3)
    @Hint("Fisher-Yates from the top: for i = count-1 down to 1, swap list[i] with list[below(i + 1)]. "
            + "mm/slab_common.c: freelist_randomize().")
    void fisherYatesWithScriptedDrawsGivesTheHandDerivedPermutation() {
        Script rng = new Script(DRAWS_8);

        int[] seq = FreelistShuffle.randomSeq(8, 1, rng);

        assertThat(seq).as("random_seq of 8 objects of size 1 (the permutation itself)").containsExactly(PERMUTATION_8);
        assertThat(rng.bounds).as("bounds passed to get_random_u32_below, in order").containsExactly(8, 7, 6, 5, 4, 3, 2);
    }

    @Test
    @Points(2)
    @Hint("init_cache_random_seq() turns the indices into byte offsets: each entry times s->size.")
    void randomSeqHoldsByteOffsetsOfTheObjects() {
        // kmalloc-512: [5 7 2 1 4 0 6 3] * 512
        assertThat(FreelistShuffle.randomSeq(8, 512, new Script(DRAWS_8))).as("random_seq of kmalloc-512 (1 CPU)")
                .containsExactly(kmalloc512Seq());
    }

    @Test
    @Points(2)
    @Hint("Whatever the random numbers, a Fisher-Yates shuffle is a permutation: every index once.")
    void randomSeqIsAPermutationForEverySeed() {
        for (long seed = 1; seed <= 300; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            int count = 2 + r.nextInt(120);
            int size = 8 << r.nextInt(10);
            int[] seq = FreelistShuffle.randomSeq(count, size, r::nextInt);

            long[] indices = Arrays.stream(seq).mapToLong(off -> off / size).sorted().toArray();
            long[] expected = new long[count];
            Arrays.setAll(expected, i -> i);
            final long s = seed;
            assertThat(seq).as("random_seq(%d, %d) for seed %d has one entry per object", count, size, s).hasSize(count);
            assertThat(Arrays.stream(seq).allMatch(off -> off % size == 0))
                    .as("every offset of random_seq(%d, %d) is a multiple of %d (seed %d)", count, size, size, s).isTrue();
            assertThat(indices).as("object indices of random_seq(%d, %d), sorted (seed %d)", count, size, s)
                    .containsExactly(expected);
        }
    }

    @Test
    @Points(3)
    @Hint("shuffle_freelist() draws pos = below(random_seq length) once, then reads random_seq[pos], "
            + "random_seq[pos + 1], ... wrapping to 0 after the last entry; object = start + offset.")
    void theFreelistReadsTheSequenceCyclicallyFromTheDrawnStart() {
        Script rng = new Script(5);

        long[] freelist = FreelistShuffle.shuffleFreelist(SLAB, kmalloc512Seq(), 8, 512, rng);

        // pos 5: indices [5]=0 [6]=6 [7]=3, wrap, [0]=5 [1]=7 [2]=2 [3]=1 [4]=4
        assertThat(freelist).withRepresentation(HEX).as("kmalloc-512 slab freelist from start position 5")
                .containsExactly(addresses(SLAB, 512, 0, 6, 3, 5, 7, 2, 1, 4));
        assertThat(rng.bounds).as("bounds asked: one start position below 8").containsExactly(8);
    }

    @Test
    @Points(3)
    @Hint("A slab made at the fallback order holds fewer objects than random_seq has entries: skip "
            + "offsets >= slab objects * size, but still draw the start below the sequence's length.")
    void aFallbackOrderSlabSkipsOffsetsBeyondItsObjects() {
        // kmalloc-1k on 1 CPU: s->oo is order 1 with 8 objects, s->min order 0 (get_order(1024)) with 4.
        int[] seq = FreelistShuffle.randomSeq(8, 1024, new Script(DRAWS_8)); // [5 7 2 1 4 0 6 3] * 1024
        Script rng = new Script(5);

        long[] freelist = FreelistShuffle.shuffleFreelist(SLAB, seq, 4, 1024, rng);

        // page_limit = 4 * 1024; from pos 5: 0 keep, 6 skip, 3 keep, wrap, 5 skip, 7 skip, 2 keep, 1 keep
        assertThat(freelist).withRepresentation(HEX).as("order-0 fallback slab of kmalloc-1k from start position 5")
                .containsExactly(addresses(SLAB, 1024, 0, 3, 2, 1));
        assertThat(rng.bounds).as("bounds asked: the start is drawn below oo_objects = 8, not 4").containsExactly(8);
    }

    @Test
    @Points(2)
    @Hint("shuffle_freelist() gives up when the slab has fewer than 2 objects or the cache has no "
            + "random_seq; the caller then links the objects in address order. No random number is drawn.")
    void withNothingToShuffleTheFreelistIsInAddressOrder() {
        Script none = new Script();
        // a cache with one object per slab gets no sequence at all
        assertThat(FreelistShuffle.randomSeq(1, 8192, none)).as("random_seq of a 1-object cache").isEmpty();
        // kmalloc-4k (1 CPU): s->oo order 3 holds 8 objects, the fallback s->min order 0 only 1
        int[] seq4k = {5 * 4096, 7 * 4096, 2 * 4096, 4096, 4 * 4096, 0, 6 * 4096, 3 * 4096};
        assertThat(FreelistShuffle.shuffleFreelist(SLAB, seq4k, 1, 4096, none)).withRepresentation(HEX)
                .as("a one-object fallback slab of kmalloc-4k").containsExactly(SLAB);
        // a cache created before the random pool was ready has no random_seq
        assertThat(FreelistShuffle.shuffleFreelist(SLAB, new int[0], 4, 1024, none)).withRepresentation(HEX)
                .as("a 4-object slab of a cache without random_seq").containsExactly(addresses(SLAB, 1024, 0, 1, 2, 3));
        assertThat(none.bounds).as("random numbers drawn").isEmpty();
    }

    @Test
    @Points(2)
    @Hint("One permutation per cache: every slab walks the same cycle, only the start differs.")
    void everySlabWalksTheSameCycleFromItsOwnStart() {
        // start 0 reads the permutation as it is; start 7 begins with its last entry
        assertThat(FreelistShuffle.shuffleFreelist(SLAB, kmalloc512Seq(), 8, 512, new Script(0))).withRepresentation(HEX)
                .as("freelist from start position 0").containsExactly(addresses(SLAB, 512, 5, 7, 2, 1, 4, 0, 6, 3));
        assertThat(FreelistShuffle.shuffleFreelist(SLAB, kmalloc512Seq(), 8, 512, new Script(7))).withRepresentation(HEX)
                .as("freelist from start position 7").containsExactly(addresses(SLAB, 512, 3, 5, 7, 2, 1, 4, 0, 6));
        for (int pos = 0; pos < 8; pos++) {
            int[] rotated = new int[8];
            for (int i = 0; i < 8; i++) {
                rotated[i] = PERMUTATION_8[(pos + i) % 8];
            }
            assertThat(FreelistShuffle.shuffleFreelist(SLAB, kmalloc512Seq(), 8, 512, new Script(pos))).withRepresentation(HEX)
                    .as("freelist from start position %d is the permutation rotated by %d", pos, pos)
                    .containsExactly(addresses(SLAB, 512, rotated));
        }
    }
}
