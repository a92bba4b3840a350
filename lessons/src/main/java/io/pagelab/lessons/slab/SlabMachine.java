package io.pagelab.lessons.slab;

import io.pagelab.hardware.Machine;
import io.pagelab.kernel.boot.BootMemory;
import io.pagelab.kernel.buddy.BuddyAllocator;
import io.pagelab.kernel.buddy.MmCoreInit;
import io.pagelab.kernel.slub.DirectMap;
import io.pagelab.kernel.slub.KernelRandom;
import io.pagelab.kernel.slub.KmemCache;
import io.pagelab.kernel.slub.KmemCacheArgs;
import io.pagelab.kernel.slub.SlubConfig;
import io.pagelab.kernel.slub.SlubDebug;
import io.pagelab.kernel.slub.SlubParams;
import java.util.Locale;

/**
 * The machine the slab lessons run on: the 4 GiB QEMU guest of the e820 lesson, booted to a buddy
 * allocator (mm_core_init), with its RAM seen through the kernel's direct map at
 * 0xffff888000000000, and 4 CPUs for SLUB's sizing.
 */
final class SlabMachine {

    /** CPUs of the simulated machine: calculate_order() reads this count. */
    static final int CPUS = 4;

    private final BuddyAllocator buddy;
    private final DirectMap directMap;
    private final SlubDebug debug = new SlubDebug();

    private SlabMachine(BuddyAllocator buddy, DirectMap directMap) {
        this.buddy = buddy;
        this.directMap = directMap;
    }

    /** Boots the QEMU 4 GiB guest up to the buddy allocator. */
    static SlabMachine boot() {
        Machine machine = Machine.qemu4G();
        BuddyAllocator buddy = MmCoreInit.init(BootMemory.boot(machine.firmware())).allocator();
        return new SlabMachine(buddy, DirectMap.of(machine.ram()));
    }

    BuddyAllocator buddy() {
        return buddy;
    }

    DirectMap directMap() {
        return directMap;
    }

    SlubDebug debug() {
        return debug;
    }

    /** kmem_cache_create() of a cache on this machine, with the given hardening and seed. */
    KmemCache create(KmemCacheArgs args, SlubParams params, SlubConfig config, long seed) {
        return KmemCache.create(args, params, config, new KernelRandom(seed), directMap, debug);
    }

    /** "0x" and 16 hex digits. */
    static String hex16(long v) {
        return String.format(Locale.ROOT, "0x%016x", v);
    }

    /** "0x" and as many hex digits as needed. */
    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
