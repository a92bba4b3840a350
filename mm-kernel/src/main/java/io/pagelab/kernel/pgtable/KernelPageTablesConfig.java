package io.pagelab.kernel.pgtable;

import static com.google.common.base.Preconditions.checkArgument;

import io.pagelab.hardware.mmu.PagingMode;
import io.pagelab.kernel.printk.Vsprintf;
import java.util.Objects;

/**
 * The CPU features and kernel settings that shape the boot page tables.
 *
 * @param mode 4- or 5-level paging
 * @param pse the CPU has PSE: 2 MiB direct-map pages ({@code X86_FEATURE_PSE}; off also with
 *     debug_pagealloc)
 * @param gbpages 1 GiB direct-map pages: CPUID pdpe1gb ({@code X86_FEATURE_GBPAGES}) and
 *     CONFIG_X86_DIRECT_GBPAGES, not turned off by {@code nogbpages}
 * @param pageOffset where the direct map starts: {@code __PAGE_OFFSET_BASE_L4} 0xffff888000000000
 *     (or _L5 0xff11000000000000) without KASLR, a randomized 1 GiB-aligned base with it
 * @param pgtBufPages pages of pgt_buf in the brk area: INIT_PGT_BUF_SIZE / PAGE_SIZE, that is
 *     2 x INIT_PGD_PAGE_TABLES (3 on 4-level, 4 on 5-level), doubled with CONFIG_RANDOMIZE_MEMORY
 * @param kernelImageSize KERNEL_IMAGE_SIZE: 1 GiB with CONFIG_RANDOMIZE_BASE, else 512 MiB
 */
public record KernelPageTablesConfig(PagingMode mode, boolean pse, boolean gbpages, long pageOffset, int pgtBufPages,
        long kernelImageSize) {
    /** {@code __PAGE_OFFSET_BASE_L4}. */
    public static final long PAGE_OFFSET_BASE_L4 = 0xffff888000000000L;
    /** {@code __PAGE_OFFSET_BASE_L5}. */
    public static final long PAGE_OFFSET_BASE_L5 = 0xff11000000000000L;

    public KernelPageTablesConfig {
        Objects.requireNonNull(mode, "mode");
        checkArgument((pageOffset & ((1L << 30) - 1)) == 0 && pageOffset < 0,
                "PAGE_OFFSET %s must be a 1 GiB-aligned kernel-half address", Vsprintf.hex(pageOffset));
        checkArgument(mode.isCanonical(pageOffset), "PAGE_OFFSET %s is not canonical for %s paging",
                Vsprintf.hex(pageOffset), mode);
        checkArgument(pgtBufPages >= 0 && pgtBufPages <= 64, "pgt_buf of %s pages: allowed are 0..64", pgtBufPages);
        checkArgument(kernelImageSize == 1L << 30 || kernelImageSize == 1L << 29,
                "KERNEL_IMAGE_SIZE %s: allowed are 1 GiB and 512 MiB", kernelImageSize);
    }

    /**
     * 4-level, PSE and gbpages (a modern CPU), PAGE_OFFSET without KASLR, 6 pages of pgt_buf,
     * KERNEL_IMAGE_SIZE 1 GiB.
     */
    public static KernelPageTablesConfig defaults() {
        return new KernelPageTablesConfig(PagingMode.FOUR_LEVEL, true, true, PAGE_OFFSET_BASE_L4, 6, 1L << 30);
    }

    /** 5-level, PAGE_OFFSET 0xff11000000000000, 8 pages of pgt_buf. */
    public static KernelPageTablesConfig fiveLevel() {
        return new KernelPageTablesConfig(PagingMode.FIVE_LEVEL, true, true, PAGE_OFFSET_BASE_L5, 8, 1L << 30);
    }

    /** The same with 1 GiB pages on or off (a CPU without pdpe1gb, such as QEMU's default qemu64). */
    public KernelPageTablesConfig withGbpages(boolean on) {
        return new KernelPageTablesConfig(mode, pse, on, pageOffset, pgtBufPages, kernelImageSize);
    }

    /** The same with PSE on or off (off: 4 KiB pages only). */
    public KernelPageTablesConfig withPse(boolean on) {
        return new KernelPageTablesConfig(mode, on, gbpages, pageOffset, pgtBufPages, kernelImageSize);
    }

    /** The same with another direct-map base (for example one chosen by memory KASLR). */
    public KernelPageTablesConfig withPageOffset(long base) {
        return new KernelPageTablesConfig(mode, pse, gbpages, base, pgtBufPages, kernelImageSize);
    }
}
