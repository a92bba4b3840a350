package io.pagelab.kernel.buddy;

import io.pagelab.api.error.InvalidArgumentException;

/**
 * The knobs of the page allocator at boot.
 *
 * @param watermarkScaleFactor {@code vm.watermark_scale_factor}, 1..3000 (default 10)
 * @param minFreeKbytes        {@code vm.min_free_kbytes} written after boot, or -1 to keep the value
 *                             {@code calculate_min_free_kbytes()} computes (default)
 * @param transparentHugepage  a THP kernel with khugepaged: min_free_kbytes is raised to
 *                             {@code set_recommended_min_free_kbytes()} (default off)
 * @param kernelImage          section sizes printed in the {@code Memory:} boot line
 * @param nrCpus               online CPUs of node 0, each with its per-cpu page lists; 0 (default)
 *                             turns the lists off, as the boot pagesets do (every request goes to
 *                             the buddy lists), 1..256 otherwise
 * @param shuffle              {@code page_alloc.shuffle=1}: shuffle the order-10 free lists at boot
 * @param shuffleSeed          the seed of the shuffle's random numbers (Linux: get_random_long())
 * @param autoInit             init_on_alloc / init_on_free / page_poison (default all off)
 */
public record BuddyConfig(int watermarkScaleFactor, int minFreeKbytes, boolean transparentHugepage,
        KernelImage kernelImage, int nrCpus, boolean shuffle, long shuffleSeed, MemAutoInit autoInit) {

    /** The most CPUs pagelab simulates. */
    public static final int MAX_CPUS = 256;

    /** The configuration of before per-cpu lists, shuffling and auto-init: all three off. */
    public BuddyConfig(int watermarkScaleFactor, int minFreeKbytes, boolean transparentHugepage,
            KernelImage kernelImage) {
        this(watermarkScaleFactor, minFreeKbytes, transparentHugepage, kernelImage, 0, false, 0, MemAutoInit.OFF);
    }

    public BuddyConfig {
        InvalidArgumentException.check(watermarkScaleFactor >= 1 && watermarkScaleFactor <= 3000,
                "watermark_scale_factor %s outside 1..3000", watermarkScaleFactor);
        InvalidArgumentException.check(minFreeKbytes >= -1, "min_free_kbytes %s: use -1 (computed) or 0 and above",
                minFreeKbytes);
        if (kernelImage == null) {
            throw new InvalidArgumentException("kernelImage is null: use KernelImage.QEMU_6_13");
        }
        InvalidArgumentException.check(nrCpus >= 0 && nrCpus <= MAX_CPUS,
                "nr_cpus %s outside 0..%s (0 = no per-cpu page lists)", nrCpus, MAX_CPUS);
        if (autoInit == null) {
            throw new InvalidArgumentException("autoInit is null: use MemAutoInit.OFF");
        }
    }

    /** Scale factor 10, computed min_free_kbytes, no THP, the 6.13 kernel image of the QEMU dmesg. */
    public static BuddyConfig defaults() {
        return new BuddyConfig(10, -1, false, KernelImage.QEMU_6_13);
    }

    /** The same with {@code vm.min_free_kbytes} set after boot (0 turns the watermarks off on small zones). */
    public BuddyConfig withMinFreeKbytes(int kbytes) {
        return new BuddyConfig(watermarkScaleFactor, kbytes, transparentHugepage, kernelImage, nrCpus, shuffle,
                shuffleSeed, autoInit);
    }

    /** The same with or without khugepaged's recommended min_free_kbytes. */
    public BuddyConfig withTransparentHugepage(boolean on) {
        return new BuddyConfig(watermarkScaleFactor, minFreeKbytes, on, kernelImage, nrCpus, shuffle, shuffleSeed,
                autoInit);
    }

    /** The same with another watermark scale factor. */
    public BuddyConfig withWatermarkScaleFactor(int factor) {
        return new BuddyConfig(factor, minFreeKbytes, transparentHugepage, kernelImage, nrCpus, shuffle, shuffleSeed,
                autoInit);
    }

    /** The same with {@code cpus} online CPUs and their per-cpu page lists (0 turns them off). */
    public BuddyConfig withCpus(int cpus) {
        return new BuddyConfig(watermarkScaleFactor, minFreeKbytes, transparentHugepage, kernelImage, cpus, shuffle,
                shuffleSeed, autoInit);
    }

    /** The same with {@code page_alloc.shuffle=1} and the shuffle's seed. */
    public BuddyConfig withShuffle(long seed) {
        return new BuddyConfig(watermarkScaleFactor, minFreeKbytes, transparentHugepage, kernelImage, nrCpus, true,
                seed, autoInit);
    }

    /** The same with other init_on_alloc / init_on_free / page_poison settings. */
    public BuddyConfig withAutoInit(MemAutoInit init) {
        return new BuddyConfig(watermarkScaleFactor, minFreeKbytes, transparentHugepage, kernelImage, nrCpus, shuffle,
                shuffleSeed, init);
    }

    /**
     * Kernel section sizes in KiB, as {@code mem_init_print_info()} prints them.
     *
     * @param codeK   {@code _etext - _stext}
     * @param rwdataK {@code _edata - _sdata}
     * @param rodataK {@code __end_rodata - __start_rodata}
     * @param initK   init code and data
     * @param bssK    {@code __bss_stop - __bss_start}
     */
    public record KernelImage(long codeK, long rwdataK, long rodataK, long initK, long bssK) {
        /** The Linux 6.13-rc7 QEMU guest of linux-reference.md §2.4 (a). */
        public static final KernelImage QEMU_6_13 = new KernelImage(40960, 12803, 15276, 6108, 5024);
    }
}
