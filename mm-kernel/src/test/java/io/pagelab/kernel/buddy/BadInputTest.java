package io.pagelab.kernel.buddy;

import static io.pagelab.api.Gfp.GFP_HIGHUSER_MOVABLE;
import static io.pagelab.api.Gfp.GFP_KERNEL;
import static io.pagelab.api.Gfp.__GFP_COMP;
import static io.pagelab.api.Gfp.__GFP_DMA;
import static io.pagelab.api.Gfp.__GFP_DMA32;
import static io.pagelab.api.Gfp.__GFP_NOWARN;
import static io.pagelab.kernel.zone.MigrateType.MOVABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.pagelab.api.error.BadAddressException;
import io.pagelab.api.error.DoubleFreeException;
import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.api.error.OutOfMemoryException;
import io.pagelab.kernel.page.PageFlags;
import io.pagelab.kernel.zone.ZoneType;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Every bad call is refused with a message in the style of mm/page_alloc.c: bad_page() and leaves the
 * allocator exactly as it was (the free lists are compared before and after).
 */
class BadInputTest {
    private final BuddyAllocator buddy = TestMachines.dma32(new long[] {0x1200, 0x1208});
    private final Zone zone = buddy.zone(0, ZoneType.DMA32);

    private String snapshot() {
        StringBuilder sb = new StringBuilder();
        for (int o = 0; o <= 10; o++) {
            sb.append(o).append(':').append(java.util.Arrays.toString(zone.freeList(o, MOVABLE))).append(' ');
        }
        return sb.append("free=").append(zone.freePages()).toString();
    }

    private void assertRefusedAndIntact(ThrowingCallable call, Class<? extends Throwable> type, String... parts) {
        String before = snapshot();
        var a = assertThatThrownBy(call).isInstanceOf(type);
        for (String p : parts) {
            a.hasMessageContaining(p);
        }
        assertThat(snapshot()).as("free lists after the refused call").isEqualTo(before);
    }

    @Test
    void freeingAFreeBlockIsABadPageStateNamingPfnAndFlags() {
        long pfn = buddy.allocPages(3, GFP_HIGHUSER_MOVABLE);
        buddy.freePages(pfn, 3);
        assertRefusedAndIntact(() -> buddy.freePages(0x1200, 3), DoubleFreeException.class,
                "BUG: Bad page state in process pagelab  pfn:01200",
                "page: refcount:0 mapcount:0 mapping:0000000000000000 index:0x0 pfn:0x1200",
                "flags: 0x0(zone=1)", "page_type: buddy(order 3)", "page dumped because: freeing a free page");
    }

    @Test
    void freeingAPageInsideAFreeBlockIsADoubleFree() {
        assertRefusedAndIntact(() -> buddy.freePages(0x1203, 0), DoubleFreeException.class,
                "pfn:01203", "lies inside the free order-3 block at pfn 0x1200");
    }

    @Test
    void freeingWithTheWrongOrderNamesTheOrderOfTheAllocation() {
        long pfn = buddy.allocPages(2, GFP_HIGHUSER_MOVABLE);
        assertRefusedAndIntact(() -> buddy.freePages(pfn, 1), InvalidArgumentException.class,
                "__free_pages(pfn 0x1200, order 1)", "was allocated with order 2; free it with order 2");
        assertRefusedAndIntact(() -> buddy.freePages(0x1202, 1), InvalidArgumentException.class,
                "pfn 0x1202 is not the first page of an allocation",
                "inside the order-2 block allocated at pfn 0x1200");
        buddy.freePages(pfn, 2);
        assertThat(zone.freeList(3, MOVABLE)).containsExactly(0x1200L);
    }

    @Test
    void aPfnNotAlignedToTheOrderIsABadAddress() {
        buddy.allocPages(2, GFP_HIGHUSER_MOVABLE);
        assertRefusedAndIntact(() -> buddy.freePages(0x1202, 2), BadAddressException.class,
                "a block of order 2 starts at a multiple of 4 pages", "0x1200 and 0x1204");
    }

    @Test
    void aPfnOutsideTheZoneIsABadAddress() {
        assertRefusedAndIntact(() -> buddy.freePages(0x5000, 0), BadAddressException.class,
                "page 0x5000 outside every zone: node 0 zone DMA32 [ 0x1000 - 0x2000 ]");
        assertRefusedAndIntact(() -> buddy.freePages(1L << 30, 0), BadAddressException.class,
                "page 0x40000000 outside every zone", "has no struct page");
    }

    @Test
    void aReservedPageWasNeverTheBuddyAllocatorsToFree() {
        assertRefusedAndIntact(() -> buddy.freePages(0x1100, 0), BadAddressException.class,
                "pfn:01100", "flags: 0x400(reserved|zone=1)", "PAGE_FLAGS_CHECK_AT_FREE",
                "never given to the buddy allocator");
    }

    @Test
    void ordersAboveMaxPageOrderAreRefused() {
        assertRefusedAndIntact(() -> buddy.freePages(0x1200, 11), InvalidArgumentException.class,
                "order 11 is above MAX_PAGE_ORDER 10: allowed orders are 0..10");
        assertRefusedAndIntact(() -> buddy.allocPages(11, GFP_KERNEL), InvalidArgumentException.class, "order 11");
        assertRefusedAndIntact(() -> buddy.allocPages(-1, GFP_KERNEL), InvalidArgumentException.class,
                "order -1 is negative");
    }

    @Test
    void badGfpMasksAreRefused() {
        assertRefusedAndIntact(() -> buddy.allocPages(0, 1 << 30), InvalidArgumentException.class, "unknown bits");
        assertRefusedAndIntact(() -> buddy.allocPages(0, __GFP_DMA | __GFP_DMA32), InvalidArgumentException.class,
                "GFP_ZONE_BAD");
    }

    @Test
    void aMappedPageCannotBeFreed() {
        long pfn = buddy.allocPages(0, GFP_HIGHUSER_MOVABLE);
        buddy.memMap().setMapcount(pfn, 1);
        assertRefusedAndIntact(() -> buddy.freePages(pfn, 0), InvalidArgumentException.class,
                "mapcount:1", "page dumped because: nonzero mapcount");
        buddy.memMap().setMapcount(pfn, 0);
        buddy.memMap().setFlag(pfn, PageFlags.PG_LRU);
        assertRefusedAndIntact(() -> buddy.freePages(pfn, 0), InvalidArgumentException.class,
                "flags: 0x20(lru|zone=1)", "PAGE_FLAGS_CHECK_AT_FREE flag(s) set");
        buddy.memMap().clearFlag(pfn, PageFlags.PG_LRU);
        buddy.memMap().setFlag(pfn, PageFlags.PG_DIRTY); // not checked at free: cleared
        buddy.freePages(pfn, 0);
        assertThat(buddy.memMap().flags(pfn)).isZero();
        assertThat(zone.freeList(3, MOVABLE)).containsExactly(0x1200L);
    }

    @Test
    void anExtraReferenceKeepsTheFirstPageOfANonCompoundBlock() {
        long pfn = buddy.allocPages(2, GFP_HIGHUSER_MOVABLE);
        buddy.getPage(pfn);
        assertThat(buddy.pageRefCount(pfn)).isEqualTo(2);
        buddy.freePages(pfn, 2);
        // __free_pages(): put_page_testzero() fails, the block is not a compound head, so the kernel
        // frees page + 2 (order 1) and page + 1 (order 0) and leaves page 0 to the other user
        assertThat(buddy.pageRefCount(pfn)).isEqualTo(1);
        assertThat(zone.freePages()).isEqualTo(7);
        buddy.freePages(pfn, 0);
        assertThat(zone.freeList(3, MOVABLE)).containsExactly(0x1200L);
    }

    @Test
    void aCompoundPageKeepsAllItsPagesWhileReferenced() {
        long pfn = buddy.allocPages(2, GFP_HIGHUSER_MOVABLE | __GFP_COMP);
        assertThat(buddy.memMap().testFlag(pfn, PageFlags.PG_HEAD)).isTrue();
        assertThat(buddy.compoundHead(pfn + 3)).isEqualTo(pfn);
        buddy.getPage(pfn);
        buddy.freePages(pfn, 2);
        assertThat(zone.freePages()).isEqualTo(4);
        buddy.freePages(pfn, 2);
        assertThat(zone.freePages()).isEqualTo(8);
        assertThat(buddy.memMap().flags(pfn)).as("PG_head cleared at free").isZero();
    }

    @Test
    void runningOutThrowsAndWarnsUnlessNowarn() {
        Logger logger = (Logger) LoggerFactory.getLogger(BuddyAllocator.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        logger.setAdditive(false);
        List<Long> got = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                got.add(buddy.allocPages(0, GFP_KERNEL));
            }
            assertRefusedAndIntact(() -> buddy.allocPages(0, GFP_KERNEL), OutOfMemoryException.class,
                    "pagelab: page allocation failure: order:0, mode:0x6c0(GFP_KERNEL), nodemask=(null)",
                    "Node 0 DMA32 free:0kB");
            assertThat(appender.list).hasSize(1);
            assertThat(appender.list.get(0).getLevel()).isEqualTo(Level.WARN);
            assertThatThrownBy(() -> buddy.allocPages(0, GFP_KERNEL | __GFP_NOWARN))
                    .isInstanceOf(OutOfMemoryException.class);
            assertThat(appender.list).as("__GFP_NOWARN: no warning").hasSize(1);
        } finally {
            logger.setAdditive(true);
            logger.detachAppender(appender);
        }
        assertThat(buddy.vmEvents()[2]).as("allocation failures").isEqualTo(2);
        got.forEach(p -> buddy.freePages(p, 0));
        assertThat(zone.freePages()).isEqualTo(8);
    }

    @Test
    void getPageOnAFreePageIsRefused() {
        assertThatThrownBy(() -> buddy.getPage(0x1200)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("get_page()");
        assertThat(buddy.pageRefCount(0x1200)).isZero();
    }
}
