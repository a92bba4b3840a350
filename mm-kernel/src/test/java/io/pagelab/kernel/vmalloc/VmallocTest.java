package io.pagelab.kernel.vmalloc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.pagelab.api.Gfp;
import io.pagelab.api.error.BadAddressException;
import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.api.error.OutOfMemoryException;
import io.pagelab.api.error.PageFault;
import io.pagelab.hardware.firmware.FirmwareMemoryMap;
import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.hardware.ram.SimulatedRam;
import io.pagelab.hardware.mmu.Access;
import io.pagelab.hardware.mmu.BumpPageTableAllocator;
import io.pagelab.hardware.mmu.Mmu;
import io.pagelab.hardware.mmu.X86PageTable;
import io.pagelab.kernel.boot.BootMemory;
import io.pagelab.kernel.buddy.BuddyAllocator;
import io.pagelab.kernel.buddy.BuddyConfig;
import io.pagelab.kernel.buddy.MmCoreInit;
import io.pagelab.kernel.layout.KernelLayout64;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Vmalloc on a booted 256 MiB qemu machine: buddy allocator from MmCoreInit, a 4-level page table
 * whose table pages come from a 64-page block taken from the buddy allocator up front (so the
 * free-page count only moves by vmalloc's own pages).
 */
class VmallocTest {
    /** linux-reference.md §11.2: VMALLOC_START on 4-level without KASLR. */
    static final long START = 0xffffc90000000000L;
    static final long PAGE = 4096;

    final SimulatedRam ram;
    final BuddyAllocator buddy;
    final X86PageTable pt;
    final Vmalloc vm;

    VmallocTest() {
        FirmwareMemoryMap fw = SampleFirmware.qemu(256L << 20);
        ram = SimulatedRam.of(fw);
        // vm.min_free_kbytes = 0: no watermark, so tests can drain the allocator to its last page
        buddy = MmCoreInit.init(BootMemory.boot(fw), BuddyConfig.defaults().withMinFreeKbytes(0)).allocator();
        long pool = buddy.allocPages(6, Gfp.GFP_KERNEL);
        pt = X86PageTable.create(ram, new BumpPageTableAllocator(ram, pool << 12, (pool + 64) << 12));
        vm = Vmalloc.of(buddy, pt, KernelLayout64.level4());
    }

    @Test
    void theRangeIsTheFourLevelVmallocSpaceOf32TiB() {
        // VMALLOC_END = 0xffffe8ffffffffff (inclusive) -> exclusive page end 0xffffe90000000000
        assertThat(vm.vmallocStart()).isEqualTo(START);
        assertThat(vm.vmallocEnd() - vm.vmallocStart()).isEqualTo(32L << 40);
    }

    @Test
    void successiveAllocationsAreLowestFitWithAGuardPageBetweenThem() {
        // 3 pages + guard = 0x4000; 1 byte -> 1 page + guard = 0x2000; 5000 bytes -> 2 pages + guard = 0x3000
        assertThat(vm.vmalloc(3 * PAGE)).isEqualTo(START);
        assertThat(vm.vmalloc(1)).isEqualTo(START + 0x4000);
        assertThat(vm.vmalloc(5000)).isEqualTo(START + 0x6000);
        assertThat(vm.vmalloc(PAGE)).isEqualTo(START + 0x9000);
    }

    @Test
    void aFreedHoleIsReusedByTheNextAllocationThatFitsIt() {
        long a = vm.vmalloc(3 * PAGE); // [START, +0x4000)
        vm.vmalloc(PAGE);               // [+0x4000, +0x6000)
        vm.vfree(a);
        // 2 pages + guard = 0x3000 fits the 0x4000 hole at START
        assertThat(vm.vmalloc(2 * PAGE)).isEqualTo(START);
        // 1 page + guard = 0x2000 does not fit the 0x1000 left at +0x3000: goes after the last area
        assertThat(vm.vmalloc(PAGE)).isEqualTo(START + 0x6000);
        // VM_NO_GUARD: exactly 0x1000, fits the leftover hole
        assertThat(vm.vmallocNode(PAGE, Vmalloc.VM_NO_GUARD, null)).isEqualTo(START + 0x3000);
    }

    @Test
    void freeNeighboursMergeBackIntoOneBlock() {
        long a = vm.vmalloc(PAGE);
        long b = vm.vmalloc(PAGE);
        long c = vm.vmalloc(PAGE);
        vm.vfree(a);
        vm.vfree(c);
        vm.vfree(b);
        assertThat(vm.freeBlocks()).hasSize(1);
        assertThat(vm.freeBlocks().get(0)).containsExactly(START, START + (32L << 40));
    }

    @Test
    void pagesComeFromAFragmentedBuddyAndAreNotPhysicallyContiguous() {
        // Take every page, then give back every other one: no two free pages are buddies, so no free
        // block of order >= 1 remains. (GFP_KERNEL leaves ZONE_DMA alone: lowmem_reserve; GFP_DMA drains it.)
        List<Long> held = new ArrayList<>();
        for (int gfp : new int[] {Gfp.GFP_KERNEL, Gfp.GFP_KERNEL | Gfp.GFP_DMA}) {
            while (true) {
                try {
                    held.add(buddy.allocPages(0, gfp));
                } catch (OutOfMemoryException e) {
                    break;
                }
            }
        }
        held.sort(Long::compare);
        for (int i = 0; i < held.size(); i += 2) {
            buddy.freePages(held.get(i), 0);
        }
        for (int order = 1; order <= buddy.maxOrder(); order++) {
            assertThat(buddy.freeBlocks(order)).as("free blocks of order %d", order).isZero();
        }

        long addr = vm.vmalloc(64 * PAGE);

        VmStruct area = vm.findVmArea(addr).orElseThrow();
        long[] pfns = area.pfns();
        assertThat(pfns).hasSize(64);
        for (int i = 1; i < pfns.length; i++) {
            assertThat(Math.abs(pfns[i] - pfns[i - 1])).as("pfn %d vs %d", i, i - 1).isNotEqualTo(1L);
            // and the virtual side is contiguous: page i is at addr + i * 4096
            assertThat(vm.vmallocToPfn(addr + i * PAGE)).isEqualTo(pfns[i]);
        }
    }

    @Test
    void theMmuTranslatesEachPageToItsFrameAndFaultsOnTheGuardPage() {
        long addr = vm.vmalloc(3 * PAGE);
        long[] pfns = vm.findVmArea(addr).orElseThrow().pfns();
        Mmu mmu = Mmu.linux(ram);
        mmu.loadCr3(pt.root());
        for (int i = 0; i < 3; i++) {
            assertThat(mmu.translate(addr + i * PAGE + 0x123, Access.READ)).isEqualTo((pfns[i] << 12) + 0x123);
        }
        mmu.writeLong(addr + PAGE + 8, 0x1122334455667788L);
        assertThat(ram.readLong((pfns[1] << 12) + 8)).isEqualTo(0x1122334455667788L);
        // PAGE_KERNEL is NX: fetching code from vmalloc memory faults
        assertThat(catchThrowable(() -> mmu.translate(addr, Access.EXECUTE))).isInstanceOf(PageFault.class);
        // the guard page at addr + 3 pages is not mapped
        assertThat(catchThrowable(() -> mmu.translate(addr + 3 * PAGE, Access.READ))).isInstanceOf(PageFault.class);
    }

    @Test
    void vfreeUnmapsAndReturnsEveryPage() {
        long before = buddy.freePageCount();
        long addr = vm.vmalloc(40 * PAGE);
        assertThat(buddy.freePageCount()).isEqualTo(before - 40);
        assertThat(vm.nrPages()).isEqualTo(40);

        vm.vfree(addr);

        assertThat(buddy.freePageCount()).isEqualTo(before);
        assertThat(vm.nrPages()).isZero();
        assertThat(pt.translate(addr)).isEqualTo(-1L);
        assertThat(vm.areas()).isEmpty();
    }

    @Test
    void vmallocinfoMatchesTheKernelsFormat() {
        // linux-reference.md §11.2 sample: "... 8192 bpf_prog_alloc+0x3e/0xb0 pages=1 vmalloc N0=1"
        // and "... 20480 _do_fork+0xcf/0x3a0 pages=4 vmalloc N0=4"; here at VMALLOC_START, no KASLR.
        vm.vmalloc(PAGE, "bpf_prog_alloc+0x3e/0xb0");
        vm.vmalloc(4 * PAGE, "_do_fork+0xcf/0x3a0");
        vm.vmalloc(128 * PAGE, "alloc_large_system_hash+0x181/0x23e");
        vm.vmalloc(3 * PAGE, null);
        assertThat(vm.vmallocinfo()).containsExactly(
                "0xffffc90000000000-0xffffc90000002000    8192 bpf_prog_alloc+0x3e/0xb0 pages=1 vmalloc N0=1",
                "0xffffc90000002000-0xffffc90000007000   20480 _do_fork+0xcf/0x3a0 pages=4 vmalloc N0=4",
                // 129 x 4096 = 528384, as in the sample
                "0xffffc90000007000-0xffffc90000088000  528384 alloc_large_system_hash+0x181/0x23e pages=128 vmalloc N0=128",
                // 3 pages + guard = 16384 (seed-digest Q42)
                "0xffffc90000088000-0xffffc9000008c000   16384 pages=3 vmalloc N0=3");
    }

    @Test
    void aPagesArrayLargerThanAPagePrintsVpagesAsInTheSample() {
        // sample: "... 33558528 alloc_large_system_hash+0x181/0x23e pages=8192 vmalloc vpages N0=8192"
        vm.vmalloc(8192 * PAGE, "alloc_large_system_hash+0x181/0x23e");
        assertThat(vm.vmallocinfo()).containsExactly("0xffffc90000000000-0xffffc90002001000 33558528"
                + " alloc_large_system_hash+0x181/0x23e pages=8192 vmalloc vpages N0=8192");
    }

    @Test
    void linesAreSortedByAddressAfterHolesAreReused() {
        long a = vm.vmalloc(2 * PAGE, "a");
        vm.vmalloc(PAGE, "b");
        vm.vfree(a);
        vm.vmalloc(PAGE, "c"); // reuses START
        assertThat(vm.vmallocinfo()).extracting(l -> l.substring(l.indexOf(' ') + 9, l.indexOf(' ') + 10))
                .containsExactly("c", "b");
    }

    @Test
    void sizeZeroIsRejectedAndNothingChanges() {
        long before = buddy.freePageCount();
        Throwable t = catchThrowable(() -> vm.vmalloc(0));
        assertThat(t).isInstanceOf(InvalidArgumentException.class).hasMessageContaining("size 0");
        assertThat(buddy.freePageCount()).isEqualTo(before);
        assertThat(vm.vmalloc(PAGE)).isEqualTo(START);
    }

    @Test
    void vfreeOfAnAddressVmallocNeverReturnedGivesTheKernelsMessage() {
        long a = vm.vmalloc(2 * PAGE);
        Throwable t = catchThrowable(() -> vm.vfree(a + PAGE));
        assertThat(t).isInstanceOf(BadAddressException.class)
                .hasMessageStartingWith("Trying to vfree() nonexistent vm area (0xffffc90000001000)");
        assertThat(vm.areas()).hasSize(1);
        assertThat(catchThrowable(() -> vm.vfree(a + 8))).isInstanceOf(BadAddressException.class)
                .hasMessageStartingWith("Trying to vfree() bad address (0xffffc90000000008)");
    }

    @Test
    void doubleVfreeIsReportedAndLeavesTheFreeCountAlone() {
        long a = vm.vmalloc(2 * PAGE);
        vm.vfree(a);
        long free = buddy.freePageCount();
        Throwable t = catchThrowable(() -> vm.vfree(a));
        assertThat(t).isInstanceOf(BadAddressException.class)
                .hasMessageStartingWith("Trying to vfree() nonexistent vm area (0xffffc90000000000)");
        assertThat(buddy.freePageCount()).isEqualTo(free);
        assertThat(vm.freeBlocks()).hasSize(1);
    }

    @Test
    void runningOutOfPagesUndoesEverything() {
        long free = buddy.freePageCount();
        long managed = buddy.managedPages();
        // more than the free pages but not more than managed pages: fails in the page loop
        Throwable t = catchThrowable(() -> vm.vmalloc(Math.min(managed, free + 1) * PAGE));
        assertThat(t).isInstanceOf(OutOfMemoryException.class).hasMessageStartingWith("vmalloc error: size ");
        assertThat(buddy.freePageCount()).isEqualTo(free);
        assertThat(vm.areas()).isEmpty();
        assertThat(vm.vmalloc(PAGE)).isEqualTo(START);
    }
}
