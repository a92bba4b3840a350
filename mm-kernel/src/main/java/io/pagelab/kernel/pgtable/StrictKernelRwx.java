package io.pagelab.kernel.pgtable;

import io.pagelab.api.PageMapping;
import io.pagelab.api.Prot;
import io.pagelab.hardware.mmu.X86PageTable;
import io.pagelab.kernel.printk.Vsprintf;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CONFIG_STRICT_KERNEL_RWX: at the end of boot the kernel image mapping, writable and executable
 * since head_64.S, gets the rights each section needs, as arch/x86/mm/init_64.c: mark_rodata_ro()
 * does (Linux 6.x; linux-reference.md §14.3):
 *
 * <pre>
 *  _text ........ _etext     text          RO, executable        (__PAGE_KERNEL_RX)
 *  _etext ....... rodata     gap           RW, NX, freed          "Freeing unused kernel image (text/rodata gap) memory: ..K"
 *  __start_rodata __end_rodata  rodata     RO, NX                 (__PAGE_KERNEL_RO)
 *  __end_rodata . _sdata     gap           RW, NX, freed          "Freeing unused kernel image (rodata/data gap) memory: ..K"
 *  _sdata ....... roundup(_brk_end, 2M)    RW, NX                 (__PAGE_KERNEL)
 *
 *  set_memory_ro(_text, __end_rodata_hpage_align)    "Write protecting the kernel read-only data: ..k"
 *  set_memory_nx(_etext, roundup(_brk_end, 2M))
 * </pre>
 *
 * Like change_page_attr(), a change that covers only part of a large page first splits it
 * (split_large_page(): a 2 MiB page into 512 x 4 KiB, a 1 GiB page into 512 x 2 MiB, same rights)
 * and then changes the pages in range.
 *
 * <p>Differs from Linux: the direct-map alias of the image is left as it is (Linux makes it
 * read-only too, which splits direct-map pages and raises DirectMap4k); static_protections() and
 * the PTI unmapping of freed gaps are not modelled; the freed pages are not handed to an allocator.
 */
public final class StrictKernelRwx {
    private static final Logger log = LoggerFactory.getLogger(StrictKernelRwx.class);
    private static final long PAGE_SIZE = 4096;
    private static final long PMD_SIZE = 1L << 21;

    private StrictKernelRwx() {
    }

    /**
     * {@code mark_rodata_ro()} on the kernel page tables; the messages are also added to
     * {@link KernelPageTables#report()}.
     *
     * @return the messages printed, in order
     */
    public static List<String> markRodataRo(KernelPageTables kpt) {
        Objects.requireNonNull(kpt, "kpt");
        KernelImage img = kpt.image();
        X86PageTable pt = kpt.pageTable();
        long start = pfnAlign(img.text());
        long rodataStart = pfnAlign(img.startRodata());
        long end = img.endRodataHpageAlign();
        long textEnd = pfnAlign(img.etext());
        long rodataEnd = pfnAlign(img.endRodata());
        List<String> lines = new ArrayList<>();

        lines.add(String.format("Write protecting the kernel read-only data: %dk", (end - start) >> 10));
        setMemory(pt, start, end, p -> p.without(Prot.WRITE));
        long allEnd = (img.brkEnd() + PMD_SIZE - 1) & -PMD_SIZE;
        setMemory(pt, textEnd, allEnd, p -> p.without(Prot.EXEC));

        freeKernelImagePages(pt, lines, "unused kernel image (text/rodata gap)", textEnd, rodataStart);
        freeKernelImagePages(pt, lines, "unused kernel image (rodata/data gap)", rodataEnd, img.sdata());
        lines.forEach(kpt::log);
        return lines;
    }

    /** {@code free_kernel_image_pages()}: the gap becomes RW + NX, then its pages are freed. */
    private static void freeKernelImagePages(X86PageTable pt, List<String> lines, String what, long begin, long end) {
        if (Long.compareUnsigned(begin, end) >= 0) {
            return;
        }
        setMemory(pt, begin, end, p -> p.without(Prot.EXEC));
        setMemory(pt, begin, end, p -> p.with(Prot.WRITE));
        lines.add(String.format("Freeing %s memory: %dK", what, (end - begin) >> 10));
    }

    /**
     * {@code change_page_attr_set_clr()} over {@code [start, end)}: every mapped page in range gets
     * {@code change} applied, splitting large pages that stick out of the range. Unmapped pages are
     * skipped.
     */
    public static void setMemory(X86PageTable pt, long start, long end, UnaryOperator<Prot> change) {
        Objects.requireNonNull(pt, "pt");
        Objects.requireNonNull(change, "change");
        if ((start & (PAGE_SIZE - 1)) != 0 || (end & (PAGE_SIZE - 1)) != 0) {
            throw new IllegalArgumentException("set_memory range [" + Vsprintf.hex(start) + ", " + Vsprintf.hex(end)
                    + ") must be page-aligned");
        }
        long va = start;
        while (Long.compareUnsigned(va, end) < 0) {
            Optional<PageMapping> m = pt.lookup(va);
            if (m.isEmpty()) {
                va += PAGE_SIZE;
                continue;
            }
            PageMapping page = m.get();
            long pageEnd = page.va() + page.pageSize();
            if (page.pageSize() > PAGE_SIZE
                    && (Long.compareUnsigned(page.va(), start) < 0 || Long.compareUnsigned(pageEnd, end) > 0)) {
                splitLargePage(pt, page);
                continue;
            }
            pt.protect(page.va(), change.apply(page.prot()));
            va = pageEnd;
        }
    }

    /** {@code split_large_page()}: the same frames and rights in 512 pages of the next size down. */
    static void splitLargePage(X86PageTable pt, PageMapping page) {
        long small = page.pageSize() >>> 9;
        log.debug("split_large_page: {} page at {} into 512 x {}", Vsprintf.hex(page.pageSize()),
                Vsprintf.hex(page.va()), Vsprintf.hex(small));
        pt.unmap(page.va());
        for (int i = 0; i < 512; i++) {
            pt.map(page.va() + i * small, page.pfn() + i * (small >>> 12), small, page.prot());
        }
    }

    private static long pfnAlign(long va) {
        return (va + PAGE_SIZE - 1) & -PAGE_SIZE;
    }
}
