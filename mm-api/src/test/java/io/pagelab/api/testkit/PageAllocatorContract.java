package io.pagelab.api.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.pagelab.api.Gfp;
import io.pagelab.api.PageAllocator;
import io.pagelab.api.error.BadAddressException;
import io.pagelab.api.error.DoubleFreeException;
import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.api.error.OutOfMemoryException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The complete contract of {@link PageAllocator}, as one abstract test class: an implementation's
 * test extends it and says how to build a fresh allocator.
 *
 * <pre>
 * class MyBuddyTest extends PageAllocatorContract {
 *     protected PageAllocator create() { return new MyBuddy(...); }
 * }
 * </pre>
 *
 * The fresh allocator must manage at least 4 MiB of free memory below pfn 2^31, no more than a few
 * hundred MiB (one test allocates every page), with at least one free
 * block of {@link PageAllocator#maxOrder()}, and must accept {@link #gfp()} (GFP_KERNEL unless
 * overridden). Every expectation comes from the interface's contract, which follows Linux's
 * mm/page_alloc.c: natural alignment, {@code free_area[order].nr_free}, and the rule that freeing
 * everything merges the free blocks back exactly as they were (the buddy decomposition of a set of
 * free frames is unique).
 */
public abstract class PageAllocatorContract {
    /** Linux 6.4+ MAX_PAGE_ORDER. */
    public static final int MAX_PAGE_ORDER = 10;

    protected PageAllocator allocator;

    /** A fresh allocator (see the class comment for what it must hold). */
    protected abstract PageAllocator create();

    /** The flags the tests allocate with. */
    protected int gfp() {
        return Gfp.GFP_KERNEL;
    }

    @BeforeEach
    protected void createAllocator() {
        allocator = create();
    }

    /** A live allocation: first pfn and order. */
    private record Block(long pfn, int order) {
    }

    private long[] buddyinfo() {
        long[] b = new long[allocator.maxOrder() + 1];
        for (int o = 0; o <= allocator.maxOrder(); o++) {
            b[o] = allocator.freeBlocks(o);
        }
        return b;
    }

    private long sumOfBlocks() {
        long sum = 0;
        for (int o = 0; o <= allocator.maxOrder(); o++) {
            sum += allocator.freeBlocks(o) << o;
        }
        return sum;
    }

    // ---- shape

    @Test
    void maxOrderIsLinuxsMaxPageOrder() {
        assertThat(allocator.maxOrder()).as("MAX_PAGE_ORDER (Linux 6.4+: 10, blocks up to 4 MiB)")
                .isEqualTo(MAX_PAGE_ORDER);
    }

    @Test
    void aFreshAllocatorHasFreeMemoryItManages() {
        assertThat(allocator.freePageCount()).as("free pages of the fixture").isGreaterThanOrEqualTo(1024);
        assertThat(allocator.freeBlocks(allocator.maxOrder())).as("free blocks of maxOrder()").isPositive();
        assertThat(allocator.managedPages()).as("managedPages() >= freePageCount()")
                .isGreaterThanOrEqualTo(allocator.freePageCount());
    }

    @Test
    void theFreeBlocksOfAllOrdersAddUpToTheFreePageCount() {
        assertThat(sumOfBlocks()).as("sum of freeBlocks(order) << order").isEqualTo(allocator.freePageCount());
        allocator.allocPages(3, gfp());
        allocator.allocPages(0, gfp());
        assertThat(sumOfBlocks()).as("after two allocations").isEqualTo(allocator.freePageCount());
    }

    // ---- allocation

    @ParameterizedTest(name = "order {0}")
    @ValueSource(ints = {0, 1, 2, 3, 5, 9, 10})
    void anAllocatedBlockIsNaturallyAlignedAndTakesTwoToTheOrderPages(int order) {
        long before = allocator.freePageCount();
        long pfn = allocator.allocPages(order, gfp());
        assertThat(pfn % (1L << order)).as("pfn %#x of an order-%d block modulo %d", pfn, order, 1 << order).isZero();
        assertThat(pfn).isNotNegative();
        assertThat(allocator.freePageCount()).as("free pages after allocating order %d", order)
                .isEqualTo(before - (1L << order));
    }

    @Test
    void liveBlocksNeverOverlap() {
        BitSet used = new BitSet();
        Random random = new Random(4);
        for (int i = 0; i < 200; i++) {
            int order = random.nextInt(4);
            long pfn = allocator.allocPages(order, gfp());
            for (long p = pfn; p < pfn + (1L << order); p++) {
                assertThat(used.get((int) p)).as("allocation %d (order %d at %#x): frame %#x already handed out", i,
                        order, pfn, p).isFalse();
                used.set((int) p);
            }
        }
    }

    @Test
    void freeingTheBlockRestoresTheFreeCountAndTheFreeBlocks() {
        long[] before = buddyinfo();
        long free = allocator.freePageCount();
        long a = allocator.allocPages(0, gfp());
        long b = allocator.allocPages(2, gfp());
        allocator.freePages(a, 0);
        allocator.freePages(b, 2);
        assertThat(allocator.freePageCount()).isEqualTo(free);
        assertThat(buddyinfo()).as("free blocks per order after freeing both").containsExactly(before);
    }

    @Test
    void allocPageAndFreePageAreOrderZero() {
        long free = allocator.freePageCount();
        long pfn = allocator.allocPage(gfp());
        assertThat(allocator.freePageCount()).isEqualTo(free - 1);
        allocator.freePage(pfn);
        assertThat(allocator.freePageCount()).isEqualTo(free);
    }

    @Test
    void aFreedBlockCanBeHandedOutAgain() {
        long pfn = allocator.allocPages(1, gfp());
        allocator.freePages(pfn, 1);
        long again = allocator.allocPages(1, gfp());
        allocator.freePages(again, 1);
    }

    // ---- bad input

    @Test
    void ordersOutsideZeroToMaxOrderAreInvalidArguments() {
        long free = allocator.freePageCount();
        int max = allocator.maxOrder();
        assertThatThrownBy(() -> allocator.allocPages(max + 1, gfp())).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining(String.valueOf(max + 1));
        assertThatThrownBy(() -> allocator.allocPages(-1, gfp())).isInstanceOf(InvalidArgumentException.class);
        long pfn = allocator.allocPages(0, gfp());
        assertThatThrownBy(() -> allocator.freePages(pfn, max + 1)).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> allocator.freeBlocks(max + 1)).isInstanceOf(InvalidArgumentException.class);
        allocator.freePages(pfn, 0);
        assertThat(allocator.freePageCount()).isEqualTo(free);
    }

    @Test
    void freeingAFreeBlockIsADoubleFreeAndChangesNothing() {
        long pfn = allocator.allocPages(2, gfp());
        allocator.freePages(pfn, 2);
        long[] before = buddyinfo();
        long free = allocator.freePageCount();
        assertThatThrownBy(() -> allocator.freePages(pfn, 2)).isInstanceOf(DoubleFreeException.class)
                .hasMessageContaining(Long.toHexString(pfn))
                .satisfies(e -> assertThat(((DoubleFreeException) e).address()).as("address() = pfn << 12")
                        .isEqualTo(pfn << 12));
        assertThat(allocator.freePageCount()).isEqualTo(free);
        assertThat(buddyinfo()).containsExactly(before);
    }

    @Test
    void freeingAPageInsideAFreeBlockIsADoubleFree() {
        long pfn = allocator.allocPages(0, gfp());
        allocator.freePages(pfn, 0);
        long free = allocator.freePageCount();
        assertThatThrownBy(() -> allocator.freePages(pfn, 0)).isInstanceOf(DoubleFreeException.class);
        assertThat(allocator.freePageCount()).isEqualTo(free);
    }

    @Test
    void freeingWithAnotherOrderIsAnInvalidArgument() {
        long pfn = allocator.allocPages(3, gfp());
        long free = allocator.freePageCount();
        assertThatThrownBy(() -> allocator.freePages(pfn, 2)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining(Long.toHexString(pfn));
        assertThatThrownBy(() -> allocator.freePages(pfn + 4, 2))
                .as("the second half of an order-3 block freed as order 2").isInstanceOf(InvalidArgumentException.class);
        assertThat(allocator.freePageCount()).isEqualTo(free);
        allocator.freePages(pfn, 3);
        assertThat(allocator.freePageCount()).isEqualTo(free + 8);
    }

    @Test
    void freeingAPfnNotAlignedToTheOrderIsABadAddress() {
        long pfn = allocator.allocPages(1, gfp());
        long free = allocator.freePageCount();
        assertThatThrownBy(() -> allocator.freePages(pfn + 1, 1)).isInstanceOf(BadAddressException.class)
                .hasMessageContaining(Long.toHexString(pfn + 1));
        assertThat(allocator.freePageCount()).isEqualTo(free);
        allocator.freePages(pfn, 1);
    }

    @Test
    void freeingAPfnTheAllocatorDoesNotManageIsABadAddress() {
        long free = allocator.freePageCount();
        long far = 1L << 39;
        assertThatThrownBy(() -> allocator.freePages(far, 0)).isInstanceOf(BadAddressException.class)
                .hasMessageContaining(Long.toHexString(far));
        assertThatThrownBy(() -> allocator.freePages(-1024, 0)).isInstanceOf(BadAddressException.class);
        assertThat(allocator.freePageCount()).isEqualTo(free);
    }

    // ---- exhaustion

    @Test
    void runningOutThrowsOutOfMemoryAndFreeingEverythingRestoresTheStart() {
        long[] initial = buddyinfo();
        long initialFree = allocator.freePageCount();
        List<Block> live = new ArrayList<>();
        int max = allocator.maxOrder();
        for (int order : new int[] {max, 0}) {
            while (true) {
                long free = allocator.freePageCount();
                try {
                    live.add(new Block(allocator.allocPages(order, gfp()), order));
                } catch (OutOfMemoryException e) {
                    assertThat(e.requestedBytes()).as("requestedBytes() of an order-%d request", order)
                            .isEqualTo(4096L << order);
                    assertThat(allocator.freePageCount()).as("a failed allocation changes nothing").isEqualTo(free);
                    break;
                }
                if (live.size() > 2_000_000) {
                    fail("more than 2000000 allocations without running out");
                }
            }
        }
        for (Block b : live) {
            allocator.freePages(b.pfn(), b.order());
        }
        assertThat(allocator.freePageCount()).isEqualTo(initialFree);
        assertThat(buddyinfo()).as("free blocks per order after freeing everything").containsExactly(initial);
    }

    // ---- randomized

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1L, 7L, 0x5eedL})
    void randomAllocationsAndFreesKeepTheBookkeeping(long seed) {
        Random random = new Random(seed);
        long[] initial = buddyinfo();
        long initialFree = allocator.freePageCount();
        List<Block> live = new ArrayList<>();
        BitSet used = new BitSet();
        long liveFrames = 0;
        for (int op = 0; op < 3000; op++) {
            String where = "seed " + seed + ", op " + op;
            if (live.isEmpty() || random.nextInt(100) < 55) {
                int order = random.nextInt(8) == 0 ? random.nextInt(allocator.maxOrder() + 1) : random.nextInt(4);
                long pfn;
                try {
                    pfn = allocator.allocPages(order, gfp());
                } catch (OutOfMemoryException e) {
                    continue;
                }
                assertThat(pfn % (1L << order)).as(where + ": alignment").isZero();
                for (long p = pfn; p < pfn + (1L << order); p++) {
                    assertThat(used.get((int) p)).as(where + ": frame %#x handed out twice", p).isFalse();
                    used.set((int) p);
                }
                live.add(new Block(pfn, order));
                liveFrames += 1L << order;
            } else {
                Block b = live.remove(random.nextInt(live.size()));
                allocator.freePages(b.pfn(), b.order());
                used.clear((int) b.pfn(), (int) (b.pfn() + (1L << b.order())));
                liveFrames -= 1L << b.order();
            }
            assertThat(allocator.freePageCount()).as(where + ": free pages").isEqualTo(initialFree - liveFrames);
        }
        for (Block b : live) {
            allocator.freePages(b.pfn(), b.order());
        }
        assertThat(buddyinfo()).as("seed " + seed + ": free blocks after freeing everything").containsExactly(initial);
    }
}
