package io.pagelab.questions.q24;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q24 内存碎片化了怎么办？ What if memory gets fragmented?
 *
 * <p>Expected indexes are the worked example of linux-reference.md §13.2 and hand computations
 * with the formula of mm/vmstat.c: __fragmentation_index(), shown next to each case, on free
 * counts from real /proc/buddyinfo samples (seed digest App. A8, linux-reference §3.8).
 */
@Grader(id = "q24")
@DisplayName("Q24 fragmentation index (mm/vmstat.c)")
class FragmentationIndexTest {

    /** seed digest App. A8, zone DMA: 61 blocks, 1,965 free pages (App. C.1). */
    private static final long[] A8_DMA = {23, 15, 4, 5, 2, 3, 3, 2, 3, 1, 0};

    @Test
    @Points(3)
    @Hint("index = 1000 - (1000 + free_pages * 1000 / requested) / free_blocks_total, where "
            + "requested = 1 << order.")
    void oneHundredSinglePagesGiveSevenHundredFortyForAnOrderTwoRequest() {
        long[] nrFree = new long[11];
        nrFree[0] = 100;
        // linux-reference §13.2 worked example: 1000 - (1000 + 100*1000/4) / 100 = 1000 - 260 = 740
        assertThat(FragmentationIndex.index(nrFree, 2)).as("index for order 2, 100 free order-0 pages")
                .isEqualTo(740);
    }

    @Test
    @Points(3)
    @Hint("Count free pages as blocks << order and free blocks as the plain sum over all orders.")
    void theSeedsDmaZoneIsFragmentedForAnOrderTenRequest() {
        // free pages 1965, blocks 61 (seed digest C.1); no order-10 block.
        // 1965*1000/1024 = 1918 (truncated); (1000 + 1918)/61 = 47 (truncated); 1000 - 47 = 953
        assertThat(FragmentationIndex.index(A8_DMA, 10)).as("index of A8's DMA zone for order 10")
                .isEqualTo(953);
    }

    @Test
    @Points(2)
    @Hint("When a free block of the requested order or larger exists, the allocation would succeed: "
            + "the kernel returns -1000.")
    void anOrderThatAFreeBlockCanServeGivesMinusOneThousand() {
        // A8 DMA has one order-9 block: orders 0..9 can be served
        assertThat(FragmentationIndex.index(A8_DMA, 9)).as("index of A8's DMA zone for order 9").isEqualTo(-1000);
        assertThat(FragmentationIndex.index(A8_DMA, 0)).as("index of A8's DMA zone for order 0").isEqualTo(-1000);
    }

    @Test
    @Points(2)
    @Hint("Both divisions are integer divisions that truncate (div_u64), done in the kernel's order; "
            + "no floating point.")
    void divisionsTruncateLikeTheKernels() {
        long[] sevenPages = new long[11];
        sevenPages[0] = 7;
        // 7*1000/4 = 1750; (1000 + 1750)/7 = 2750/7 = 392 (392.86 truncated); 1000 - 392 = 608
        assertThat(FragmentationIndex.index(sevenPages, 2)).as("index for order 2, 7 free single pages")
                .isEqualTo(608);
        long[] mixed = new long[11];
        mixed[0] = 3;
        mixed[1] = 1;
        // free pages 3 + 2 = 5, blocks 4: 5*1000/4 = 1250; 2250/4 = 562 (562.5 truncated); 438
        assertThat(FragmentationIndex.index(mixed, 2)).as("index for order 2, three order-0 and one order-1")
                .isEqualTo(438);
    }

    @Test
    @Points(2)
    @Hint("A zone with no free block at all answers 0; a zone whose few free blocks are simply too few "
            + "pages also lands near 0: compaction would not help there.")
    void lackOfMemoryGivesAnIndexNearZero() {
        assertThat(FragmentationIndex.index(new long[11], 3)).as("index of a zone with nothing free").isZero();
        long[] twoOrderThree = new long[11];
        twoOrderThree[3] = 2;
        // 16 free pages in 2 blocks, order 4 wanted: 16*1000/16 = 1000; 2000/2 = 1000; 1000 - 1000 = 0
        assertThat(FragmentationIndex.index(twoOrderThree, 4)).as("index for order 4, two order-3 blocks")
                .isZero();
    }

    @Test
    @Points(1)
    @Hint("Orders run 0..10 and the table has one count per order: refuse anything else with "
            + "InvalidArgumentException.")
    void anOrderAboveTenOrAShortTableIsRefused() {
        assertThat(catchThrowable(() -> FragmentationIndex.index(A8_DMA, 11)))
                .as("index(A8 DMA, order 11)").isInstanceOf(InvalidArgumentException.class);
        assertThat(catchThrowable(() -> FragmentationIndex.index(new long[10], 2)))
                .as("index(10 counts, order 2)").isInstanceOf(InvalidArgumentException.class);
    }
}
