package io.pagelab.userspace.malloclab;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.api.testkit.NaiveAddressSpace;
import org.junit.jupiter.api.Test;

/**
 * The three placement policies told apart on one hand-made heap. After
 * {@code a0=malloc(100) a1=malloc(8) a2=malloc(60) a3=malloc(8); free(a2); free(a0)} the heap is
 *
 * <pre>
 *  [ a0: 128 free ][ a1: 32 ][ a2: 80 free ][ a3: 32 ][ rest: 3824 free ]
 *  (100+16 → 128, 8+16 → 32, 60+16 → 80; 4096 - 272 = 3824)
 * </pre>
 *
 * and {@code malloc(56)} needs an 80-byte block (56+16 = 72 → 80): implicit first fit takes the
 * lowest fitting block (a0's), explicit LIFO first fit the most recently freed (a0's again,
 * freed last), segregated fit the best block of the 64..127 class (a2's, an exact fit).
 */
class FitPolicyTest {
    private static final long S = NaiveAddressSpace.START_BRK;

    private static long[] setUp(HeapAllocator heap) {
        heap.init(new NaiveAddressSpace());
        long a0 = heap.malloc(100);
        heap.malloc(8);
        long a2 = heap.malloc(60);
        heap.malloc(8);
        heap.free(a2);
        heap.free(a0);
        return new long[] {a0, a2};
    }

    @Test
    void implicitFirstFitTakesTheLowestBlockThatFits() {
        ImplicitListAllocator heap = new ImplicitListAllocator();
        long[] a = setUp(heap);
        assertThat(a[0]).as("a0 right after the 32-byte prologue area").isEqualTo(S + 32);
        assertThat(heap.malloc(56)).isEqualTo(a[0]);
        // the 128-byte block splits: 80 allocated, 48 free
        assertThat(heap.blocks().get(1)).isEqualTo(new HeapBlock(a[0] + 80, 48, false));
    }

    @Test
    void explicitLifoTakesTheMostRecentlyFreedBlockThatFits() {
        ExplicitListAllocator heap = new ExplicitListAllocator();
        long[] a = setUp(heap);
        assertThat(a[0]).as("root word + prologue + epilogue = 32 bytes").isEqualTo(S + 32);
        assertThat(heap.malloc(56)).isEqualTo(a[0]);
        // free a0 again: it is now the list front, and a 100-byte request fits only there or the rest
        heap.free(a[0]);
        long big = heap.malloc(100);
        assertThat(big).isEqualTo(a[0]);
    }

    @Test
    void explicitLifoPrefersARecentlyFreedBlockOverAnEarlierExactFit() {
        ExplicitListAllocator heap = new ExplicitListAllocator();
        long[] a = setUp(heap);
        // a2 (80 bytes) is an exact fit but a0 (128) was freed later: LIFO order wins
        assertThat(heap.malloc(56)).isNotEqualTo(a[1]).isEqualTo(a[0]);
    }

    @Test
    void segregatedFitTakesTheBestBlockOfTheRequestsClass() {
        SegregatedFitAllocator heap = new SegregatedFitAllocator();
        long[] a = setUp(heap);
        // 15 class roots (120 bytes) + prologue (16) + epilogue header (8): first payload at S + 144
        assertThat(a[0]).isEqualTo(S + 144);
        assertThat(a[1]).as("a2 = a0 + 128 + 32").isEqualTo(S + 144 + 160);
        assertThat(heap.malloc(56)).isEqualTo(a[1]);
    }

    @Test
    void segregatedFitPicksTheSmallestFittingBlockWithinAClass() {
        SegregatedFitAllocator heap = new SegregatedFitAllocator();
        heap.init(new NaiveAddressSpace());
        long big = heap.malloc(224);     // 240-byte block, class 2 (128..255)
        heap.malloc(8);
        long snug = heap.malloc(128);    // 144-byte block, class 2
        heap.malloc(8);
        heap.free(snug);
        heap.free(big);                  // big is now the front of class 2
        // malloc(120) needs 144 bytes: best fit in class 2 is snug's block, not the front one
        assertThat(heap.malloc(120)).isEqualTo(snug);
    }

    @Test
    void sizeClassesArePowersOfTwoFromThirtyTwo() {
        assertThat(SegregatedFitAllocator.sizeClass(32)).isEqualTo(0);
        assertThat(SegregatedFitAllocator.sizeClass(63)).isEqualTo(0);
        assertThat(SegregatedFitAllocator.sizeClass(64)).isEqualTo(1);
        assertThat(SegregatedFitAllocator.sizeClass(4096)).isEqualTo(7);   // 2^12: 12 - 5
        assertThat(SegregatedFitAllocator.sizeClass(1L << 19)).isEqualTo(14);
        assertThat(SegregatedFitAllocator.sizeClass(1L << 30)).as("the last class takes everything larger").isEqualTo(14);
    }
}
