package io.pagelab.questions.q22;

import static io.pagelab.questions.q22.FreeArea.MIGRATE_MOVABLE;
import static io.pagelab.questions.q22.FreeArea.MIGRATE_UNMOVABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q22 物理内存是如何管理的？怎么分配的？ How is physical memory managed and allocated?
 *
 * <p>Expected lists are worked out by hand from mm/page_alloc.c: __rmqueue_smallest() and expand()
 * as described in linux-reference.md §3.4: search upwards from the requested order in the requested
 * migratetype, take the head of the first non-empty list, and at each split put the upper half
 * ({@code pfn + 2^(high-1)}) at the head of the list one order lower.
 */
@Grader(id = "q22")
@DisplayName("Q22 __rmqueue_smallest and expand")
class FreeAreaTest {

    @Test
    @Points(3)
    @Hint("Splitting keeps the LOW half for the caller; the high half of each split goes to the list "
            + "one order lower. Read expand() in mm/page_alloc.c.")
    void anOrderThreeBlockSplitDownToOrderZeroLeavesOneBlockOnEachLowerOrder() {
        FreeArea area = new FreeArea();
        area.addHead(0x1000, 3, MIGRATE_MOVABLE);

        // linux-reference §3.4 example: order 0 from an order-3 block at P returns P and frees
        // P+4 (order 2), P+2 (order 1), P+1 (order 0)
        assertThat(area.rmqueueSmallest(0, MIGRATE_MOVABLE)).as("pfn returned for order 0").isEqualTo(0x1000L);
        assertThat(area.list(2, MIGRATE_MOVABLE)).as("order-2 movable list").containsExactly(0x1004L);
        assertThat(area.list(1, MIGRATE_MOVABLE)).as("order-1 movable list").containsExactly(0x1002L);
        assertThat(area.list(0, MIGRATE_MOVABLE)).as("order-0 movable list").containsExactly(0x1001L);
        assertThat(area.nrFree(3)).as("order-3 blocks left").isZero();
    }

    @Test
    @Points(2)
    @Hint("Only the orders between the one requested and the one the block came from gain a block.")
    void theSeedsOrderSevenRequestFromAnOrderNineBlockLeavesOneOrderSevenAndOneOrderEight() {
        FreeArea area = new FreeArea();
        area.addHead(512, 9, MIGRATE_MOVABLE);

        // seed digest Q22: a lone order-9 block, an order-7 request. 512 is kept; 512 + 256 = 768
        // goes to order 8, 512 + 128 = 640 to order 7.
        assertThat(area.rmqueueSmallest(7, MIGRATE_MOVABLE)).as("pfn returned for order 7").isEqualTo(512L);
        assertThat(area.list(8, MIGRATE_MOVABLE)).as("order-8 movable list").containsExactly(768L);
        assertThat(area.list(7, MIGRATE_MOVABLE)).as("order-7 movable list").containsExactly(640L);
        assertThat(area.nrFree(9)).as("order-9 blocks left").isZero();
        assertThat(area.nrFree(6)).as("order-6 blocks (below the request: untouched)").isZero();
    }

    @Test
    @Points(2)
    @Hint("Search from the requested order upwards and stop at the first list that is not empty: a "
            + "block of the exact order is taken whole, from the head of its list.")
    void aBlockOfTheExactOrderIsTakenFromTheHeadWithoutSplitting() {
        FreeArea area = new FreeArea();
        area.addHead(0x40, 2, MIGRATE_UNMOVABLE);
        area.addHead(0x80, 2, MIGRATE_UNMOVABLE); // now the head: list is [0x80, 0x40]
        area.addHead(0x200, 5, MIGRATE_UNMOVABLE);

        assertThat(area.rmqueueSmallest(2, MIGRATE_UNMOVABLE)).as("pfn returned for order 2").isEqualTo(0x80L);
        assertThat(area.list(2, MIGRATE_UNMOVABLE)).as("order-2 unmovable list").containsExactly(0x40L);
        assertThat(area.list(5, MIGRATE_UNMOVABLE)).as("order-5 list (larger block not split)")
                .containsExactly(0x200L);
    }

    @Test
    @Points(2)
    @Hint("After a split the smaller halves wait on the lower lists: the next small request is served "
            + "from them before any larger block is split again.")
    void successiveOrderZeroRequestsWalkAnOrderTwoBlockInAscendingPfnOrder() {
        FreeArea area = new FreeArea();
        area.addHead(0x400, 2, MIGRATE_MOVABLE);
        area.addHead(0x800, 2, MIGRATE_MOVABLE); // head of list[2]: [0x800, 0x400]

        // 1st: 0x800 splits: 0x802 -> order 1, 0x801 -> order 0, 0x800 returned
        // 2nd: list[0] = [0x801]            3rd: list[1] = [0x802] splits: 0x803 -> order 0
        // 4th: list[0] = [0x803]            5th: lists 0 and 1 empty, 0x400 splits
        long[] expected = {0x800, 0x801, 0x802, 0x803, 0x400};
        for (int i = 0; i < expected.length; i++) {
            assertThat(area.rmqueueSmallest(0, MIGRATE_MOVABLE)).as("order-0 request #%d", i + 1)
                    .isEqualTo(expected[i]);
        }
        assertThat(area.list(1, MIGRATE_MOVABLE)).as("order-1 list after five requests").containsExactly(0x402L);
        assertThat(area.list(0, MIGRATE_MOVABLE)).as("order-0 list after five requests").containsExactly(0x401L);
    }

    @Test
    @Points(2)
    @Hint("__rmqueue_smallest looks only at free_list[migratetype]; falling back to another type is "
            + "__rmqueue()'s job, not this function's.")
    void onlyTheRequestedMigratetypesListsAreSearched() {
        FreeArea area = new FreeArea();
        area.addHead(0x100, 0, MIGRATE_MOVABLE);
        area.addHead(0x400, 10, MIGRATE_UNMOVABLE);

        // unmovable order 0: the movable order-0 block is ignored; the unmovable order-10 block
        // at 0x400 splits ten times: 0x400 + 512, +256, ..., +1
        assertThat(area.rmqueueSmallest(0, MIGRATE_UNMOVABLE)).as("unmovable order-0 request").isEqualTo(0x400L);
        assertThat(area.list(0, MIGRATE_MOVABLE)).as("movable order-0 list (untouched)").containsExactly(0x100L);
        assertThat(area.list(9, MIGRATE_UNMOVABLE)).as("unmovable order-9 list").containsExactly(0x600L);
        assertThat(area.list(0, MIGRATE_UNMOVABLE)).as("unmovable order-0 list").containsExactly(0x401L);
        for (int order = 0; order < 10; order++) {
            assertThat(area.nrFree(order)).as("blocks at order %d", order).isEqualTo(order == 0 ? 2 : 1);
        }
    }

    @Test
    @Points(2)
    @Hint("When no list of that migratetype at the requested order or above has a block, return -1 "
            + "and leave every list as it was.")
    void aRequestNoListCanServeReturnsMinusOneAndChangesNothing() {
        FreeArea area = new FreeArea();
        area.addHead(0, 9, MIGRATE_MOVABLE);
        area.addHead(512, 9, MIGRATE_MOVABLE);
        area.addHead(2048, 10, MIGRATE_UNMOVABLE);

        // two order-9 movable blocks are 1024 pages but not one order-10 block
        assertThat(area.rmqueueSmallest(10, MIGRATE_MOVABLE)).as("movable order-10 request").isEqualTo(-1L);
        assertThat(area.list(9, MIGRATE_MOVABLE)).as("order-9 movable list").containsExactly(512L, 0L);
        assertThat(area.list(10, MIGRATE_UNMOVABLE)).as("order-10 unmovable list").containsExactly(2048L);
    }

    @Test
    @Points(1)
    @Hint("Orders run 0..MAX_PAGE_ORDER (10) and migratetypes 0..5; refuse anything else with "
            + "InvalidArgumentException before touching a list.")
    void anOrderAboveMaxPageOrderIsRefused() {
        FreeArea area = new FreeArea();
        area.addHead(0, 10, MIGRATE_MOVABLE);

        assertThat(catchThrowable(() -> area.rmqueueSmallest(11, MIGRATE_MOVABLE)))
                .as("rmqueueSmallest(11, MOVABLE)").isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("11");
        assertThat(catchThrowable(() -> area.rmqueueSmallest(0, 6)))
                .as("rmqueueSmallest(0, 6)").isInstanceOf(InvalidArgumentException.class);
        assertThat(area.list(10, MIGRATE_MOVABLE)).as("order-10 movable list").containsExactly(0L);
    }
}
