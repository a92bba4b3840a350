package io.pagelab.kernel.buddy;

import static io.pagelab.api.Gfp.GFP_HIGHUSER_MOVABLE;
import static io.pagelab.kernel.zone.MigrateType.MOVABLE;
import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.kernel.page.FrameState;
import io.pagelab.kernel.zone.ZoneType;
import org.junit.jupiter.api.Test;

/**
 * Splits and merges computed by hand from mm/page_alloc.c (reference §3.4 expand(), §3.6
 * __free_one_page()) on a lone order-3 block at pfn 0x1200: memblock frees pfns 0x1200..0x1207 only,
 * __free_pages_memory() releases them as one order-3 block (0x1200 is a multiple of 8, and 8 pages
 * remain). Its pageblock (0x1200..0x13ff) is Movable, so movable requests take it without stealing.
 */
class BuddySplitMergeTest {
    private static final int GFP = GFP_HIGHUSER_MOVABLE;

    private final BuddyAllocator buddy = TestMachines.dma32(new long[] {0x1200, 0x1208});
    private final Zone zone = buddy.zone(0, ZoneType.DMA32);

    private long[] nrFree() {
        long[] n = new long[11];
        for (int o = 0; o <= 10; o++) {
            n[o] = zone.nrFree(o);
        }
        return n;
    }

    @Test
    void theBootHandsOverTheFreeRangeAsOneOrder3Block() {
        assertThat(zone.freeList(3, MOVABLE)).containsExactly(0x1200L);
        assertThat(nrFree()).containsExactly(0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0);
        assertThat(zone.managedPages()).isEqualTo(8);
        assertThat(zone.freePages()).isEqualTo(8);
    }

    @Test
    void anOrder0RequestKeepsTheLowHalfAndFreesOneBlockOfEachSmallerOrder() {
        long pfn = buddy.allocPages(0, GFP);
        // expand(): 0x1200/3 -> keep 0x1200..0x1203, free 0x1204 (order 2); keep 0x1200..0x1201, free
        // 0x1202 (order 1); keep 0x1200, free 0x1201 (order 0)
        assertThat(pfn).isEqualTo(0x1200);
        assertThat(zone.freeList(2, MOVABLE)).containsExactly(0x1204L);
        assertThat(zone.freeList(1, MOVABLE)).containsExactly(0x1202L);
        assertThat(zone.freeList(0, MOVABLE)).containsExactly(0x1201L);
        assertThat(nrFree()).containsExactly(1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0);
        assertThat(zone.freePages()).isEqualTo(7);
        assertThat(buddy.memMap().state(0x1200)).isEqualTo(FrameState.allocated(0));
        assertThat(buddy.pageRefCount(0x1200)).isEqualTo(1);
    }

    @Test
    void eightOrder0RequestsComeOutInAscendingPfnOrder() {
        // each request takes the head of the smallest non-empty list; expand() leaves the next pfn at
        // the head of order 0, or of the next order up (hand trace in the class comment's block)
        long[] got = new long[8];
        for (int i = 0; i < 8; i++) {
            got[i] = buddy.allocPages(0, GFP);
        }
        assertThat(got).containsExactly(0x1200, 0x1201, 0x1202, 0x1203, 0x1204, 0x1205, 0x1206, 0x1207);
        assertThat(zone.freePages()).isZero();
    }

    @Test
    void anOrder2RequestSplitsOnce() {
        assertThat(buddy.allocPages(2, GFP)).isEqualTo(0x1200);
        assertThat(zone.freeList(2, MOVABLE)).containsExactly(0x1204L);
        assertThat(nrFree()).containsExactly(0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void freeingTheOnlyAllocatedPageMergesEverythingBackIntoTheOrder3Block() {
        long pfn = buddy.allocPages(0, GFP);
        buddy.freePages(pfn, 0);
        // 0x1200 ^ 1 = 0x1201 (free, order 0) -> 0x1200/1; ^ 2 = 0x1202 (order 1) -> /2; ^ 4 = 0x1204 -> /3
        assertThat(nrFree()).containsExactly(0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0);
        assertThat(zone.freeList(3, MOVABLE)).containsExactly(0x1200L);
        assertThat(buddy.memMap().state(0x1204)).as("the absorbed buddy head is a tail now").isEqualTo(FrameState.TAIL);
        assertThat(buddy.memMap().state(0x1200)).isEqualTo(FrameState.buddy(3));
    }

    @Test
    void freeingBuddiesInAnyOrderEndsInTheSameBlock() {
        for (int i = 0; i < 8; i++) {
            buddy.allocPages(0, GFP);
        }
        // free the odd pfns first: no buddy is free, four order-0 blocks
        for (long pfn : new long[] {0x1201, 0x1203, 0x1205, 0x1207}) {
            buddy.freePages(pfn, 0);
        }
        assertThat(nrFree()).containsExactly(4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        // 0x1206 merges with 0x1207 into 0x1206/1; its buddy 0x1204/1 is not free
        buddy.freePages(0x1206, 0);
        assertThat(nrFree()).containsExactly(3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        // 0x1204 merges with 0x1205 (0x1204/1), then with 0x1206/1 (0x1204/2); 0x1200/2 is not free
        buddy.freePages(0x1204, 0);
        assertThat(nrFree()).containsExactly(2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0);
        buddy.freePages(0x1200, 0);
        assertThat(nrFree()).containsExactly(1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0);
        buddy.freePages(0x1202, 0); // 0x1202+0x1203 -> /1, + 0x1200/1 -> /2, + 0x1204/2 -> /3
        assertThat(nrFree()).containsExactly(0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0);
        assertThat(zone.freeList(3, MOVABLE)).containsExactly(0x1200L);
    }

    @Test
    void aBlockWhoseParentsBuddyIsFreeGoesToTheTailOfItsList() {
        for (int i = 0; i < 8; i++) {
            buddy.allocPages(0, GFP);
        }
        buddy.freePages(0x1205, 0); // order-0 list: 0x1205 (0x1204 busy, parent 0x1204/1's buddy 0x1206 busy)
        buddy.freePages(0x1202, 0);
        buddy.freePages(0x1203, 0); // 0x1202/1 free; order-0 list back to 0x1205 alone
        assertThat(zone.freeList(0, MOVABLE)).containsExactly(0x1205L);
        assertThat(zone.freeList(1, MOVABLE)).containsExactly(0x1202L);
        // free 0x1200 while 0x1201 is busy: no merge, but buddy_merge_likely(): the order-1 parent
        // 0x1200's buddy 0x1202 is a free order-1 block -> add_to_free_list_tail()
        buddy.freePages(0x1200, 0);
        assertThat(zone.freeList(0, MOVABLE)).as("0x1200 queued behind 0x1205").containsExactly(0x1205L, 0x1200L);
        // so the next order-0 request takes 0x1205, and 0x1200 stays free to merge
        assertThat(buddy.allocPages(0, GFP)).isEqualTo(0x1205);
        buddy.freePages(0x1201, 0); // 0x1200/1, + 0x1202/1 -> 0x1200/2; 0x1204/2 busy
        assertThat(zone.freeList(2, MOVABLE)).containsExactly(0x1200L);
        assertThat(nrFree()).containsExactly(0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void aBlockWithoutAFreeParentBuddyGoesToTheHead() {
        for (int i = 0; i < 8; i++) {
            buddy.allocPages(0, GFP);
        }
        buddy.freePages(0x1205, 0);
        buddy.freePages(0x1203, 0); // parent 0x1202/1's buddy 0x1200/1 is busy -> head
        assertThat(zone.freeList(0, MOVABLE)).containsExactly(0x1203L, 0x1205L);
    }

    @Test
    void freeBlocksNeverMergePastMaxPageOrder() {
        // 8 MiB at 0x1800..0x2000 = two order-10 blocks that are buddies (0x1800 ^ 0x400 = 0x1c00)
        BuddyAllocator b = TestMachines.dma32(new long[] {0x1800, 0x2000});
        Zone z = b.zone(0, ZoneType.DMA32);
        assertThat(z.nrFree(10)).isEqualTo(2);
        long pfn = b.allocPages(10, GFP);
        b.freePages(pfn, 10);
        assertThat(z.nrFree(10)).isEqualTo(2);
    }
}
