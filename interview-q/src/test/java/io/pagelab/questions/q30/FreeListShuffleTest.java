package io.pagelab.questions.q30;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q30 如何降低页面分配的可预测性？ How is page allocation made less predictable?
 *
 * <p>The rules are mm/shuffle.c (Linux 6.6): __shuffle_zone() walks i = ALIGN(zone_start_pfn, 1024)
 * .. zone_end_pfn in steps of 1024; shuffle_valid_page() accepts a pfn only if a free block of
 * order SHUFFLE_ORDER = 10 starts there (PageBuddy and buddy_order == 10);
 * j = zone_start_pfn + ALIGN_DOWN(get_random_long() % spanned_pages, 1024), retried while j is not
 * valid or j == i, at most SHUFFLE_RETRY = 10 times; then list_swap(i, j). The random source is
 * scripted; every expected list below is worked out by hand in the comments.
 */
@Grader(id = "q30")
@DisplayName("Q30 __shuffle_zone: Fisher-Yates over the order-10 free list")
class FreeListShuffleTest {

    /** A random source that replays a script and counts draws; asking past the end fails. */
    static final class Script implements LongSupplier {
        private final long[] values;
        private int next;

        Script(long... values) {
            this.values = values;
        }

        @Override
        public long getAsLong() {
            if (next >= values.length) {
                throw new IllegalStateException("get_random_long() called " + (next + 1) + " times; the kernel draws "
                        + values.length + " times here");
            }
            return values[next++];
        }

        int draws() {
            return next;
        }
    }

    /** Free lists of orders 0..10, given the order-9 and order-10 lists; other orders empty. */
    static List<List<Long>> freeArea(List<Long> order9, List<Long> order10) {
        List<List<Long>> area = new ArrayList<>();
        for (int order = 0; order <= 10; order++) {
            area.add(order == 9 ? order9 : order == 10 ? order10 : List.of());
        }
        return area;
    }

    @Test
    @Points(4)
    @Hint("Walk i over the zone's 1024-aligned pfns (not over list positions); draw partners until one "
            + "is a different free order-10 block, then swap the two places in the list.")
    void handWorkedShuffleOfAnEightBlockZone() {
        // Zone [0, 8192): blocks 0..7168. Free order-10: 0, 1024, 2048, 4096, 5120 (address order).
        // 3072 is split into two free order-9 blocks 3072, 3584; 6144 and 7168 are in use.
        // i = 0:    5000 % 8192 = 5000 -> 4096, valid           swap(0, 4096)    [4096,1024,2048,0,5120]
        // i = 1024: 1100 -> 1024 == i, retry; 3100 -> 3072 heads an order-9 block, retry;
        //           0x8000000000001400 unsigned % 8192 = 0x1400 = 5120, valid
        //                                                      swap(1024, 5120) [4096,5120,2048,0,1024]
        // i = 2048: 0 -> 0, valid                               swap(2048, 0)    [4096,5120,0,2048,1024]
        // i = 3072: no free order-10 block starts here: no draw
        // i = 4096: 8191 -> 7168 in use; 6500 -> 6144 in use; 26076 % 8192 = 1500 -> 1024, valid
        //                                                      swap(4096, 1024) [1024,5120,0,2048,4096]
        // i = 5120: ten draws of 5121 -> 5120 == i: SHUFFLE_RETRY reached, 5120 stays
        // i = 6144, 7168: in use, no draw.   Draws: 1 + 3 + 1 + 3 + 10 = 18.
        Script rng = new Script(5000, 1100, 3100, 0x8000000000001400L, 0, 8191, 6500, 26076,
                5121, 5121, 5121, 5121, 5121, 5121, 5121, 5121, 5121, 5121);

        List<List<Long>> after = FreeListShuffle.shuffleZone(0, 8192,
                freeArea(List.of(3072L, 3584L), List.of(0L, 1024L, 2048L, 4096L, 5120L)), rng);

        assertThat(after.get(10)).as("order-10 free list after the scripted shuffle")
                .containsExactly(1024L, 5120L, 0L, 2048L, 4096L);
        assertThat(after.get(9)).as("order-9 free list (never shuffled)").containsExactly(3072L, 3584L);
        assertThat(rng.draws()).as("get_random_long() calls").isEqualTo(18);
    }

    @Test
    @Points(2)
    @Hint("get_random_long() is an unsigned 64-bit value: take the remainder unsigned (Long has a method).")
    void randomValuesWithTheTopBitSetAreTakenAsUnsigned() {
        // Zone [0, 4096), all four blocks free. i = 0: 0xffffffffffffffff unsigned % 4096 = 4095 ->
        // 3072: swap(0, 3072) -> [3072, 1024, 2048, 0]. (Signed, -1 % 4096 = -1: an invalid pfn, and the
        // next draw would be used.) i = 1024: 0x8000000000000800 % 4096 = 0x800 = 2048: swap ->
        // [3072, 2048, 1024, 0]. i = 2048: 1024 -> swap(2048, 1024) -> [3072, 1024, 2048, 0].
        // i = 3072: 3000 -> 2048: swap(3072, 2048) -> [2048, 1024, 3072, 0].
        Script rng = new Script(0xffffffffffffffffL, 0x8000000000000800L, 1024, 3000);

        List<List<Long>> after = FreeListShuffle.shuffleZone(0, 4096,
                freeArea(List.of(), List.of(0L, 1024L, 2048L, 3072L)), rng);

        assertThat(after.get(10)).as("order-10 list after draws with the top bit set")
                .containsExactly(2048L, 1024L, 3072L, 0L);
        assertThat(rng.draws()).as("get_random_long() calls").isEqualTo(4);
    }

    @Test
    @Points(2)
    @Hint("j is zone_start_pfn plus an aligned offset: in a zone that does not start on a 1024 boundary "
            + "j never lands on a block head, so every block gives up after SHUFFLE_RETRY draws.")
    void inAZoneNotAlignedTo1024NoPartnerIsEverValid() {
        // Zone [512, 4096): spanned 3584, blocks i = 1024, 2048, 3072 all free. Draws 0, 1024, 2048
        // give offsets 0, 1024, 2048 and j = 512, 1536, 2560: inside blocks, never a block head.
        // Each i gives up after 10 draws: 30 draws, nothing moves.
        long[] script = new long[30];
        for (int k = 0; k < script.length; k++) {
            script[k] = 1024L * (k % 3);
        }
        Script rng = new Script(script);

        List<List<Long>> after = FreeListShuffle.shuffleZone(512, 3584,
                freeArea(List.of(), List.of(1024L, 2048L, 3072L)), rng);

        assertThat(after.get(10)).as("order-10 list of a zone starting at pfn 512").containsExactly(1024L, 2048L, 3072L);
        assertThat(rng.draws()).as("get_random_long() calls: 10 per block").isEqualTo(30);
    }

    @Test
    @Points(1)
    @Hint("Only pfns heading a free order-10 block are shuffled: with none there is nothing to draw for.")
    void withoutFreeOrder10BlocksNothingIsDrawnAndNothingMoves() {
        Script rng = new Script();
        List<List<Long>> before = freeArea(List.of(0L, 512L, 1024L, 1536L), List.of());

        assertThat(FreeListShuffle.shuffleZone(0, 2048, before, rng)).as("free lists with only order-9 blocks")
                .isEqualTo(before);
        assertThat(rng.draws()).as("get_random_long() calls").isZero();
    }

    @Test
    @Points(3)
    @Hint("Swapping places keeps every block exactly once; the lists of orders 0..9 and the input must "
            + "not change.")
    void overManySeedsTheOrder10ListIsAPermutationAndNothingElseMoves() {
        for (long seed = 0; seed < 200; seed++) {
            SplittableRandom layout = new SplittableRandom(seed);
            // zone [0, 65536): 64 blocks; each block is free at order 10, split into two free order-9
            // halves, or in use, chosen by the seed
            List<Long> order9 = new ArrayList<>();
            List<Long> order10 = new ArrayList<>();
            for (long block = 0; block < 65536; block += 1024) {
                int kind = layout.nextInt(3);
                if (kind == 0) {
                    order10.add(block);
                } else if (kind == 1) {
                    order9.add(block);
                    order9.add(block + 512);
                }
            }
            List<List<Long>> before = freeArea(List.copyOf(order9), List.copyOf(order10));
            List<List<Long>> input = freeArea(new ArrayList<>(order9), new ArrayList<>(order10));
            SplittableRandom rng = new SplittableRandom(seed * 31 + 7);

            List<List<Long>> after = FreeListShuffle.shuffleZone(0, 65536, input, rng::nextLong);

            assertThat(after.get(10)).as("order-10 list is a permutation (seed %d)", seed)
                    .containsExactlyInAnyOrderElementsOf(order10);
            for (int order = 0; order < 10; order++) {
                assertThat(after.get(order)).as("order-%d list unchanged (seed %d)", order, seed)
                        .isEqualTo(before.get(order));
            }
            assertThat(input).as("input free lists untouched (seed %d)", seed).isEqualTo(before);
        }
    }

    @Test
    @Points(1)
    @Hint("Validate the arguments: one list per order 0..10 and a positive span; say what was given.")
    void freeListsThatAreNotElevenOrdersAreRejected() {
        Throwable tooFew = catchThrowable(() -> FreeListShuffle.shuffleZone(0, 4096, List.of(List.of(0L)),
                new Script()));
        Throwable noSpan = catchThrowable(() -> FreeListShuffle.shuffleZone(0, 0, freeArea(List.of(), List.of()),
                new Script()));

        assertThat(tooFew).as("free lists for one order only").isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1");
        assertThat(noSpan).as("a zone spanning 0 pages").isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0");
    }
}
