package io.pagelab.kernel.buddy;

import static java.util.Objects.requireNonNull;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.kernel.boot.BootConfig;
import io.pagelab.kernel.memblock.Memblock;
import io.pagelab.kernel.printk.Vsprintf;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code free_initmem()} of arch/x86/mm/init.c (Linux 6.13): once boot is over, the {@code __init}
 * code and data of the kernel image ({@code __init_begin} .. {@code __init_end}) go back to the
 * buddy allocator through {@code free_kernel_image_pages()} → {@code free_init_pages()} →
 * {@code free_reserved_area(begin, end, POISON_FREE_INITMEM, "unused kernel image (initmem)")},
 * which prints {@code "Freeing %s memory: %ldK"}.
 *
 * <pre>
 *  physical image (BootConfig): kernelStart .. kernelStart + kernelReserve
 *    [ .text | .rodata | .data | .init (initK) | .bss (bssK) ]
 *                                ^__init_begin  ^__init_end = start of .bss
 *  each init page: poisoned 0xcc, PG_reserved cleared, __free_page() (merges), managed_pages + 1
 * </pre>
 *
 * <p>Differs from Linux on purpose: where .init lies is pagelab's choice (right below .bss at the
 * end of the reservation, sized by {@link BuddyConfig.KernelImage#initK()}); Linux has discarded
 * memblock by then (x86 has no ARCH_KEEP_MEMBLOCK), pagelab instead frees the range from
 * memblock.reserved so that the memblock view stays consistent with the memmap; no PTI unmapping.
 */
public final class FreeInitmem {
    private static final Logger LOG = LoggerFactory.getLogger(FreeInitmem.class);

    /** The {@code what} of x86's free_initmem(). */
    public static final String WHAT = "unused kernel image (initmem)";

    private FreeInitmem() {
    }

    /** {@code __init_begin} and {@code __init_end} as physical addresses. */
    public record InitSection(long beginPa, long endPa) {
        public InitSection {
            InvalidArgumentException.check(beginPa >= 0 && endPa >= beginPa,
                    "init section [%s, %s) must be non-negative and not end before it begins", beginPa, endPa);
        }

        /** Bytes of the section. */
        public long size() {
            return endPa - beginPa;
        }
    }

    /**
     * Where pagelab puts the init section: it ends where .bss ({@code image.bssK()}) begins, at the
     * end of the image reservation of {@code boot}, and is {@code image.initK()} long.
     */
    public static InitSection initSection(BootConfig boot, BuddyConfig.KernelImage image) {
        requireNonNull(boot, "boot");
        requireNonNull(image, "image");
        long end = boot.kernelStart() + boot.kernelReserve() - image.bssK() * 1024;
        long begin = end - image.initK() * 1024;
        InvalidArgumentException.check(begin >= boot.kernelStart(), "init (%sK) and bss (%sK) do not fit in the"
                + " %s-byte kernel reservation", image.initK(), image.bssK(), boot.kernelReserve());
        return new InitSection(begin, end);
    }

    /**
     * Frees the init section to the buddy allocator and returns the boot line
     * {@code "Freeing unused kernel image (initmem) memory: NK"}.
     *
     * @param memblock the boot memblock whose reserved regions lose the section, or null to leave it
     */
    public static String freeInitmem(BuddyAllocator allocator, Memblock memblock, InitSection section) {
        requireNonNull(allocator, "allocator");
        requireNonNull(section, "section");
        long pages = allocator.freeReservedArea(section.beginPa(), section.endPa(),
                BuddyAllocator.POISON_FREE_INITMEM);
        if (memblock != null && pages > 0) {
            long start = (section.beginPa() + 4095) & -4096L;
            memblock.free(start, pages << 12);
        }
        String line = String.format(Locale.ROOT, "Freeing %s memory: %dK", WHAT, pages << 2);
        LOG.info("{} ([mem {}-{}])", line, Vsprintf.hex(section.beginPa()), Vsprintf.hex(section.endPa() - 1));
        return line;
    }
}
