package io.pagelab.questions.q34;

import io.pagelab.exercise.Todo;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Q34 SLUB如何管理内存的？ How does SLUB manage memory?
 *
 * <p>SLUB is a wholesaler: it buys slabs (blocks of pages) from the page allocator and retails
 * their objects. To make the common case cheap, each CPU keeps its own active slab and that slab's
 * free objects on a private list that needs no lock; slabs with some free objects wait on a short
 * per-CPU partial list, then on the per-node partial list shared by all CPUs. Only when all of
 * them are used up does SLUB buy a new slab. SLUB 先从本 CPU 的空闲链表取对象（快速路径），
 * 然后依次尝试：本 CPU slab 上被其他 CPU 释放的对象、本 CPU partial 链表、节点 partial 链表，最后才向伙伴系统申请新 slab。
 *
 * <p>The state below is kmem_cache_cpu (one CPU's) and kmem_cache_node (given complete, no need
 * to edit). Your task: implement {@link #alloc}, the order in which mm/slub.c (Linux 6.8+:
 * slab_alloc_node(), ___slab_alloc(), get_partial_node()) looks for an object. Each step names
 * the counter the kernel increments (/sys/kernel/slab/&lt;cache&gt;/alloc_fastpath...):
 * <ol>
 *   <li>{@code ALLOC_FASTPATH}: the CPU freelist is not empty: take its head.</li>
 *   <li>{@code ALLOC_REFILL}: the CPU freelist is empty but the CPU slab's own freelist is not
 *       (other CPUs freed objects into it meanwhile): move that whole list onto the CPU freelist
 *       (the slab's list becomes empty) and take the head.</li>
 *   <li>Otherwise the CPU slab, if any, is full: drop it (a full slab is kept on no list; it
 *       comes back when one of its objects is freed).</li>
 *   <li>{@code CPU_PARTIAL_ALLOC}: take the head of the CPU partial list as the new CPU slab, move
 *       its freelist onto the CPU freelist, take the head.</li>
 *   <li>{@code ALLOC_FROM_PARTIAL}: take slabs from the head of the node partial list. The first
 *       becomes the CPU slab, as above. While at it, refill the CPU partial list: move following
 *       node slabs one by one onto the HEAD of the CPU partial list, stopping right after the move
 *       that makes their number exceed cpuPartialSlabs / 2 (integer division), or when the node
 *       list runs out. With cpuPartialSlabs = 0 (per-CPU partial lists turned off) take only the
 *       first slab.</li>
 *   <li>{@code ALLOC_SLAB}: ask {@code newSlab} for a fresh slab (once), make it the CPU slab,
 *       move its freelist onto the CPU freelist, take the head.</li>
 * </ol>
 * The CPU freelist always belongs to the CPU slab: it is empty whenever there is no CPU slab.
 *
 * <p>Run {@code ./pagelab grade q34} to check your work.
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
        throw new Todo("q34/SlubAllocPath.java");
    }
}
