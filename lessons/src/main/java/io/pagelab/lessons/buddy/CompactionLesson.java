package io.pagelab.lessons.buddy;

import static io.pagelab.lessons.buddy.FreeBlocks.hex;

import io.pagelab.api.Gfp;
import io.pagelab.api.error.OutOfMemoryException;
import io.pagelab.hardware.Machine;
import io.pagelab.kernel.boot.BootMemory;
import io.pagelab.kernel.boot.BootMemoryResult;
import io.pagelab.kernel.boot.FreeAreaInit;
import io.pagelab.kernel.boot.SparseSections;
import io.pagelab.kernel.boot.ZoneLayout;
import io.pagelab.kernel.buddy.BuddyAllocator;
import io.pagelab.kernel.buddy.BuddyConfig;
import io.pagelab.kernel.buddy.Cma;
import io.pagelab.kernel.buddy.MigratedPage;
import io.pagelab.kernel.buddy.MmCoreInit;
import io.pagelab.kernel.buddy.Zone;
import io.pagelab.kernel.compaction.Compaction;
import io.pagelab.kernel.compaction.CompactionRun;
import io.pagelab.kernel.compaction.FragmentationIndex;
import io.pagelab.kernel.memblock.Memblock;
import io.pagelab.kernel.page.MemMap;
import io.pagelab.kernel.procfs.ProcBuddyinfo;
import io.pagelab.kernel.zone.ZoneType;
import io.pagelab.lessons.Lesson;
import io.pagelab.lessons.LessonContext;
import io.pagelab.lessons.Tone;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lesson "compaction": memory compaction and the Contiguous Memory Allocator (mm/compaction.c:
 * {@code compact_zone()}, {@code isolate_migratepages_block()}, {@code isolate_freepages_block()};
 * mm/cma.c: {@code cma_declare_contiguous_nid()}, {@code cma_alloc()}; mm/page_alloc.c:
 * {@code alloc_contig_range()}; Linux 6.6). A 16 MiB zone is cut into a checkerboard of movable
 * pages, measured, then compacted: the migrate scanner walks up from the bottom, the free scanner
 * down from the top, and movable pages are copied from the first to the second. An unmovable page
 * stays where it is. Then a CMA area reserved at boot is lent to movable pages and taken back by
 * {@code cma_alloc()}, which migrates the borrowers out.
 *
 * <p>Interview questions: q24 (migrate types, why only movable pages can be compacted), q25
 * (compaction and CMA: how the kernel finds big physically contiguous blocks).
 *
 * <p>Differs from Linux on purpose: compaction is called directly on one zone for one order (no
 * direct-compaction retry loop, no kcompactd), and the migrated pages are not mapped by any process
 * (the migration hook, which would remap them, is left empty here).
 */
public final class CompactionLesson implements Lesson {

    /** The compaction zone: DMA32 from pfn 0x1000 to 0x2000, 8 pageblocks. */
    private static final long START = 0x1000;
    private static final long END = 0x2000;
    private static final long MIB = 1L << 20;

    @Override
    public String id() {
        return "compaction";
    }

    @Override
    public String titleZh() {
        return "内存规整与 CMA：找到大块连续内存";
    }

    @Override
    public String titleEn() {
        return "Compaction and CMA: finding big contiguous blocks";
    }

    @Override
    public List<String> questions() {
        return List.of("q24", "q25");
    }

    @Override
    public void run(LessonContext ctx) {
        ctx.banner(this);
        BuddyAllocator buddy = smallMachine();
        Zone zone = buddy.zone(0, ZoneType.DMA32);
        checkerboard(ctx, buddy, zone);
        compact(ctx, buddy, zone);
        unmovable(ctx);
        cma(ctx);
        summary(ctx);
    }

    /** A node of 16 MiB, pfns 0x1000..0x1fff, all in DMA32, vm.min_free_kbytes = 0. */
    private static BuddyAllocator smallMachine() {
        Memblock mb = new Memblock();
        mb.addNode(START << 12, (END - START) << 12, 0, 0);
        SparseSections sections = SparseSections.of(mb);
        ZoneLayout layout = FreeAreaInit.zoneSizesInit(mb, END, false, sections);
        return MmCoreInit.init(mb, layout, sections, END, BuddyConfig.defaults().withMinFreeKbytes(0)).allocator();
    }

    /** Allocates every free page as a movable user page; returns how many. */
    private static int fillMovable(BuddyAllocator buddy) {
        int n = 0;
        while (true) {
            try {
                buddy.allocPages(0, Gfp.GFP_HIGHUSER_MOVABLE | Gfp.__GFP_NOWARN);
                n++;
            } catch (OutOfMemoryException e) {
                return n;
            }
        }
    }

    /** The DMA32 line of /proc/buddyinfo with an order header, columns narrowed. */
    private static List<String> buddyinfo(BuddyAllocator buddy) {
        List<String> rows = new ArrayList<>();
        rows.add("               order ->" + orders());
        for (String line : BuddyLesson.narrow(ProcBuddyinfo.render(buddy))) {
            if (line.contains("DMA32")) {
                rows.add(line);
            }
        }
        return rows;
    }

    private static String orders() {
        StringBuilder sb = new StringBuilder();
        for (int o = 0; o <= BuddyAllocator.MAX_PAGE_ORDER; o++) {
            sb.append(String.format(Locale.ROOT, "%5d", o));
        }
        return sb.substring(3);
    }

    /**
     * One row per pageblock: its first pfn, how many pages are free, and the first 32 frames as
     * '#' (in use) or '.' (free).
     */
    private static List<String> blocks(BuddyAllocator buddy, Zone zone, String left, String right) {
        FreeBlocks free = FreeBlocks.of(zone);
        boolean[] isFree = new boolean[(int) (END - START)];
        for (var e : free.heads()) {
            for (long p = e.getKey(); p < e.getKey() + (1L << e.getValue()); p++) {
                isFree[(int) (p - START)] = true;
            }
        }
        List<String> rows = new ArrayList<>();
        rows.add("block  first pfn  free  first 32 frames (# used, . free)");
        int n = 0;
        for (long pfn = START; pfn < END; pfn += MemMap.PAGEBLOCK_NR_PAGES, n++) {
            int freeCount = 0;
            StringBuilder strip = new StringBuilder();
            for (long p = pfn; p < pfn + MemMap.PAGEBLOCK_NR_PAGES; p++) {
                freeCount += isFree[(int) (p - START)] ? 1 : 0;
                if (p < pfn + 32) {
                    strip.append(isFree[(int) (p - START)] ? '.' : '#');
                }
            }
            String mark = n == 0 ? left : n == 7 ? right : "";
            rows.add(String.format(Locale.ROOT, "%4d   %-9s %5d  %s %s", n, hex(pfn), freeCount, strip, mark).stripTrailing());
        }
        return rows;
    }

    private void checkerboard(LessonContext ctx, BuddyAllocator buddy, Zone zone) {
        ctx.step("A checkerboard of movable pages", "可移动页面组成的棋盘");
        int filled = fillMovable(buddy);
        int freed = 0;
        for (long p = START; p < END; p++) {
            if ((p & 1) == 0) {
                buddy.freePages(p, 0);
                freed++;
            }
        }
        buddy.drainAllPages();
        ctx.say("A small machine: one 16 MiB DMA32 zone, pfn 0x1000 to 0x1fff, 8 pageblocks of 512",
                String.format(Locale.ROOT, "pages. A program takes all %,d pages as user memory (GFP_HIGHUSER_MOVABLE),",
                        filled),
                String.format(Locale.ROOT, "then gives back every page with an even pfn: %,d pages. Each freed page's", freed),
                "buddy is the odd page next to it, still in use, so nothing merges.",
                "用户页面占满内存后，偶数页全部释放：一半空闲，却全是单页，无法合并。");
        ctx.diagram("The zone, pageblock by pageblock / 按页块看区域", blocks(buddy, zone, "", ""));
        ctx.diagram("/proc/buddyinfo", buddyinfo(buddy));
        List<String> rows = new ArrayList<>();
        rows.add("order   fragmentation index (extfrag_index)");
        for (int order : new int[] {0, 1, 3, 9}) {
            int frag = FragmentationIndex.fragmentationIndex(zone, order);
            rows.add(String.format(Locale.ROOT, "%4d    %s", order,
                    frag == FragmentationIndex.ALLOCATION_WOULD_SUCCEED ? "-1.000 (would succeed)" : milli(frag)));
        }
        ctx.diagram("Fragmentation index of DMA32 / 碎片指数", rows);
        long free = zone.freePages();
        ctx.say(String.format(Locale.ROOT, "By hand for order 3: %d free pages in %d blocks: 1000 - (1000 + %d * 1000 / 8)",
                        free, free, free),
                String.format(Locale.ROOT, "/ %d = %d. Close to 1000: the memory is there, only in pieces too small.",
                        free, 1000 - (1000 + free * 1000 / 8) / free),
                "An order-3 request (8 contiguous pages, 32 KiB) fails although 8 MiB are free.");
    }

    private void compact(LessonContext ctx, BuddyAllocator buddy, Zone zone) {
        ctx.step("Two scanners: compacting for order 3", "两个扫描器：为 3 阶规整");
        ctx.say("compact_zone() runs two scanners over the zone:",
                " - the MIGRATE scanner starts at the bottom and walks UP, picking movable pages in use",
                "   (32 at a time, COMPACT_CLUSTER_MAX);",
                " - the FREE scanner starts at the top pageblock and walks DOWN, picking free pages.",
                "Each picked page is copied to a free page from the top, and the old one is freed. When",
                "the scanners meet, every movable page is at the top and the free space at the bottom.",
                "迁移扫描器从底部向上找在用的可移动页，空闲扫描器从顶部向下找空闲页，二者相遇即结束。");
        ctx.diagram("Before / 规整之前", blocks(buddy, zone, "<- migrate, goes up", "<- free, goes down"));
        CompactionRun run = Compaction.compactZone(buddy, zone, 3);
        List<MigratedPage> moves = run.moves();
        List<String> rows = new ArrayList<>();
        int[] shown = {0, 1, 2, moves.size() - 1};
        for (int i : shown) {
            MigratedPage m = moves.get(i);
            rows.add(String.format(Locale.ROOT, "move %3d: pfn %s -> pfn %s%s", i + 1, hex(m.oldPfn()),
                    hex(m.newPfn()), i == 2 ? "   ..." : ""));
        }
        ctx.diagram(String.format(Locale.ROOT, "%d moves, old pfn -> new pfn / 迁移记录", moves.size()), rows);
        ctx.say(String.format(Locale.ROOT,
                        "Result: %s. The k-th odd page of block 0 went to the k-th even page of block 7.",
                        run.result()),
                "compact_finished() stops as soon as a free block of the order exists AND the migrate",
                "scanner has finished its pageblock: after block 0, which is now wholly free.",
                "第 0 块的奇数页被逐一复制到第 7 块的偶数页里，第 0 块整块空闲。");
        ctx.diagram("After / 规整之后", blocks(buddy, zone, "<- migrate stopped", "<- free took 256"));
        List<String> counters = new ArrayList<>();
        counters.add(String.format(Locale.ROOT, "compact_stall            %d", run.compactStall()));
        counters.add(String.format(Locale.ROOT, "compact_success          %d", run.compactSuccess()));
        counters.add(String.format(Locale.ROOT, "compact_migrate_scanned  %d", run.compactMigrateScanned()));
        counters.add(String.format(Locale.ROOT, "compact_free_scanned     %d", run.compactFreeScanned()));
        counters.add(String.format(Locale.ROOT, "compact_isolated         %d", run.compactIsolated()));
        counters.add(String.format(Locale.ROOT, "pgmigrate_success        %d", run.pgmigrateSuccess()));
        counters.add(String.format(Locale.ROOT, "pgmigrate_fail           %d", run.pgmigrateFail()));
        ctx.diagram("/proc/vmstat, what this run added / 计数器", counters);
        ctx.say("migrate_scanned: the 512 frames of block 0. isolated counts both sides: 256 pages to",
                "move plus 256 free pages to move them into. free_scanned is one less than 512: the",
                "free scanner starts each batch on the page where it stopped.");
        ctx.diagram("/proc/buddyinfo", buddyinfo(buddy));
        ctx.say(String.format(Locale.ROOT, "One order-9 block (pfn %s, 2 MiB) is back; the order-3 request can now be met.",
                        hex(START)),
                "Had we asked compaction to keep going, blocks 0-3 would empty into blocks 7-4 and the",
                "scanners would meet in the middle, at pfn 0x1800.");
    }

    private void unmovable(LessonContext ctx) {
        ctx.step("A page compaction cannot move", "规整无法移动的页面");
        BuddyAllocator buddy = smallMachine();
        Zone zone = buddy.zone(0, ZoneType.DMA32);
        long kernelPage = buddy.allocPages(0, Gfp.GFP_KERNEL);
        fillMovable(buddy);
        for (long p = START; p < END; p++) {
            if ((p & 1) == 0 && p != kernelPage) {
                buddy.freePages(p, 0);
            }
        }
        buddy.drainAllPages();
        ctx.say("Same machine, same checkerboard, but first the kernel takes one page for itself:",
                String.format(Locale.ROOT, "alloc_pages(GFP_KERNEL, 0) -> pfn %s, in pageblock %d. A kernel page is",
                        hex(kernelPage), (kernelPage - START) / MemMap.PAGEBLOCK_NR_PAGES),
                "reached through its physical address (the direct map), so nobody could be told that",
                "it moved: isolate_migratepages_block() skips it. Compacting for order 9 (2 MiB):",
                "内核页面通过物理地址访问，无法迁移：规整扫描器会跳过它。");
        CompactionRun run = Compaction.compactZone(buddy, zone, 9);
        boolean touched = false;
        for (MigratedPage m : run.moves()) {
            touched |= m.oldPfn() == kernelPage;
        }
        List<String> rows = new ArrayList<>();
        rows.add(String.format(Locale.ROOT, "result %s, %d pages moved, first %s -> %s", run.result(),
                run.moves().size(), hex(run.moves().get(0).oldPfn()), hex(run.moves().get(0).newPfn())));
        rows.add(String.format(Locale.ROOT, "kernel page %s moved? %s; movable? %s", hex(kernelPage),
                touched ? "yes" : "no", buddy.pageMovable(kernelPage) ? "yes" : "no"));
        ctx.diagram("compact_zone(order 9)", rows);
        ctx.diagram("/proc/buddyinfo", buddyinfo(buddy));
        List<Long> big = FreeBlocks.of(zone).list(9);
        ctx.say(String.format(Locale.ROOT, "Block 0 is free around the kernel page: 1 + 2 + 4 + ... + 256 = 511 pages, one"),
                "block of each order 0 to 8, which can never merge into an order-9 block while it",
                String.format(Locale.ROOT, "stays. So compaction had to empty block 1 too; the 2 MiB block is at pfn %s.",
                        big.isEmpty() ? "none" : hex(big.get(0))),
                "One pinned page spoils a whole pageblock: why the kernel keeps unmovable pages",
                "together in their own pageblocks (migrate types).",
                "一个钉住的页面就毁掉整个页块，所以不可移动页面要集中在自己的页块里。");
    }

    private void cma(LessonContext ctx) {
        ctx.step("CMA: an area lent to movable pages", "CMA：借给可移动页面的区域");
        BootMemoryResult boot = BootMemory.boot(Machine.qemu128M().firmware());
        Cma cma = Cma.declareContiguous(boot.memblock(), 64 * MIB, "reserved");
        ctx.say("Some devices (a camera, an old DMA engine without IOMMU) need megabytes of physically",
                "contiguous memory. Compaction may not find them. CMA (cma=64M on the command line)",
                "sets an area aside at boot from memblock, before the buddy allocator exists:",
                "CMA 在启动时从 memblock 预留一块区域。");
        MmCoreInit.Result init = MmCoreInit.init(boot, BuddyConfig.defaults(), List.of(cma));
        List<String> log = new ArrayList<>();
        log.add(cma.reservedLine());
        log.add(init.report().get(1));
        ctx.kernelLog(KernelLines.fit(log));
        BuddyAllocator buddy = init.allocator();
        Zone dma32 = buddy.zone(0, ZoneType.DMA32);
        long base = cma.basePfn();
        long end = base + cma.count();
        ctx.say(String.format(Locale.ROOT, "128 MiB machine, no room above 4 GiB, so the area is taken top-down: pfn %s",
                        hex(base)),
                String.format(Locale.ROOT, "to %s, %,d pages, every pageblock typed MIGRATE_CMA. The area is NOT wasted:",
                        hex(end - 1), cma.count()),
                "its pages go to the buddy allocator on a CMA free list, which only MOVABLE requests",
                "may use. When free CMA pages are more than half of the zone's free pages, __rmqueue()",
                "even prefers them, to keep ordinary memory for the rest.",
                "CMA 区域并不闲置：只有可移动分配可以借用它。");
        List<MigratedPage> remaps = new ArrayList<>();
        buddy.setMigrationHook((oldPfn, newPfn, order) -> remaps.add(new MigratedPage(oldPfn, newPfn, order)));
        List<String> rows = new ArrayList<>();
        List<Long> user = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            long pfn = buddy.allocPages(0, Gfp.GFP_HIGHUSER_MOVABLE);
            user.add(pfn);
            rows.add(String.format(Locale.ROOT, "GFP_HIGHUSER_MOVABLE -> pfn %s  %s", hex(pfn), where(pfn, base, end)));
        }
        long kernel = buddy.allocPages(0, Gfp.GFP_KERNEL);
        rows.add(String.format(Locale.ROOT, "GFP_KERNEL           -> pfn %s  %s", hex(kernel), where(kernel, base, end)));
        ctx.diagram("Who lands where / 谁落在哪里", rows);
        ctx.say("The user pages borrow the area; the kernel page never does: an unmovable page there",
                "would make the area impossible to take back.",
                String.format(Locale.ROOT, "Free CMA pages in DMA32 now: %,d of %,d.", dma32.freeCmaPages(),
                        dma32.cmaPages()));

        ctx.step("cma_alloc: taking the area back", "cma_alloc：收回区域");
        long want = cma.count();
        ctx.say(String.format(Locale.ROOT, "A driver asks for %,d contiguous pages (64 MiB): cma_alloc(cma, %d, 0). The",
                        want, want),
                "CMA bitmap says which part of the area is unused; alloc_contig_range() then isolates",
                "the range (MIGRATE_ISOLATE), migrates every movable page in it to memory outside, and",
                "takes the now free pages out of the buddy lists.",
                "alloc_contig_range() 把借用者迁移出去，再把整段交给驱动。");
        long got = cma.alloc(want, 0);
        List<String> moved = new ArrayList<>();
        for (MigratedPage m : remaps) {
            moved.add(String.format(Locale.ROOT, "migrated pfn %s -> pfn %s  %s", hex(m.oldPfn()), hex(m.newPfn()),
                    where(m.newPfn(), base, end)));
        }
        moved.add(String.format(Locale.ROOT, "cma_alloc -> pfn %s .. %s, %,d pages in one piece", hex(got),
                hex(got + want - 1), want));
        ctx.diagram("cma_alloc", moved);
        ctx.say(String.format(Locale.ROOT, "%d borrower(s) were in the range and moved out, their contents copied (the",
                        remaps.size()),
                "migration hook is where the process page tables would be updated). The driver gets",
                String.format(Locale.ROOT, "pfn %s: physical address %s. cma_used: %,d pages; free CMA pages: %,d.",
                        hex(got), hex(got << 12), cma.usedPages(), dma32.freeCmaPages()));
        cma.release(got, want);
        ctx.say(String.format(Locale.ROOT, "cma_release() gives them back: free CMA pages %,d again.",
                dma32.freeCmaPages()));
    }

    private static String where(long pfn, long base, long end) {
        return pfn >= base && pfn < end ? "(inside the CMA area)" : "(outside the CMA area)";
    }

    private static String milli(int value) {
        return String.format(Locale.ROOT, "%s%d.%03d", value < 0 ? "-" : "", Math.abs(value) / 1000,
                Math.abs(value) % 1000);
    }

    private void summary(LessonContext ctx) {
        ctx.step("What to remember", "要点");
        ctx.say("q24  Only MOVABLE pages can be migrated; compaction and CMA both depend on grouping",
                "     pages by mobility, and one unmovable page pins its whole pageblock.",
                "q25  Compaction: a migrate scanner from the bottom and a free scanner from the top",
                "     copy movable pages upwards until a block of the wanted order is free",
                "     (compact_stall, compact_success, pgmigrate_success in /proc/vmstat).",
                "     CMA: an area reserved at boot, lent to movable pages only, and taken back by",
                "     cma_alloc() -> alloc_contig_range(), which migrates the borrowers out.",
                "Try it: cat /proc/buddyinfo; echo 1 > /proc/sys/vm/compact_memory;",
                "        grep -i cma /proc/meminfo");
    }
}
