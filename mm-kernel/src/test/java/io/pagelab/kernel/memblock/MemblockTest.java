package io.pagelab.kernel.memblock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MemblockTest {

    /**
     * memblock as e820__memblock_setup() leaves it for the QEMU 4 GiB firmware table, with the early
     * reservations of the real Linux 6.6 boot logged with memblock=debug (QEMU i440FX, 4 GiB):
     * kernel image 0x1000000-0x35fffff, first 64 KiB, BIOS area 0x9f000-0xfffff, brk 0x3600000-0x3608fff.
     */
    private static Memblock qemu4GAfterE820Setup() {
        Memblock mb = new Memblock();
        mb.reserve(0x1000000, 0x2600000);
        mb.reserve(0, 0x10000);
        mb.reserve(0x9f000, 0x61000);
        mb.reserve(0x3600000, 0x9000);
        mb.setCurrentLimit(0x100000); // memblock_set_current_limit(ISA_END_ADDRESS)
        mb.add(0x1000, 0x9fc00 - 0x1000);
        mb.add(0x100000, 0xbffe0000L - 0x100000);
        mb.add(0x100000000L, 0x40000000L);
        mb.trimMemory(Memblock.PAGE_SIZE);
        return mb;
    }

    @Test
    void dumpMatchesTheRealMemblockDebugOutputOfAQemuBoot() {
        // Linux 6.6.41, QEMU 4 GiB, memblock=debug, right after e820__memblock_setup() (timestamps stripped).
        // Note "memory size = 0x...fff7ec00": memblock_trim_memory() drops the partial page at
        // 0x9f000-0x9fbff from the region but not from total_size.
        assertThat(qemu4GAfterE820Setup().dump()).containsExactly(
                "MEMBLOCK configuration:",
                " memory size = 0x00000000fff7ec00 reserved size = 0x000000000267a000",
                " memory.cnt  = 0x3",
                " memory[0x0]\t[0x0000000000001000-0x000000000009efff], 0x000000000009e000 bytes flags: 0x0",
                " memory[0x1]\t[0x0000000000100000-0x00000000bffdffff], 0x00000000bfee0000 bytes flags: 0x0",
                " memory[0x2]\t[0x0000000100000000-0x000000013fffffff], 0x0000000040000000 bytes flags: 0x0",
                " reserved.cnt  = 0x3",
                " reserved[0x0]\t[0x0000000000000000-0x000000000000ffff], 0x0000000000010000 bytes flags: 0x0",
                " reserved[0x1]\t[0x000000000009f000-0x00000000000fffff], 0x0000000000061000 bytes flags: 0x0",
                " reserved[0x2]\t[0x0000000001000000-0x0000000003608fff], 0x0000000002609000 bytes flags: 0x0");
    }

    @Test
    void theRealModeTrampolineGoesToTheTopOfTheFreeMemoryBelow1MiB() {
        // same boot: "memblock_phys_alloc_range: 28672 bytes align=0x1000 from=0x0000000000000000
        // max_addr=0x0000000000100000" -> "memblock_reserve: [0x0000000000098000-0x000000000009efff]"
        Memblock mb = qemu4GAfterE820Setup();
        assertThat(mb.allocRange(28672, 0x1000, 0, 0x100000)).isEqualTo(0x98000L);
        // it ends where the BIOS area reservation 0x9f000-0xfffff starts, so the two merge
        assertThat(mb.reserved().regions()).contains(new MemblockRegion(0x98000, 0x68000, 0, Memblock.MAX_NUMNODES));
        assertThat(mb.reserved().count()).isEqualTo(3);
    }

    @Test
    void topDownAllocationReturnsTheHighestFreeAlignedPageBelowTheLimit() {
        Memblock mb = qemu4GAfterE820Setup();
        mb.setCurrentLimit(0x40000000L);
        // highest free page below 1 GiB: [0x3ffff000, 0x40000000)
        assertThat(mb.alloc(4096, 4096)).isEqualTo(0x3ffff000L);
        // the next one lands right below and merges with it
        assertThat(mb.alloc(4096, 4096)).isEqualTo(0x3fffe000L);
        assertThat(mb.reserved().regions()).contains(new MemblockRegion(0x3fffe000L, 0x2000, 0, Memblock.MAX_NUMNODES));
    }

    @Test
    void topDownAllocationAlignsTheBlockDownInsideTheTopFreeRange() {
        Memblock mb = new Memblock();
        mb.add(0x100000, 0x300000); // [1 MiB, 4 MiB)
        mb.reserve(0x3f0000, 0x10000);
        // top free range [0x100000, 0x3f0000): 0x3f0000 - 0x3000 = 0x3ed000, aligned down to 64 KiB = 0x3e0000
        assertThat(mb.alloc(0x3000, 0x10000)).isEqualTo(0x3e0000L);
    }

    @Test
    void bottomUpAllocationSkipsPageZero() {
        Memblock mb = new Memblock();
        mb.add(0, 0x100000);
        mb.setBottomUp(true);
        // memblock_find_in_range_node(): start = max(start, PAGE_SIZE)
        assertThat(mb.alloc(4096, 4096)).isEqualTo(0x1000L);
        assertThat(mb.alloc(4096, 4096)).isEqualTo(0x2000L);
    }

    @Test
    void adjacentReservationsMergeAndRegionCountsDrop() {
        Memblock mb = new Memblock();
        mb.reserve(0x1000, 0x1000);
        mb.reserve(0x3000, 0x1000);
        mb.reserve(0x5000, 0x1000);
        assertThat(mb.reserved().count()).isEqualTo(3);
        mb.reserve(0x2000, 0x1000); // touches both neighbours
        assertThat(mb.reserved().count()).isEqualTo(2);
        mb.reserve(0x3800, 0x2000); // overlaps [0x1000,0x4000) and [0x5000,0x6000), fills the hole
        assertThat(mb.reserved().regions()).containsExactly(new MemblockRegion(0x1000, 0x5000, 0, Memblock.MAX_NUMNODES));
        assertThat(mb.reservedSize()).isEqualTo(0x5000);
    }

    @Test
    void addingOverlappingMemoryKeepsOneRegionPerContiguousRange() {
        Memblock mb = new Memblock();
        mb.add(0x10000, 0x10000);
        mb.add(0x30000, 0x10000);
        mb.add(0x8000, 0x40000); // covers both and the gaps around them
        assertThat(mb.memory().regions()).containsExactly(new MemblockRegion(0x8000, 0x40000, 0, Memblock.MAX_NUMNODES));
        assertThat(mb.physMemSize()).isEqualTo(0x40000);
    }

    @Test
    void freeingTheMiddleOfAReservationSplitsItInTwo() {
        Memblock mb = new Memblock();
        mb.reserve(0x10000, 0x10000);
        mb.free(0x14000, 0x1000);
        assertThat(mb.reserved().regions()).containsExactly(
                new MemblockRegion(0x10000, 0x4000, 0, Memblock.MAX_NUMNODES),
                new MemblockRegion(0x15000, 0xb000, 0, Memblock.MAX_NUMNODES));
        assertThat(mb.reservedSize()).isEqualTo(0xf000);
    }

    @Test
    void removingMemoryAcrossRegionsTrimsBothEnds() {
        Memblock mb = new Memblock();
        mb.add(0x0, 0x10000);
        mb.add(0x20000, 0x10000);
        mb.remove(0x8000, 0x20000);
        assertThat(mb.memory().regions()).containsExactly(
                new MemblockRegion(0x0, 0x8000, 0, Memblock.MAX_NUMNODES),
                new MemblockRegion(0x28000, 0x8000, 0, Memblock.MAX_NUMNODES));
    }

    @Test
    void freeRangesAreMemoryMinusReservedInAscendingOrder() {
        Memblock mb = qemu4GAfterE820Setup();
        assertThat(mb.freeRanges()).containsExactly(
                new FreeRange(0x10000, 0x9f000, Memblock.MAX_NUMNODES),
                new FreeRange(0x100000, 0x1000000, Memblock.MAX_NUMNODES),
                new FreeRange(0x3609000, 0xbffe0000L, Memblock.MAX_NUMNODES),
                new FreeRange(0x100000000L, 0x140000000L, Memblock.MAX_NUMNODES));
    }

    @Test
    void nomapMemoryIsNeverAllocated() {
        Memblock mb = new Memblock();
        mb.add(0x100000, 0x200000);
        mb.markNomap(0x200000, 0x100000);
        assertThat(mb.alloc(0x1000, 0x1000)).isEqualTo(0x1ff000L);
        assertThat(mb.memory().count()).isEqualTo(2);
    }

    @Test
    void anImpossibleAllocationNamesTheRequestAndTheLargestFreeRange() {
        Memblock mb = qemu4GAfterE820Setup(); // limit 1 MiB: free below it is [0x10000, 0x9f000)
        assertThatThrownBy(() -> mb.alloc(0x100000, 0x1000))
                .isInstanceOf(MemblockAllocationException.class)
                .hasMessage("memblock: Failed to allocate 0x0000000000100000 bytes align=0x1000 in "
                        + "[mem 0x0000000000001000-0x00000000000fffff]: the largest free range there is "
                        + "[mem 0x0000000000010000-0x000000000009efff], 0x000000000008f000 bytes")
                .satisfies(e -> assertThat(((MemblockAllocationException) e).largestFreeSize()).isEqualTo(0x8f000));
        assertThat(mb.reserved().count()).as("a failed allocation reserves nothing").isEqualTo(3);
    }

    @Test
    void misuseIsRejectedWithAClearMessageAndNoChange() {
        Memblock mb = qemu4GAfterE820Setup();
        assertThatThrownBy(() -> mb.alloc(0, 4096)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0 bytes");
        assertThatThrownBy(() -> mb.alloc(4096, 3000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("power of two");
        assertThatThrownBy(() -> mb.allocRange(4096, 4096, 0x200000, 0x100000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("above its end");
        assertThatThrownBy(() -> mb.trimMemory(0x3000)).isInstanceOf(IllegalArgumentException.class);
        assertThat(mb.reserved().count()).isEqualTo(3);
        assertThat(mb.memory().count()).isEqualTo(3);
    }

    @Test
    void alignZeroFallsBackToTheCacheLineAsInTheKernel() {
        Memblock mb = new Memblock();
        mb.add(0x100000, 0x100000);
        // top of [0x100000, 0x200000) minus 100 bytes = 0x1fff9c, aligned down to 64 = 0x1fff80
        assertThat(mb.alloc(100, 0)).isEqualTo(0x1fff80L);
    }

    @Test
    void trimMemoryDropsPartialPagesAndRegionsSmallerThanAPage() {
        Memblock mb = new Memblock();
        mb.add(0x800, 0x400); // inside one page: vanishes
        mb.add(0x1800, 0x3000); // [0x1800, 0x4800) -> [0x2000, 0x4000)
        mb.trimMemory(0x1000);
        assertThat(mb.memory().regions()).containsExactly(new MemblockRegion(0x2000, 0x2000, 0, Memblock.MAX_NUMNODES));
        // the removed region leaves total_size, the trimmed bytes stay counted (kernel behaviour)
        assertThat(mb.memory().totalSize()).isEqualTo(0x3000);
        assertThat(mb.memory().regionBytes()).isEqualTo(0x2000);
    }

    @Test
    void setNodeAssignsNodesAndTheDumpShowsThem() {
        Memblock mb = qemu4GAfterE820Setup();
        mb.setNode(0, Memblock.PHYS_ADDR_MAX, 0);
        List<String> dump = mb.dump();
        assertThat(dump.get(3)).isEqualTo(
                " memory[0x0]\t[0x0000000000001000-0x000000000009efff], 0x000000000009e000 bytes on node 0 flags: 0x0");
        assertThat(mb.memPfnRanges()).containsExactly(
                new PfnRange(0x1, 0x9f, 0), new PfnRange(0x100, 0xbffe0, 0), new PfnRange(0x100000, 0x140000, 0));
    }

    @Test
    void theReadOnlyViewFollowsTheAllocator() {
        Memblock mb = new Memblock();
        MemblockView view = mb.view();
        mb.add(0x100000, 0x100000);
        assertThat(view.endOfDram()).isEqualTo(0x200000);
        assertThat(view).isNotInstanceOf(Memblock.class);
    }
}
