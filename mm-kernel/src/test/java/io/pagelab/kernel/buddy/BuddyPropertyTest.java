package io.pagelab.kernel.buddy;

import static io.pagelab.api.Gfp.GFP_ATOMIC;
import static io.pagelab.api.Gfp.GFP_DMA;
import static io.pagelab.api.Gfp.GFP_DMA32;
import static io.pagelab.api.Gfp.GFP_HIGHUSER_MOVABLE;
import static io.pagelab.api.Gfp.GFP_KERNEL;
import static io.pagelab.api.Gfp.__GFP_COMP;
import static io.pagelab.api.Gfp.__GFP_NOWARN;
import static io.pagelab.api.Gfp.__GFP_RECLAIMABLE;
import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.api.error.OutOfMemoryException;
import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.kernel.boot.BootMemory;
import io.pagelab.kernel.procfs.ProcBuddyinfo;
import io.pagelab.kernel.zone.MigrateType;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * 10,000 random allocations and frees per seed on a booted 128 MiB QEMU machine (about 22,000 free
 * pages, so the watermarks are reached and refused requests are part of the run), with every gfp
 * mix that does not reserve HighAtomic pageblocks (those would stop merging above pageblock order,
 * as in Linux). Invariants: no frame is handed out twice, the free counts add up, every free block
 * sits on a list and heads nothing else, and freeing everything restores /proc/buddyinfo exactly.
 */
class BuddyPropertyTest {
    private static final int[] GFPS = {GFP_KERNEL, GFP_HIGHUSER_MOVABLE, GFP_KERNEL | __GFP_RECLAIMABLE,
        GFP_KERNEL | GFP_DMA32, GFP_KERNEL | GFP_DMA, GFP_HIGHUSER_MOVABLE | __GFP_COMP};

    private record Block(long pfn, int order) {
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1L, 2024L, 0xdeadbeefL})
    void randomAllocFreeSequencesKeepEveryInvariant(long seed) {
        run(seed, 0);
    }

    /**
     * The same with two CPUs and their per-cpu lists, the CPU switching at random: pages on the
     * lists count as free (NR_FREE_PAGES plus pcp counts), and after freeing everything
     * drain_all_pages() restores /proc/buddyinfo.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {7L, 4242L})
    void withPerCpuListsFreeingEverythingAndDrainingRestoresBuddyinfo(long seed) {
        run(seed, 2);
    }

    private static void run(long seed, int cpus) {
        BuddyAllocator buddy = MmCoreInit.init(BootMemory.boot(SampleFirmware.qemu128M()),
                BuddyConfig.defaults().withCpus(cpus)).allocator();
        Random random = new Random(seed);
        String initialBuddyinfo = ProcBuddyinfo.render(buddy);
        long initialFree = buddy.freePageCount();
        List<Block> live = new ArrayList<>();
        BitSet handedOut = new BitSet();
        long liveFrames = 0;
        int refused = 0;
        for (int op = 0; op < 10_000; op++) {
            String where = "seed " + seed + ", cpus " + cpus + ", op " + op;
            if (cpus > 1 && random.nextInt(50) == 0) {
                buddy.setCurrentCpu(random.nextInt(cpus));
            }
            if (live.isEmpty() || random.nextInt(100) < 60) {
                int order = random.nextInt(10) == 0 ? random.nextInt(11) : random.nextInt(4);
                int gfp = GFPS[random.nextInt(GFPS.length)] | __GFP_NOWARN;
                if (order == 0 && random.nextInt(10) == 0) {
                    gfp = GFP_ATOMIC | __GFP_NOWARN; // order 0: no HighAtomic reservation
                }
                long pfn;
                try {
                    pfn = buddy.allocPages(order, gfp);
                } catch (OutOfMemoryException e) {
                    refused++;
                    assertThat(buddy.freePageCount() + buddy.pcpPageCount()).as(where + ": a refused request changes nothing")
                            .isEqualTo(initialFree - liveFrames);
                    continue;
                }
                assertThat(pfn & ((1L << order) - 1)).as(where + ": alignment of order %d at %#x", order, pfn).isZero();
                int from = handedOut.nextSetBit((int) pfn);
                assertThat(from == -1 || from >= pfn + (1L << order))
                        .as(where + ": order-%d block at %#x overlaps the live frame %#x", order, pfn, from).isTrue();
                handedOut.set((int) pfn, (int) (pfn + (1L << order)));
                live.add(new Block(pfn, order));
                liveFrames += 1L << order;
            } else {
                Block b = live.remove(random.nextInt(live.size()));
                buddy.freePages(b.pfn(), b.order());
                handedOut.clear((int) b.pfn(), (int) (b.pfn() + (1L << b.order())));
                liveFrames -= 1L << b.order();
            }
            assertThat(buddy.freePageCount() + buddy.pcpPageCount()).as(where + ": free pages")
                    .isEqualTo(initialFree - liveFrames);
            if (op % 1000 == 999) {
                checkFreeLists(buddy, where);
            }
        }
        assertThat(refused).as("seed %d: the run reached the watermarks", seed).isPositive();
        for (Block b : live) {
            buddy.freePages(b.pfn(), b.order());
        }
        buddy.drainAllPages();
        assertThat(buddy.pcpPageCount()).as("seed %d: pcp pages after drain_all_pages()", seed).isZero();
        checkFreeLists(buddy, "seed " + seed + " at the end");
        assertThat(buddy.freePageCount()).isEqualTo(initialFree);
        assertThat(ProcBuddyinfo.render(buddy)).as("seed %d: /proc/buddyinfo after freeing everything", seed)
                .isEqualTo(initialBuddyinfo);
    }

    /** Walks every list: the blocks add up to NR_FREE_PAGES and nr_free, each is a BUDDY head of its order. */
    private static void checkFreeLists(BuddyAllocator buddy, String where) {
        for (Zone z : buddy.zones()) {
            long pages = 0;
            for (int o = 0; o <= BuddyAllocator.MAX_PAGE_ORDER; o++) {
                long blocks = 0;
                for (MigrateType mt : MigrateType.values()) {
                    for (long pfn : z.freeList(o, mt)) {
                        assertThat(buddy.memMap().state(pfn)).as(where + ": state of free block %#x", pfn)
                                .isEqualTo(io.pagelab.kernel.page.FrameState.buddy(o));
                        blocks++;
                    }
                }
                assertThat(blocks).as(where + ": nr_free[%d] of %s", o, z.name()).isEqualTo(z.nrFree(o));
                pages += blocks << o;
            }
            assertThat(pages).as(where + ": free pages of %s", z.name()).isEqualTo(z.freePages());
        }
    }
}
