package io.pagelab.kernel.procfs;

/**
 * Which optional lines /proc/meminfo has: fs/proc/meminfo.c prints some of them only under a kernel
 * config option, and the arch part (DirectMap*) depends on the machine (Linux 6.18, x86-64).
 *
 * @param highmem CONFIG_HIGHMEM (32-bit only): HighTotal, HighFree, LowTotal, LowFree
 * @param zswap CONFIG_ZSWAP: Zswap, Zswapped
 * @param shadowCallStack CONFIG_SHADOW_CALL_STACK (arm64): ShadowCallStack
 * @param memoryFailure CONFIG_MEMORY_FAILURE: HardwareCorrupted
 * @param transparentHugepage CONFIG_TRANSPARENT_HUGEPAGE: AnonHugePages .. FilePmdMapped
 * @param cma CONFIG_CMA: CmaTotal, CmaFree
 * @param unacceptedMemory CONFIG_UNACCEPTED_MEMORY (confidential VMs): Unaccepted
 * @param balloon the Balloon line (recent kernels; the 6.18 capture has it, the older 6.x sample in
 *        the reference does not)
 * @param hugetlb hugetlbfs present (hugepages_supported()): HugePages_* , Hugepagesize, Hugetlb
 * @param directMap1G x86-64 with 1 GiB direct-map pages (direct_gbpages): DirectMap1G
 */
public record MeminfoConfig(boolean highmem, boolean zswap, boolean shadowCallStack, boolean memoryFailure,
        boolean transparentHugepage, boolean cma, boolean unacceptedMemory, boolean balloon, boolean hugetlb,
        boolean directMap1G) {

    /** The machine the test samples were captured on (Linux 6.18 x86-64 VM). */
    public static MeminfoConfig captured618() {
        return new MeminfoConfig(false, true, false, false, true, false, false, true, true, true);
    }
}
