package io.pagelab.lessons.slab;

import io.pagelab.api.Pages;
import io.pagelab.api.Prot;
import io.pagelab.hardware.firmware.FirmwareMemoryMap;
import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.hardware.mmu.X86PageTable;
import io.pagelab.hardware.ram.SimulatedRam;
import io.pagelab.kernel.boot.BootMemory;
import io.pagelab.kernel.boot.BootMemoryResult;
import io.pagelab.kernel.buddy.BuddyAllocator;
import io.pagelab.kernel.buddy.BuddyConfig;
import io.pagelab.kernel.buddy.MmCoreInit;
import io.pagelab.kernel.kmalloc.KmallocAllocator;
import io.pagelab.kernel.layout.KernelLayout64;
import io.pagelab.kernel.percpu.PcpuAllocInfo;
import io.pagelab.kernel.percpu.PercpuAllocator;
import io.pagelab.kernel.pgtable.KernelImage;
import io.pagelab.kernel.pgtable.KernelPageTables;
import io.pagelab.kernel.pgtable.KernelPageTablesConfig;
import io.pagelab.kernel.slub.DirectMap;
import io.pagelab.kernel.slub.KernelRandom;
import io.pagelab.kernel.slub.SlabCaches;
import io.pagelab.kernel.slub.SlubConfig;
import io.pagelab.kernel.slub.SlubParams;
import io.pagelab.kernel.vmalloc.Vmalloc;

/**
 * The machine of the "kmalloc" lesson: a 256 MiB QEMU guest with 4 CPUs, booted the way
 * start_kernel() orders it: the kernel page tables with the direct map (init_mem_mapping()), the
 * per-CPU first chunk taken from memblock (setup_per_cpu_areas()), then the buddy allocator
 * (mm_core_init()), the kmalloc caches (create_kmalloc_caches()) and vmalloc over the same kernel
 * page table.
 *
 * <p>Small on purpose: the lesson fragments every free page, and 65,536 pages do that quickly.
 *
 * <p>Differs from Linux on purpose: the page tables of the first 2 MiB of the vmalloc range are
 * built at boot, before the buddy allocator takes over memory, because this model's kernel page
 * table takes its table pages from memblock (Linux preallocates only the top levels of the
 * vmalloc range, preallocate_vmalloc_pages(), and the rest later from the page allocator).
 * vm.min_free_kbytes is 0 so the lesson can take every page.
 */
final class KmallocMachine {

    /** CPUs of the machine. */
    static final int CPUS = 4;
    /** RAM of the machine. */
    static final long RAM = 256L << 20;
    /**
     * Size of .data..percpu: the s299008 of a real boot line (linux-reference.md §11.1,
     * "percpu: Embedded 82 pages/cpu s299008 r8192 d28672 u2097152").
     */
    static final long PERCPU_STATIC = 299008;
    /** Where chunks created after boot would go (top of the vmalloc range; the lesson needs none). */
    private static final long PCPU_VM_CHUNKS = 0xffffe8f000000000L;

    private final SimulatedRam ram;
    private final KernelPageTables kernelPageTables;
    private final BuddyAllocator buddy;
    private final DirectMap directMap;
    private final KmallocAllocator kmalloc;
    private final Vmalloc vmalloc;
    private final PercpuAllocator percpu;
    private final long percpuChunkPa;

    private KmallocMachine() {
        FirmwareMemoryMap firmware = SampleFirmware.qemu(RAM);
        ram = SimulatedRam.of(firmware);
        BootMemoryResult boot = BootMemory.boot(firmware);
        kernelPageTables = KernelPageTables.boot(ram, boot, KernelImage.defaults(), KernelPageTablesConfig.defaults());
        X86PageTable pgd = kernelPageTables.pageTable();
        long vmallocStart = KernelLayout64.level4().vmallocStart();
        pgd.map(vmallocStart, 0, Pages.PAGE_SIZE, Prot.KERNEL_RW); // builds PUD, PMD and PTE tables
        pgd.unmap(vmallocStart); // the tables stay; the entry is cleared

        PcpuAllocInfo ai = PcpuAllocInfo.embedFirstChunk(PERCPU_STATIC, CPUS);
        percpuChunkPa = boot.memblock().alloc(ai.nrUnits() * ai.unitSize(), ai.atomSize());
        for (int unit = 0; unit < ai.nrUnits(); unit++) { // pcpu_fc_free() of each unit's unused tail
            boot.memblock().free(percpuChunkPa + unit * ai.unitSize() + ai.sizeSum(), ai.unitSize() - ai.sizeSum());
        }
        directMap = DirectMap.of(ram);
        percpu = new PercpuAllocator(ai, directMap.va(percpuChunkPa), 0, PCPU_VM_CHUNKS);

        buddy = MmCoreInit.init(boot, BuddyConfig.defaults().withMinFreeKbytes(0)).allocator();
        SlabCaches caches = new SlabCaches(buddy, directMap, SlubParams.defaults(CPUS), SlubConfig.NONE,
                new KernelRandom(1), CPUS, true);
        kmalloc = new KmallocAllocator(caches);
        vmalloc = Vmalloc.of(buddy, pgd, KernelLayout64.level4());
    }

    /** Boots the machine. */
    static KmallocMachine boot() {
        return new KmallocMachine();
    }

    SimulatedRam ram() {
        return ram;
    }

    KernelPageTables kernelPageTables() {
        return kernelPageTables;
    }

    BuddyAllocator buddy() {
        return buddy;
    }

    DirectMap directMap() {
        return directMap;
    }

    KmallocAllocator kmalloc() {
        return kmalloc;
    }

    Vmalloc vmalloc() {
        return vmalloc;
    }

    PercpuAllocator percpu() {
        return percpu;
    }

    /** Physical address of the embedded first chunk (unit 0). */
    long percpuChunkPa() {
        return percpuChunkPa;
    }
}
