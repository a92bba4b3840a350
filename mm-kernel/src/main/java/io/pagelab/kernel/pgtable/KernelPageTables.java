package io.pagelab.kernel.pgtable;

import static com.google.common.base.Preconditions.checkArgument;

import io.pagelab.api.PhysicalMemory;
import io.pagelab.hardware.firmware.FirmwareMemoryMap;
import io.pagelab.hardware.mmu.PagingLevel;
import io.pagelab.hardware.mmu.X86PageTable;
import io.pagelab.hardware.ram.SimulatedRam;
import io.pagelab.kernel.boot.BootMemory;
import io.pagelab.kernel.boot.BootMemoryResult;
import io.pagelab.kernel.memblock.Memblock;
import io.pagelab.kernel.printk.Vsprintf;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel's own page table, {@code init_top_pgt} (swapper_pg_dir, init_mm.pgd), as the boot of a
 * Linux 6.x x86-64 kernel builds it:
 *
 * <pre>
 *  __startup_64()           early_top_pgt: identity map + kernel high map, 2 MiB pages  ({@link StartupPageTables})
 *  x86_64_start_kernel()    reset_early_page_tables(); clear_page(init_top_pgt);
 *                           init_top_pgt[511] = early_top_pgt[511]    (shares level3/level2_kernel_pgt)
 *  setup_arch()
 *    cleanup_highmap()      high map trimmed to _text .. roundup(_brk_end, 2 MiB)
 *    init_mem_mapping()     the direct map of all RAM at PAGE_OFFSET                   ({@link DirectMap})
 * </pre>
 *
 * Afterwards: {@link #meminfoLines()} gives the DirectMap lines of /proc/meminfo,
 * {@link #report()} the boot messages (the {@code init_memory_mapping:} lines are KERN_DEBUG in
 * 6.x, shown with {@code dyndbg} or {@code loglevel=8}), {@link StrictKernelRwx} turns the
 * writable and executable high map into text RX, rodata RO+NX, data RW+NX, and {@link CheckWx}
 * looks for pages left writable and executable.
 *
 * <p>Differs from Linux: the direct map is built on the memblock that {@link BootMemory} left
 * behind (its zones are already computed); the fixmap, vmemmap, vmalloc and modules areas are not
 * mapped; page tables allocated after boot come from memblock, not the buddy allocator.
 */
public final class KernelPageTables {
    private static final Logger log = LoggerFactory.getLogger(KernelPageTables.class);

    private final PhysicalMemory ram;
    private final KernelImage image;
    private final KernelPageTablesConfig config;
    private final StartupPageTables startup;
    private final X86PageTable pgd;
    private final AllocLowPages alloc;
    private final DirectMap directMap;
    private final List<String> report = new ArrayList<>();

    private KernelPageTables(PhysicalMemory ram, Memblock memblock, long maxPfn, KernelImage image,
            KernelPageTablesConfig config) {
        this.ram = ram;
        this.image = image;
        this.config = config;

        this.startup = StartupPageTables.startup64(ram, image, config.mode(), config.kernelImageSize());

        // x86_64_start_kernel(): drop the identity map, start init_top_pgt with the high map only
        startup.resetEarlyPageTables();
        memblock.reserve(image.pa(image.text()), image.pa(image.endOfKernelReserve()) - image.pa(image.text()));
        long pgtBuf = image.pa(image.brkBase());
        memblock.reserve(pgtBuf, 4096L * config.pgtBufPages());
        this.alloc = new AllocLowPages(memblock, image.staticTablePa(1) >>> 12, pgtBuf, config.pgtBufPages());
        this.pgd = X86PageTable.builder(ram, alloc).mode(config.mode()).build();
        long last = 8L * 511;
        ram.writeLong(pgd.root() + last, ram.readLong(startup.earlyTopPgt().root() + last));

        // setup_arch(): cleanup_highmap(), then init_mem_mapping()
        startup.cleanupHighmap();
        this.directMap = new DirectMap(pgd, memblock, alloc, config.pageOffset(), config.pse(), config.gbpages());
        directMap.initMemMapping(maxPfn);
        report.addAll(directMap.lines());
        log.debug("kernel page tables built: {} pgt_buf pages, {} memblock pages; {}", alloc.fromPgtBuf(),
                alloc.fromMemblock(), directMap.counts().meminfoLines());
    }

    /**
     * Builds the kernel page tables of a machine whose memory {@link BootMemory} has set up.
     *
     * @param ram the machine's physical memory (the same firmware map as {@code boot})
     * @param boot the result of {@link BootMemory#boot}; its memblock gives the RAM ranges and the
     *     page-table pages, and grows by them
     * @param image where the kernel image is
     * @param config CPU features and kernel settings
     */
    public static KernelPageTables boot(PhysicalMemory ram, BootMemoryResult boot, KernelImage image,
            KernelPageTablesConfig config) {
        Objects.requireNonNull(ram, "ram");
        Objects.requireNonNull(boot, "boot");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(config, "config");
        checkArgument(ram.isPresent(image.physStart()) && ram.isPresent(image.pa(image.end()) - 1),
                "the kernel image [mem %s-%s] is not in the machine's memory", Vsprintf.pa(image.physStart()),
                Vsprintf.pa(image.pa(image.end()) - 1));
        return new KernelPageTables(ram, boot.memblock(), boot.maxPfn(), image, config);
    }

    /** A whole boot of {@code firmware} with the default image and configuration. */
    public static KernelPageTables boot(FirmwareMemoryMap firmware, KernelPageTablesConfig config) {
        return boot(SimulatedRam.of(firmware), BootMemory.boot(firmware), KernelImage.defaults(), config);
    }

    /** init_top_pgt as a page table; CR3 points at {@code pageTable().root()}. */
    public X86PageTable pageTable() {
        return pgd;
    }

    /** The memory the tables live in. */
    public PhysicalMemory memory() {
        return ram;
    }

    /** The early tables (after reset_early_page_tables() and cleanup_highmap()). */
    public StartupPageTables startup() {
        return startup;
    }

    public KernelImage image() {
        return image;
    }

    public KernelPageTablesConfig config() {
        return config;
    }

    /** {@code __va(pa)} for the direct map. */
    public long va(long pa) {
        return config.pageOffset() + pa;
    }

    /** direct_pages_count. */
    public DirectPagesCount directPages() {
        return directMap.counts();
    }

    /** The DirectMap4k/2M/1G lines of /proc/meminfo. */
    public List<String> meminfoLines() {
        return directMap.counts().meminfoLines();
    }

    /** The pieces init_memory_mapping() mapped, in the order it mapped them. */
    public List<MapRange> directMapRanges() {
        return List.copyOf(directMap.ranges());
    }

    /** Boot messages in order: "Using GB pages...", then each init_memory_mapping and its pieces. */
    public List<String> report() {
        return List.copyOf(report);
    }

    /** {@code max_pfn_mapped} after init_mem_mapping(). */
    public long maxPfnMapped() {
        return directMap.maxPfnMapped();
    }

    /** Page-table pages init_mem_mapping() took from pgt_buf. */
    public long tablesFromPgtBuf() {
        return alloc.fromPgtBuf();
    }

    /** Page-table pages init_mem_mapping() took from memblock. */
    public long tablesFromMemblock() {
        return alloc.fromMemblock();
    }

    /** The raw entry at {@code level} on the walk of {@code va} (0 when the walk stops above it). */
    public long entry(long va, PagingLevel level) {
        return pgd.entry(va, level);
    }

    /** Records a line in the boot report (for {@link StrictKernelRwx}). */
    void log(String line) {
        report.add(line);
    }
}
