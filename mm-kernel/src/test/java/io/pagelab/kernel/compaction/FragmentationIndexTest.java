package io.pagelab.kernel.compaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.error.InvalidArgumentException;
import org.junit.jupiter.api.Test;

class FragmentationIndexTest {

    private static long[] nrFree(long... firstOrders) {
        long[] a = new long[11];
        System.arraycopy(firstOrders, 0, a, 0, firstOrders.length);
        return a;
    }

    @Test
    void fillContigPageInfoCountsPagesBlocksAndBlocksASplitCouldYield() {
        // orders 0,1,2 hold 4, 2, 1 blocks: pages 4 + 2*2 + 1*4 = 12, blocks 7;
        // for order 1: 2 order-1 blocks + the order-2 block split in 2 = 4 suitable blocks
        assertThat(ContigPageInfo.fill(nrFree(4, 2, 1), 1)).isEqualTo(new ContigPageInfo(12, 7, 4));
    }

    @Test
    void theReferenceWorkedExampleGives740AndUnusable1000() {
        // linux-reference §13.2: 100 free order-0 pages, order 2 (requested 4): suitable 0 ->
        // 1000 - (1000 + 100 * 1000 / 4) / 100 = 1000 - 26000 / 100 = 740; unusable (100 - 0) * 1000 / 100 = 1000
        ContigPageInfo info = ContigPageInfo.fill(nrFree(100), 2);
        assertThat(FragmentationIndex.fragmentationIndex(2, info)).isEqualTo(740);
        assertThat(FragmentationIndex.unusableFreeIndex(2, info)).isEqualTo(1000);
    }

    @Test
    void aFreeBlockOfTheOrderMakesTheIndexMinus1000() {
        // one free order-3 block splits into two order-2 blocks: free_blocks_suitable 2 -> -1000
        assertThat(FragmentationIndex.fragmentationIndex(2, ContigPageInfo.fill(nrFree(0, 0, 0, 1), 2)))
                .isEqualTo(-1000);
    }

    @Test
    void anEmptyZoneHasFragmentationIndex0AndUnusableIndex1000() {
        // !free_blocks_total -> 0; !free_pages -> 1000
        ContigPageInfo info = ContigPageInfo.fill(new long[11], 5);
        assertThat(FragmentationIndex.fragmentationIndex(5, info)).isZero();
        assertThat(FragmentationIndex.unusableFreeIndex(5, info)).isEqualTo(1000);
    }

    @Test
    void mixedSmallBlocksGiveTheHandComputedIndices() {
        // 4 x order 0, 2 x order 1, 1 x order 2: 12 pages in 7 blocks.
        // order 3 (requested 8): 1000 - (1000 + 12000 / 8) / 7 = 1000 - 2500 / 7 = 1000 - 357 = 643
        assertThat(FragmentationIndex.fragmentationIndex(3, ContigPageInfo.fill(nrFree(4, 2, 1), 3))).isEqualTo(643);
        // unusable, order 1: suitable 4 blocks cover 8 pages -> (12 - 8) * 1000 / 12 = 333
        assertThat(FragmentationIndex.unusableFreeIndex(1, ContigPageInfo.fill(nrFree(4, 2, 1), 1))).isEqualTo(333);
        // order 2: one block of 4 pages -> (12 - 4) * 1000 / 12 = 666
        assertThat(FragmentationIndex.unusableFreeIndex(2, ContigPageInfo.fill(nrFree(4, 2, 1), 2))).isEqualTo(666);
        // order 0: every free page is usable -> 0
        assertThat(FragmentationIndex.unusableFreeIndex(0, ContigPageInfo.fill(nrFree(4, 2, 1), 0))).isZero();
    }

    @Test
    void theKernelsIntegerFormulaGoesNegativeForOneTinyBlock() {
        // 1 free page, order 1 (requested 2): 1000 - (1000 + 1000 / 2) / 1 = -500 (the kernel's u64
        // arithmetic wraps to the same int); compaction_suitable ignores it (it needs 0 <= index)
        assertThat(FragmentationIndex.fragmentationIndex(1, ContigPageInfo.fill(nrFree(1), 1))).isEqualTo(-500);
    }

    @Test
    void manyOrder3BlocksForAnOrder4RequestLookLikeLowMemory() {
        // 100 x order 3 = 800 pages; order 4: 1000 - (1000 + 800000 / 16) / 100 = 1000 - 510 = 490
        assertThat(FragmentationIndex.fragmentationIndex(4, ContigPageInfo.fill(nrFree(0, 0, 0, 100), 4)))
                .isEqualTo(490);
    }

    @Test
    void ordersAboveMaxPageOrderAreRejectedWithTheAllowedRange() {
        assertThatThrownBy(() -> FragmentationIndex.fragmentationIndex(11, ContigPageInfo.fill(nrFree(1), 0)))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("order 11").hasMessageContaining("0..10");
        assertThatThrownBy(() -> ContigPageInfo.fill(new long[10], 0))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("10 counts");
        assertThatThrownBy(() -> ContigPageInfo.fill(nrFree(1, -2), 0))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("nrFree[1] = -2");
    }
}
