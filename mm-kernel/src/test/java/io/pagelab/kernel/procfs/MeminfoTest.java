package io.pagelab.kernel.procfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * /proc/meminfo against the Linux 6.18 capture. MemAvailable is not fed in: it is computed from the
 * captured free pages, file LRU and reclaimable slab plus the watermarks and reserves of the captured
 * /proc/zoneinfo (read a moment later by the same program).
 */
class MeminfoTest {

    /** zoneinfo of the capture, zones DMA, DMA32, Normal, Movable, Device of node 0. */
    private static final long[] LOW = {43, 8942, 12132, 32, 0};
    private static final long[] HIGH = {51, 10730, 14558, 32, 0};
    private static final long[] MANAGED = {3840, 772917, 1048576, 0, 0};
    private static final long[][] PROTECTION = {
        {0, 3019, 7115, 7115, 7115}, {0, 0, 4096, 4096, 4096}, {0, 0, 0, 0, 0}, {0, 0, 0, 0, 0}, {0, 0, 0, 0, 0}};

    private static long pages(String field) {
        return ProcSamples.kb(ProcSamples.file("meminfo"), field) / 4;
    }

    private static long kb(String field) {
        return ProcSamples.kb(ProcSamples.file("meminfo"), field);
    }

    @Test
    void totalreserveIsEachZonesLargestLowmemReservePlusHighWatermarkCappedAtManaged() {
        // DMA: max(3019, 7115, ...) + 51 = 7166 > managed 3840 -> 3840; DMA32: 4096 + 10730 = 14826;
        // Normal: 0 + 14558; Movable: 0 + 32 capped at 0 managed -> 0; Device 0. Sum 33224.
        assertThat(MemAvailable.zoneReserve(PROTECTION[0], 0, HIGH[0], MANAGED[0])).isEqualTo(3840);
        assertThat(MemAvailable.zoneReserve(PROTECTION[1], 1, HIGH[1], MANAGED[1])).isEqualTo(14826);
        assertThat(MemAvailable.zoneReserve(PROTECTION[2], 2, HIGH[2], MANAGED[2])).isEqualTo(14558);
        assertThat(MemAvailable.zoneReserve(PROTECTION[3], 3, HIGH[3], MANAGED[3])).isZero();
    }

    @Test
    void memAvailableOfTheCaptureIsSiMemAvailable() {
        // free 23605540 kB = 5901385 pages, minus totalreserve 33224 = 5868161
        // page cache: Active(file) 56425 + Inactive(file) 31203 = 87628 pages, keeps min(43814, wmark_low)
        //   where wmark_low = 43 + 8942 + 12132 + 32 + 0 = 21149 -> adds 66479
        // reclaimable: SReclaimable 56492 + misc 0, keeps min(28246, 21149) -> adds 35343
        // 5868161 + 66479 + 35343 = 5969983 pages = 23879932 kB, the captured MemAvailable
        long available = MemAvailable.pages(5901385, 33224, 56425, 31203, 56492, 0, 21149);
        assertThat(available).isEqualTo(5969983);
        assertThat(available * 4).isEqualTo(kb("MemAvailable"));
    }

    @Test
    void commitLimitIsHalfOfRamPlusSwapByDefault() {
        // vm.overcommit_ratio 50, no swap, no hugetlb: 6171023 * 50 / 100 = 3085511 pages = 12342044 kB
        assertThat(Meminfo.vmCommitLimit(6171023, 0, 50, 0, 0) * 4).isEqualTo(kb("CommitLimit"));
        // with vm.overcommit_kbytes = 1 GiB and 1000 swap pages: 262144 + 1000
        assertThat(Meminfo.vmCommitLimit(6171023, 0, 50, 1L << 20, 1000)).isEqualTo(263144);
    }

    @Test
    void theCapturedFileIsReproducedByteForByte() {
        long reserve = 0;
        long wmarkLow = 0;
        for (int z = 0; z < LOW.length; z++) {
            reserve += MemAvailable.zoneReserve(PROTECTION[z], z, HIGH[z], MANAGED[z]);
            wmarkLow += LOW[z];
        }
        MeminfoCounters c = MeminfoCounters.builder()
                .totalram(pages("MemTotal"))
                .freeram(pages("MemFree"))
                .bufferram(pages("Buffers"))
                // Cached is derived: zoneinfo's nr_file_pages 89873 - swap cache 0 - buffers 3455 = 86418
                // pages = 345672 kB, the captured Cached
                .filePages(89873)
                .swapCache(pages("SwapCached"))
                .activeAnon(pages("Active(anon)"))
                .inactiveAnon(pages("Inactive(anon)"))
                .activeFile(pages("Active(file)"))
                .inactiveFile(pages("Inactive(file)"))
                .unevictable(pages("Unevictable"))
                .mlock(pages("Mlocked"))
                .totalswap(pages("SwapTotal"))
                .freeswap(pages("SwapFree"))
                .fileDirty(pages("Dirty"))
                .writeback(pages("Writeback"))
                .anonMapped(pages("AnonPages"))
                .fileMapped(pages("Mapped"))
                .shmem(pages("Shmem"))
                .slabReclaimable(pages("SReclaimable"))
                .slabUnreclaimable(pages("SUnreclaim"))
                .kernelStackKb(kb("KernelStack"))
                .pageTables(pages("PageTables"))
                .commitLimit(Meminfo.vmCommitLimit(pages("MemTotal"), 0, 50, 0, 0))
                .committedAs(pages("Committed_AS"))
                // 4-level paging: VMALLOC_TOTAL = VMALLOC_END - VMALLOC_START = 32 TiB - 1 byte, printed >> 10
                .vmallocTotalBytes((32L << 40) - 1)
                .vmallocPages(pages("VmallocUsed"))
                .percpuPages(pages("Percpu"))
                .hugepagesizeKb(2048)
                .directMap4kKb(kb("DirectMap4k"))
                .directMap2mKb(kb("DirectMap2M"))
                .directMap1gKb(kb("DirectMap1G"))
                .totalreservePages(reserve)
                .wmarkLowPages(wmarkLow)
                .build();
        assertThat(Meminfo.render(c, MeminfoConfig.captured618())).isEqualTo(ProcSamples.file("meminfo"));
    }

    @Test
    void optionalLinesFollowTheKernelConfig() {
        MeminfoCounters c = MeminfoCounters.builder().totalram(1000).freeram(500).totalhigh(200).freehigh(100)
                .hardwareCorruptedPages(3).shadowCallStackKb(12).build();
        MeminfoConfig all = new MeminfoConfig(true, true, true, true, true, true, true, true, true, true);
        String out = Meminfo.render(c, all);
        assertThat(out).contains("HighTotal:           800 kB\nHighFree:            400 kB\n"
                + "LowTotal:           3200 kB\nLowFree:            1600 kB\n");
        assertThat(out).contains("ShadowCallStack:      12 kB\n");
        assertThat(out).contains("HardwareCorrupted:    12 kB\n");
        assertThat(out).contains("CmaTotal:").contains("Unaccepted:");
        MeminfoConfig none = new MeminfoConfig(false, false, false, false, false, false, false, false, false, false);
        String bare = Meminfo.render(c, none);
        assertThat(bare).doesNotContain("High", "Zswap", "HardwareCorrupted", "AnonHugePages", "Balloon", "HugePages_",
                "DirectMap1G");
        assertThat(bare).endsWith("DirectMap2M:           0 kB\n");
    }

    @Test
    void aNegativeCounterIsRejectedWithItsName() {
        assertThatThrownBy(() -> MeminfoCounters.builder().freeram(-4).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("freeram").hasMessageContaining("-4");
    }

    @Test
    void memAvailableNeverGoesBelowZero() {
        assertThat(MemAvailable.pages(10, 100, 0, 0, 0, 0, 0)).isZero();
    }
}
