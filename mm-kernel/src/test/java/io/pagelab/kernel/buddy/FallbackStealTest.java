package io.pagelab.kernel.buddy;

import static io.pagelab.api.Gfp.GFP_HIGHUSER_MOVABLE;
import static io.pagelab.api.Gfp.GFP_KERNEL;
import static io.pagelab.api.Gfp.__GFP_RECLAIMABLE;
import static io.pagelab.kernel.zone.MigrateType.MIGRATE_MOVABLE;
import static io.pagelab.kernel.zone.MigrateType.MIGRATE_UNMOVABLE;
import static io.pagelab.kernel.zone.MigrateType.MOVABLE;
import static io.pagelab.kernel.zone.MigrateType.RECLAIMABLE;
import static io.pagelab.kernel.zone.MigrateType.UNMOVABLE;
import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.kernel.zone.ZoneType;
import org.junit.jupiter.api.Test;

/**
 * __rmqueue_fallback() and steal_suitable_fallback() (reference §3.5), traced by hand. Every
 * pageblock starts Movable (memmap_init()), so the first Unmovable or Reclaimable request must steal.
 */
class FallbackStealTest {

    @Test
    void anUnmovableRequestClaimsTheWholePageblockOfTheBlockItSteals() {
        BuddyAllocator buddy = TestMachines.dma32(new long[] {0x1200, 0x1208});
        Zone zone = buddy.zone(0, ZoneType.DMA32);
        long pfn = buddy.allocPages(0, GFP_KERNEL);
        // fallbacks[Unmovable] = {Reclaimable, Movable}; largest order first: the Movable order-3 block.
        // can_steal (start type Unmovable) -> move_freepages_block() moves its 8 free pages; the other
        // 504 pages of the pageblock are not free and not on an LRU list, and the old type is Movable,
        // so alike = 512 - (8 + 0) = 504; 8 + 504 >= 256 -> set_pageblock_migratetype(Unmovable).
        assertThat(pfn).isEqualTo(0x1200);
        assertThat(buddy.pageblockMigratetype(0x1200)).isEqualTo(MIGRATE_UNMOVABLE);
        assertThat(zone.freeList(2, UNMOVABLE)).containsExactly(0x1204L);
        assertThat(zone.freeList(1, UNMOVABLE)).containsExactly(0x1202L);
        assertThat(zone.freeList(0, UNMOVABLE)).containsExactly(0x1201L);
        assertThat(zone.freeList(3, MOVABLE)).isEmpty();
        // freed, the page goes back to its pageblock's (now Unmovable) list and merges
        buddy.freePages(pfn, 0);
        assertThat(zone.freeList(3, UNMOVABLE)).containsExactly(0x1200L);
    }

    @Test
    void aBlockOfPageblockOrderChangesTheTypeOfEveryPageblockItCovers() {
        // one order-10 block (two pageblocks) at 0x1400
        BuddyAllocator buddy = TestMachines.dma32(new long[] {0x1400, 0x1800});
        long pfn = buddy.allocPages(0, GFP_KERNEL | __GFP_RECLAIMABLE);
        // current_order 10 >= pageblock_order -> change_pageblock_range() over 2 pageblocks
        assertThat(pfn).isEqualTo(0x1400);
        assertThat(buddy.pageblockMigratetype(0x1400)).isEqualTo(RECLAIMABLE.id());
        assertThat(buddy.pageblockMigratetype(0x1600)).isEqualTo(RECLAIMABLE.id());
        assertThat(buddy.zone(0, ZoneType.DMA32).freeList(9, RECLAIMABLE)).containsExactly(0x1600L);
    }

    @Test
    void aMovableRequestStealsBackAWholePageblockFromABlockOfOrder4OrMore() {
        // an order-3 block at 0x1200 and an order-9 block (one whole pageblock) at 0x1400
        BuddyAllocator buddy = TestMachines.dma32(new long[] {0x1200, 0x1208}, new long[] {0x1400, 0x1600});
        Zone zone = buddy.zone(0, ZoneType.DMA32);
        // GFP_KERNEL: the largest Movable block is 0x1400/9 -> its pageblock becomes Unmovable, split
        assertThat(buddy.allocPages(0, GFP_KERNEL)).isEqualTo(0x1400);
        // the movable request takes the Movable 0x1200/3 directly
        assertThat(buddy.allocPages(3, GFP_HIGHUSER_MOVABLE)).isEqualTo(0x1200);
        // now Movable is empty: fallbacks[Movable] = {Reclaimable, Unmovable}; the largest Unmovable block
        // is 0x1500/8; order 8 >= pageblock_order / 2 -> can_steal; move_freepages_block() moves the
        // 511 free pages of pageblock 0x1400 (0x1401/0 ... 0x1500/8); alike = movable pages = 0;
        // 511 >= 256 -> the pageblock is Movable again, and the request takes 0x1401/0.
        assertThat(buddy.allocPages(0, GFP_HIGHUSER_MOVABLE)).isEqualTo(0x1401);
        assertThat(buddy.pageblockMigratetype(0x1400)).isEqualTo(MIGRATE_MOVABLE);
        assertThat(zone.freeList(8, MOVABLE)).containsExactly(0x1500L);
        for (int o = 0; o <= 10; o++) {
            assertThat(zone.freeList(o, UNMOVABLE)).as("Unmovable order %d", o).isEmpty();
        }
    }

    @Test
    void aSmallMovableRequestThatCannotClaimThePageblockTakesTheSmallestBlockOnly() {
        // free 0x1202..0x1207: an order-1 block at 0x1202 and an order-2 block at 0x1204
        BuddyAllocator buddy = TestMachines.dma32(new long[] {0x1202, 0x1208});
        Zone zone = buddy.zone(0, ZoneType.DMA32);
        // GFP_KERNEL steals the largest (0x1204/2) with the whole pageblock: both blocks move to
        // Unmovable, alike = 512 - 6 = 506 -> Unmovable; __rmqueue_smallest() then splits 0x1202/1
        assertThat(buddy.allocPages(0, GFP_KERNEL)).isEqualTo(0x1202);
        assertThat(zone.freeList(0, UNMOVABLE)).containsExactly(0x1203L);
        assertThat(zone.freeList(2, UNMOVABLE)).containsExactly(0x1204L);
        // a Movable order-0 request: the largest fallback is order 2 < 4 -> cannot steal and is larger
        // than the request -> find_smallest: order 0, 0x1203 is moved alone (single_page)
        assertThat(buddy.allocPages(0, GFP_HIGHUSER_MOVABLE)).isEqualTo(0x1203);
        assertThat(buddy.pageblockMigratetype(0x1200)).as("the pageblock stays Unmovable").isEqualTo(MIGRATE_UNMOVABLE);
        assertThat(zone.freeList(2, UNMOVABLE)).containsExactly(0x1204L);
    }

    @Test
    void aNormalZoneAllocationAvoidsFragmentingNormalWhenDma32HasAWholePageblock() {
        // DMA32: an order-10 block at 0xffc00; Normal: only an order-3 block at 0x100000
        BuddyAllocator buddy = TestMachines.boot(new long[][] {{0xff000, 0x100000}, {0x100000, 0x101000}},
                new long[][] {{0xffc00, 0x100000}, {0x100000, 0x100008}});
        Zone normal = buddy.zone(0, ZoneType.NORMAL);
        // preferred zone Normal -> ALLOC_NOFRAGMENT: only blocks of pageblock order may be stolen in the
        // first pass. Normal has none, so the zonelist moves on to DMA32, whose order-10 block is stolen.
        long pfn = buddy.allocPages(0, GFP_KERNEL);
        assertThat(pfn).isEqualTo(0xffc00);
        assertThat(normal.freeList(3, MOVABLE)).containsExactly(0x100000L);
        // Once DMA32 has no whole block left either, the second pass (no ALLOC_NOFRAGMENT) takes Normal's.
        BuddyAllocator small = TestMachines.boot(new long[][] {{0xff000, 0x100000}, {0x100000, 0x101000}},
                new long[][] {{0xffff8, 0x100000}, {0x100000, 0x100008}});
        assertThat(small.allocPages(0, GFP_KERNEL)).as("Normal is tried first again").isEqualTo(0x100000);
    }

    @Test
    void theZonelistFallsBackFromNormalToDma32ToDma() {
        BuddyAllocator buddy = TestMachines.boot(new long[][] {{0x800, 0x1000}, {0x1000, 0x2000}, {0x100000, 0x101000}},
                new long[][] {{0xc00, 0xc01}, {0x1800, 0x1801}, {0x100000, 0x100001}});
        assertThat(buddy.zonelist(0)).extracting(Zone::name).containsExactly("Normal", "DMA32", "DMA");
        assertThat(buddy.allocPages(0, GFP_HIGHUSER_MOVABLE)).isEqualTo(0x100000);
        assertThat(buddy.allocPages(0, GFP_HIGHUSER_MOVABLE)).isEqualTo(0x1800);
        assertThat(buddy.allocPages(0, GFP_HIGHUSER_MOVABLE)).isEqualTo(0xc00);
    }
}
