package io.pagelab.kernel.buddy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.Gfp;
import io.pagelab.api.error.OutOfMemoryException;
import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.hardware.ram.SimulatedRam;
import io.pagelab.kernel.boot.BootMemory;
import io.pagelab.kernel.boot.BootMemoryResult;
import io.pagelab.kernel.page.FrameState;
import io.pagelab.kernel.zone.MigrateType;
import io.pagelab.kernel.zone.ZoneType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CMA areas: boot reservation, MIGRATE_CMA pageblocks, cma_alloc with migration (reference §13.3). */
class CmaTest {
    private static final long MIB = 1L << 20;

    @Test
    void onA4GibGuestTheAreaGoesBottomUpAbove4GibAndTheMemoryLineCountsIt() {
        BootMemoryResult boot = BootMemory.boot(SampleFirmware.qemu4G());
        Cma cma = Cma.declareContiguous(boot.memblock(), 64 * MIB, "reserved");
        // memblock ends at 0x140000000 >= 4 GiB + 64 MiB: x86-64 tries bottom-up from 4 GiB first
        assertThat(cma.reservedLine()).isEqualTo("cma: Reserved 64 MiB at 0x0000000100000000 on node -1");
        MmCoreInit.Result r = MmCoreInit.init(boot, BuddyConfig.defaults(), List.of(cma));
        // without CMA: 1038551 free pages, 39580K reserved (MmCoreInitTest); the area's 16384 pages are
        // neither free nor managed yet: free 1022167 pages = 4088668K; reserved = (1048446 - 1022167
        // - 16384) * 4 = 39580K; cma-reserved = 16384 * 4 = 65536K (mem_init_print_info)
        assertThat(r.report().get(1)).isEqualTo("Memory: 4088668K/4193784K available (40960K kernel code,"
                + " 12803K rwdata, 15276K rodata, 6108K init, 5024K bss, 39580K reserved, 65536K cma-reserved)");
        BuddyAllocator buddy = r.allocator();
        Zone normal = buddy.zone(0, ZoneType.NORMAL);
        // activated: managed as without CMA; 64 MiB = 16 order-10 blocks on the CMA list
        assertThat(buddy.managedPages()).isEqualTo(1038551);
        assertThat(normal.cmaPages()).isEqualTo(16384);
        assertThat(normal.freeCmaPages()).isEqualTo(16384);
        assertThat(normal.freeList(10, MigrateType.CMA)).hasSize(16).contains(0x100000L);
        assertThat(buddy.pageblockMigratetype(0x103e00)).isEqualTo(MigrateType.MIGRATE_CMA);
        assertThat(buddy.pageblockMigratetype(0x104000)).isEqualTo(MigrateType.MIGRATE_MOVABLE);
    }

    @Test
    void withoutRoomAbove4GibTheAreaIsTakenTopDown() {
        BootMemoryResult boot = BootMemory.boot(SampleFirmware.qemu128M());
        // memblock ends at 0x7fe0000; top-down, 2 MiB aligned: (0x7fe0000 - 0x4000000) & ~0x1fffff = 0x3e00000
        Cma cma = Cma.declareContiguous(boot.memblock(), 64 * MIB, "reserved");
        assertThat(cma.reservedLine()).isEqualTo("cma: Reserved 64 MiB at 0x0000000003e00000 on node -1");
        assertThat(cma.basePfn()).isEqualTo(0x3e00);
        assertThat(cma.count()).isEqualTo(16384);
    }

    @Test
    void unmovableAllocationsNeverLandInCma() {
        BootMemoryResult boot = BootMemory.boot(SampleFirmware.qemu128M());
        Cma cma = Cma.declareContiguous(boot.memblock(), 64 * MIB, "reserved");
        BuddyAllocator buddy = MmCoreInit.init(boot, BuddyConfig.defaults(), List.of(cma)).allocator();
        int n = 0;
        while (true) {
            long pfn;
            try {
                pfn = buddy.allocPages(0, Gfp.GFP_KERNEL | Gfp.__GFP_NOWARN);
            } catch (OutOfMemoryException e) {
                break;
            }
            assertThat(pfn < cma.basePfn() || pfn >= cma.basePfn() + cma.count()).as("allocation %s at pfn %s", n, pfn)
                    .isTrue();
            n++;
        }
        // the kernel ran out of memory with the whole CMA area still free
        assertThat(n).isGreaterThan(1000);
        assertThat(buddy.zone(0, ZoneType.DMA32).freeCmaPages()).isEqualTo(16384);
    }

    @Test
    void cmaAllocMigratesAMovablePageOutAndTakesTheWholeRange() {
        BootMemoryResult boot = BootMemory.boot(SampleFirmware.qemu128M());
        Cma cma = Cma.declareContiguous(boot.memblock(), 64 * MIB, "reserved");
        BuddyAllocator buddy = MmCoreInit.init(boot, BuddyConfig.defaults(), List.of(cma)).allocator();
        SimulatedRam ram = SimulatedRam.of(SampleFirmware.qemu128M());
        buddy.attachMemory(ram);
        List<long[]> remaps = new ArrayList<>();
        buddy.setMigrationHook((oldPfn, newPfn, order) -> remaps.add(new long[] {oldPfn, newPfn, order}));
        // free CMA 16384 > half of DMA32's free pages: a movable request is served from CMA (__rmqueue)
        long user = buddy.allocPages(0, Gfp.GFP_HIGHUSER_MOVABLE);
        assertThat(user).isBetween(cma.basePfn(), cma.basePfn() + cma.count() - 1);
        ram.writeLong(user << 12, 0x1122334455667788L);

        long got = cma.alloc(cma.count(), 0);

        assertThat(got).isEqualTo(cma.basePfn());
        assertThat(remaps).hasSize(1);
        long moved = remaps.get(0)[1];
        assertThat(remaps.get(0)[0]).isEqualTo(user);
        assertThat(moved < cma.basePfn() || moved >= cma.basePfn() + cma.count()).as("new pfn %s", moved).isTrue();
        assertThat(ram.readLong(moved << 12)).isEqualTo(0x1122334455667788L);
        assertThat(buddy.pageMovable(moved)).isTrue();
        for (long p = got; p < got + cma.count(); p++) {
            assertThat(buddy.memMap().state(p)).as("pfn %s", p).isEqualTo(FrameState.allocated(0));
        }
        Zone dma32 = buddy.zone(0, ZoneType.DMA32);
        assertThat(dma32.freeCmaPages()).isZero();
        assertThat(buddy.pageblockMigratetype(got)).isEqualTo(MigrateType.MIGRATE_CMA);

        assertThat(cma.release(got, cma.count())).isTrue();
        assertThat(dma32.freeCmaPages()).isEqualTo(16384);
        assertThat(cma.usedPages()).isZero();
    }

    @Test
    void anUnmovablePageInTheRangeMakesItBusyAndChangesNothing() {
        BootMemoryResult boot = BootMemory.boot(SampleFirmware.qemu128M());
        BuddyAllocator buddy = MmCoreInit.init(boot).allocator();
        long kernelPage = buddy.allocPages(0, Gfp.GFP_KERNEL);
        long start = kernelPage & -512;
        long free = buddy.freePageCount();
        int type = buddy.pageblockMigratetype(start);
        assertThatThrownBy(() -> buddy.allocContigRange(start, start + 512))
                .isInstanceOf(OutOfMemoryException.class).hasMessageContaining("PFNs busy")
                .hasMessageContaining("unmovable");
        assertThat(buddy.freePageCount()).isEqualTo(free);
        assertThat(buddy.pageblockMigratetype(start)).isEqualTo(type);
    }
}
