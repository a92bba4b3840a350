package io.pagelab.kernel.buddy;

import static io.pagelab.kernel.zone.MigrateType.MIGRATE_PCPTYPES;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.kernel.page.FrameState;
import io.pagelab.kernel.page.MemMap;
import io.pagelab.kernel.zone.MigrateType;
import io.pagelab.kernel.printk.Vsprintf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-cpu page lists of one zone, {@code struct per_cpu_pages} of include/linux/mmzone.h and
 * the pcp code of mm/page_alloc.c (Linux 6.6: {@code zone_batchsize()}, {@code zone_highsize()},
 * {@code rmqueue_pcplist()}, {@code rmqueue_bulk()}, {@code free_unref_page_commit()},
 * {@code nr_pcp_free()}, {@code free_pcppages_bulk()}, {@code drain_pages_zone()}).
 *
 * <pre>
 *  per cpu:  count (pages on all lists), free_factor, lists[NR_PCP_LISTS]
 *  lists[order_to_pindex(mt, order)] = lists[MIGRATE_PCPTYPES * order + mt],  order 0..3, mt 0..2
 *
 *  alloc:  free_factor &gt;&gt;= 1; list empty? rmqueue_bulk(batch &gt; 1 ? max(batch &gt;&gt; order, 2) : 1)
 *          appends blocks at the tail; hand out the HEAD
 *  free:   add at the HEAD; count &gt;= high?  free_pcppages_bulk(nr_pcp_free()) from the TAILs,
 *          round robin over the lists starting with the one just freed to
 *  drain:  free_pcppages_bulk(count)
 * </pre>
 *
 * <p>Storage: a ring buffer of longs per list ({@code pfn << 3 | migratetype}, the migratetype the
 * block had when it reached the list, Linux's {@code get_pcppage_migratetype()}), growing by doubling.
 * The lists cannot reuse the free-list link slot of {@link MemMap}: a block on a pcp list is not
 * PageBuddy, so its buddy may be a free block that owns the pair's slot.
 *
 * <p>Differs from Linux on purpose: {@code high} is the static value of 6.6 (no 6.7+ high_min /
 * high_max auto-tuning), no THP (pageblock-order) list, no {@code free_high} shortcut for high-order
 * frees and no reclaim-active limit; pagelab runs one CPU at a time, chosen by
 * {@link BuddyAllocator#setCurrentCpu(int)}.
 */
public final class PerCpuPages {
    private static final Logger LOG = LoggerFactory.getLogger(PerCpuPages.class);

    /** {@code NR_PCP_LISTS} without THP: MIGRATE_PCPTYPES * (PAGE_ALLOC_COSTLY_ORDER + 1). */
    public static final int NR_PCP_LISTS = MIGRATE_PCPTYPES * (BuddyAllocator.PAGE_ALLOC_COSTLY_ORDER + 1);

    private final Zone zone;
    private final MemMap memMap;
    private final int nrCpus;
    private int high;
    private int batch = 1;
    private final int[] count;
    private final int[] freeFactor;
    private final long[][] buf;
    private final int[] start;
    private final int[] len;

    PerCpuPages(Zone zone, MemMap memMap, int nrCpus) {
        this.zone = zone;
        this.memMap = memMap;
        this.nrCpus = nrCpus;
        this.count = new int[nrCpus];
        this.freeFactor = new int[nrCpus];
        this.buf = new long[nrCpus * NR_PCP_LISTS][];
        this.start = new int[nrCpus * NR_PCP_LISTS];
        this.len = new int[nrCpus * NR_PCP_LISTS];
        for (int i = 0; i < buf.length; i++) {
            buf[i] = new long[8];
        }
    }

    // ================================================================== sizing

    /**
     * {@code zone_batchsize()} (CONFIG_MMU): a quarter of min(0.1% of the zone, 1 MiB), at least 1,
     * then clamped to 2^n - 1 ({@code rounddown_pow_of_two(batch + batch / 2) - 1}); the caller
     * ({@code zone_set_pageset_high_and_batch()}) takes {@code max(1, ...)}.
     */
    public static int zoneBatchsize(long managedPages) {
        long b = Math.min(managedPages >> 10, (1L << 20) / 4096);
        b /= 4;
        if (b < 1) {
            b = 1;
        }
        long x = b + b / 2;
        return (int) (Long.highestOneBit(x) - 1);
    }

    /**
     * {@code zone_highsize()} with percpu_pagelist_high_fraction 0 (default): the low watermark split
     * over the node's CPUs, at least {@code batch * 4}.
     */
    public static int zoneHighsize(long lowWmark, int batch, int nrCpus) {
        long h = lowWmark / Math.max(1, nrCpus);
        return (int) Math.max(h, (long) batch << 2);
    }

    /** {@code zone_set_pageset_high_and_batch()}: batch from the managed pages, high from the low watermark. */
    void setHighAndBatch(long managedPages, long lowWmark) {
        int newBatch = Math.max(1, zoneBatchsize(managedPages));
        int newHigh = zoneHighsize(lowWmark, newBatch, nrCpus);
        if (newBatch != batch || newHigh != high) {
            LOG.debug("zone {}: pcp high {} batch {} ({} cpus)", zone.name(), newHigh, newBatch, nrCpus);
        }
        this.batch = newBatch;
        this.high = newHigh;
    }

    /** {@code pcp->high}. */
    public int high() {
        return high;
    }

    /** {@code pcp->batch}. */
    public int batch() {
        return batch;
    }

    /** The CPUs with lists. */
    public int nrCpus() {
        return nrCpus;
    }

    /** {@code pcp->count} of a CPU: pages (not blocks) on all its lists. */
    public int count(int cpu) {
        checkCpu(cpu);
        return count[cpu];
    }

    /** Blocks on one list of a CPU. */
    public int listLength(int cpu, int order, int mt) {
        checkCpu(cpu);
        return len[cpu * NR_PCP_LISTS + orderToPindex(mt, order)];
    }

    /** The pfns on one list of a CPU, head first. */
    public long[] list(int cpu, int order, int mt) {
        checkCpu(cpu);
        int l = cpu * NR_PCP_LISTS + orderToPindex(mt, order);
        long[] out = new long[len[l]];
        long[] b = buf[l];
        for (int i = 0; i < out.length; i++) {
            out[i] = b[(start[l] + i) & (b.length - 1)] >>> 3;
        }
        return out;
    }

    /** {@code order_to_pindex()}. */
    static int orderToPindex(int mt, int order) {
        return MIGRATE_PCPTYPES * order + mt;
    }

    private void checkCpu(int cpu) {
        InvalidArgumentException.check(cpu >= 0 && cpu < nrCpus, "cpu %s is not online: cpus are 0..%s", cpu,
                nrCpus - 1);
    }

    // ================================================================== allocation

    /**
     * {@code rmqueue_pcplist()} and {@code __rmqueue_pcplist()}: the head of the list, refilled with
     * {@code rmqueue_bulk()} when empty.
     *
     * @return the pfn, or -1 when the zone has no block for the list
     */
    long rmqueuePcplist(int cpu, int order, int mt, int allocFlags) {
        freeFactor[cpu] >>= 1;
        int l = cpu * NR_PCP_LISTS + orderToPindex(mt, order);
        if (len[l] == 0) {
            int b = batch;
            if (b > 1) {
                b = Math.max(b >> order, 2);
            }
            int alloced = rmqueueBulk(order, b, l, mt, allocFlags);
            count[cpu] += alloced << order;
            if (len[l] == 0) {
                return -1;
            }
        }
        long e = popHead(l);
        count[cpu] -= 1 << order;
        long pfn = e >>> 3;
        memMap.setState(pfn, FrameState.TAIL); // prep_new_page() checks it as Linux's check_new_pages()
        return pfn;
    }

    /** {@code rmqueue_bulk()}: up to {@code n} blocks from the buddy lists, each appended at the tail. */
    private int rmqueueBulk(int order, int n, int l, int mt, int allocFlags) {
        int i = 0;
        for (; i < n; i++) {
            long pfn = zone.rmqueue(order, mt, allocFlags);
            if (pfn < 0) {
                break;
            }
            int takenMt = zone.lastTakenMigratetype;
            memMap.setState(pfn, FrameState.pcp(order));
            pushTail(l, pfn << 3 | takenMt);
            zone.modFreepageState(-(1L << order), takenMt);
        }
        return i;
    }

    // ================================================================== freeing

    /**
     * {@code free_unref_page_commit()}: the block goes to the head of its list; above {@code high}
     * the lists shrink by {@code nr_pcp_free()} pages.
     *
     * @param mt the pageblock's migratetype ({@code get_pcppage_migratetype()}); HighAtomic and CMA
     *           blocks wait on the movable list, keeping their own type for the drain
     */
    void freeUnrefPageCommit(int cpu, long pfn, int order, int mt) {
        int pcpMt = mt >= MIGRATE_PCPTYPES ? io.pagelab.kernel.zone.MigrateType.MIGRATE_MOVABLE : mt;
        int pindex = orderToPindex(pcpMt, order);
        int l = cpu * NR_PCP_LISTS + pindex;
        memMap.setState(pfn, FrameState.pcp(order));
        pushHead(l, pfn << 3 | mt);
        count[cpu] += 1 << order;
        if (high != 0 && count[cpu] >= high) {
            freePcppagesBulk(cpu, nrPcpFree(cpu), pindex);
        }
    }

    /**
     * {@code nr_pcp_free()} (6.6): between batch and high - batch pages, doubling (free_factor) with
     * every consecutive free that crosses high without an allocation in between.
     */
    int nrPcpFree(int cpu) {
        if (high < batch) {
            return 1;
        }
        int minNrFree = batch;
        int maxNrFree = high - batch;
        long b = (long) batch << freeFactor[cpu];
        if (b < maxNrFree) {
            freeFactor[cpu]++;
        }
        return (int) Math.max(minNrFree, Math.min(b, maxNrFree));
    }

    /**
     * {@code free_pcppages_bulk()}: {@code n} pages from the tails of the lists, round robin,
     * starting with list {@code pindex}, each block back through {@code __free_one_page()}.
     */
    void freePcppagesBulk(int cpu, int n, int pindex) {
        n = Math.min(count[cpu], n);
        pindex--;
        int base = cpu * NR_PCP_LISTS;
        while (n > 0) {
            do {
                if (++pindex > NR_PCP_LISTS - 1) {
                    pindex = 0;
                }
            } while (len[base + pindex] == 0);
            int order = pindex / MIGRATE_PCPTYPES;
            int nrPages = 1 << order;
            int l = base + pindex;
            do {
                long e = popTail(l);
                n -= nrPages;
                count[cpu] -= nrPages;
                long pfn = e >>> 3;
                int mt = (int) (e & 7);
                if (memMap.pageblockMigratetype(pfn) == MigrateType.MIGRATE_ISOLATE) {
                    // free_pcppages_bulk(): a page of a pageblock isolated meanwhile goes to the isolate list
                    mt = MigrateType.MIGRATE_ISOLATE;
                }
                if (LOG.isTraceEnabled()) {
                    LOG.trace("mm_page_pcpu_drain: pfn={} order={} migratetype={}", Vsprintf.hex(pfn), order, mt);
                }
                zone.freeOnePage(pfn, order, mt, false);
            } while (n > 0 && len[l] != 0);
        }
    }

    /** {@code drain_pages_zone()}: everything on one CPU's lists back to the buddy lists. */
    void drainPages(int cpu) {
        if (count[cpu] > 0) {
            freePcppagesBulk(cpu, count[cpu], 0);
        }
    }

    // ================================================================== ring buffers

    private void grow(int l) {
        long[] old = buf[l];
        long[] b = new long[old.length * 2];
        for (int i = 0; i < len[l]; i++) {
            b[i] = old[(start[l] + i) & (old.length - 1)];
        }
        buf[l] = b;
        start[l] = 0;
    }

    private void pushHead(int l, long v) {
        if (len[l] == buf[l].length) {
            grow(l);
        }
        long[] b = buf[l];
        start[l] = (start[l] - 1) & (b.length - 1);
        b[start[l]] = v;
        len[l]++;
    }

    private void pushTail(int l, long v) {
        if (len[l] == buf[l].length) {
            grow(l);
        }
        long[] b = buf[l];
        b[(start[l] + len[l]) & (b.length - 1)] = v;
        len[l]++;
    }

    private long popHead(int l) {
        long[] b = buf[l];
        long v = b[start[l]];
        start[l] = (start[l] + 1) & (b.length - 1);
        len[l]--;
        return v;
    }

    private long popTail(int l) {
        long[] b = buf[l];
        len[l]--;
        return b[(start[l] + len[l]) & (b.length - 1)];
    }
}
