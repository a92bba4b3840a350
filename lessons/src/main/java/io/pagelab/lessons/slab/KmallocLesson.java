package io.pagelab.lessons.slab;

import static io.pagelab.lessons.slab.SlabMachine.hex;
import static io.pagelab.lessons.slab.SlabMachine.hex16;

import io.pagelab.api.Gfp;
import io.pagelab.api.PageMapping;
import io.pagelab.api.Pages;
import io.pagelab.api.error.OutOfMemoryException;
import io.pagelab.kernel.buddy.BuddyAllocator;
import io.pagelab.kernel.kmalloc.Kmalloc;
import io.pagelab.kernel.kmalloc.KmallocAllocator;
import io.pagelab.kernel.kmalloc.KmallocRoute;
import io.pagelab.kernel.percpu.PcpuAllocInfo;
import io.pagelab.kernel.percpu.PercpuAllocator;
import io.pagelab.kernel.procfs.ProcBuddyinfo;
import io.pagelab.kernel.slub.SlabSizing;
import io.pagelab.kernel.vmalloc.Vmalloc;
import io.pagelab.kernel.vmalloc.VmStruct;
import io.pagelab.lessons.Lesson;
import io.pagelab.lessons.LessonContext;
import io.pagelab.lessons.Tone;
import io.pagelab.lessons.diagram.TextWrap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lesson "kmalloc": the kernel's three general allocators side by side, on one live machine
 * ({@link KmallocMachine}). kmalloc() picks a size class (mm/slab_common.c: kmalloc_slab(),
 * size_index[], __kmalloc_large_node(), __ksize(), Linux 6.x); after the buddy allocator is
 * fragmented so no 64 KiB block is left, kmalloc(64 KiB) fails while vmalloc(64 KiB)
 * (mm/vmalloc.c: __vmalloc_node_range()) builds the area from scattered pages, shown in
 * /proc/vmallocinfo; the costs of vmalloc are measured on the kernel page table; the per-CPU
 * allocator (mm/percpu.c: pcpu_embed_first_chunk(), pcpu_alloc(); arch/x86/kernel/setup_percpu.c)
 * prints its boot line and hands out a counter with one copy per CPU.
 *
 * <p>Interview questions: q38 (kmalloc and kfree), q41 (a large area from fragmented memory),
 * q42 (viewing vmalloc information), q43 (per-CPU memory).
 *
 * <p>Differs from Linux on purpose: the failing kmalloc does not enter direct compaction or
 * reclaim (the simulated pages are all pinned, so neither could help; the narration says what
 * the kernel would try); it is asked with __GFP_NOWARN so the lesson prints the failure itself.
 */
public final class KmallocLesson implements Lesson {

    private static final long KIB = 1024;
    /** The area the lesson asks kmalloc and vmalloc for: 64 KiB = 16 pages = an order-4 block. */
    private static final long BIG = 64 * KIB;
    /** The CPUs of the machine. */
    private static final int CPUS = KmallocMachine.CPUS;

    @Override
    public String id() {
        return "kmalloc";
    }

    @Override
    public String titleZh() {
        return "kmalloc、vmalloc 与 percpu：用哪个，为什么";
    }

    @Override
    public String titleEn() {
        return "kmalloc vs vmalloc vs percpu: which and why";
    }

    @Override
    public List<String> questions() {
        return List.of("q38", "q41", "q42", "q43");
    }

    @Override
    public void run(LessonContext ctx) {
        ctx.banner(this);
        KmallocMachine m = KmallocMachine.boot();

        intro(ctx);
        sizeClasses(ctx, m.kmalloc());
        largeKmalloc(ctx, m);
        fragment(ctx, m.buddy());
        kmallocFails(ctx, m.kmalloc());
        long area = vmallocSucceeds(ctx, m);
        vmallocCost(ctx, m, area);
        percpuBoot(ctx);
        percpuCounter(ctx, m);
        summary(ctx);
    }

    private void intro(LessonContext ctx) {
        ctx.step("Three allocators, three promises", "三种分配器");
        ctx.say("Kernel code that needs memory at run time has three general answers:",
                "  kmalloc(size, gfp)   bytes that are contiguous in PHYSICAL memory, reached through",
                "                       the direct map; small sizes from slab caches, big ones from",
                "                       the buddy allocator;",
                "  vmalloc(size)        bytes contiguous only in VIRTUAL memory: single pages from",
                "                       anywhere, glued together by page-table entries;",
                "  alloc_percpu(type)   one copy of a variable for every CPU, so each CPU touches",
                "                       only its own and no lock is needed.",
                "We boot a 256 MiB, 4-CPU QEMU guest and use all three on it.",
                "kmalloc 物理连续；vmalloc 只保证虚拟连续；percpu 给每个 CPU 一份独立的副本。");
    }

    private void sizeClasses(LessonContext ctx, KmallocAllocator k) {
        ctx.step("kmalloc(n): which cache?", "kmalloc(n) 落在哪个缓存");
        ctx.say("kmalloc does not make a cache per size. It rounds n up to one of 13 size classes,",
                "kmalloc-8 ... kmalloc-8k, the powers of two plus 96 and 192. kmalloc_slab() finds",
                "the class in one of two ways:",
                "  n <= 192:  index = size_index[(n - 1) / 8]  (a 24-entry table; it is where 96 and",
                "             192 come from, and it sends 1..8 to index 3, kmalloc-8)",
                "  n >  192:  index = fls(n - 1)  (the highest set bit, counted from 1: 257..512 → 9)",
                "and kmalloc_caches[index] is the cache. Each call below is real; ksize() asks the",
                "allocator how many bytes the pointer really has.");
        long[] sizes = {0, 1, 13, 64, 70, 100, 150, 200, 300, 1000, 3000, 8192};
        List<String> rows = new ArrayList<>();
        rows.add("kmalloc(n)  how the index is found           index  cache          ksize  slack");
        List<Long> pointers = new ArrayList<>();
        for (long n : sizes) {
            long p = k.kmalloc(n, Gfp.GFP_KERNEL);
            pointers.add(p);
            long ks = k.ksize(p);
            KmallocRoute route = Kmalloc.route(n);
            if (route instanceof KmallocRoute.ZeroSize) {
                rows.add(String.format(Locale.ROOT, "%10d  %-33s  %5s  %-12s %6d  %5s", n,
                        "size 0: no memory at all", "-", "ZERO_SIZE_PTR", ks, "-"));
                continue;
            }
            KmallocRoute.SlabCache c = (KmallocRoute.SlabCache) route;
            String how = n <= 192
                    ? String.format(Locale.ROOT, "size_index[(%d-1)/8 = %d] = %d", n, (n - 1) / 8, c.index())
                    : String.format(Locale.ROOT, "fls(%d - 1) = fls(%s) = %d", n, hex(n - 1), c.index());
            rows.add(String.format(Locale.ROOT, "%10d  %-33s  %5d  %-12s %6d  %5d", n, how, c.index(), c.name(),
                    ks, ks - n));
        }
        ctx.diagram("kmalloc_slab() for twelve sizes / 十二种大小各进哪个缓存", rows);
        ctx.say("");
        ctx.say(Tone.EMPHASIS, "kmalloc(100) gets 128 bytes: 28 are slack, but ksize() says they may be used.");
        ctx.say("Rounding up wastes on average a quarter of the object (3000 bytes → 4096 here, 1096",
                "lost); that is the price of a free that needs no size: kfree(p) finds p's slab page",
                "(virt_to_slab), the slab names its cache, and the object goes back on that cache's",
                "freelist. kmalloc(0) is not NULL: it returns ZERO_SIZE_PTR = (void *)16, a pointer",
                "that faults if used, and kfree() ignores it like NULL.",
                "向上取整到 2 的幂（或 96/192）；kfree 不需要大小：从地址找到 slab，再找到缓存。");
        for (long p : pointers) {
            k.kfree(p);
        }
    }

    private void largeKmalloc(LessonContext ctx, KmallocMachine m) {
        ctx.step("Above 8 KiB: the buddy allocator", "超过 8 KiB：找伙伴系统");
        KmallocAllocator k = m.kmalloc();
        long n = 20000;
        int order = SlabSizing.getOrder(n);
        long p = k.kmalloc(n, Gfp.GFP_KERNEL);
        long pfn = (p - m.directMap().pageOffset()) >>> Pages.PAGE_SHIFT;
        ctx.say("KMALLOC_MAX_CACHE_SIZE is 8 KiB. Anything bigger skips the slab caches:",
                "__kmalloc_large_node() asks for a compound page of get_order(n) pages.",
                String.format(Locale.ROOT, "  kmalloc(%d): %d bytes = %.2f pages → %d pages → order %d (%d pages)",
                        n, n, n / 4096.0, (n + 4095) / 4096, order, 1 << order),
                String.format(Locale.ROOT, "  p = %s, pfn %s-%s: %d physically contiguous pages", hex16(p), hex(pfn),
                        hex(pfn + (1 << order) - 1), 1 << order),
                String.format(Locale.ROOT, "  ksize() = %d: %d bytes of slack (a power of two of pages)", k.ksize(p),
                        k.ksize(p) - n),
                "The largest kmalloc is KMALLOC_MAX_SIZE = 4 MiB, one order-10 block (MAX_PAGE_ORDER);",
                "kmalloc(5 MiB) returns NULL at once (" + describe(Kmalloc.route(5L << 20)) + ").",
                "kfree(p) sees p's page is not a slab page and gives the whole block back.",
                "大于 8 KiB 时按页数取整到 2^order，直接向伙伴系统要物理连续的页块。");
        k.kfree(p);
    }

    private static String describe(KmallocRoute route) {
        if (route instanceof KmallocRoute.TooLarge) {
            return "too large for any block";
        }
        return route.toString();
    }

    /** Allocates every free page, then frees 15 of every 16: lots of free memory, no order-4 block. */
    private void fragment(LessonContext ctx, BuddyAllocator buddy) {
        ctx.step("Fragmented memory", "内存碎片化");
        List<String> before = buddyinfo(buddy);
        List<Long> pfns = new ArrayList<>();
        // GFP_KERNEL first (ZONE_DMA32), then GFP_DMA for the 16 MiB ZONE_DMA it leaves alone
        for (int gfp : new int[] {Gfp.GFP_KERNEL, Gfp.GFP_KERNEL | Gfp.GFP_DMA}) {
            while (true) {
                try {
                    pfns.add(buddy.allocPages(0, gfp | Gfp.__GFP_NOWARN));
                } catch (OutOfMemoryException e) {
                    break;
                }
            }
        }
        long kept = 0;
        for (long pfn : pfns) {
            if (pfn % 16 == 15) {
                kept++; // pinned: one page in every aligned group of 16
            } else {
                buddy.freePages(pfn, 0);
            }
        }
        buddy.drainAllPages();
        long free = buddy.freePageCount();
        ctx.say("A long-running machine ends up with free memory in small pieces: a page held by a",
                "driver here, a page-table page there, and the free pages around them cannot merge.",
                "We do that on purpose: take every free page, then give back all but the last page of",
                "every aligned group of 16 (pfn % 16 == 15 stays allocated). In each group the buddy",
                "allocator merges pages 0-7 (order 3), 8-11 (order 2), 12-13 (order 1) and 14 (order 0),",
                "but never all 16: the pinned page 15 is in the way.");
        List<String> rows = new ArrayList<>();
        StringBuilder header = new StringBuilder("order:       ");
        for (int order = 0; order <= BuddyAllocator.MAX_PAGE_ORDER; order++) {
            header.append(String.format(Locale.ROOT, "%6d", order));
        }
        rows.add(header.toString());
        for (String line : before) {
            rows.add("before " + line);
        }
        for (String line : buddyinfo(buddy)) {
            rows.add("after  " + line);
        }
        ctx.diagram("/proc/buddyinfo, free blocks per order / 各阶空闲块数", rows);
        ctx.say("");
        ctx.say(Tone.EMPHASIS, String.format(Locale.ROOT, "%,d pages free (%d MiB), %,d pinned, and not one"
                + " free block of order 4 or more.", free, free * 4096 >> 20, kept));
        ctx.say("内存还剩很多，却没有一块连续 64 KiB（order 4）的空闲块。");
    }

    /**
     * The /proc/buddyinfo lines without "Node 0, zone" and with 6 columns a count (the file's are
     * 7 wide), so they fit the frame: "DMA32      3     3 ...".
     */
    private static List<String> buddyinfo(BuddyAllocator buddy) {
        List<String> lines = new ArrayList<>();
        for (String line : ProcBuddyinfo.render(buddy).split("\n")) {
            String[] words = line.trim().split("\\s+");
            if (words.length < 4) {
                continue;
            }
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-6s", words[3]));
            for (int i = 4; i < words.length; i++) {
                sb.append(String.format(Locale.ROOT, "%6s", words[i]));
            }
            lines.add(sb.toString());
        }
        return lines;
    }

    private void kmallocFails(LessonContext ctx, KmallocAllocator k) {
        ctx.step("kmalloc(64 KiB) finds no block", "kmalloc(64 KiB) 失败");
        ctx.say("64 KiB is above 8 KiB, so kmalloc needs one order-4 block: 16 physically contiguous",
                "pages. There is none:");
        String message;
        try {
            long p = k.kmalloc(BIG, Gfp.GFP_KERNEL | Gfp.__GFP_NOWARN);
            k.kfree(p);
            message = "unexpected: kmalloc succeeded";
        } catch (OutOfMemoryException e) {
            message = e.getMessage();
        }
        List<String> lines = new ArrayList<>();
        for (String line : message.split("\n")) {
            lines.addAll(TextWrap.wrap(line, 80));
        }
        ctx.kernelLog(lines);
        ctx.say("");
        ctx.say("What would the real kernel do? GFP_KERNEL may sleep, so before giving up it wakes",
                "kswapd, tries direct compaction (move movable pages to rebuild a 16-page run) and",
                "direct reclaim. Order 4 is above PAGE_ALLOC_COSTLY_ORDER (3): for such \"costly\"",
                "orders the kernel will not call the OOM killer; after a few tries kmalloc returns",
                "NULL and the caller must cope. Here the pinned pages cannot move, so compaction",
                "could not help either. The caller waits, and then fails.",
                "order 4 属于\"昂贵\"阶：内核会尝试压缩和回收，但不会触发 OOM，最终返回 NULL。");
    }

    private long vmallocSucceeds(LessonContext ctx, KmallocMachine m) {
        ctx.step("vmalloc(64 KiB) from scattered pages", "用零散页拼出 64 KiB");
        Vmalloc v = m.vmalloc();
        long area = v.vmalloc(BIG, "kmalloc_lesson+0x42/0x90");
        VmStruct vm = v.findVmArea(area).orElseThrow();
        ctx.say("vmalloc needs no contiguous block. __vmalloc_node_range():",
                "  1. reserves a vmap_area in the vmalloc range [VMALLOC_START, VMALLOC_END): the lowest",
                "     free range of PAGE_ALIGN(64 KiB) + 1 guard page = 17 pages;",
                "  2. asks the buddy allocator for 16 single pages (order 0), wherever they are;",
                "  3. writes one page-table entry per page (PAGE_KERNEL: present, RW, NX).");
        List<String> rows = new ArrayList<>();
        rows.add("page  virtual address      →  pfn     physical");
        long[] pfns = vm.pfns();
        for (int i = 0; i < pfns.length; i++) {
            long va = area + i * Pages.PAGE_SIZE;
            rows.add(String.format(Locale.ROOT, "%4d  %s  →  %-6s  %s%s", i, hex16(va), hex(v.vmallocToPfn(va)),
                    hex(Pages.pfnPhys(pfns[i])), i == 0 ? "" : String.format(Locale.ROOT, "   (%+d pages)",
                            pfns[i] - pfns[i - 1])));
        }
        long guard = area + pfns.length * Pages.PAGE_SIZE;
        rows.add(String.format(Locale.ROOT, "%4s  %s  →  not mapped: the guard page", "", hex16(guard)));
        ctx.diagram("vmalloc_to_pfn() of each page / 每页的物理页帧", rows);
        ctx.say("");
        int adjacent = 0;
        int lone = 0;
        for (int i = 0; i < pfns.length; i++) {
            adjacent += i > 0 && pfns[i] == pfns[i - 1] + 1 ? 1 : 0;
            lone += pfns[i] % 16 == 14 ? 1 : 0;
        }
        ctx.say(Tone.EMPHASIS, String.format(Locale.ROOT, "Virtually one run of 64 KiB; physically %d pages,"
                + " %s.", pfns.length, adjacent == 0 ? "no two of them side by side"
                        : adjacent + " of them right after the one before"));
        ctx.say(String.format(Locale.ROOT, "%d of the pages are the lone page 14 of a group (pfn %% 16 == 14),"
                        + " straight from", lone),
                "the order-0 free list; the first ones were pages the earlier kfree() calls had left",
                "on this CPU's pcp list. The guard page after the area is never mapped, so code that",
                "runs past the end (a stack or buffer overflow) faults at once instead of scribbling",
                "on the next area.",
                "",
                "How do we look at vmalloc areas (q42)? sudo cat /proc/vmallocinfo: one line per area:",
                "start-end, size (guard page included), the caller, pages=, and the kind of area.");
        List<String> info = new ArrayList<>();
        for (String line : v.vmallocinfo()) {
            info.addAll(cut(line));
        }
        ctx.diagram("/proc/vmallocinfo", info);
        ctx.say("");
        ctx.say(String.format(Locale.ROOT, "Size %d = 17 × 4096: 16 pages + the guard page. pages=16 are the"
                        + " pages behind", vm.size()),
                "it; N0=16 says all 16 are on NUMA node 0. A real machine lists thousands of lines:",
                "module code, kernel thread stacks (CONFIG_VMAP_STACK, 16 KiB + guard), big hash",
                "tables, ioremap'ed device registers (\"ioremap\"). /proc/meminfo sums it as VmallocUsed.",
                "vmalloc 区域的末尾有一个不映射的保护页；用 /proc/vmallocinfo 查看所有区域。");
        return area;
    }

    /** A vmallocinfo line is about 100 columns: break it after the size. */
    private static List<String> cut(String line) {
        if (line.length() <= 84) {
            return List.of(line);
        }
        int at = line.indexOf(' ', line.indexOf('-') + 1);
        while (at < line.length() && line.charAt(at) == ' ') {
            at++;
        }
        at = line.indexOf(' ', at);
        return List.of(line.substring(0, at), "    " + line.substring(at + 1));
    }

    private void vmallocCost(LessonContext ctx, KmallocMachine m, long area) {
        ctx.step("What vmalloc costs", "vmalloc 的代价");
        KmallocAllocator k = m.kmalloc();
        long small = k.kmalloc(64, Gfp.GFP_KERNEL);
        PageMapping direct = m.kernelPageTables().pageTable().lookup(small).orElseThrow();
        PageMapping virt = m.kernelPageTables().pageTable().lookup(area).orElseThrow();
        long perTlbEntry = direct.pageSize() / BIG;
        ctx.say("Compare a kmalloc'd object with the vmalloc area on the kernel page table:");
        List<String> rows = new ArrayList<>();
        rows.add(String.format(Locale.ROOT, "kmalloc(64)  %s  in a %s direct-map page (at pfn %s)", hex16(small),
                size(direct.pageSize()), hex(direct.pfn())));
        rows.add(String.format(Locale.ROOT, "vmalloc      %s  in a %s page of its own   (at pfn %s)", hex16(area),
                size(virt.pageSize()), hex(virt.pfn())));
        ctx.diagram("PageMapping of each address / 两个地址的映射", rows);
        ctx.say("");
        ctx.say(String.format(Locale.ROOT, "  Page tables: the direct map was built at boot with %s pages;"
                        + " it costs nothing", size(direct.pageSize())),
                "    per kmalloc. vmalloc writes 16 PTEs now, clears them on vfree, and the first area in",
                "    a new 2 MiB region needs a new page-table page.",
                String.format(Locale.ROOT, "  TLB reach: one TLB entry maps a whole %s direct-map page (%d areas of"
                        + " 64 KiB);", size(direct.pageSize()), perTlbEntry),
                "    the vmalloc area needs 16 entries, one per 4 KiB page, and misses more often.",
                "  No DMA: a device sees physical addresses and wants one contiguous buffer (unless an",
                "    IOMMU or scatter-gather lists help). Our 16 pages are 16 separate pieces.",
                "  Speed and context: 16 calls to the page allocator, and vfree must flush the TLB on",
                "    every CPU (Linux batches that lazily). vmalloc may sleep: never in an interrupt",
                "    handler or under a spinlock. And vmalloc rounds up to whole pages: vmalloc(100)",
                "    takes a page and a guard page.",
                "vmalloc 需要改页表、占更多 TLB 项、物理不连续不能直接做 DMA，且可能睡眠。");
        k.kfree(small);
    }

    private static String size(long bytes) {
        if (bytes >= 1L << 30) {
            return (bytes >> 30) + " GiB";
        }
        if (bytes >= 1L << 20) {
            return (bytes >> 20) + " MiB";
        }
        return (bytes >> 10) + " KiB";
    }

    private void percpuBoot(LessonContext ctx) {
        ctx.step("Per-CPU memory: the first chunk", "percpu 的第一个 chunk");
        ctx.say("Some data is written all the time by every CPU: statistics counters, per-CPU lists",
                "(SLUB's kmem_cache_cpu, the page allocator's pcp lists). One shared copy would bounce",
                "its cache line between CPUs and need atomics or a lock. Per-CPU memory gives each CPU",
                "its own copy instead.",
                "",
                "At boot setup_per_cpu_areas() calls pcpu_embed_first_chunk(): each possible CPU gets",
                "one UNIT holding, in this order,",
                "  s  static: every DEFINE_PER_CPU variable (the .data..percpu section, copied in)",
                "  r  reserved: 8 KiB kept for the static per-CPU variables of modules",
                "  d  dynamic: room for alloc_percpu() at run time (28 KiB, plus the page rounding)",
                "The unit is then rounded up to the allocation atom, 2 MiB (PMD_SIZE), so it can be",
                "mapped with large pages. With the .data..percpu of a real 6.x kernel (299008 bytes):");
        List<String> log = new ArrayList<>();
        for (int cpus : new int[] {1, CPUS}) {
            PcpuAllocInfo ai = PcpuAllocInfo.embedFirstChunk(KmallocMachine.PERCPU_STATIC, cpus);
            log.add("-- " + cpus + (cpus == 1 ? " CPU" : " CPUs"));
            log.addAll(ai.dumpLines());
            log.add(ai.embeddedLine());
        }
        ctx.kernelLog(log);
        PcpuAllocInfo ai = PcpuAllocInfo.embedFirstChunk(KmallocMachine.PERCPU_STATIC, CPUS);
        ctx.say("");
        PcpuAllocInfo one = PcpuAllocInfo.embedFirstChunk(KmallocMachine.PERCPU_STATIC, 1);
        ctx.say(Tone.EMPHASIS, String.format(Locale.ROOT, "s + r + d = %d + %d + %d = %d bytes = %d pages per"
                        + " CPU, for any CPU count.", ai.staticSize(), ai.reservedSize(), ai.dynSize(),
                ai.sizeSum(), ai.sizeSum() / 4096));
        ctx.say(String.format(Locale.ROOT, "(%d is already a multiple of 4096, so d stays 28 KiB.) What the"
                        + " CPU count changes", ai.sizeSum()),
                String.format(Locale.ROOT, "is u, the unit size. 2 MiB / %d = %.1f, but units must cut the 2 MiB"
                        + " atom", ai.sizeSum(), (double) ai.allocSize() / ai.sizeSum()),
                String.format(Locale.ROOT, "into equal whole pages: 6 and 5 do not, 4 does. So with 4 CPUs the four"
                        + " units share"),
                String.format(Locale.ROOT, "one 2 MiB block, u%d = %s each (\"[0] 0 1 2 3\": group 0, units of"
                        + " CPUs 0-3).", ai.unitSize(), size(ai.unitSize())),
                String.format(Locale.ROOT, "With 1 CPU, three empty units would waste more than a third, so the one"
                        + " unit takes"),
                String.format(Locale.ROOT, "the whole block: u%d = %s. The part of each unit after its 82 used"
                        + " pages", one.unitSize(), size(one.unitSize())),
                "goes back to memblock. When the dynamic area is full, pcpu_alloc() creates new chunks",
                "in the vmalloc range, again one unit per CPU, at the same offset in every unit.",
                "每个 CPU 一个 unit：静态区 s、模块保留区 r、动态区 d；CPU 数只影响 unit 大小 u。");
    }

    private void percpuCounter(LessonContext ctx, KmallocMachine m) {
        ctx.step("alloc_percpu(): one counter, 4 copies", "一个计数器，四份副本");
        PercpuAllocator pcpu = m.percpu();
        long counter = pcpu.alloc(Long.BYTES, Long.BYTES);
        ctx.say("A driver counts packets without a lock:",
                "    u64 __percpu *rx = alloc_percpu(u64);        /* once, at probe time */",
                "    this_cpu_inc(*rx);                           /* on each packet, any CPU */",
                "alloc_percpu() returns one pointer. It is not an address you may dereference: it is",
                "an offset into the per-CPU space. CPU n's copy is at",
                "    per_cpu_ptr(ptr, n) = ptr + __per_cpu_offset[n]",
                "and this_cpu_inc() reaches it relative to %gs, whose base is the running CPU's",
                "__per_cpu_offset: one instruction, no lock, no atomic, no cache line shared.",
                String.format(Locale.ROOT, "Our first chunk sits at physical %s (taken from memblock at boot), so",
                        hex(m.percpuChunkPa())),
                String.format(Locale.ROOT, "__per_cpu_offset[0] = __va(%s) - __per_cpu_start = %s",
                        hex(m.percpuChunkPa()), hex16(m.percpu().perCpuOffset(0))),
                "(__per_cpu_start is 0 on x86-64: the static section is linked at address 0).",
                String.format(Locale.ROOT, "alloc_percpu(u64) returned ptr = %s: the dynamic area starts right"
                        + " after s + r.", hex(counter)));
        long[] packets = {5, 3, 7, 1};
        List<String> rows = new ArrayList<>();
        rows.add("cpu  __per_cpu_offset[cpu]   per_cpu_ptr(ptr, cpu)   this_cpu_inc ×  *copy");
        long total = 0;
        for (int cpu = 0; cpu < CPUS; cpu++) {
            long copy = pcpu.perCpuPtr(counter, cpu);
            for (int i = 0; i < packets[cpu]; i++) {
                m.directMap().writeLong(copy, m.directMap().readLong(copy) + 1);
            }
        }
        for (int cpu = 0; cpu < CPUS; cpu++) {
            long copy = pcpu.perCpuPtr(counter, cpu);
            long value = m.directMap().readLong(copy);
            total += value;
            rows.add(String.format(Locale.ROOT, "%3d  %s      %s      %12d  %5d", cpu, hex16(pcpu.perCpuOffset(cpu)),
                    hex16(copy), packets[cpu], value));
        }
        ctx.diagram("The four copies of one per-CPU counter / 每个 CPU 的副本", rows);
        ctx.say("");
        ctx.say(Tone.EMPHASIS, String.format(Locale.ROOT, "Copies are %s = %s (one unit) apart; the total"
                + " is their sum: %d.", hex(pcpu.perCpuOffset(1) - pcpu.perCpuOffset(0)),
                size(pcpu.perCpuOffset(1) - pcpu.perCpuOffset(0)), total));
        ctx.say("Reading the total is the slow, rare side: for_each_possible_cpu(cpu) sum +=",
                "*per_cpu_ptr(rx, cpu). That trade (cheap writes, dearer reads) is what percpu is for.",
                "free_percpu(ptr) frees all the copies at once.",
                "写时各写各的副本，读总数时把所有 CPU 的副本加起来。");
        pcpu.free(counter);
    }

    private void summary(LessonContext ctx) {
        ctx.step("Which and why", "用哪个，为什么");
        List<String> rows = new ArrayList<>();
        rows.add("               kmalloc               vmalloc                alloc_percpu");
        rows.add("phys. contig.  yes                   no (page by page)      within each unit");
        rows.add("size           8 B .. 4 MiB          pages, up to RAM       small (≤ 32 KiB)");
        rows.add("rounding       size class / 2^order  whole pages + guard    4-byte granules");
        rows.add("speed          fast (slab freelist)  slow (map, TLB flush)  fast to use, slow to sum");
        rows.add("atomic ctx     yes with GFP_ATOMIC   no, may sleep          usually no (may sleep)");
        rows.add("DMA            yes                   no                     no");
        rows.add("use it for     most objects,         big tables, modules,   statistics, per-CPU");
        rows.add("               buffers, DMA          stacks, big buffers    caches and lists");
        ctx.diagram("kmalloc vs vmalloc vs percpu", rows);
        ctx.say("");
        ctx.say("q38  kmalloc rounds n to a size class (size_index for ≤ 192 bytes, fls(n - 1) above)",
                "     and takes an object from that kmalloc-N slab cache; above 8 KiB it takes 2^order",
                "     pages from the buddy allocator. kfree finds the slab (or the compound page) from",
                "     the address alone. ksize() tells the real size; kmalloc(0) = ZERO_SIZE_PTR.",
                "q41  Fragmented memory still has pages, just no big runs: vmalloc maps single pages",
                "     into one virtual range (kvmalloc() tries kmalloc first and falls back to it).",
                "q42  /proc/vmallocinfo (root): each area's range, size with guard page, caller, pages.",
                "q43  Per-CPU memory is a chunk with one unit per CPU; alloc_percpu() returns an offset",
                "     and per_cpu_ptr(ptr, cpu) = ptr + __per_cpu_offset[cpu] is that CPU's copy.",
                "默认用 kmalloc；很大且不要求物理连续用 vmalloc（kvmalloc）；每 CPU 频繁写用 percpu。");
    }
}
