package io.pagelab.lessons.slab;

import static io.pagelab.lessons.slab.SlabMachine.hex;
import static io.pagelab.lessons.slab.SlabMachine.hex16;

import io.pagelab.api.Gfp;
import io.pagelab.api.Pages;
import io.pagelab.kernel.kmalloc.KmallocCaches;
import io.pagelab.kernel.kmalloc.KmallocType;
import io.pagelab.kernel.slub.KmemCache;
import io.pagelab.kernel.slub.KmemCacheArgs;
import io.pagelab.kernel.slub.KmemCacheLayout;
import io.pagelab.kernel.slub.ProcSlabinfo;
import io.pagelab.kernel.slub.Slab;
import io.pagelab.kernel.slub.SlabFlags;
import io.pagelab.kernel.slub.SlabPageSource;
import io.pagelab.kernel.slub.SlubCache;
import io.pagelab.kernel.slub.SlubConfig;
import io.pagelab.kernel.slub.SlubParams;
import io.pagelab.lessons.Lesson;
import io.pagelab.lessons.LessonContext;
import io.pagelab.lessons.Tone;
import io.pagelab.lessons.diagram.TextWrap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lesson "slab": how the kernel hands out small objects. A kmalloc-64-like cache is created with
 * kmem_cache_create() (mm/slab_common.c, Linux 6.12), its object layout and slab order are
 * computed by mm/slub.c: calculate_sizes() and calculate_order(), one page from the buddy
 * allocator is cut into 64 objects whose freelist lives in the objects' own bytes, objects are
 * allocated and freed, and /proc/slabinfo (mm/slab_common.c: cache_show()) shows the result.
 *
 * <p>Interview questions: q33 (how small blocks are allocated), q35 (how to view slab information).
 *
 * <p>Differs from Linux on purpose: step 4 builds the slab by hand (KmemCache.newSlab on a page
 * from the buddy allocator) so the freelist can be drawn before the per-CPU machinery of the
 * "slub" lesson takes over; freelist hardening and randomization are off here and shown in the
 * "freelist" lesson.
 */
public final class SlabLesson implements Lesson {

    /** Objects drawn per row of the slab picture. */
    private static final int PER_ROW = 8;

    @Override
    public String id() {
        return "slab";
    }

    @Override
    public String titleZh() {
        return "slab：从页中切出小对象";
    }

    @Override
    public String titleEn() {
        return "Slab: small objects cut from pages";
    }

    @Override
    public List<String> questions() {
        return List.of("q33", "q35");
    }

    @Override
    public void run(LessonContext ctx) {
        ctx.banner(this);
        SlabMachine machine = SlabMachine.boot();
        SlubParams params = SlubParams.defaults(SlabMachine.CPUS);

        why(ctx);
        KmemCache cache = create(ctx, machine, params);
        order(ctx, params);
        Slab slab = cutPage(ctx, machine, cache);
        allocAndFree(ctx, machine, cache, slab);
        debugLayout(ctx, params);
        slabinfo(ctx, machine, params);
        summary(ctx);
    }

    private void why(LessonContext ctx) {
        ctx.step("Why pages are too big", "为什么页太大");
        ctx.say("The buddy allocator deals in pages: 4 KiB at least. But the kernel mostly needs small",
                "things: a 64-byte struct here, a 192-byte buffer there, thousands of times a second.",
                "Giving each one a whole page would waste over 98% of it, and asking the buddy",
                "allocator every time would be slow.",
                "",
                "A slab allocator fixes both: it takes a few pages at once (a \"slab\"), cuts them into",
                "equal slots for ONE kind of object, and hands the slots out and back. Linux's slab",
                "allocator today is SLUB (mm/slub.c); SLAB and SLOB were removed in 6.5 and 6.4.",
                "伙伴系统以页为单位；slab 一次拿几页，切成同样大小的小对象，反复分配和回收。");
    }

    private KmemCache create(LessonContext ctx, SlabMachine machine, SlubParams params) {
        ctx.step("kmem_cache_create(): 64-byte objects", "创建 64 字节对象的缓存");
        ctx.say("A kernel subsystem that needs many objects of one type creates a cache for them:",
                "    s = kmem_cache_create(\"kmalloc-64\", 64, 64, SLAB_KMALLOC, NULL);",
                "then calls kmem_cache_alloc(s, GFP_KERNEL) and kmem_cache_free(s, p). We build the",
                "same cache kmalloc() uses for requests of 33..64 bytes. calculate_sizes() decides",
                "where everything sits in one slot:");
        KmemCache cache = machine.create(KmemCacheArgs.kmalloc("kmalloc-64", 64, 0), params, SlubConfig.NONE, 1);
        KmemCacheLayout s = cache.layout();
        ctx.diagram("calculate_sizes(kmalloc-64) / 对象布局", describe(s));
        ctx.say("");
        ctx.say(Tone.EMPHASIS, String.format(Locale.ROOT, "size %d = object_size %d rounded up to 8 and to the"
                + " alignment %d: no bytes are wasted.", s.size(), s.objectSize(), s.align()));
        ctx.say(String.format(Locale.ROOT, "The free pointer sits at offset %d, in the MIDDLE of the object:",
                        s.offset()),
                "while the object is free, its own bytes hold the link to the next free object, so the",
                "list costs no extra memory. In the middle (ALIGN_DOWN(64 / 2, 8) = 32) rather than at",
                "offset 0, so that a small overflow from the object before it does not hit the link.",
                "空闲时，对象自己的字节里存放\"下一个空闲对象\"的指针（偏移 32，放在中间）。");
        return cache;
    }

    private void order(LessonContext ctx, SlubParams params) {
        ctx.step("calculate_order(): how many pages per slab", "每个 slab 用几页");
        int minObjects = params.minObjects();
        ctx.say("SLUB wants each slab to hold enough objects that it rarely needs a new one, but not",
                "so many pages that the buddy allocator struggles to find them. calculate_order():",
                String.format(Locale.ROOT, "  min_objects = 4 × (fls(nr_cpus) + 1) = 4 × (fls(%d) + 1) = %d",
                        SlabMachine.CPUS, minObjects),
                "  start at the smallest order with room for min_objects, at most order 3 (8 pages),",
                "  and take the first order whose leftover is at most 1/16 of the slab (then 1/8,",
                "  1/4, 1/2).",
                "For kmalloc-64: 16 × 64 = 1024 bytes fit in one page; 4096 % 64 = 0 left over. Order 0.",
                "目标：每个 slab 至少 min_objects 个对象，且剩余的边角不超过 slab 的 1/16。");
        KmallocCaches four = new KmallocCaches(params);
        KmallocCaches one = new KmallocCaches(SlubParams.defaults(1));
        List<String> rows = new ArrayList<>();
        rows.add("cache          size  ── 4 CPUs ──────────────────  ── 1 CPU ─────────────────");
        rows.add("                     objperslab pagesperslab left  objperslab pagesperslab left");
        for (KmemCacheLayout l : four.all(KmallocType.KMALLOC_NORMAL)) {
            KmemCacheLayout u = one.cacheFor(l.objectSize(), KmallocType.KMALLOC_NORMAL);
            rows.add(String.format(Locale.ROOT, "%-12s %6d  %10d %12d %4d  %10d %12d %4d", l.name(), l.size(),
                    l.objects(), l.pagesPerSlab(), l.leftover(), u.objects(), u.pagesPerSlab(), u.leftover()));
        }
        ctx.diagram("calculate_order() for every kmalloc cache / 各 kmalloc 缓存的 slab 大小", rows);
        ctx.say("These are the objperslab and pagesperslab columns of a real /proc/slabinfo. Note",
                "kmalloc-192: 21 × 192 = 4032, 64 bytes left over (1/64 of the page, well under 1/16).",
                "And kmalloc-1k: with 4 CPUs min_objects = 16 needs 16 KiB, order 2; with 1 CPU only 8",
                "objects are wanted, so 8 KiB (order 1) is enough. Bigger objects get bigger slabs.",
                "CPU 越多，min_objects 越大，slab 也越大（kmalloc-1k：4 CPU 用 4 页，1 CPU 用 2 页）。");
    }

    private Slab cutPage(LessonContext ctx, SlabMachine machine, KmemCache cache) {
        ctx.step("A new slab: one page, 64 objects", "一页切成 64 个对象");
        KmemCacheLayout s = cache.layout();
        long pfn = machine.buddy().allocPages(s.order(), Gfp.GFP_KERNEL | Gfp.__GFP_COMP);
        long pa = Pages.pfnPhys(pfn);
        long va = machine.directMap().va(pa);
        Slab slab = cache.newSlab(va, s.order());
        ctx.say("The cache has no slab yet. allocate_slab() asks the buddy allocator for an order-"
                        + s.order() + " block",
                "(alloc_pages(GFP_KERNEL | __GFP_COMP, " + s.order() + ")), and gets:",
                String.format(Locale.ROOT, "  pfn %s = physical %s, which the kernel reaches through the direct",
                        hex(pfn), hex(pa)),
                String.format(Locale.ROOT, "  map at %s (= physical + 0xffff888000000000).", hex16(va)),
                "Then it cuts the page into slots and links every slot into the slab's freelist, in",
                "address order: object i sits at page + 64 × i and its link points to object i + 1.");
        ctx.diagram("The slab page, 8 objects per row; n→m: free, link to m; ∅ = NULL / 空闲链表",
                picture(slab));
        ctx.say("");
        ctx.say(Tone.EMPHASIS, String.format(Locale.ROOT, "%d objects × %d bytes = %d bytes: the page is used to"
                + " the last byte.", slab.objects(), s.size(), (long) slab.objects() * s.size()));
        long obj0 = slab.objectAddress(0);
        long word = machine.directMap().readLong(cache.freePointerAddress(obj0));
        ctx.say("The links really are in the page. Read 8 bytes at object 0 + 32:",
                String.format(Locale.ROOT, "  [%s] = %s = object 1's address", hex16(obj0 + s.offset()), hex16(word)),
                "slab->freelist (in struct slab, outside the page) points to object 0; the chain ends",
                "with NULL in object 63. 链表就存放在这一页里：对象 0 的第 32 字节处是对象 1 的地址。");
        return slab;
    }

    private void allocAndFree(LessonContext ctx, SlabMachine machine, KmemCache cache, Slab slab) {
        ctx.step("Allocate and free: a stack", "分配与释放：后进先出");
        ctx.say("Allocating takes the head of the freelist: object = freelist; freelist = its link.",
                "Freeing pushes the object back on the head: its link = freelist; freelist = object.",
                "Both are a couple of memory accesses: no search, no size to look up.");
        List<String> rows = new ArrayList<>();
        long a = slab.allocObject();
        rows.add(line("a = kmem_cache_alloc()", slab, a));
        long b = slab.allocObject();
        rows.add(line("b = kmem_cache_alloc()", slab, b));
        long c = slab.allocObject();
        rows.add(line("c = kmem_cache_alloc()", slab, c));
        slab.freeObject(b);
        rows.add(line("kmem_cache_free(b)", slab, b));
        long d = slab.allocObject();
        rows.add(line("d = kmem_cache_alloc()", slab, d));
        ctx.diagram("Five operations / 五次操作", rows);
        ctx.say("");
        ctx.say(Tone.EMPHASIS, "d == b: the object freed last is handed out first (" + hex16(d) + ").");
        ctx.say("That is on purpose: its bytes were just touched, so they are likely still in the CPU",
                "cache. The price: whatever b's old owner left in it is still there unless the caller",
                "asks for __GFP_ZERO (kmem_cache_zalloc). And a pointer used after kfree() now reads",
                "or writes d's data: the use-after-free bugs the \"freelist\" lesson attacks.",
                "刚释放的对象最先被再次分配（缓存热），这也是 use-after-free 漏洞的根源。");
        ctx.diagram("The slab now (objects 0, 1, 2 in use) / 现在的 slab", picture(slab).subList(0, 3));
    }

    private static String line(String op, Slab slab, long object) {
        int index = slab.objToIndex(object);
        return String.format(Locale.ROOT, "%-24s object %2d  %s   inuse %d, freelist → object %d", op, index,
                hex16(object), slab.inuse(), slab.objToIndex(slab.freelist()));
    }

    private void debugLayout(LessonContext ctx, SlubParams params) {
        ctx.step("The same cache with slub_debug", "打开 slub_debug 之后");
        ctx.say("Booting with slub_debug=FZPU (consistency checks, red zones, poison, user tracking)",
                "changes the layout: guard bytes around each object, the free pointer moved out of the",
                "object (a free object is filled with the poison 0x6b, so it cannot hold the link),",
                "and who-allocated / who-freed records. The slot grows from 64 to:");
        SlubParams debug = params.withSlubDebug(SlabFlags.DEBUG_DEFAULT_FLAGS);
        KmemCacheLayout s = KmemCacheLayout.calculateSizes(KmemCacheArgs.kmalloc("kmalloc-64", 64, 0), debug);
        ctx.diagram("calculate_sizes(kmalloc-64) with slub_debug=FZPU", describe(s));
        ctx.say("");
        ctx.say(Tone.EMPHASIS, String.format(Locale.ROOT, "%d bytes per 64-byte object, %d objects per page"
                + " instead of 64: the price of debugging.", s.size(), s.objects()));
        ctx.say("The \"freelist\" lesson makes these red zones and poison catch real bugs.",
                "调试模式在对象两侧加红区（redzone）、用 0x6b 填充空闲对象，并记录分配/释放者。");
    }

    private void slabinfo(LessonContext ctx, SlabMachine machine, SlubParams params) {
        ctx.step("/proc/slabinfo: what caches hold", "查看 slab 信息");
        ctx.say("How do we look at the slab caches of a running kernel (q35)? sudo cat /proc/slabinfo",
                "(root only), or slabtop, which reads it and sorts it; /sys/kernel/slab/<cache>/ has",
                "one file per number. Let a fresh kmalloc-64 cache serve 100 allocations on CPU 0:");
        SlubCache cache = new SlubCache(
                machine.create(KmemCacheArgs.kmalloc("kmalloc-64", 64, 0), params, SlubConfig.NONE, 2),
                SlabPageSource.of(machine.buddy()), SlabMachine.CPUS, true);
        long freeBefore = machine.buddy().freePageCount();
        List<Long> objects = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            objects.add(cache.alloc(Gfp.GFP_KERNEL));
        }
        List<String> rows = new ArrayList<>();
        rows.add(ProcSlabinfo.VERSION_LINE);
        rows.add("# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> ...");
        rows.add(short100(cache) + "   after 100 allocations");
        String fullLine = ProcSlabinfo.line(cache.slabinfo());
        cache.flushCpu(0);
        rows.add(short100(cache) + "   after CPU 0 let go of its slab");
        for (Long o : objects) {
            cache.free(o);
        }
        rows.add(short100(cache) + "   after 100 frees");
        int returned = cache.shrink();
        rows.add(short100(cache) + "   after kmem_cache_shrink()");
        ctx.diagram("/proc/slabinfo, the kmalloc-64 line (tunables and slabdata columns cut)", rows);
        ctx.say("");
        ctx.say("Read it column by column: active_objs, num_objs (slabs × objperslab), objsize (the",
                "slot size), objperslab, pagesperslab. The first line says 128 active although only 100",
                "are in use: 100 objects need 2 slabs, and the 28 free objects of the slab CPU 0 is",
                "working from are not counted as free: slabinfo only subtracts the free objects on the",
                "node's partial list. Once CPU 0 flushes its slab to that list, active_objs is 100.",
                "After 100 frees still 64 look active: the first free into the full slab 1 put it on",
                "CPU 0's own partial list (the \"slub\" lesson shows why), and slabinfo does not count",
                "those free objects either. Slab 2, on the node list, is empty but kept: a node keeps",
                "up to min_partial = 5 empty slabs for the next burst. kmem_cache_shrink() flushes",
                "the CPUs and gives every empty slab back to the buddy allocator:");
        ctx.say(Tone.EMPHASIS, String.format(Locale.ROOT, "%d slabs returned; buddy free pages"
                + " back to %,d (%s before).", returned, machine.buddy().freePageCount(),
                machine.buddy().freePageCount() == freeBefore ? "same as" : "not the same as"));
        ctx.say("The first line in full, as the kernel prints it. SLUB has no tunables (always 0);",
                "slabdata gives active_slabs = num_slabs = 2 and sharedavail 0:");
        ctx.diagram("one line of /proc/slabinfo (103 columns, broken before slabdata)", cutLine(fullLine));
        ctx.say("slabinfo 只扣除节点 partial 链表上的空闲对象；CPU 持有的 slab 的空闲对象算活跃。");
    }

    /** The first six columns of the cache's slabinfo line. */
    private static String short100(SlubCache cache) {
        String line = ProcSlabinfo.line(cache.slabinfo());
        return line.substring(0, line.indexOf(" : "));
    }

    /** A slabinfo line is 103 characters wide; break it before "slabdata" to fit 90 columns. */
    static List<String> cutLine(String line) {
        int at = line.indexOf(" : slabdata");
        return List.of(line.substring(0, at), "                                  " + line.substring(at));
    }

    private void summary(LessonContext ctx) {
        ctx.step("What to remember", "要点");
        ctx.say("q33  Small objects come from slab caches: kmem_cache_create() fixes the slot layout",
                "     (calculate_sizes) and the slab size (calculate_order: enough objects, little",
                "     waste); a slab is 2^order pages from the buddy allocator cut into equal slots;",
                "     free slots are linked through their own bytes; alloc pops, free pushes (LIFO).",
                "q35  /proc/slabinfo (root) or slabtop: active_objs, num_objs, objsize, objperslab,",
                "     pagesperslab, num_slabs; /sys/kernel/slab/<cache>/ has the rest.",
                "kmalloc(n) is the same thing with a ready-made cache per size class (kmalloc-8 ... 8k).",
                "Try it on your own machine: sudo slabtop -o | head -20");
    }

    /** KmemCacheLayout.describe() as lines, long ones wrapped to fit the frame. */
    static List<String> describe(KmemCacheLayout s) {
        List<String> lines = new ArrayList<>();
        for (String line : s.describe().split("\n")) {
            line = line.replace("(1 pages)", "(1 page)");
            if (line.length() <= 84) {
                lines.add(line);
                continue;
            }
            int cut = line.indexOf(", offset");
            if (cut > 0) {
                lines.add(line.substring(0, cut + 1));
                lines.add("  " + line.substring(cut + 2));
                continue;
            }
            cut = line.indexOf("; flags ");
            lines.add(line.substring(0, cut + 1));
            for (String part : TextWrap.wrap(line.substring(cut + 2).replace("|", " | "), 76)) {
                lines.add("    " + part);
            }
        }
        return lines;
    }

    /** The slab's objects, 8 a row: "n→m" for a free object linking to m, "n used" for one in use. */
    static List<String> picture(Slab slab) {
        KmemCacheLayout s = slab.cache().layout();
        int[] next = new int[slab.objects()];
        boolean[] free = new boolean[slab.objects()];
        List<Long> list = slab.freelistObjects();
        for (int i = 0; i < list.size(); i++) {
            int index = slab.objToIndex(list.get(i));
            free[index] = true;
            next[index] = i + 1 < list.size() ? slab.objToIndex(list.get(i + 1)) : -1;
        }
        List<String> rows = new ArrayList<>();
        for (int row = 0; row * PER_ROW < slab.objects(); row++) {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "+%#06x ",
                    s.objectOffset(row * PER_ROW)));
            for (int i = row * PER_ROW; i < Math.min(slab.objects(), (row + 1) * PER_ROW); i++) {
                String cell = free[i] ? String.format(Locale.ROOT, "%2d→%s", i, next[i] < 0 ? "∅" : next[i])
                        : String.format(Locale.ROOT, "%2d ██", i);
                sb.append(String.format(Locale.ROOT, " %-7s", cell));
            }
            rows.add(sb.toString().stripTrailing());
        }
        return rows;
    }
}
