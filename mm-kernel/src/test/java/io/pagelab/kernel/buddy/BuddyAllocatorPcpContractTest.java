package io.pagelab.kernel.buddy;

import io.pagelab.api.PageAllocator;
import io.pagelab.api.testkit.PageAllocatorContract;
import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.kernel.boot.BootMemory;

/**
 * The buddy allocator with two CPUs' per-cpu lists passes the PageAllocator contract when its
 * counts are read after drain_all_pages() (pages on pcp lists are not in NR_FREE_PAGES, as in Linux).
 */
class BuddyAllocatorPcpContractTest extends PageAllocatorContract {
    @Override
    protected PageAllocator create() {
        BuddyAllocator buddy = MmCoreInit.init(BootMemory.boot(SampleFirmware.qemu128M()),
                BuddyConfig.defaults().withCpus(2)).allocator();
        return new PageAllocator() {
            @Override
            public long allocPages(int order, int gfp) {
                return buddy.allocPages(order, gfp);
            }

            @Override
            public void freePages(long pfn, int order) {
                buddy.freePages(pfn, order);
            }

            @Override
            public int maxOrder() {
                return buddy.maxOrder();
            }

            @Override
            public long freePageCount() {
                buddy.drainAllPages();
                return buddy.freePageCount();
            }

            @Override
            public long freeBlocks(int order) {
                buddy.drainAllPages();
                return buddy.freeBlocks(order);
            }

            @Override
            public long managedPages() {
                return buddy.managedPages();
            }
        };
    }
}
