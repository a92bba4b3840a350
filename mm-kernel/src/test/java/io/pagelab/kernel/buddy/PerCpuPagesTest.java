package io.pagelab.kernel.buddy;

import static io.pagelab.api.Gfp.GFP_KERNEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.error.DoubleFreeException;
import io.pagelab.kernel.procfs.ProcBuddyinfo;
import io.pagelab.kernel.zone.MigrateType;
import io.pagelab.kernel.zone.ZoneType;
import org.junit.jupiter.api.Test;

/** struct per_cpu_pages: sizing as zone_batchsize()/zone_highsize() of Linux 6.6, refill and drain. */
class PerCpuPagesTest {

    /** 64 MiB of DMA32 (pfns 0x1000..0x5000, 16384 pages, all free), watermarks 0, one CPU. */
    private static BuddyAllocator machine64M(int cpus) {
        return TestMachines.boot(new long[][] {{0x1000, 0x5000}}, new long[][] {{0x1000, 0x5000}},
                BuddyConfig.defaults().withMinFreeKbytes(0).withCpus(cpus));
    }

    @Test
    void theNormalZoneOfTheReferenceMachineGetsBatch63() {
        // managed 1552266 (reference §3.8): min(1552266 >> 10 = 1515, 1 MiB / 4 KiB = 256) = 256;
        // 256 / 4 = 64; rounddown_pow_of_two(64 + 32 = 96) - 1 = 63, the batch real 6.x zoneinfo shows
        assertThat(PerCpuPages.zoneBatchsize(1552266)).isEqualTo(63);
    }

    @Test
    void theDmaZoneOfTheReferenceMachineGetsHigh13AndBatch1OnTwoCpus() {
        // reference §3.8 zoneinfo (6.6 VM, 2 CPUs): DMA managed 3840, low 26 -> "high: 13", "batch: 1".
        // batch: 3840 >> 10 = 3, 3 / 4 = 0 -> 1, rounddown_pow_of_two(1) - 1 = 0, max(1, 0) = 1;
        // high: 26 / 2 cpus = 13 >= 4 * batch
        int batch = Math.max(1, PerCpuPages.zoneBatchsize(3840));
        assertThat(batch).isEqualTo(1);
        assertThat(PerCpuPages.zoneHighsize(26, batch, 2)).isEqualTo(13);
    }

    @Test
    void batchAndHighOfASixtyFourMibZoneFollowItsSizeAndLowWatermark() {
        // 16384 managed pages: batch: min(16, 256) / 4 = 4, rounddown_pow_of_two(4 + 2 = 6) - 1 = 3.
        // min_free_kbytes 0: min 0, low = 0 + max(0 >> 2, 16384 * 10 / 10000 = 16) = 16;
        // high = max(16 / 1 cpu, 3 << 2 = 12) = 16
        BuddyAllocator buddy = machine64M(1);
        PerCpuPages pcp = buddy.zone(0, ZoneType.DMA32).perCpuPages();
        assertThat(pcp.batch()).isEqualTo(3);
        assertThat(pcp.high()).isEqualTo(16);
    }

    @Test
    void anEmptyListIsRefilledWithBatchPagesAndHandsOutItsHead() {
        BuddyAllocator buddy = machine64M(1);
        long free = buddy.freePageCount();
        long pfn = buddy.allocPages(0, GFP_KERNEL);
        PerCpuPages pcp = buddy.zone(0, ZoneType.DMA32).perCpuPages();
        // rmqueue_bulk took batch = 3 order-0 pages in ascending pfn order; the first went out
        assertThat(buddy.freePageCount()).isEqualTo(free - 3);
        assertThat(pcp.count(0)).isEqualTo(2);
        assertThat(pcp.list(0, 0, MigrateType.MIGRATE_UNMOVABLE)).containsExactly(pfn + 1, pfn + 2);
    }

    @Test
    void freesCrossingHighGiveBatchPagesBackAndDrainingEmptiesTheLists() {
        BuddyAllocator buddy = machine64M(1);
        String buddyinfo = ProcBuddyinfo.render(buddy);
        long free = buddy.freePageCount();
        long[] pfns = new long[16];
        for (int i = 0; i < 16; i++) {
            pfns[i] = buddy.allocPages(0, GFP_KERNEL);
        }
        PerCpuPages pcp = buddy.zone(0, ZoneType.DMA32).perCpuPages();
        // 6 refills of batch 3 = 18 pages taken from the buddy lists, 16 handed out, 2 left
        assertThat(pcp.count(0)).isEqualTo(2);
        assertThat(buddy.freePageCount()).isEqualTo(free - 18);
        for (int i = 0; i < 13; i++) {
            buddy.freePages(pfns[i], 0);
        }
        assertThat(pcp.count(0)).as("2 + 13 frees stay below high 16").isEqualTo(15);
        buddy.freePages(pfns[13], 0);
        // count 16 >= high: nr_pcp_free = clamp(batch 3 << free_factor 0, batch 3, high - batch 13) = 3
        assertThat(pcp.count(0)).isEqualTo(13);
        assertThat(buddy.freePageCount()).isEqualTo(free - 15);
        buddy.drainAllPages();
        assertThat(pcp.count(0)).isZero();
        buddy.freePages(pfns[14], 0);
        buddy.freePages(pfns[15], 0);
        buddy.drainAllPages();
        assertThat(buddy.freePageCount()).isEqualTo(free);
        assertThat(ProcBuddyinfo.render(buddy)).isEqualTo(buddyinfo);
    }

    @Test
    void eachCpuHasItsOwnLists() {
        BuddyAllocator buddy = machine64M(2);
        buddy.allocPages(0, GFP_KERNEL);
        buddy.setCurrentCpu(1);
        buddy.allocPages(0, GFP_KERNEL);
        PerCpuPages pcp = buddy.zone(0, ZoneType.DMA32).perCpuPages();
        assertThat(pcp.count(0)).isEqualTo(2);
        assertThat(pcp.count(1)).isEqualTo(2);
    }

    @Test
    void freeingAPageThatWaitsOnAPcpListIsADoubleFree() {
        BuddyAllocator buddy = machine64M(1);
        long pfn = buddy.allocPages(0, GFP_KERNEL);
        buddy.freePages(pfn, 0);
        long free = buddy.freePageCount();
        assertThatThrownBy(() -> buddy.freePages(pfn, 0)).isInstanceOf(DoubleFreeException.class)
                .hasMessageContaining("per-cpu page list");
        assertThat(buddy.freePageCount()).isEqualTo(free);
        assertThat(buddy.pcpPageCount()).isEqualTo(3);
    }

    @Test
    void anUnknownCpuIsRefused() {
        BuddyAllocator buddy = machine64M(2);
        assertThatThrownBy(() -> buddy.setCurrentCpu(2)).hasMessageContaining("cpus are 0..1");
        assertThat(buddy.currentCpu()).isZero();
    }
}
