package io.pagelab.kernel.procfs;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * /proc/meminfo, byte for byte as fs/proc/meminfo.c: meminfo_proc_show prints it, followed by
 * mm/hugetlb.c: hugetlb_report_meminfo and arch/x86/mm/pat/set_memory.c: arch_report_meminfo
 * (Linux 6.18, x86-64). Most lines are {@code show_val_kb()}: a 16-column label, the value in kB
 * right-aligned in 8 columns, " kB". Exceptions kept as the kernel has them: KernelStack and
 * ShadowCallStack are already kB; VmallocTotal is VMALLOC_TOTAL &gt;&gt; 10 (32 TiB with 4-level
 * paging: 34359738367 kB, wider than 8 columns); HardwareCorrupted has a 19-column label and a
 * 5-column value; the HugePages_* counts are bare numbers in 5 columns.
 *
 * <p>Derived lines: MemAvailable ({@link MemAvailable}), Cached = NR_FILE_PAGES - SwapCached -
 * Buffers (not below 0), Active/Inactive = anon + file, KReclaimable = SReclaimable + misc reclaimable,
 * Slab = SReclaimable + SUnreclaim, LowTotal/LowFree = total/free minus highmem. NFS_Unstable, Bounce,
 * WritebackTmp and VmallocChunk are constant 0 in 6.x (kept for compatibility).
 */
public final class Meminfo {
    private Meminfo() {
    }

    /** The whole file. */
    public static String render(MeminfoCounters c, MeminfoConfig cfg) {
        requireNonNull(c, "counters");
        requireNonNull(cfg, "config");
        long cached = Math.max(c.filePages() - c.swapCache() - c.bufferram(), 0);
        StringBuilder sb = new StringBuilder(2048);
        kb(sb, "MemTotal:       ", c.totalram());
        kb(sb, "MemFree:        ", c.freeram());
        kb(sb, "MemAvailable:   ", MemAvailable.pages(c));
        kb(sb, "Buffers:        ", c.bufferram());
        kb(sb, "Cached:         ", cached);
        kb(sb, "SwapCached:     ", c.swapCache());
        kb(sb, "Active:         ", c.activeAnon() + c.activeFile());
        kb(sb, "Inactive:       ", c.inactiveAnon() + c.inactiveFile());
        kb(sb, "Active(anon):   ", c.activeAnon());
        kb(sb, "Inactive(anon): ", c.inactiveAnon());
        kb(sb, "Active(file):   ", c.activeFile());
        kb(sb, "Inactive(file): ", c.inactiveFile());
        kb(sb, "Unevictable:    ", c.unevictable());
        kb(sb, "Mlocked:        ", c.mlock());
        if (cfg.highmem()) {
            checkArgument(c.totalhigh() <= c.totalram() && c.freehigh() <= c.freeram(),
                    "highmem total %s / free %s cannot exceed all memory", c.totalhigh(), c.freehigh());
            kb(sb, "HighTotal:      ", c.totalhigh());
            kb(sb, "HighFree:       ", c.freehigh());
            kb(sb, "LowTotal:       ", c.totalram() - c.totalhigh());
            kb(sb, "LowFree:        ", c.freeram() - c.freehigh());
        }
        kb(sb, "SwapTotal:      ", c.totalswap());
        kb(sb, "SwapFree:       ", c.freeswap());
        if (cfg.zswap()) {
            kb(sb, "Zswap:          ", c.zswapPages());
            kb(sb, "Zswapped:       ", c.zswappedPages());
        }
        kb(sb, "Dirty:          ", c.fileDirty());
        kb(sb, "Writeback:      ", c.writeback());
        kb(sb, "AnonPages:      ", c.anonMapped());
        kb(sb, "Mapped:         ", c.fileMapped());
        kb(sb, "Shmem:          ", c.shmem());
        kb(sb, "KReclaimable:   ", c.slabReclaimable() + c.kernelMiscReclaimable());
        kb(sb, "Slab:           ", c.slabReclaimable() + c.slabUnreclaimable());
        kb(sb, "SReclaimable:   ", c.slabReclaimable());
        kb(sb, "SUnreclaim:     ", c.slabUnreclaimable());
        raw(sb, "KernelStack:    ", c.kernelStackKb(), 8, " kB\n");
        if (cfg.shadowCallStack()) {
            raw(sb, "ShadowCallStack:", c.shadowCallStackKb(), 8, " kB\n");
        }
        kb(sb, "PageTables:     ", c.pageTables());
        kb(sb, "SecPageTables:  ", c.secPageTables());
        kb(sb, "NFS_Unstable:   ", 0);
        kb(sb, "Bounce:         ", 0);
        kb(sb, "WritebackTmp:   ", 0);
        kb(sb, "CommitLimit:    ", c.commitLimit());
        kb(sb, "Committed_AS:   ", c.committedAs());
        raw(sb, "VmallocTotal:   ", c.vmallocTotalBytes() >>> 10, 8, " kB\n");
        kb(sb, "VmallocUsed:    ", c.vmallocPages());
        kb(sb, "VmallocChunk:   ", 0);
        kb(sb, "Percpu:         ", c.percpuPages());
        if (cfg.memoryFailure()) {
            raw(sb, "HardwareCorrupted: ", c.hardwareCorruptedPages() << 2, 5, " kB\n");
        }
        if (cfg.transparentHugepage()) {
            kb(sb, "AnonHugePages:  ", c.anonThpPages());
            kb(sb, "ShmemHugePages: ", c.shmemThpPages());
            kb(sb, "ShmemPmdMapped: ", c.shmemPmdMappedPages());
            kb(sb, "FileHugePages:  ", c.fileThpPages());
            kb(sb, "FilePmdMapped:  ", c.filePmdMappedPages());
        }
        if (cfg.cma()) {
            kb(sb, "CmaTotal:       ", c.cmaTotal());
            kb(sb, "CmaFree:        ", c.cmaFree());
        }
        if (cfg.unacceptedMemory()) {
            kb(sb, "Unaccepted:     ", c.unaccepted());
        }
        if (cfg.balloon()) {
            kb(sb, "Balloon:        ", c.balloonPages());
        }
        if (cfg.hugetlb()) {
            raw(sb, "HugePages_Total:   ", c.hugePagesTotal(), 5, "\n");
            raw(sb, "HugePages_Free:    ", c.hugePagesFree(), 5, "\n");
            raw(sb, "HugePages_Rsvd:    ", c.hugePagesRsvd(), 5, "\n");
            raw(sb, "HugePages_Surp:    ", c.hugePagesSurp(), 5, "\n");
            raw(sb, "Hugepagesize:   ", c.hugepagesizeKb(), 8, " kB\n");
            raw(sb, "Hugetlb:        ", c.hugetlbKb(), 8, " kB\n");
        }
        raw(sb, "DirectMap4k:    ", c.directMap4kKb(), 8, " kB\n");
        raw(sb, "DirectMap2M:    ", c.directMap2mKb(), 8, " kB\n");
        if (cfg.directMap1G()) {
            raw(sb, "DirectMap1G:    ", c.directMap1gKb(), 8, " kB\n");
        }
        return sb.toString();
    }

    /**
     * vm_commit_limit() (mm/util.c) in pages: with vm.overcommit_kbytes set, that many kB plus swap;
     * otherwise {@code (totalram - hugetlb) * overcommit_ratio / 100 + swap}.
     */
    public static long vmCommitLimit(long totalramPages, long hugetlbPages, int overcommitRatio,
            long overcommitKbytes, long totalSwapPages) {
        checkArgument(totalramPages >= hugetlbPages && hugetlbPages >= 0,
                "hugetlb pages %s must be between 0 and total RAM %s", hugetlbPages, totalramPages);
        checkArgument(overcommitRatio >= 0, "vm.overcommit_ratio %s must be non-negative", overcommitRatio);
        checkArgument(overcommitKbytes >= 0 && totalSwapPages >= 0,
                "vm.overcommit_kbytes %s and swap pages %s must be non-negative", overcommitKbytes, totalSwapPages);
        long allowed = overcommitKbytes != 0
                ? overcommitKbytes >>> 2
                : (totalramPages - hugetlbPages) * overcommitRatio / 100;
        return allowed + totalSwapPages;
    }

    /** show_val_kb(): pages to kB, label, width 8, " kB". */
    private static void kb(StringBuilder sb, String label, long pages) {
        ProcFormat.dec(sb, label, pages << 2, 8).append(" kB\n");
    }

    private static void raw(StringBuilder sb, String label, long value, int width, String tail) {
        ProcFormat.dec(sb, label, value, width).append(tail);
    }
}
