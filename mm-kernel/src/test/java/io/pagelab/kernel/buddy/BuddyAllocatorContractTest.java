package io.pagelab.kernel.buddy;

import io.pagelab.api.PageAllocator;
import io.pagelab.api.testkit.PageAllocatorContract;
import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.kernel.boot.BootMemory;

/** The buddy allocator of a booted 128 MiB QEMU machine passes the PageAllocator contract. */
class BuddyAllocatorContractTest extends PageAllocatorContract {
    @Override
    protected PageAllocator create() {
        return MmCoreInit.init(BootMemory.boot(SampleFirmware.qemu128M())).allocator();
    }
}
