package io.pagelab.kernel.procfs;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * What a smaps entry shows besides the page counts, and which kernel build it imitates
 * (fs/proc/task_mmu.c: show_smap, Linux 6.18).
 *
 * @param kernelPageSize {@code vma_kernel_pagesize()} in bytes: 4096, or the huge page size of a
 *        hugetlbfs VMA
 * @param mmuPageSize {@code vma_mmu_pagesize()} in bytes (equal to the kernel page size on x86)
 * @param thpEligible the THPeligible line: 1 when {@code thp_vma_allowable_orders()} allows a
 *        transparent huge page here (THP "always", or "madvise" plus MADV_HUGEPAGE, and the VMA
 *        large and aligned enough), else 0
 * @param protectionKey the VMA's protection key, printed on a ProtectionKey line only when the CPU
 *        and kernel have protection keys enabled ({@code arch_pkeys_enabled()}); -1 for no such line
 * @param memSoftDirty the kernel was built with CONFIG_MEM_SOFT_DIRTY (the {@code sd} mnemonic)
 */
public record SmapsOptions(long kernelPageSize, long mmuPageSize, boolean thpEligible, int protectionKey,
        boolean memSoftDirty) {

    public SmapsOptions {
        checkArgument(kernelPageSize > 0 && (kernelPageSize & (kernelPageSize - 1)) == 0 && kernelPageSize >= 4096,
                "kernel page size %s must be a power of two of at least 4096", kernelPageSize);
        checkArgument(mmuPageSize > 0 && (mmuPageSize & (mmuPageSize - 1)) == 0 && mmuPageSize >= 4096,
                "MMU page size %s must be a power of two of at least 4096", mmuPageSize);
        checkArgument(protectionKey >= -1 && protectionKey < 16,
                "protection key %s must be -1 (no ProtectionKey line) or 0..15", protectionKey);
    }

    /**
     * The machine the samples in the test resources were captured on: Linux 6.18 x86-64, 4 KiB
     * pages, no CONFIG_MEM_SOFT_DIRTY, no protection keys, THP not eligible.
     */
    public static SmapsOptions captured618() {
        return new SmapsOptions(4096, 4096, false, -1, false);
    }

    /** A typical distribution kernel on a CPU with protection keys: soft-dirty built in, key 0. */
    public static SmapsOptions distribution() {
        return new SmapsOptions(4096, 4096, false, 0, true);
    }

    public SmapsOptions withThpEligible(boolean eligible) {
        return new SmapsOptions(kernelPageSize, mmuPageSize, eligible, protectionKey, memSoftDirty);
    }

    public SmapsOptions withProtectionKey(int key) {
        return new SmapsOptions(kernelPageSize, mmuPageSize, thpEligible, key, memSoftDirty);
    }

    public SmapsOptions withMemSoftDirty(boolean softDirty) {
        return new SmapsOptions(kernelPageSize, mmuPageSize, thpEligible, protectionKey, softDirty);
    }

    public SmapsOptions withPageSize(long bytes) {
        return new SmapsOptions(bytes, bytes, thpEligible, protectionKey, memSoftDirty);
    }
}
