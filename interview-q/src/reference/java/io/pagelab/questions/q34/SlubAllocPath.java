package io.pagelab.questions.q34;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Q34 SLUB如何管理内存的？ How does SLUB manage memory? (reference solution)
 *
 * <p>Models the allocation path of mm/slub.c, Linux 6.8+: slab_alloc_node() (the lockless fast
 * path), ___slab_alloc() (refill from the CPU slab, the CPU partial list, get_partial(), new_slab())
 * and get_partial_node() (which also refills the CPU partial list through put_cpu_partial()).
 *
 * <pre>
 *  kmem_cache_cpu   freelist -&gt; o -&gt; o          (1) ALLOC_FASTPATH
 *                   slab     -&gt; its freelist    (2) ALLOC_REFILL, else the full slab is dropped
 *                   partial  -&gt; S -&gt; S          (4) CPU_PARTIAL_ALLOC
 *  kmem_cache_node  partial  -&gt; S -&gt; S -&gt; S     (5) ALLOC_FROM_PARTIAL (+ refill the CPU partial list)
 *  page allocator                               (6) ALLOC_SLAB
 * </pre>
 *
 * <p>Differs from Linux on purpose: one CPU and one node, no locks, tid or cmpxchg, no NUMA or
 * pfmemalloc matching, no debug caches; freelists are queues of addresses instead of pointers
 * stored in the free objects.
 */
public final class SlubAllocPath {

    /** Where an object came from: the kernel's counter names (mm/slub.c enum stat_item). */
    public enum Source {
        ALLOC_FASTPATH, ALLOC_REFILL, CPU_PARTIAL_ALLOC, ALLOC_FROM_PARTIAL, ALLOC_SLAB
    }

    /** One allocation: the object's address and where it came from. */
    public record Allocation(long object, Source source) {
        @Override
        public String toString() {
            return String.format("%#x from %s", object, source);
        }
    }

    /** A slab: a name for messages, and its own freelist (slab->freelist), head first. */
    public static final class Slab {
        private final String name;
        private final Deque<Long> freelist = new ArrayDeque<>();

        public Slab(String name, long... freeObjects) {
            this.name = Objects.requireNonNull(name, "name");
            for (long o : freeObjects) {
                freelist.addLast(o);
            }
        }

        public String name() {
            return name;
        }

        /** The free objects in this slab (not counting those on a CPU freelist), head first. */
        public Deque<Long> freelist() {
            return freelist;
        }

        @Override
        public String toString() {
            return "slab " + name + " free " + freelist;
        }
    }

    // kmem_cache_cpu of the one CPU we run on
    private final Deque<Long> cpuFreelist = new ArrayDeque<>();
    private Slab cpuSlab;
    private final Deque<Slab> cpuPartial = new ArrayDeque<>();
    // kmem_cache_node
    private final Deque<Slab> nodePartial = new ArrayDeque<>();
    // kmem_cache
    private final int cpuPartialSlabs;
    private final Supplier<Slab> newSlab;

    /**
     * @param cpuPartialSlabs s->cpu_partial_slabs: how many slabs the CPU partial list is meant to hold
     * @param newSlab new_slab(): a fresh slab from the page allocator, all objects free
     */
    public SlubAllocPath(int cpuPartialSlabs, Supplier<Slab> newSlab) {
        this.cpuPartialSlabs = cpuPartialSlabs;
        this.newSlab = Objects.requireNonNull(newSlab, "newSlab");
    }

    /** c->freelist: the CPU's lockless freelist, head first (live: edit it to set up a scene). */
    public Deque<Long> cpuFreelist() {
        return cpuFreelist;
    }

    /** c->slab: the CPU's active slab, if any. */
    public Optional<Slab> cpuSlab() {
        return Optional.ofNullable(cpuSlab);
    }

    /** Sets c->slab (null for none). */
    public void setCpuSlab(Slab slab) {
        this.cpuSlab = slab;
    }

    /** c->partial: the CPU partial list, head first (live). */
    public Deque<Slab> cpuPartial() {
        return cpuPartial;
    }

    /** n->partial: the node partial list, head first (live). */
    public Deque<Slab> nodePartial() {
        return nodePartial;
    }

    /** s->cpu_partial_slabs. */
    public int cpuPartialSlabs() {
        return cpuPartialSlabs;
    }

    /** kmem_cache_alloc() on this CPU: the object, and which step found it. */
    public Allocation alloc() {
        // slab_alloc_node(): the lockless fast path
        if (cpuSlab != null && !cpuFreelist.isEmpty()) {
            return new Allocation(cpuFreelist.pollFirst(), Source.ALLOC_FASTPATH);
        }
        // ___slab_alloc()
        if (cpuSlab != null) {
            if (!cpuSlab.freelist().isEmpty()) {
                return loadFreelist(cpuSlab, Source.ALLOC_REFILL); // get_freelist()
            }
            cpuSlab = null; // full: deactivated onto no list (DEACTIVATE_BYPASS)
        }
        if (!cpuPartial.isEmpty()) {
            cpuSlab = cpuPartial.pollFirst();
            return loadFreelist(cpuSlab, Source.CPU_PARTIAL_ALLOC);
        }
        Slab partial = getPartialNode();
        if (partial != null) {
            cpuSlab = partial;
            return loadFreelist(cpuSlab, Source.ALLOC_FROM_PARTIAL);
        }
        cpuSlab = Objects.requireNonNull(newSlab.get(), "new_slab() returned null");
        return loadFreelist(cpuSlab, Source.ALLOC_SLAB);
    }

    /** The slab's whole freelist becomes the CPU freelist; its head goes to the caller. */
    private Allocation loadFreelist(Slab slab, Source source) {
        if (slab.freelist().isEmpty()) {
            throw new IllegalStateException(slab + " was taken as the CPU slab with no free object");
        }
        cpuFreelist.clear();
        cpuFreelist.addAll(slab.freelist());
        slab.freelist().clear();
        return new Allocation(cpuFreelist.pollFirst(), source);
    }

    /**
     * get_partial_node(): the first node partial slab for the CPU; following ones go to the head
     * of the CPU partial list until more than cpu_partial_slabs / 2 were moved.
     */
    private Slab getPartialNode() {
        Slab partial = null;
        int partialSlabs = 0;
        while (!nodePartial.isEmpty()) {
            Slab slab = nodePartial.pollFirst();
            if (partial == null) {
                partial = slab;
                if (cpuPartialSlabs == 0) {
                    break;
                }
            } else {
                cpuPartial.addFirst(slab); // put_cpu_partial(): pushed on the head
                if (++partialSlabs > cpuPartialSlabs / 2) {
                    break;
                }
            }
        }
        return partial;
    }
}
