package io.pagelab.lessons.slab;

import static io.pagelab.lessons.slab.SlabMachine.hex16;

import io.pagelab.api.Gfp;
import io.pagelab.kernel.slub.KmemCacheArgs;
import io.pagelab.kernel.slub.KmemCacheLayout;
import io.pagelab.kernel.slub.ProcSlabinfo;
import io.pagelab.kernel.slub.Slab;
import io.pagelab.kernel.slub.SlabPageSource;
import io.pagelab.kernel.slub.SlubCache;
import io.pagelab.kernel.slub.SlubCache.Stat;
import io.pagelab.kernel.slub.SlubConfig;
import io.pagelab.kernel.slub.SlubParams;
import io.pagelab.lessons.Lesson;
import io.pagelab.lessons.LessonContext;
import io.pagelab.lessons.Tone;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Lesson "slub": where an allocation is served from in SLUB (Linux 6.x mm/slub.c before sheaves:
 * slab_alloc_node(), ___slab_alloc(), do_slab_free(), __slab_free(), put_cpu_partial(),
 * get_partial_node(), deactivate_slab()). A scripted sequence on a 4-CPU machine walks a
 * kmalloc-1k cache through every level: the per-CPU lockless freelist, a new slab from the buddy
 * allocator, a full slab that leaves the CPU, frees that put slabs on the per-CPU partial list, a
 * remote free, a flush to the node partial list, and another CPU refilling from it. The
 * CONFIG_SLUB_STATS counters are printed at the end.
 *
 * <p>Interview question: q34 (SLUB's allocation path).
 *
 * <p>Differs from Linux on purpose: one thread plays all CPUs in turn (no cmpxchg, no preemption);
 * the slab table says "a CPU partial list" for frozen slabs that are not a CPU's active slab, as
 * SlubCache does not tell which CPU holds them (the narration does). Hardening and randomization
 * are off so objects come in address order.
 */
public final class SlubFastPathLesson implements Lesson {

    @Override
    public String id() {
        return "slub";
    }

    @Override
    public String titleZh() {
        return "SLUB 快速路径与 partial 链表";
    }

    @Override
    public String titleEn() {
        return "SLUB's fast path and partial lists";
    }

    @Override
    public List<String> questions() {
        return List.of("q34");
    }

    /** The cache and what the script has allocated, with slab labels S1, S2 ... by creation. */
    private static final class Run {
        final SlubCache cache;
        final List<Long> objects = new ArrayList<>();
        final List<Slab> slabs = new ArrayList<>();

        Run(SlubCache cache) {
            this.cache = cache;
        }

        long alloc(int cpu) {
            cache.setCpu(cpu);
            long o = cache.alloc(Gfp.GFP_KERNEL);
            objects.add(o);
            Slab s = cache.virtToSlab(o).orElseThrow();
            if (!slabs.contains(s)) {
                slabs.add(s);
            }
            return o;
        }

        void free(int cpu, int objectNumber) {
            cache.setCpu(cpu);
            cache.free(objects.get(objectNumber));
        }

        String label(Slab s) {
            return "S" + (slabs.indexOf(s) + 1);
        }

        String where(long object) {
            Slab s = cache.virtToSlab(object).orElseThrow();
            return label(s) + " object " + s.objToIndex(object);
        }
    }

    @Override
    public void run(LessonContext ctx) {
        ctx.banner(this);
        SlabMachine machine = SlabMachine.boot();
        SlubParams params = SlubParams.defaults(SlabMachine.CPUS);
        SlubCache cache = new SlubCache(
                machine.create(KmemCacheArgs.kmalloc("kmalloc-1k", 1024, 0), params, SlubConfig.NONE, 1),
                SlabPageSource.of(machine.buddy()), SlabMachine.CPUS, true);
        Run run = new Run(cache);

        structures(ctx, cache.kmemCache().layout());
        firstAllocations(ctx, run);
        fullSlabs(ctx, run);
        frees(ctx, run);
        flush(ctx, run);
        refill(ctx, run);
        counters(ctx, run);
        summary(ctx);
    }

    private void structures(LessonContext ctx, KmemCacheLayout s) {
        ctx.step("Three levels of free objects", "三级空闲对象");
        ctx.say("A SLUB cache keeps free objects at three levels, fastest first:",
                "  1. per CPU, kmem_cache_cpu: the active slab and its lockless freelist (c->freelist);",
                "     plus a short list of partial slabs only this CPU uses (c->partial);",
                "  2. per NUMA node, kmem_cache_node: a list of partial slabs under a spinlock;",
                "  3. the buddy allocator: a brand-new slab.",
                "The fast path touches only level 1, with no lock: one cmpxchg of (freelist, tid)",
                "that succeeds only if the CPU was not interrupted in between.",
                "每个 CPU 有活动 slab 与无锁链表；其次 CPU partial、节点 partial，最后伙伴系统。");
        ctx.diagram("kmalloc-1k on our 4-CPU machine / 本课的缓存", List.of(
                String.format(Locale.ROOT, "object size %d, %d objects per slab, order %d (%d pages)", s.size(),
                        s.objects(), s.order(), s.pagesPerSlab()),
                String.format(Locale.ROOT, "cpu_partial = %d objects → cpu_partial_slabs = ⌈%d × 2 / %d⌉ = %d",
                        s.cpuPartial(), s.cpuPartial(), s.objects(), s.cpuPartialSlabs()),
                String.format(Locale.ROOT, "min_partial = %d (empty slabs a node keeps)", s.minPartial())));
    }

    private void firstAllocations(LessonContext ctx, Run run) {
        ctx.step("The first allocation: a new slab", "第一次分配：新 slab");
        long first = run.alloc(0);
        ctx.say("CPU 0 calls kmalloc(1000). Its c->freelist is empty and it has no slab, no partial",
                "slabs, and the node has none either: ___slab_alloc() gets an order-2 block from the",
                "buddy allocator, makes it slab S1, takes its whole freelist for the CPU and returns",
                "the first object:");
        ctx.say(Tone.EMPHASIS, "object " + hex16(first) + " = " + run.where(first) + "; slow path, ALLOC_SLAB.");
        for (int i = 1; i < 16; i++) {
            run.alloc(0);
        }
        ctx.say("The next 15 allocations are the fast path: object = c->freelist; c->freelist = its",
                "link; tid advances. No lock, no list, a few instructions each.");
        ctx.diagram("After 16 allocations on CPU 0 / 16 次分配之后", state(run));
    }

    private void fullSlabs(LessonContext ctx, Run run) {
        ctx.step("A full slab leaves the CPU", "满的 slab 离开 CPU");
        for (int i = 16; i < 40; i++) {
            run.alloc(0);
        }
        ctx.say("Allocation 17 finds c->freelist empty. S1 is full: ___slab_alloc() lets go of it",
                "(DEACTIVATE_FULL; a full slab is on NO list, SLUB forgets it until a free) and,",
                "with nothing partial anywhere, takes another new slab. After 40 allocations:");
        ctx.diagram("After 40 allocations on CPU 0 / 40 次分配之后", state(run));
        ctx.say("Full slabs cost nothing to keep track of: an object freed later finds its slab from",
                "its address (virt_to_slab: the struct page of the address's page frame).",
                "满 slab 不在任何链表上；释放时根据地址找到它所属的 slab。");
    }

    private void frees(LessonContext ctx, Run run) {
        ctx.step("Frees: fast, partial, remote", "释放：快路径、partial、远程");
        List<String> rows = new ArrayList<>();
        run.free(0, 0);
        rows.add("CPU 0 frees " + run.where(run.objects.get(0))
                + ": full slab gets a free object → CPU 0's partial list");
        run.free(0, 16);
        rows.add("CPU 0 frees " + run.where(run.objects.get(16)) + ": the same → CPU 0's partial list");
        run.free(0, 39);
        rows.add("CPU 0 frees " + run.where(run.objects.get(39)) + ": its active slab → c->freelist, fast path");
        run.free(1, 1);
        rows.add("CPU 1 frees " + run.where(run.objects.get(1)) + ": frozen by CPU 0 → onto S1's own freelist");
        ctx.diagram("Four frees / 四次释放", rows);
        ctx.say("A free to the CPU's active slab is the mirror of the fast alloc: a push on c->freelist.",
                "Any other free goes to the object's slab (__slab_free, a cmpxchg on the slab). A slab",
                "that was full now has one free object: SLUB \"freezes\" it onto this CPU's partial",
                "list (at most cpu_partial_slabs = 3), so this CPU can use it soon without the node",
                "lock. CPU 1's free went to S1 directly: S1 already belongs to CPU 0's list.");
        ctx.diagram("After the frees / 释放之后", state(run));
    }

    private void flush(LessonContext ctx, Run run) {
        ctx.step("CPU 0 flushes: slabs go to the node", "CPU 0 清空：slab 回到节点");
        run.cache.flushCpu(0);
        ctx.say("When a CPU goes offline, or kmem_cache_shrink() runs, flush_cpu_slab() empties its",
                "per-CPU level: the lockless freelist is put back into the active slab, and the active",
                "and partial slabs are unfrozen onto the node's partial list (S3 to the head: it still",
                "has many free objects; the partial slabs after it).");
        ctx.diagram("After flushCpu(0) / 清空之后", state(run));
    }

    private void refill(LessonContext ctx, Run run) {
        ctx.step("CPU 2 refills from the node", "CPU 2 从节点 partial 取 slab");
        long o = run.alloc(2);
        ctx.say("CPU 2 has nothing. ___slab_alloc() takes the node lock once, takes S3 as its active",
                "slab (ALLOC_FROM_PARTIAL) and, while it holds the lock, moves more slabs to its own",
                "partial list (CPU_PARTIAL_NODE) until more than cpu_partial_slabs / 2 = 1 moved.");
        ctx.say(Tone.EMPHASIS, "CPU 2 got " + run.where(o) + ": the object CPU 0 freed last (LIFO across CPUs).");
        for (int i = 0; i < 9; i++) {
            run.alloc(2);
        }
        ctx.say("Nine more allocations on CPU 2: eight fast, then S3 is full again, and the next",
                "partial slab, S1, comes from CPU 2's own partial list (CPU_PARTIAL_ALLOC) with the",
                "two objects freed into it (ALLOC_REFILL). No new slab was needed.");
        ctx.diagram("After 10 allocations on CPU 2 / CPU 2 分配 10 次之后", state(run));
    }

    private void counters(LessonContext ctx, Run run) {
        ctx.step("The counters: /sys/kernel/slab/kmalloc-1k/", "统计计数器");
        ctx.say("With CONFIG_SLUB_STATS each event has a file under /sys/kernel/slab/<cache>/. The",
                "whole script, 50 allocations and 4 frees:");
        List<String> rows = new ArrayList<>();
        for (Stat stat : Stat.values()) {
            long n = run.cache.stat(stat);
            if (n != 0) {
                rows.add(String.format(Locale.ROOT, "%-20s %3d   %s", stat.name().toLowerCase(Locale.ROOT), n,
                        meaning(stat)));
            }
        }
        ctx.diagram("nonzero counters / 非零计数", rows);
        ctx.say("");
        long allocs = run.cache.stat(Stat.ALLOC_FASTPATH) + run.cache.stat(Stat.ALLOC_SLOWPATH);
        ctx.say(Tone.EMPHASIS, String.format(Locale.ROOT, "%d of %d allocations took the fast path; only %d"
                + " needed the buddy allocator.", run.cache.stat(Stat.ALLOC_FASTPATH), allocs,
                run.cache.stat(Stat.ALLOC_SLAB)));
        String line = ProcSlabinfo.line(run.cache.slabinfo());
        ctx.diagram("/proc/slabinfo now", SlabLesson.cutLine(line));
        ctx.say("快速路径占绝大多数；只有 3 次需要向伙伴系统申请新 slab。");
    }

    private static String meaning(Stat stat) {
        switch (stat) {
            case ALLOC_FASTPATH: return "popped c->freelist, no lock";
            case ALLOC_SLOWPATH: return "went into ___slab_alloc()";
            case FREE_FASTPATH: return "pushed on c->freelist";
            case FREE_SLOWPATH: return "freed to a slab that is not the CPU's active one";
            case ALLOC_REFILL: return "took the active slab's freelist (remote frees)";
            case ALLOC_SLAB: return "new slab from the buddy allocator";
            case ALLOC_FROM_PARTIAL: return "active slab taken from the node partial list";
            case CPU_PARTIAL_ALLOC: return "active slab taken from the CPU partial list";
            case CPU_PARTIAL_NODE: return "node partial slab moved to a CPU partial list";
            case CPU_PARTIAL_FREE: return "full slab frozen onto a CPU partial list by a free";
            case DEACTIVATE_FULL: return "a full active slab let go";
            case DEACTIVATE_TO_HEAD: return "an active slab put at the head of the node list";
            default: return "";
        }
    }

    private void summary(LessonContext ctx) {
        ctx.step("What to remember", "要点");
        ctx.say("q34  kmem_cache_alloc: pop c->freelist (lockless, tid-checked cmpxchg) → else the",
                "     active slab's freelist (remote frees) → else a CPU partial slab → else node",
                "     partial slabs under the node lock (taking a few extra for this CPU) → else a new",
                "     slab from the buddy allocator. Free: the CPU's active slab → push on c->freelist;",
                "     otherwise to the object's own slab; a full slab that gets a free object goes to",
                "     the CPU partial list; empty slabs beyond min_partial go back to the buddy.",
                "Try it: ls /sys/kernel/slab/kmalloc-1k/ (the stat files need CONFIG_SLUB_STATS).");
    }

    /** One line per CPU that holds anything, one for the node, then every slab's state. */
    private static List<String> state(Run run) {
        SlubCache c = run.cache;
        List<String> rows = new ArrayList<>();
        for (int cpu = 0; cpu < SlabMachine.CPUS; cpu++) {
            Optional<Slab> active = c.cpuSlab(cpu);
            if (active.isEmpty() && c.cpuPartialCount(cpu) == 0) {
                continue;
            }
            rows.add(String.format(Locale.ROOT, "CPU %d: active %-3s  on c->freelist: %2d   slabs on its partial list: %d",
                    cpu, active.map(run::label).orElse("-"), freelistLength(c, cpu), c.cpuPartialCount(cpu)));
        }
        rows.add(String.format(Locale.ROOT, "node 0: slabs on the partial list: %d", c.nodePartialCount()));
        for (Slab s : run.slabs) {
            rows.add(String.format(Locale.ROOT, "  %s at %s  in use %2d/%d  %s", run.label(s), hex16(s.address()),
                    inUse(c, s), s.objects(), where(c, s)));
        }
        return rows;
    }

    /** Objects handed out: the slab's count less what a CPU holds on its lockless list. */
    private static int inUse(SlubCache c, Slab s) {
        for (int cpu = 0; cpu < SlabMachine.CPUS; cpu++) {
            if (c.cpuSlab(cpu).orElse(null) == s) {
                return s.inuse() - freelistLength(c, cpu);
            }
        }
        return s.inuse();
    }

    private static String where(SlubCache c, Slab s) {
        for (int cpu = 0; cpu < SlabMachine.CPUS; cpu++) {
            if (c.cpuSlab(cpu).orElse(null) == s) {
                return "CPU " + cpu + "'s active slab";
            }
        }
        if (s.frozen()) {
            return "on a CPU partial list";
        }
        return s.freelist() != 0 ? "on the node partial list" : "full, on no list";
    }

    private static int freelistLength(SlubCache c, int cpu) {
        int n = 0;
        for (long p = c.cpuFreelist(cpu); p != 0 && n < 10_000; p = c.kmemCache().getFreepointer(p)) {
            n++;
        }
        return n;
    }
}
