package io.pagelab.kernel.pgtable;

import static com.google.common.base.Preconditions.checkArgument;

import io.pagelab.api.PhysicalMemory;
import io.pagelab.hardware.mmu.PagingMode;
import io.pagelab.hardware.mmu.X86PageTable;
import io.pagelab.hardware.mmu.X86PageTableEntry;
import io.pagelab.kernel.printk.Vsprintf;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The page tables the kernel runs on right after the decompressor jumps to it: the static tables
 * of arch/x86/kernel/head_64.S fixed up by {@code __startup_64()} (arch/x86/kernel/head64.c, moved
 * to arch/x86/boot/startup/map_kernel.c in 6.15; Linux 6.x), all with 2 MiB pages.
 *
 * <pre>
 *  early_top_pgt (CR3)
 *   [i], [i+1] ---------&gt; early_dynamic_pgts[0] (PUD) --[j], [j+1]--&gt; early_dynamic_pgts[1] (PMD)
 *   i = pgd_index(phys _text)                                     one 2 MiB entry per 2 MiB of
 *                                                                  _text.._end, virtual == physical
 *                                                                  (the identity map the CPU is
 *                                                                  still executing from)
 *   [511] -----------&gt; level3_kernel_pgt [510] --&gt; level2_kernel_pgt
 *                                                   512 entries x 2 MiB = KERNEL_IMAGE_SIZE (1 GiB)
 *                                                   of __START_KERNEL_map (0xffffffff80000000),
 *                                                   entry k -&gt; physical k * 2 MiB + load_delta;
 *                                                   entries outside _text.._end lose their P bit
 * </pre>
 *
 * Entries: tables {@code _KERNPG_TABLE_NOENC} (P RW A D; the PGD entry of the high mapping
 * {@code _PAGE_TABLE_NOENC}, which adds U/S); kernel 2 MiB pages {@code __PAGE_KERNEL_LARGE_EXEC}
 * (P RW A D PS G: writable and executable); identity pages the same without G. With 5-level
 * paging a P4D table sits under each PGD entry (level4_kernel_pgt, early_dynamic_pgts[2]).
 *
 * <p>Differs from Linux: the fixmap tables (level3_kernel_pgt[511], level2_fixmap_pgt) and SME
 * encryption bits are left out; the static tables sit where {@link KernelImage#staticTablePa} puts
 * them.
 */
public final class StartupPageTables {
    private static final Logger log = LoggerFactory.getLogger(StartupPageTables.class);

    /** {@code __PAGE_KERNEL_LARGE_EXEC}: P RW A D PS G. */
    public static final long PAGE_KERNEL_LARGE_EXEC = X86PageTableEntry.PAGE_KERNEL_EXEC | X86PageTableEntry.PSE;
    /** {@code _KERNPG_TABLE_NOENC}: P RW A D. */
    public static final long KERNPG_TABLE = X86PageTableEntry.KERNPG_TABLE;
    /** {@code _PAGE_TABLE_NOENC}: P RW U/S A D. */
    public static final long PAGE_TABLE = X86PageTableEntry.PAGE_TABLE;
    /** {@code KERNEL_IMAGE_SIZE} with CONFIG_RANDOMIZE_BASE: 1 GiB. */
    public static final long KERNEL_IMAGE_SIZE = 1L << 30;

    private static final long PMD_SIZE = 1L << 21;
    private static final int PTRS = 512;

    private final PhysicalMemory ram;
    private final KernelImage image;
    private final PagingMode mode;
    private final long kernelImageSize;
    private final X86PageTable earlyTopPgt;
    private final List<String> steps = new ArrayList<>();

    private StartupPageTables(PhysicalMemory ram, KernelImage image, PagingMode mode, long kernelImageSize) {
        this.ram = ram;
        this.image = image;
        this.mode = mode;
        this.kernelImageSize = kernelImageSize;
        this.earlyTopPgt = X86PageTable.builder(ram, new StaticTable(image.staticTablePa(0))).mode(mode).build();
    }

    /**
     * Writes the static tables of head_64.S and runs __startup_64() on them.
     *
     * @param ram physical memory holding the kernel image (its .data pages hold the tables)
     * @param image where the image is
     * @param mode 4- or 5-level paging (CR4.LA57)
     * @param kernelImageSize KERNEL_IMAGE_SIZE: 1 GiB (KASLR configured) or 512 MiB
     * @throws IllegalArgumentException for a load_delta that is not a multiple of 2 MiB (the kernel
     *     stops in an endless loop there) or a KERNEL_IMAGE_SIZE other than 512 MiB or 1 GiB
     */
    public static StartupPageTables startup64(PhysicalMemory ram, KernelImage image, PagingMode mode,
            long kernelImageSize) {
        Objects.requireNonNull(ram, "ram");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(mode, "mode");
        checkArgument(kernelImageSize == KERNEL_IMAGE_SIZE || kernelImageSize == KERNEL_IMAGE_SIZE / 2,
                "KERNEL_IMAGE_SIZE %s not allowed: 1 GiB (with CONFIG_RANDOMIZE_BASE) or 512 MiB", kernelImageSize);
        checkArgument(Long.compareUnsigned(image.end() - KernelImage.START_KERNEL_MAP, kernelImageSize) <= 0,
                "_end %s lies beyond KERNEL_IMAGE_SIZE %s", Vsprintf.hex(image.end()), Vsprintf.hex(kernelImageSize));
        checkArgument((image.loadDelta() & (PMD_SIZE - 1)) == 0,
                "load_delta %s is not a multiple of 2 MiB: __startup_64() would hang in for(;;)",
                Vsprintf.hex(image.loadDelta()));
        StartupPageTables t = new StartupPageTables(ram, image, mode, kernelImageSize);
        t.writeStaticTables();
        t.startup64();
        return t;
    }

    /** Same, 4-level, KERNEL_IMAGE_SIZE 1 GiB. */
    public static StartupPageTables startup64(PhysicalMemory ram, KernelImage image) {
        return startup64(ram, image, PagingMode.FOUR_LEVEL, KERNEL_IMAGE_SIZE);
    }

    private boolean la57() {
        return mode == PagingMode.FIVE_LEVEL;
    }

    /** Physical addresses the kernel linked for its static tables (before load_delta). */
    private long linked(long pa) {
        return pa - image.loadDelta();
    }

    /** head_64.S: the tables as the linker leaves them in the image. */
    private void writeStaticTables() {
        long top = image.staticTablePa(0);
        long l4 = image.staticTablePa(2);
        long l3 = image.staticTablePa(3);
        long l2 = image.staticTablePa(4);
        for (int i = 2; i <= 4; i++) {
            ram.fill(image.staticTablePa(i), 4096, 0);
        }
        // early_top_pgt[511] = level3_kernel_pgt - __START_KERNEL_map + _PAGE_TABLE_NOENC
        // (5-level: level4_kernel_pgt, whose [511] points to level3_kernel_pgt)
        if (la57()) {
            ram.writeLong(top + 8L * (PTRS - 1), linked(l4) | PAGE_TABLE);
            ram.writeLong(l4 + 8L * (PTRS - 1), linked(l3) | PAGE_TABLE);
        } else {
            ram.writeLong(top + 8L * (PTRS - 1), linked(l3) | PAGE_TABLE);
        }
        // level3_kernel_pgt[510] = level2_kernel_pgt (the fixmap entry [511] is left out)
        ram.writeLong(l3 + 8L * (PTRS - 2), linked(l2) | KERNPG_TABLE);
        // level2_kernel_pgt: PMDS(0, __PAGE_KERNEL_LARGE_EXEC, KERNEL_IMAGE_SIZE / PMD_SIZE)
        int pmds = (int) (kernelImageSize / PMD_SIZE);
        for (int k = 0; k < pmds; k++) {
            ram.writeLong(l2 + 8L * k, k * PMD_SIZE | PAGE_KERNEL_LARGE_EXEC);
        }
        steps.add(String.format("head_64.S: level2_kernel_pgt maps %d x 2 MiB of __START_KERNEL_map to physical"
                + " 0x0-%#x, RW and executable", pmds, pmds * PMD_SIZE - 1));
    }

    /** __startup_64(): fix up for load_delta, build the identity map, trim the high map to the image. */
    private void startup64() {
        long delta = image.loadDelta();
        long top = image.staticTablePa(0);
        long l4 = image.staticTablePa(2);
        long l3 = image.staticTablePa(3);
        long l2 = image.staticTablePa(4);
        long physaddr = image.physStart();

        // fix the physical addresses in the page table
        add(top + 8L * (PTRS - 1), delta);
        if (la57()) {
            add(l4 + 8L * (PTRS - 1), delta);
        }
        add(l3 + 8L * (PTRS - 2), delta);

        // the identity mapping: early_dynamic_pgts[0] is the PUD, [1] the PMD, [2] the P4D (5-level)
        long pud = image.staticTablePa(5);
        long pmd = image.staticTablePa(6);
        ram.fill(pud, 4096, 0);
        ram.fill(pmd, 4096, 0);
        if (la57()) {
            long p4d = image.staticTablePa(7);
            ram.fill(p4d, 4096, 0);
            int i = (int) ((physaddr >>> 48) % PTRS);
            ram.writeLong(top + 8L * i, p4d | KERNPG_TABLE);
            ram.writeLong(top + 8L * (i + 1), p4d | KERNPG_TABLE);
            int j = (int) (physaddr >>> 39);
            ram.writeLong(p4d + 8L * (j % PTRS), pud | KERNPG_TABLE);
            ram.writeLong(p4d + 8L * ((j + 1) % PTRS), pud | KERNPG_TABLE);
        } else {
            int i = (int) ((physaddr >>> 39) % PTRS);
            ram.writeLong(top + 8L * i, pud | KERNPG_TABLE);
            ram.writeLong(top + 8L * (i + 1), pud | KERNPG_TABLE);
        }
        int j = (int) (physaddr >>> 30);
        ram.writeLong(pud + 8L * (j % PTRS), pmd | KERNPG_TABLE);
        ram.writeLong(pud + 8L * ((j + 1) % PTRS), pmd | KERNPG_TABLE);
        long pmdEntry = (PAGE_KERNEL_LARGE_EXEC & ~X86PageTableEntry.GLOBAL) + physaddr;
        long identityPmds = (image.end() - image.text() + PMD_SIZE - 1) / PMD_SIZE;
        for (int i = 0; i < identityPmds; i++) {
            int idx = i + (int) (physaddr >>> 21);
            ram.writeLong(pmd + 8L * (idx % PTRS), pmdEntry + i * PMD_SIZE);
        }
        steps.add(String.format("__startup_64: identity map [mem %#x-%#x] with %d x 2 MiB (virtual == physical)",
                physaddr, physaddr + identityPmds * PMD_SIZE - 1, identityPmds));

        // level2_kernel_pgt: keep _text.._end (fixed up by load_delta), clear P elsewhere
        int first = pmdIndex(image.text());
        int last = pmdIndex(image.end());
        for (int k = 0; k < PTRS; k++) {
            long pa = l2 + 8L * k;
            long e = ram.readLong(pa);
            if (k < first || k > last) {
                ram.writeLong(pa, e & ~X86PageTableEntry.PRESENT);
            } else if ((e & X86PageTableEntry.PRESENT) != 0) {
                ram.writeLong(pa, e + delta);
            }
        }
        steps.add(String.format("__startup_64: level2_kernel_pgt keeps entries %d..%d (%#x-%#x), load_delta %#x;"
                + " the others lose their P bit", first, last, KernelImage.START_KERNEL_MAP + first * PMD_SIZE,
                KernelImage.START_KERNEL_MAP + (last + 1L) * PMD_SIZE - 1, delta));
        log.debug("startup_64: {}", steps);
    }

    private void add(long entryPa, long delta) {
        ram.writeLong(entryPa, ram.readLong(entryPa) + delta);
    }

    private static int pmdIndex(long va) {
        return (int) (va >>> 21) & (PTRS - 1);
    }

    /**
     * {@code reset_early_page_tables()} of x86_64_start_kernel(): wipes every early_top_pgt entry
     * but the last, which keeps the kernel high mapping. The identity map is gone.
     */
    void resetEarlyPageTables() {
        ram.fill(image.staticTablePa(0), 8L * (PTRS - 1), 0);
        steps.add("x86_64_start_kernel: reset_early_page_tables() drops the identity map");
    }

    /**
     * {@code cleanup_highmap()} (arch/x86/mm/init_64.c): zeroes every non-empty level2_kernel_pgt
     * entry below _text or above {@code roundup(_brk_end, PMD_SIZE) - 1}.
     *
     * @return entries zeroed
     */
    int cleanupHighmap() {
        long l2 = level2KernelPgt();
        long end = ((image.brkEnd() + PMD_SIZE - 1) & -PMD_SIZE) - 1;
        int zeroed = 0;
        long vaddr = KernelImage.START_KERNEL_MAP;
        for (int k = 0; k < kernelImageSize / PMD_SIZE; k++, vaddr += PMD_SIZE) {
            long pa = l2 + 8L * k;
            if (ram.readLong(pa) == 0) {
                continue;
            }
            if (Long.compareUnsigned(vaddr, image.text()) < 0 || Long.compareUnsigned(vaddr, end) > 0) {
                ram.writeLong(pa, 0);
                zeroed++;
            }
        }
        steps.add(String.format("cleanup_highmap: %d level2_kernel_pgt entries zeroed, %#x-%#x stays mapped",
                zeroed, image.text(), end));
        return zeroed;
    }

    /** early_top_pgt as a page table (its root is the static page). */
    public X86PageTable earlyTopPgt() {
        return earlyTopPgt;
    }

    /** Physical address of level2_kernel_pgt. */
    public long level2KernelPgt() {
        return image.staticTablePa(4);
    }

    /** The raw level2_kernel_pgt entry {@code k} (0..511). */
    public long level2Entry(int k) {
        checkArgument(k >= 0 && k < PTRS, "level2_kernel_pgt index %s: allowed are 0..511", k);
        return ram.readLong(level2KernelPgt() + 8L * k);
    }

    /** The image this was built for. */
    public KernelImage image() {
        return image;
    }

    public PagingMode mode() {
        return mode;
    }

    /** KERNEL_IMAGE_SIZE in use. */
    public long kernelImageSize() {
        return kernelImageSize;
    }

    /** What each step did, in words, for a lesson. */
    public List<String> steps() {
        return List.copyOf(steps);
    }
}
