package io.pagelab.kernel.procfs;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * The counters /proc/meminfo is made of (fs/proc/meminfo.c: meminfo_proc_show; mm/show_mem.c:
 * si_meminfo, si_mem_available; Linux 6.18). Page counts unless the name says kB or bytes; build one
 * with {@link #builder()}, unset counters are 0.
 *
 * @param totalram si_meminfo: totalram_pages() (MemTotal)
 * @param freeram NR_FREE_PAGES (MemFree)
 * @param bufferram nr_blockdev_pages() (Buffers)
 * @param totalhigh highmem pages (HighTotal; 0 on 64-bit)
 * @param freehigh free highmem pages (HighFree)
 * @param totalswap si_swapinfo: swap pages (SwapTotal)
 * @param freeswap free swap pages (SwapFree)
 * @param filePages NR_FILE_PAGES: page cache incl. shmem and swap cache; Cached is derived from it
 * @param swapCache total_swapcache_pages() (SwapCached)
 * @param activeAnon NR_ACTIVE_ANON
 * @param inactiveAnon NR_INACTIVE_ANON
 * @param activeFile NR_ACTIVE_FILE
 * @param inactiveFile NR_INACTIVE_FILE
 * @param unevictable NR_UNEVICTABLE
 * @param mlock NR_MLOCK (Mlocked)
 * @param zswapPages zswap_total_pages(): compressed pool size (Zswap)
 * @param zswappedPages zswap_stored_pages: pages stored in zswap (Zswapped)
 * @param fileDirty NR_FILE_DIRTY (Dirty)
 * @param writeback NR_WRITEBACK
 * @param anonMapped NR_ANON_MAPPED (AnonPages)
 * @param fileMapped NR_FILE_MAPPED (Mapped)
 * @param shmem NR_SHMEM (Shmem)
 * @param slabReclaimable NR_SLAB_RECLAIMABLE_B in pages (SReclaimable)
 * @param slabUnreclaimable NR_SLAB_UNRECLAIMABLE_B in pages (SUnreclaim)
 * @param kernelMiscReclaimable NR_KERNEL_MISC_RECLAIMABLE (part of KReclaimable)
 * @param kernelStackKb NR_KERNEL_STACK_KB, already in kB (KernelStack)
 * @param shadowCallStackKb NR_KERNEL_SCS_KB, in kB (ShadowCallStack, arm64 only)
 * @param pageTables NR_PAGETABLE (PageTables)
 * @param secPageTables NR_SECONDARY_PAGETABLE (SecPageTables)
 * @param commitLimit vm_commit_limit() (CommitLimit); see Meminfo.vmCommitLimit
 * @param committedAs vm_memory_committed() (Committed_AS)
 * @param vmallocTotalBytes VMALLOC_TOTAL in bytes (VmallocTotal)
 * @param vmallocPages NR_VMALLOC (VmallocUsed)
 * @param percpuPages pcpu_nr_pages() (Percpu)
 * @param hardwareCorruptedPages num_poisoned_pages (HardwareCorrupted)
 * @param anonThpPages NR_ANON_THPS (AnonHugePages)
 * @param shmemThpPages NR_SHMEM_THPS (ShmemHugePages)
 * @param shmemPmdMappedPages NR_SHMEM_PMDMAPPED (ShmemPmdMapped)
 * @param fileThpPages NR_FILE_THPS (FileHugePages)
 * @param filePmdMappedPages NR_FILE_PMDMAPPED (FilePmdMapped)
 * @param cmaTotal totalcma_pages (CmaTotal)
 * @param cmaFree NR_FREE_CMA_PAGES (CmaFree)
 * @param unaccepted NR_UNACCEPTED (Unaccepted)
 * @param balloonPages NR_BALLOON_PAGES (Balloon)
 * @param hugePagesTotal default hstate nr_huge_pages (HugePages_Total)
 * @param hugePagesFree free_huge_pages (HugePages_Free)
 * @param hugePagesRsvd resv_huge_pages (HugePages_Rsvd)
 * @param hugePagesSurp surplus_huge_pages (HugePages_Surp)
 * @param hugepagesizeKb default huge page size in kB (Hugepagesize)
 * @param hugetlbKb all hstates' huge pages in kB (Hugetlb)
 * @param directMap4kKb kernel direct map by 4 KiB pages, kB (DirectMap4k)
 * @param directMap2mKb by 2 MiB pages, kB (DirectMap2M)
 * @param directMap1gKb by 1 GiB pages, kB (DirectMap1G)
 * @param totalreservePages totalreserve_pages: high watermarks plus lowmem reserves (for MemAvailable)
 * @param wmarkLowPages sum of every zone's low watermark (for MemAvailable)
 */
public record MeminfoCounters(
        long totalram,
        long freeram,
        long bufferram,
        long totalhigh,
        long freehigh,
        long totalswap,
        long freeswap,
        long filePages,
        long swapCache,
        long activeAnon,
        long inactiveAnon,
        long activeFile,
        long inactiveFile,
        long unevictable,
        long mlock,
        long zswapPages,
        long zswappedPages,
        long fileDirty,
        long writeback,
        long anonMapped,
        long fileMapped,
        long shmem,
        long slabReclaimable,
        long slabUnreclaimable,
        long kernelMiscReclaimable,
        long kernelStackKb,
        long shadowCallStackKb,
        long pageTables,
        long secPageTables,
        long commitLimit,
        long committedAs,
        long vmallocTotalBytes,
        long vmallocPages,
        long percpuPages,
        long hardwareCorruptedPages,
        long anonThpPages,
        long shmemThpPages,
        long shmemPmdMappedPages,
        long fileThpPages,
        long filePmdMappedPages,
        long cmaTotal,
        long cmaFree,
        long unaccepted,
        long balloonPages,
        long hugePagesTotal,
        long hugePagesFree,
        long hugePagesRsvd,
        long hugePagesSurp,
        long hugepagesizeKb,
        long hugetlbKb,
        long directMap4kKb,
        long directMap2mKb,
        long directMap1gKb,
        long totalreservePages,
        long wmarkLowPages) {

    public MeminfoCounters {
        nonNegative("totalram", totalram);
        nonNegative("freeram", freeram);
        nonNegative("bufferram", bufferram);
        nonNegative("totalhigh", totalhigh);
        nonNegative("freehigh", freehigh);
        nonNegative("totalswap", totalswap);
        nonNegative("freeswap", freeswap);
        nonNegative("filePages", filePages);
        nonNegative("swapCache", swapCache);
        nonNegative("activeAnon", activeAnon);
        nonNegative("inactiveAnon", inactiveAnon);
        nonNegative("activeFile", activeFile);
        nonNegative("inactiveFile", inactiveFile);
        nonNegative("unevictable", unevictable);
        nonNegative("mlock", mlock);
        nonNegative("zswapPages", zswapPages);
        nonNegative("zswappedPages", zswappedPages);
        nonNegative("fileDirty", fileDirty);
        nonNegative("writeback", writeback);
        nonNegative("anonMapped", anonMapped);
        nonNegative("fileMapped", fileMapped);
        nonNegative("shmem", shmem);
        nonNegative("slabReclaimable", slabReclaimable);
        nonNegative("slabUnreclaimable", slabUnreclaimable);
        nonNegative("kernelMiscReclaimable", kernelMiscReclaimable);
        nonNegative("kernelStackKb", kernelStackKb);
        nonNegative("shadowCallStackKb", shadowCallStackKb);
        nonNegative("pageTables", pageTables);
        nonNegative("secPageTables", secPageTables);
        nonNegative("commitLimit", commitLimit);
        nonNegative("committedAs", committedAs);
        nonNegative("vmallocTotalBytes", vmallocTotalBytes);
        nonNegative("vmallocPages", vmallocPages);
        nonNegative("percpuPages", percpuPages);
        nonNegative("hardwareCorruptedPages", hardwareCorruptedPages);
        nonNegative("anonThpPages", anonThpPages);
        nonNegative("shmemThpPages", shmemThpPages);
        nonNegative("shmemPmdMappedPages", shmemPmdMappedPages);
        nonNegative("fileThpPages", fileThpPages);
        nonNegative("filePmdMappedPages", filePmdMappedPages);
        nonNegative("cmaTotal", cmaTotal);
        nonNegative("cmaFree", cmaFree);
        nonNegative("unaccepted", unaccepted);
        nonNegative("balloonPages", balloonPages);
        nonNegative("hugePagesTotal", hugePagesTotal);
        nonNegative("hugePagesFree", hugePagesFree);
        nonNegative("hugePagesRsvd", hugePagesRsvd);
        nonNegative("hugePagesSurp", hugePagesSurp);
        nonNegative("hugepagesizeKb", hugepagesizeKb);
        nonNegative("hugetlbKb", hugetlbKb);
        nonNegative("directMap4kKb", directMap4kKb);
        nonNegative("directMap2mKb", directMap2mKb);
        nonNegative("directMap1gKb", directMap1gKb);
        nonNegative("totalreservePages", totalreservePages);
        nonNegative("wmarkLowPages", wmarkLowPages);
    }

    private static void nonNegative(String name, long v) {
        checkArgument(v >= 0, "meminfo counter %s = %s must be non-negative", name, v);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Fluent builder; every counter defaults to 0. */
    public static final class Builder {
        private long totalram;
        private long freeram;
        private long bufferram;
        private long totalhigh;
        private long freehigh;
        private long totalswap;
        private long freeswap;
        private long filePages;
        private long swapCache;
        private long activeAnon;
        private long inactiveAnon;
        private long activeFile;
        private long inactiveFile;
        private long unevictable;
        private long mlock;
        private long zswapPages;
        private long zswappedPages;
        private long fileDirty;
        private long writeback;
        private long anonMapped;
        private long fileMapped;
        private long shmem;
        private long slabReclaimable;
        private long slabUnreclaimable;
        private long kernelMiscReclaimable;
        private long kernelStackKb;
        private long shadowCallStackKb;
        private long pageTables;
        private long secPageTables;
        private long commitLimit;
        private long committedAs;
        private long vmallocTotalBytes;
        private long vmallocPages;
        private long percpuPages;
        private long hardwareCorruptedPages;
        private long anonThpPages;
        private long shmemThpPages;
        private long shmemPmdMappedPages;
        private long fileThpPages;
        private long filePmdMappedPages;
        private long cmaTotal;
        private long cmaFree;
        private long unaccepted;
        private long balloonPages;
        private long hugePagesTotal;
        private long hugePagesFree;
        private long hugePagesRsvd;
        private long hugePagesSurp;
        private long hugepagesizeKb;
        private long hugetlbKb;
        private long directMap4kKb;
        private long directMap2mKb;
        private long directMap1gKb;
        private long totalreservePages;
        private long wmarkLowPages;

        private Builder() {
        }

        public Builder totalram(long v) {
            this.totalram = v;
            return this;
        }

        public Builder freeram(long v) {
            this.freeram = v;
            return this;
        }

        public Builder bufferram(long v) {
            this.bufferram = v;
            return this;
        }

        public Builder totalhigh(long v) {
            this.totalhigh = v;
            return this;
        }

        public Builder freehigh(long v) {
            this.freehigh = v;
            return this;
        }

        public Builder totalswap(long v) {
            this.totalswap = v;
            return this;
        }

        public Builder freeswap(long v) {
            this.freeswap = v;
            return this;
        }

        public Builder filePages(long v) {
            this.filePages = v;
            return this;
        }

        public Builder swapCache(long v) {
            this.swapCache = v;
            return this;
        }

        public Builder activeAnon(long v) {
            this.activeAnon = v;
            return this;
        }

        public Builder inactiveAnon(long v) {
            this.inactiveAnon = v;
            return this;
        }

        public Builder activeFile(long v) {
            this.activeFile = v;
            return this;
        }

        public Builder inactiveFile(long v) {
            this.inactiveFile = v;
            return this;
        }

        public Builder unevictable(long v) {
            this.unevictable = v;
            return this;
        }

        public Builder mlock(long v) {
            this.mlock = v;
            return this;
        }

        public Builder zswapPages(long v) {
            this.zswapPages = v;
            return this;
        }

        public Builder zswappedPages(long v) {
            this.zswappedPages = v;
            return this;
        }

        public Builder fileDirty(long v) {
            this.fileDirty = v;
            return this;
        }

        public Builder writeback(long v) {
            this.writeback = v;
            return this;
        }

        public Builder anonMapped(long v) {
            this.anonMapped = v;
            return this;
        }

        public Builder fileMapped(long v) {
            this.fileMapped = v;
            return this;
        }

        public Builder shmem(long v) {
            this.shmem = v;
            return this;
        }

        public Builder slabReclaimable(long v) {
            this.slabReclaimable = v;
            return this;
        }

        public Builder slabUnreclaimable(long v) {
            this.slabUnreclaimable = v;
            return this;
        }

        public Builder kernelMiscReclaimable(long v) {
            this.kernelMiscReclaimable = v;
            return this;
        }

        public Builder kernelStackKb(long v) {
            this.kernelStackKb = v;
            return this;
        }

        public Builder shadowCallStackKb(long v) {
            this.shadowCallStackKb = v;
            return this;
        }

        public Builder pageTables(long v) {
            this.pageTables = v;
            return this;
        }

        public Builder secPageTables(long v) {
            this.secPageTables = v;
            return this;
        }

        public Builder commitLimit(long v) {
            this.commitLimit = v;
            return this;
        }

        public Builder committedAs(long v) {
            this.committedAs = v;
            return this;
        }

        public Builder vmallocTotalBytes(long v) {
            this.vmallocTotalBytes = v;
            return this;
        }

        public Builder vmallocPages(long v) {
            this.vmallocPages = v;
            return this;
        }

        public Builder percpuPages(long v) {
            this.percpuPages = v;
            return this;
        }

        public Builder hardwareCorruptedPages(long v) {
            this.hardwareCorruptedPages = v;
            return this;
        }

        public Builder anonThpPages(long v) {
            this.anonThpPages = v;
            return this;
        }

        public Builder shmemThpPages(long v) {
            this.shmemThpPages = v;
            return this;
        }

        public Builder shmemPmdMappedPages(long v) {
            this.shmemPmdMappedPages = v;
            return this;
        }

        public Builder fileThpPages(long v) {
            this.fileThpPages = v;
            return this;
        }

        public Builder filePmdMappedPages(long v) {
            this.filePmdMappedPages = v;
            return this;
        }

        public Builder cmaTotal(long v) {
            this.cmaTotal = v;
            return this;
        }

        public Builder cmaFree(long v) {
            this.cmaFree = v;
            return this;
        }

        public Builder unaccepted(long v) {
            this.unaccepted = v;
            return this;
        }

        public Builder balloonPages(long v) {
            this.balloonPages = v;
            return this;
        }

        public Builder hugePagesTotal(long v) {
            this.hugePagesTotal = v;
            return this;
        }

        public Builder hugePagesFree(long v) {
            this.hugePagesFree = v;
            return this;
        }

        public Builder hugePagesRsvd(long v) {
            this.hugePagesRsvd = v;
            return this;
        }

        public Builder hugePagesSurp(long v) {
            this.hugePagesSurp = v;
            return this;
        }

        public Builder hugepagesizeKb(long v) {
            this.hugepagesizeKb = v;
            return this;
        }

        public Builder hugetlbKb(long v) {
            this.hugetlbKb = v;
            return this;
        }

        public Builder directMap4kKb(long v) {
            this.directMap4kKb = v;
            return this;
        }

        public Builder directMap2mKb(long v) {
            this.directMap2mKb = v;
            return this;
        }

        public Builder directMap1gKb(long v) {
            this.directMap1gKb = v;
            return this;
        }

        public Builder totalreservePages(long v) {
            this.totalreservePages = v;
            return this;
        }

        public Builder wmarkLowPages(long v) {
            this.wmarkLowPages = v;
            return this;
        }

        public MeminfoCounters build() {
            return new MeminfoCounters(totalram, freeram, bufferram, totalhigh, freehigh, totalswap, freeswap, filePages,
                    swapCache, activeAnon, inactiveAnon, activeFile, inactiveFile, unevictable, mlock,
                    zswapPages, zswappedPages, fileDirty, writeback, anonMapped, fileMapped, shmem,
                    slabReclaimable, slabUnreclaimable, kernelMiscReclaimable, kernelStackKb,
                    shadowCallStackKb, pageTables, secPageTables, commitLimit, committedAs,
                    vmallocTotalBytes, vmallocPages, percpuPages, hardwareCorruptedPages, anonThpPages,
                    shmemThpPages, shmemPmdMappedPages, fileThpPages, filePmdMappedPages, cmaTotal, cmaFree,
                    unaccepted, balloonPages, hugePagesTotal, hugePagesFree, hugePagesRsvd, hugePagesSurp,
                    hugepagesizeKb, hugetlbKb, directMap4kKb, directMap2mKb, directMap1gKb,
                    totalreservePages, wmarkLowPages);
        }
    }
}
