package io.pagelab.kernel.slub;

import io.pagelab.api.Gfp;
import io.pagelab.api.ObjectCache;
import io.pagelab.api.Pages;
import io.pagelab.api.error.BadAddressException;
import io.pagelab.api.error.DoubleFreeException;
import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.api.error.OutOfMemoryException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A SLUB cache with its per-CPU and per-node structures, the allocator of Linux 6.x mm/slub.c
 * before sheaves (6.x up to 6.17): slab_alloc_node() / ___slab_alloc(), do_slab_free() /
 * __slab_free(), put_cpu_partial(), get_partial_node(), deactivate_slab(), kmem_cache_shrink().
 *
 * <pre>
 *  kmem_cache_cpu[cpu]                               kmem_cache_node
 *   freelist --&gt; obj -&gt; obj -&gt; NULL  (lockless)       partial: slab &lt;-&gt; slab &lt;-&gt; slab  (list_lock)
 *   slab     --&gt; the active (frozen) slab             nr_partial, min_partial
 *   partial  --&gt; slab -&gt; slab  (frozen, cpu_partial_slabs at most)
 *
 *  alloc:  c-&gt;freelist non-empty -&gt; pop it (fast path, tid += TID_STEP)
 *          else the active slab's own freelist (remote frees) -&gt; else a per-CPU partial slab
 *          -&gt; else a node partial slab (and a few more onto the per-CPU partial list)
 *          -&gt; else a new slab from the page source (preferred order, then s-&gt;min)
 *  free:   object of the active slab -&gt; push on c-&gt;freelist (fast path)
 *          else push on its slab's freelist (virt_to_slab); a full slab becomes partial on this
 *          CPU's partial list; an empty slab beyond min_partial goes back to the page source
 * </pre>
 *
 * Caches with slub_debug flags bypass the per-CPU structures, as in the kernel: every object comes
 * from and returns to a node partial slab with the full checks ({@link Slab}).
 *
 * <p>Differs from Linux: one NUMA node; no locking or cmpxchg (the simulation is single-threaded,
 * the tid is kept for show and steps by the machine's CPU count rounded up to a power of two, where
 * Linux uses CONFIG_NR_CPUS); the "current CPU" is chosen with {@link #setCpu}. pagelab also checks
 * by default what the kernel does not: freeing an object that is already free throws
 * {@link DoubleFreeException} ({@code strictDoubleFree}); turn it off to watch the kernel's own,
 * naive detection (set_freepointer's BUG_ON) miss a double free and corrupt the freelist.
 */
public final class SlubCache implements ObjectCache {
    private static final Logger log = LoggerFactory.getLogger(SlubCache.class);

    /** Per-CPU state: struct kmem_cache_cpu. */
    private static final class CpuSlab {
        long freelist;
        Slab slab;
        final Deque<Slab> partial = new ArrayDeque<>();
        long tid;
    }

    private final KmemCache cache;
    private final KmemCacheLayout s;
    private final SlabPageSource pages;
    private final CpuSlab[] cpus;
    private final long tidStep;
    private final Deque<Slab> nodePartial = new ArrayDeque<>();
    private final List<Slab> full = new ArrayList<>();
    private final PfnMap<Slab> slabByPfn = new PfnMap<>();
    private final boolean strictDoubleFree;
    private int cpu;
    private long nrSlabs;
    private long active;
    private final long[] stats = new long[Stat.values().length];

    /** Counters as CONFIG_SLUB_STATS names them (mm/slub.c enum stat_item), a subset. */
    public enum Stat {
        ALLOC_FASTPATH, ALLOC_SLOWPATH, FREE_FASTPATH, FREE_SLOWPATH, ALLOC_REFILL, ALLOC_SLAB, ALLOC_FROM_PARTIAL,
        CPU_PARTIAL_ALLOC, CPU_PARTIAL_NODE, CPU_PARTIAL_FREE, CPU_PARTIAL_DRAIN, FREE_ADD_PARTIAL, FREE_SLAB,
        DEACTIVATE_FULL, DEACTIVATE_EMPTY, DEACTIVATE_TO_HEAD, DEACTIVATE_TO_TAIL, ORDER_FALLBACK
    }

    /**
     * A cache over this core and page source for {@code nrCpus} CPUs.
     *
     * @param strictDoubleFree true: every double free throws (pagelab's check); false: only what
     *     the kernel catches
     */
    public SlubCache(KmemCache cache, SlabPageSource pages, int nrCpus, boolean strictDoubleFree) {
        this.cache = Objects.requireNonNull(cache, "cache");
        this.pages = Objects.requireNonNull(pages, "pages");
        InvalidArgumentException.check(nrCpus >= 1 && nrCpus <= 8192, "CPU count %s is not allowed: 1..8192", nrCpus);
        this.s = cache.layout();
        this.cpus = new CpuSlab[nrCpus];
        this.tidStep = Integer.highestOneBit(nrCpus) == nrCpus ? nrCpus : Integer.highestOneBit(nrCpus) << 1;
        for (int i = 0; i < nrCpus; i++) {
            cpus[i] = new CpuSlab();
            cpus[i].tid = i; // init_tid(cpu)
        }
        this.strictDoubleFree = strictDoubleFree;
    }

    /** The cache core (layout, codec, memory). */
    public KmemCache kmemCache() {
        return cache;
    }

    @Override
    public String name() {
        return s.name();
    }

    @Override
    public int objectSize() {
        return s.objectSize();
    }

    @Override
    public int align() {
        return s.align();
    }

    /** Runs the following operations on this CPU (smp_processor_id()). */
    public void setCpu(int cpu) {
        InvalidArgumentException.check(cpu >= 0 && cpu < cpus.length, "CPU %s does not exist: 0..%s", cpu,
                cpus.length - 1);
        this.cpu = cpu;
    }

    /** The CPU operations run on. */
    public int cpu() {
        return cpu;
    }

    @Override
    public long activeObjects() {
        return active;
    }

    /** A CONFIG_SLUB_STATS counter. */
    public long stat(Stat item) {
        return stats[item.ordinal()];
    }

    /** Slabs the cache holds (node nr_slabs). */
    public long slabCount() {
        return nrSlabs;
    }

    /** Slabs on the node partial list (n-&gt;nr_partial). */
    public int nodePartialCount() {
        return nodePartial.size();
    }

    /** Slabs on a CPU's partial list. */
    public int cpuPartialCount(int cpu) {
        checkCpu(cpu);
        return cpus[cpu].partial.size();
    }

    /** A CPU's active slab, if any (c-&gt;slab). */
    public Optional<Slab> cpuSlab(int cpu) {
        checkCpu(cpu);
        return Optional.ofNullable(cpus[cpu].slab);
    }

    /** A CPU's lockless freelist head (c-&gt;freelist, 0 when empty). */
    public long cpuFreelist(int cpu) {
        checkCpu(cpu);
        return cpus[cpu].freelist;
    }

    /** A CPU's transaction id (c-&gt;tid): starts at the CPU number, steps by roundup_pow_of_two(nr_cpus). */
    public long tid(int cpu) {
        checkCpu(cpu);
        return cpus[cpu].tid;
    }

    private void checkCpu(int c) {
        InvalidArgumentException.check(c >= 0 && c < cpus.length, "CPU %s does not exist: 0..%s", c, cpus.length - 1);
    }

    /** virt_to_slab(): the slab whose pages hold this address, if any of this cache's. */
    public Optional<Slab> virtToSlab(long address) {
        return Optional.ofNullable(slabByPfn.get(pfnOf(address)));
    }

    private long pfnOf(long va) {
        return (va - cache.directMap().pageOffset()) >>> Pages.PAGE_SHIFT;
    }

    // ---------------------------------------------------------------------------------- alloc

    @Override
    public long alloc(int gfp) {
        if (!Gfp.isValid(gfp)) { // not check(..., gfp): that would box gfp on every call
            throw new InvalidArgumentException("gfp flags " + gfp + " have unknown bits");
        }
        long object = s.isDebug() ? allocDebug() : slabAllocNode(cpus[cpu]);
        active++;
        if ((gfp & Gfp.__GFP_ZERO) != 0) {
            cache.directMap().fill(object, s.objectSize(), 0);
        }
        return object;
    }

    /** slab_alloc_node(): the lockless fast path, else ___slab_alloc(). */
    private long slabAllocNode(CpuSlab c) {
        long object = c.freelist;
        Slab slab = c.slab;
        if (object != 0 && slab != null) {
            c.freelist = cache.getFreepointer(object, slab);
            c.tid += tidStep;
            int index = slab.indexOf(object);
            if (index >= 0) { // a forged freelist can hand out anything; only real objects are tracked
                slab.markAllocatedAt(index, true);
            }
            stats[Stat.ALLOC_FASTPATH.ordinal()]++;
            return object;
        }
        stats[Stat.ALLOC_SLOWPATH.ordinal()]++;
        return slowAlloc(c);
    }

    /** ___slab_alloc(). */
    private long slowAlloc(CpuSlab c) {
        while (true) {
            if (c.slab != null) {
                long freelist = c.freelist;
                if (freelist == 0) {
                    // get_freelist(): objects freed to the active slab by other CPUs meanwhile
                    freelist = c.slab.takeFreelist();
                    if (freelist == 0) {
                        c.slab.setFrozen(false); // full: on no list
                        c.slab = null;
                        c.tid += tidStep;
                        stats[Stat.DEACTIVATE_FULL.ordinal()]++;
                        continue;
                    }
                    stats[Stat.ALLOC_REFILL.ordinal()]++;
                }
                return loadFreelist(c, freelist);
            }
            // new_slab: the per-CPU partial list first
            Slab partial = c.partial.pollFirst();
            if (partial != null) {
                c.slab = partial;
                c.freelist = 0;
                stats[Stat.CPU_PARTIAL_ALLOC.ordinal()]++;
                continue;
            }
            Slab slab = getPartialNode(c);
            if (slab == null) {
                slab = newSlab();
                stats[Stat.ALLOC_SLAB.ordinal()]++;
            }
            long freelist = slab.takeFreelist();
            slab.setFrozen(true);
            c.slab = slab;
            return loadFreelist(c, freelist);
        }
    }

    /** load_freelist: the first object goes to the caller, the rest becomes c-&gt;freelist. */
    private long loadFreelist(CpuSlab c, long freelist) {
        c.freelist = cache.getFreepointer(freelist, c.slab);
        c.tid += tidStep;
        c.slab.markAllocated(freelist, true);
        return freelist;
    }

    /**
     * get_partial_node(): takes the first node partial slab for the CPU and moves more onto the
     * per-CPU partial list, until more than cpu_partial_slabs / 2 were moved.
     */
    private Slab getPartialNode(CpuSlab c) {
        Slab first = null;
        int partialSlabs = 0;
        Iterator<Slab> it = nodePartial.iterator();
        while (it.hasNext()) {
            Slab slab = it.next();
            it.remove();
            slab.setFrozen(true);
            if (first == null) {
                first = slab;
                stats[Stat.ALLOC_FROM_PARTIAL.ordinal()]++;
            } else {
                c.partial.addFirst(slab);
                stats[Stat.CPU_PARTIAL_NODE.ordinal()]++;
                partialSlabs++;
            }
            if (s.cpuPartial() == 0 || partialSlabs > s.cpuPartialSlabs() / 2) {
                break;
            }
        }
        return first;
    }

    /** new_slab() / allocate_slab(): the preferred order, then the fallback s-&gt;min. */
    private Slab newSlab() {
        int order = s.order();
        long pa;
        try {
            pa = pages.allocPages(order, allocflags() | Gfp.__GFP_NOWARN | Gfp.__GFP_NORETRY);
        } catch (OutOfMemoryException e) {
            if (s.minOrder() == s.order()) {
                throw oom(e);
            }
            order = s.minOrder();
            stats[Stat.ORDER_FALLBACK.ordinal()]++;
            try {
                pa = pages.allocPages(order, allocflags());
            } catch (OutOfMemoryException e2) {
                throw oom(e2);
            }
        }
        Slab slab = cache.newSlab(cache.directMap().va(pa), order);
        long pfn = Pages.pfnDown(pa);
        for (long i = 0; i < (1L << order); i++) {
            slabByPfn.put(pfn + i, slab);
        }
        nrSlabs++;
        if (log.isDebugEnabled()) { // the arguments (hex strings, boxed counters) cost even when not logged
            log.debug("{}: new slab at pfn {} order {} ({} objects)", s.name(), Long.toHexString(pfn), order,
                    slab.objects());
        }
        return slab;
    }

    /**
     * The gfp of every slab allocation: GFP_KERNEL plus s-&gt;allocflags as calculate_sizes() sets them
     * (__GFP_COMP always in 6.x, __GFP_DMA / __GFP_DMA32 for SLAB_CACHE_DMA / SLAB_CACHE_DMA32,
     * __GFP_RECLAIMABLE for SLAB_RECLAIM_ACCOUNT).
     */
    public int allocflags() {
        int gfp = Gfp.GFP_KERNEL | Gfp.__GFP_COMP;
        if (s.hasFlag(SlabFlags.SLAB_CACHE_DMA)) {
            gfp |= Gfp.__GFP_DMA;
        }
        if (s.hasFlag(SlabFlags.SLAB_CACHE_DMA32)) {
            gfp |= Gfp.__GFP_DMA32;
        }
        if (s.hasFlag(SlabFlags.SLAB_RECLAIM_ACCOUNT)) {
            gfp |= Gfp.__GFP_RECLAIMABLE;
        }
        return gfp;
    }

    /** slab_out_of_memory()'s report (mm/slub.c), then the page allocator's reason. */
    private OutOfMemoryException oom(OutOfMemoryException cause) {
        return new OutOfMemoryException(s.size(), String.format("SLUB: Unable to allocate memory on node -1, gfp=%#x(%s)%n"
                + "  cache: %s, object size: %d, buffer size: %d, default order: %d, min order: %d%n"
                + "  node 0: slabs: %d, objs: %d, free: %d%n(%s)", Gfp.GFP_KERNEL, Gfp.toString(Gfp.GFP_KERNEL),
                s.name(), s.objectSize(), s.size(), s.order(), s.minOrder(), nrSlabs, totalObjects(),
                freeObjectsOnNode(), cause.getMessage()));
    }

    /** Debug caches: alloc_single_from_partial() / alloc_single_from_new_slab(). */
    private long allocDebug() {
        Slab slab = nodePartial.peekFirst();
        boolean fresh = false;
        if (slab == null) {
            slab = newSlab();
            fresh = true;
        }
        long object = slab.allocObject(s.objectSize(), Track.NONE);
        if (fresh) {
            if (slab.freelist() != 0) {
                nodePartial.addFirst(slab);
            } else {
                addFull(slab);
            }
        } else if (slab.freelist() == 0) {
            nodePartial.removeFirst();
            addFull(slab);
        }
        return object;
    }

    private void addFull(Slab slab) {
        if (s.hasFlag(SlabFlags.SLAB_STORE_USER)) {
            full.add(slab);
        }
    }

    // ---------------------------------------------------------------------------------- free

    @Override
    public void free(long address) {
        Slab slab = cpus[cpu].slab; // most frees hit the active slab: skip the pfn lookup then
        if (slab == null || Long.compareUnsigned(address - slab.address(), slab.bytes()) >= 0) {
            slab = slabByPfn.get(pfnOf(address));
        }
        if (slab == null) {
            throw new BadAddressException(address, "kmem_cache_free(" + s.name() + ", " + SlubDebug.ptr(address)
                    + "): the address is in no slab of this cache (virt_to_slab() finds none); free only what "
                    + "alloc() returned");
        }
        int index = slab.indexOf(address);
        if (index < 0) {
            throw new BadAddressException(address, "Invalid object pointer " + SlubDebug.ptr(address) + ": not the start"
                    + " of an object of " + s.name() + " (objects start at " + SlubDebug.ptr(slab.firstObject())
                    + " every " + s.size() + " bytes)");
        }
        if (strictDoubleFree && !slab.isAllocatedAt(index)) {
            throw new DoubleFreeException(address, "double free of " + SlubDebug.ptr(address) + " in " + s.name()
                    + ": the object is already free (pagelab's check; without slub_debug Linux only catches freeing"
                    + " the freelist head twice in a row, BUG_ON(object == fp) in set_freepointer)");
        }
        if (s.isDebug()) {
            freeDebug(slab, address);
        } else {
            doSlabFree(cpus[cpu], slab, address, index);
        }
        active--;
    }

    /** do_slab_free(): the active slab's objects go on the lockless freelist, others to __slab_free(). */
    private void doSlabFree(CpuSlab c, Slab slab, long object, int index) {
        if (slab == c.slab) {
            cache.setFreepointer(object, c.freelist, slab); // BUG_ON(object == fp) when hardened
            c.freelist = object;
            c.tid += tidStep;
            slab.markAllocatedAt(index, false);
            stats[Stat.FREE_FASTPATH.ordinal()]++;
            return;
        }
        stats[Stat.FREE_SLOWPATH.ordinal()]++;
        slabFree(c, slab, object);
    }

    /** __slab_free(): to the owning slab's freelist, then list moves. */
    private void slabFree(CpuSlab c, Slab slab, long object) {
        boolean wasFull = slab.freelist() == 0;
        boolean wasFrozen = slab.frozen();
        slab.freeObject(object); // set_freepointer(object, slab->freelist), inuse--
        if (wasFrozen) {
            return; // FREE_FROZEN: a CPU owns it
        }
        if (wasFull && s.cpuPartial() > 0) {
            // a full slab got a free object: freeze it onto this CPU's partial list
            slab.setFrozen(true);
            putCpuPartial(c, slab);
            stats[Stat.CPU_PARTIAL_FREE.ordinal()]++;
            return;
        }
        if (slab.inuse() == 0 && nodePartial.size() >= s.minPartial()) {
            if (!wasFull) {
                nodePartial.remove(slab);
            }
            discardSlab(slab);
            return;
        }
        if (wasFull) {
            nodePartial.addLast(slab);
            stats[Stat.FREE_ADD_PARTIAL.ordinal()]++;
        }
    }

    /** put_cpu_partial(): onto the CPU's partial list; a full list is drained to the node first. */
    private void putCpuPartial(CpuSlab c, Slab slab) {
        if (c.partial.size() >= s.cpuPartialSlabs()) {
            drainCpuPartial(c);
            stats[Stat.CPU_PARTIAL_DRAIN.ordinal()]++;
        }
        c.partial.addFirst(slab);
    }

    /** __put_partials(): unfreezes a CPU's partial slabs onto the node list, freeing empty ones beyond min_partial. */
    private void drainCpuPartial(CpuSlab c) {
        Slab slab;
        while ((slab = c.partial.pollFirst()) != null) {
            slab.setFrozen(false);
            if (slab.inuse() == 0 && nodePartial.size() >= s.minPartial()) {
                discardSlab(slab);
            } else {
                nodePartial.addLast(slab);
            }
        }
    }

    /** Debug caches: free_to_partial_list(). */
    private void freeDebug(Slab slab, long object) {
        boolean wasFull = slab.freelist() == 0;
        slab.freeObject(object, Track.NONE);
        if (slab.inuse() == 0 && nodePartial.size() >= s.minPartial()) {
            if (wasFull) {
                full.remove(slab);
            } else {
                nodePartial.remove(slab);
            }
            discardSlab(slab);
            return;
        }
        if (wasFull) {
            full.remove(slab);
            nodePartial.addLast(slab);
        }
    }

    /** discard_slab(): the pages go back to the page source. */
    private void discardSlab(Slab slab) {
        long pa = slab.address() - cache.directMap().pageOffset();
        long pfn = Pages.pfnDown(pa);
        for (long i = 0; i < (1L << slab.order()); i++) {
            slabByPfn.remove(pfn + i);
        }
        nrSlabs--;
        pages.freePages(pa, slab.order());
        stats[Stat.FREE_SLAB.ordinal()]++;
        if (log.isDebugEnabled()) { // the arguments (hex strings, boxed counters) cost even when not logged
            log.debug("{}: slab at pfn {} order {} returned", s.name(), Long.toHexString(pfn), slab.order());
        }
    }

    // ---------------------------------------------------------------------------------- flush, shrink, stats

    /**
     * deactivate_slab() of a CPU's active slab and __put_partials() of its partial list
     * (flush_cpu_slab): afterwards the CPU holds nothing.
     */
    public void flushCpu(int cpuId) {
        checkCpu(cpuId);
        CpuSlab c = cpus[cpuId];
        if (c.slab != null) {
            Slab slab = c.slab;
            boolean remoteFrees = slab.freelist() != 0;
            long head = c.freelist;
            long tail = 0;
            int count = 0;
            for (long p = head; p != 0; p = cache.getFreepointer(p)) {
                tail = p;
                count++;
                InvalidArgumentException.check(count <= slab.objects(),
                        "per-CPU freelist of CPU %s is longer than the slab (%s objects): corrupted", cpuId,
                        slab.objects());
            }
            slab.putBackChain(head, tail, count);
            slab.setFrozen(false);
            c.slab = null;
            c.freelist = 0;
            c.tid += tidStep;
            if (slab.inuse() == 0 && nodePartial.size() >= s.minPartial()) {
                stats[Stat.DEACTIVATE_EMPTY.ordinal()]++;
                discardSlab(slab);
            } else if (slab.freelist() != 0) {
                if (remoteFrees) {
                    nodePartial.addLast(slab);
                    stats[Stat.DEACTIVATE_TO_TAIL.ordinal()]++;
                } else {
                    nodePartial.addFirst(slab);
                    stats[Stat.DEACTIVATE_TO_HEAD.ordinal()]++;
                }
            } else {
                stats[Stat.DEACTIVATE_FULL.ordinal()]++;
            }
        }
        drainCpuPartial(c);
    }

    /**
     * kmem_cache_shrink(): flushes every CPU, returns every empty slab on the node partial list to
     * the page source, and orders the rest fullest first.
     *
     * @return the number of slabs returned
     */
    public int shrink() {
        for (int i = 0; i < cpus.length; i++) {
            flushCpu(i);
        }
        int freed = 0;
        List<Slab> keep = new ArrayList<>();
        for (Slab slab : nodePartial) {
            if (slab.inuse() == 0) {
                discardSlab(slab);
                freed++;
            } else {
                keep.add(slab);
            }
        }
        keep.sort((a, b) -> Integer.compare(a.objects() - a.inuse(), b.objects() - b.inuse()));
        nodePartial.clear();
        nodePartial.addAll(keep);
        return freed;
    }

    /** Objects in all slabs (node total_objects). */
    public long totalObjects() {
        long total = 0;
        for (Slab slab : distinctSlabs()) {
            total += slab.objects();
        }
        return total;
    }

    private Iterable<Slab> distinctSlabs() {
        Set<Slab> slabs = Collections.newSetFromMap(new IdentityHashMap<>());
        slabs.addAll(slabByPfn.values());
        return slabs;
    }

    /** Free objects on the node partial list (what get_slabinfo() subtracts from num_objs). */
    public long freeObjectsOnNode() {
        long free = 0;
        for (Slab slab : nodePartial) {
            free += slab.objects() - slab.inuse();
        }
        return free;
    }

    /** This cache's /proc/slabinfo line. */
    public SlabinfoRow slabinfo() {
        long num = totalObjects();
        return new SlabinfoRow(s.name(), num - freeObjectsOnNode(), num, s.size(), s.objects(), s.pagesPerSlab(),
                nrSlabs);
    }

    @Override
    public String toString() {
        return "SlubCache(" + s.name() + ", " + nrSlabs + " slabs, " + active + " objects in use)";
    }
}
