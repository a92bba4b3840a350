package io.pagelab.kernel.kmalloc;

import io.pagelab.hardware.firmware.FirmwareMemoryMap;
import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.hardware.ram.SimulatedRam;
import io.pagelab.kernel.boot.BootMemory;
import io.pagelab.kernel.buddy.BuddyAllocator;
import io.pagelab.kernel.buddy.MmCoreInit;
import io.pagelab.kernel.slub.DirectMap;
import io.pagelab.kernel.slub.KernelRandom;
import io.pagelab.kernel.slub.SlabCaches;
import io.pagelab.kernel.slub.SlubConfig;
import io.pagelab.kernel.slub.SlubParams;

/** A booted 64 MiB QEMU machine: buddy allocator, simulated RAM, SLUB caches and kmalloc on top. */
final class KernelHeap {
    final BuddyAllocator buddy;
    final SlabCaches slabs;
    final KmallocAllocator kmalloc;

    private KernelHeap(BuddyAllocator buddy, SlabCaches slabs) {
        this.buddy = buddy;
        this.slabs = slabs;
        this.kmalloc = new KmallocAllocator(slabs);
    }

    static KernelHeap boot(long seed) {
        return boot(seed, SlubParams.defaults(4), true);
    }

    static KernelHeap boot(long seed, SlubParams params, boolean strictDoubleFree) {
        FirmwareMemoryMap fw = SampleFirmware.qemu(64L << 20);
        BuddyAllocator buddy = MmCoreInit.init(BootMemory.boot(fw)).allocator();
        SlabCaches slabs = new SlabCaches(buddy, DirectMap.of(SimulatedRam.of(fw)), params, SlubConfig.DISTRIBUTION,
                new KernelRandom(seed), 4, strictDoubleFree);
        return new KernelHeap(buddy, slabs);
    }
}
