package io.pagelab.questions.q08;

import io.pagelab.api.PhysicalMemory;

/**
 * Q8 启动之时内存如何映射的？ How is memory mapped at boot? (reference solution)
 *
 * <p>When the decompressor jumps to the 64-bit kernel (arch/x86/kernel/head_64.S: startup_64),
 * paging is on but the kernel runs at its PHYSICAL address, while it was linked to run at
 * 0xffffffff81000000. Before it can jump there it needs page tables that map both, and it has no
 * allocator yet: the tables are static arrays in the image, fixed up by __startup_64()
 * (arch/x86/kernel/head64.c, Linux 6.x), all with 2 MiB pages:
 *
 * <pre>
 *  early_top_pgt[i], [i+1] -&gt; PUD[j], [j+1] -&gt; PMD: one 2 MiB entry per 2 MiB of _text.._end,
 *     i = (physaddr &gt;&gt; 39) % 512, j = physaddr &gt;&gt; 30      virtual == physical (identity map)
 *  early_top_pgt[511] -&gt; level3_kernel_pgt[510] -&gt; level2_kernel_pgt: 512 x 2 MiB = 1 GiB at
 *     0xffffffff80000000, entry k -&gt; physical k * 2 MiB + load_delta   (the kernel high map)
 * </pre>
 *
 * Entries [i+1] and [j+1] are there in case the image crosses a 512 GiB or 1 GiB boundary: the
 * PMD index then wraps around (% 512) inside the same PMD table. 启动时内核先用静态页表同时建立恒等映射（虚拟地址 = 物理地址）和
 * 0xffffffff80000000 起的高端内核映射，全部用 2 MiB 大页，并按实际加载地址修正（load_delta）。
 *
 * <p>Your task: implement {@link #startup64}, given the static tables {@link #writeStaticTables}
 * left in RAM:
 * <ol>
 *   <li>{@code load_delta = physaddr - (_text - __START_KERNEL_map)}; if it is not a multiple of
 *       2 MiB throw {@link IllegalArgumentException} (the kernel hangs there).</li>
 *   <li>Add load_delta to early_top_pgt[511] and level3_kernel_pgt[510] (the linker wrote link-time
 *       physical addresses).</li>
 *   <li>Identity map: early_top_pgt[i] and [i+1] = dynamicPud | KERNPG_TABLE; PUD[j % 512] and
 *       [(j+1) % 512] = dynamicPmd | KERNPG_TABLE; then for n = 0 .. ceil((_end - _text) / 2 MiB) - 1:
 *       PMD[(n + (physaddr &gt;&gt; 21)) % 512] = (PAGE_KERNEL_LARGE_EXEC without GLOBAL) + physaddr + n * 2 MiB.</li>
 *   <li>level2_kernel_pgt: entries below pmd_index(_text) lose their P bit (keep the other bits);
 *       entries from pmd_index(_text) to pmd_index(_end) INCLUSIVE get load_delta added if present;
 *       the entries after lose their P bit. pmd_index(va) = (va &gt;&gt; 21) &amp; 511.</li>
 * </ol>
 * Entries are 8 bytes, little-endian: {@code ram.readLong}/{@code ram.writeLong}.
 *
 * <p>Do not call io.pagelab.kernel.pgtable.StartupPageTables: it is the library's own copy.
 *
 * <p>Run {@code ./pagelab grade q08} to check your work.
 */
public final class EarlyPageTables {

    private EarlyPageTables() {
    }

    /** {@code __START_KERNEL_map}: where physical 0 appears in the kernel text mapping. */
    public static final long START_KERNEL_MAP = 0xffffffff80000000L;
    /** {@code __PAGE_KERNEL_LARGE_EXEC}: P RW A D PS G (0x1e3). */
    public static final long PAGE_KERNEL_LARGE_EXEC = 0x1e3L;
    /** {@code _KERNPG_TABLE_NOENC}: P RW A D (0x63), for table entries. */
    public static final long KERNPG_TABLE = 0x63L;
    /** {@code _PAGE_TABLE_NOENC}: P RW U/S A D (0x67). */
    public static final long PAGE_TABLE = 0x67L;
    /** {@code _PAGE_GLOBAL}. */
    public static final long GLOBAL = 0x100L;
    /** {@code _PAGE_PRESENT}. */
    public static final long PRESENT = 0x1L;
    /** {@code PMD_SIZE}. */
    public static final long PMD_SIZE = 1L << 21;
    /** {@code KERNEL_IMAGE_SIZE} with KASLR configured: level2_kernel_pgt has 512 entries. */
    public static final long KERNEL_IMAGE_SIZE = 1L << 30;

    /**
     * Where the kernel is and where its static page tables are (given complete, no need to edit).
     *
     * @param physaddr physical address of _text (where the decompressor put the kernel)
     * @param vaText _text, the address the kernel was linked to run at
     * @param vaEnd _end
     * @param earlyTopPgt physical address of early_top_pgt (the PGD CR3 will point to)
     * @param level3KernelPgt physical address of level3_kernel_pgt
     * @param level2KernelPgt physical address of level2_kernel_pgt
     * @param dynamicPud physical address of early_dynamic_pgts[0] (the identity map's PUD)
     * @param dynamicPmd physical address of early_dynamic_pgts[1] (the identity map's PMD)
     */
    public record StartupLayout(long physaddr, long vaText, long vaEnd, long earlyTopPgt, long level3KernelPgt,
            long level2KernelPgt, long dynamicPud, long dynamicPmd) {

        /** A kernel at {@code physaddr} whose tables are five pages of its .data, 28 MiB into the image. */
        public static StartupLayout of(long physaddr, long vaText, long vaEnd) {
            long data = physaddr + 0x1c00000L;
            return new StartupLayout(physaddr, vaText, vaEnd, data, data + 0x1000, data + 0x2000, data + 0x3000,
                    data + 0x4000);
        }

        /** {@code load_delta}: how far the kernel sits from where it was linked to run. */
        public long loadDelta() {
            return physaddr - (vaText - START_KERNEL_MAP);
        }
    }

    /**
     * head_64.S: the tables as the linker leaves them, with link-time physical addresses (given
     * complete). early_top_pgt[511] -&gt; level3_kernel_pgt; level3_kernel_pgt[510] -&gt;
     * level2_kernel_pgt; level2_kernel_pgt[k] = k * 2 MiB | __PAGE_KERNEL_LARGE_EXEC for all 512
     * entries. The identity tables start empty.
     */
    public static void writeStaticTables(PhysicalMemory ram, StartupLayout l) {
        for (long t : new long[] {l.earlyTopPgt(), l.level3KernelPgt(), l.level2KernelPgt(), l.dynamicPud(),
            l.dynamicPmd()}) {
            ram.fill(t, 4096, 0);
        }
        long delta = l.loadDelta();
        ram.writeLong(l.earlyTopPgt() + 8 * 511, (l.level3KernelPgt() - delta) | PAGE_TABLE);
        ram.writeLong(l.level3KernelPgt() + 8 * 510, (l.level2KernelPgt() - delta) | KERNPG_TABLE);
        for (int k = 0; k < KERNEL_IMAGE_SIZE / PMD_SIZE; k++) {
            ram.writeLong(l.level2KernelPgt() + 8L * k, k * PMD_SIZE | PAGE_KERNEL_LARGE_EXEC);
        }
    }

    public static void startup64(PhysicalMemory ram, StartupLayout l) {
        long delta = l.loadDelta();
        if ((delta & (PMD_SIZE - 1)) != 0) {
            throw new IllegalArgumentException(String.format(
                    "load_delta %#x is not a multiple of 2 MiB: the kernel at %#x cannot be mapped with 2 MiB pages",
                    delta, l.physaddr()));
        }
        add(ram, l.earlyTopPgt() + 8 * 511, delta);
        add(ram, l.level3KernelPgt() + 8 * 510, delta);

        long physaddr = l.physaddr();
        int i = (int) ((physaddr >>> 39) % 512);
        ram.writeLong(l.earlyTopPgt() + 8L * i, l.dynamicPud() | KERNPG_TABLE);
        ram.writeLong(l.earlyTopPgt() + 8L * (i + 1), l.dynamicPud() | KERNPG_TABLE);
        long j = physaddr >>> 30;
        ram.writeLong(l.dynamicPud() + 8 * (j % 512), l.dynamicPmd() | KERNPG_TABLE);
        ram.writeLong(l.dynamicPud() + 8 * ((j + 1) % 512), l.dynamicPmd() | KERNPG_TABLE);
        long pmdEntry = (PAGE_KERNEL_LARGE_EXEC & ~GLOBAL) + physaddr;
        long pmds = (l.vaEnd() - l.vaText() + PMD_SIZE - 1) / PMD_SIZE;
        for (long n = 0; n < pmds; n++) {
            long idx = n + (physaddr >>> 21);
            ram.writeLong(l.dynamicPmd() + 8 * (idx % 512), pmdEntry + n * PMD_SIZE);
        }

        int first = (int) ((l.vaText() >>> 21) & 511);
        int last = (int) ((l.vaEnd() >>> 21) & 511);
        for (int k = 0; k < 512; k++) {
            long pa = l.level2KernelPgt() + 8L * k;
            long e = ram.readLong(pa);
            if (k < first || k > last) {
                ram.writeLong(pa, e & ~PRESENT);
            } else if ((e & PRESENT) != 0) {
                ram.writeLong(pa, e + delta);
            }
        }
    }

    private static void add(PhysicalMemory ram, long pa, long delta) {
        ram.writeLong(pa, ram.readLong(pa) + delta);
    }
}
