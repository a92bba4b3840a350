package io.pagelab.lessons.buddy;

import static io.pagelab.lessons.buddy.FreeBlocks.hex;

import io.pagelab.api.Gfp;
import io.pagelab.hardware.Machine;
import io.pagelab.kernel.boot.BootMemory;
import io.pagelab.kernel.buddy.BuddyAllocator;
import io.pagelab.kernel.buddy.MmCoreInit;
import io.pagelab.kernel.buddy.Zone;
import io.pagelab.kernel.compaction.CompactionSuitable;
import io.pagelab.kernel.compaction.FragmentationIndex;
import io.pagelab.kernel.page.MemMap;
import io.pagelab.kernel.procfs.ProcBuddyinfo;
import io.pagelab.kernel.procfs.ProcPagetypeinfo;
import io.pagelab.kernel.zone.MigrateType;
import io.pagelab.kernel.zone.ZoneType;
import io.pagelab.lessons.Lesson;
import io.pagelab.lessons.LessonContext;
import io.pagelab.lessons.Tone;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lesson "migratetype": grouping pages by mobility (mm/page_alloc.c, Linux 6.x). Every 2 MiB
 * pageblock has a migratetype; an allocation takes from its own type's free lists, and when they
 * are empty {@code __rmqueue_fallback()} steals from another type following the fallbacks[]
 * table, taking the LARGEST block so whole pageblocks change type. Then a zone is fragmented on
 * purpose and measured with /proc/pagetypeinfo, the unusable free index and the fragmentation
 * index of mm/vmstat.c ({@code __fragmentation_index()}), as /sys/kernel/debug/extfrag shows them.
 *
 * <p>Interview questions: q24 (migrate types and why the kernel groups pages by mobility), q32
 * (how external fragmentation is measured and when compaction helps).
 *
 * <p>Differs from Linux on purpose: allocations go straight to the zone's free lists (no per-CPU
 * lists), and compaction itself is only judged (compaction_suitable), not run.
 */
public final class MigratetypeLesson implements Lesson {

    @Override
    public String id() {
        return "migratetype";
    }

    @Override
    public String titleZh() {
        return "迁移类型与反碎片化";
    }

    @Override
    public String titleEn() {
        return "Migrate types and anti-fragmentation";
    }

    @Override
    public List<String> questions() {
        return List.of("q24", "q32");
    }

    @Override
    public void run(LessonContext ctx) {
        ctx.banner(this);
        BuddyAllocator buddy = MmCoreInit.init(BootMemory.boot(Machine.qemu128M().firmware())).allocator();
        Zone dma32 = buddy.zone(0, ZoneType.DMA32);
        Zone dma = buddy.zone(0, ZoneType.DMA);

        pageblocks(ctx, buddy, dma, dma32);
        steal(ctx, buddy, dma32);
        fragment(ctx, buddy, dma);
        indices(ctx, buddy, dma);
        summary(ctx);
    }

    /** One character per pageblock of {@code zone}: U, M, R, H, C, I by migratetype. */
    private static String blockMap(BuddyAllocator buddy, Zone zone) {
        StringBuilder sb = new StringBuilder();
        long first = zone.startPfn() & ~(long) (MemMap.PAGEBLOCK_NR_PAGES - 1);
        for (long pfn = first; pfn < zone.endPfn(); pfn += MemMap.PAGEBLOCK_NR_PAGES) {
            sb.append("UMRHCI".charAt(buddy.pageblockMigratetype(Math.max(pfn, zone.startPfn()))));
        }
        return sb.toString();
    }

    private static int countBlocks(BuddyAllocator buddy, Zone zone, int mt) {
        int n = 0;
        for (char c : blockMap(buddy, zone).toCharArray()) {
            n += "UMRHCI".charAt(mt) == c ? 1 : 0;
        }
        return n;
    }

    private void pageblocks(LessonContext ctx, BuddyAllocator buddy, Zone dma, Zone dma32) {
        ctx.step("Pageblocks and their migrate types", "页块与迁移类型");
        ctx.say("The buddy allocator alone would mix all kinds of pages. Then one page the kernel can",
                "never move (a page table, a slab of inodes) in the middle of free memory stops the",
                "neighbours from ever merging into a big block again. So Linux sorts by MOBILITY:",
                " - Unmovable: kernel memory at a fixed physical address (GFP_KERNEL);",
                " - Movable: user pages and page cache, which compaction can migrate (__GFP_MOVABLE);",
                " - Reclaimable: caches the kernel can drop, like dentries (__GFP_RECLAIMABLE).",
                "按\"可移动性\"分组：不可移动、可移动、可回收的页面各自放在不同的页块里。",
                "",
                String.format(Locale.ROOT, "The unit is the pageblock: 2^%d = %d pages (2 MiB). Every pageblock has one type,",
                        MemMap.PAGEBLOCK_ORDER, MemMap.PAGEBLOCK_NR_PAGES),
                "and each zone keeps a free list per order AND per type:",
                "free_area[order].free_list[type].",
                "Our 128 MiB machine, one character per pageblock (U = Unmovable, M = Movable):");
        List<String> rows = new ArrayList<>();
        rows.add(String.format(Locale.ROOT, "DMA   (%2d blocks) %s", blockMap(buddy, dma).length(), blockMap(buddy, dma)));
        rows.add(String.format(Locale.ROOT, "DMA32 (%2d blocks) %s", blockMap(buddy, dma32).length(), blockMap(buddy, dma32)));
        ctx.diagram("Pageblock migrate types at boot / 启动时各页块的类型", rows);
        ctx.say("At boot memmap_init() marks every pageblock Movable, except where the block's first",
                "page is not RAM: DMA's block 0 starts at pfn 0, a hole, so it stays 0 = Unmovable.",
                "Most memory is expected to be movable user memory; other types take blocks as needed.");
    }

    private void steal(LessonContext ctx, BuddyAllocator buddy, Zone zone) {
        ctx.step("Unmovable steals a pageblock", "不可移动的分配偷走页块");
        ctx.say("The kernel asks for one page: alloc_pages(GFP_KERNEL, 0), an Unmovable request. Every",
                "Unmovable list of DMA32 is empty. __rmqueue_fallback() then follows the fallbacks[]",
                "table, which says whose lists a type may borrow from, in this order:");
        List<String> table = new ArrayList<>();
        for (MigrateType mt : List.of(MigrateType.UNMOVABLE, MigrateType.MOVABLE, MigrateType.RECLAIMABLE)) {
            List<String> names = new ArrayList<>();
            for (int f : MigrateType.fallbacks(mt.id())) {
                names.add(MigrateType.nameOf(f));
            }
            table.add(String.format(Locale.ROOT, "%-12s → %s", mt.typeName(), String.join(", ", names)));
        }
        ctx.diagram("fallbacks[] / 后备顺序", table);
        int unmovableBefore = countBlocks(buddy, zone, MigrateType.MIGRATE_UNMOVABLE);
        int movableBefore = countBlocks(buddy, zone, MigrateType.MIGRATE_MOVABLE);
        long[] biggest = zone.freeList(BuddyAllocator.MAX_PAGE_ORDER, MigrateType.MOVABLE);
        long pfn = buddy.allocPages(0, Gfp.GFP_KERNEL);
        ctx.say("The surprise: when it steals, it takes the LARGEST free block of the other type, not",
                "the smallest. A big block covers whole pageblocks, and those whole pageblocks change",
                "type, so the unmovable pages that follow land next to this one instead of being",
                "scattered over many movable blocks.",
                "偷的时候拿最大的块，整块改变类型，让不可移动的页聚在一起。",
                "");
        ctx.say(Tone.EMPHASIS, String.format(Locale.ROOT,
                "GFP_KERNEL order 0 → pfn %s (the head of the order-10 Movable list was %s)", hex(pfn),
                biggest.length == 0 ? "empty" : hex(biggest[0])));
        List<String> rows = new ArrayList<>();
        rows.add("DMA32 pageblocks now: " + blockMap(buddy, zone));
        rows.add(String.format(Locale.ROOT, "Unmovable %d → %d, Movable %d → %d",
                unmovableBefore, countBlocks(buddy, zone, MigrateType.MIGRATE_UNMOVABLE), movableBefore,
                countBlocks(buddy, zone, MigrateType.MIGRATE_MOVABLE)));
        ctx.diagram("After the steal / 偷取之后", rows);
        ctx.say("The order-10 block (4 MiB) is two pageblocks; both became Unmovable and the block was",
                "split for the one page, leaving one free Unmovable block of each order 0 to 9.",
                "/proc/pagetypeinfo shows it (DMA32 only, columns narrowed):");
        ctx.diagram("/proc/pagetypeinfo", pagetypeinfo(buddy, "DMA32"));
    }

    /** The DMA32 (or {@code zone}) lines of /proc/pagetypeinfo for the first three types, narrowed. */
    private static List<String> pagetypeinfo(BuddyAllocator buddy, String zone) {
        List<String> rows = new ArrayList<>();
        rows.add("free blocks at order     0    1    2    3    4    5    6    7    8    9   10");
        boolean counts = false;
        for (String line : ProcPagetypeinfo.render(buddy).split("\n")) {
            if (line.startsWith("Number of blocks")) {
                counts = true;
                rows.add("pageblocks:  Unmovable  Movable  Reclaimable  HighAtomic  CMA  Isolate");
                continue;
            }
            if (!line.contains(" " + zone + ",") && !line.contains(" " + zone + " ")) {
                continue;
            }
            String[] f = line.trim().split("\\s+");
            if (counts) {
                rows.add(String.format(Locale.ROOT, "%-8s %10s %8s %12s %11s %4s %8s", zone, f[4], f[5], f[6], f[7],
                        f[8], f[9]));
            } else if (line.contains("Unmovable") || line.contains("Movable") || line.contains("Reclaimable")) {
                StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-8s %-11s   ", zone, f[5]));
                for (int i = 6; i < f.length; i++) {
                    sb.append(String.format(Locale.ROOT, "%5s", f[i]));
                }
                rows.add(sb.toString());
            }
        }
        return rows;
    }

    private void fragment(LessonContext ctx, BuddyAllocator buddy, Zone zone) {
        ctx.step("Fragmenting a zone on purpose", "故意把一个区域弄碎");
        long movable = 0;
        for (int o = 0; o <= BuddyAllocator.MAX_PAGE_ORDER; o++) {
            movable += (long) zone.freeList(o, MigrateType.MOVABLE).length << o;
        }
        ctx.say("Now the worst case for the small DMA zone. We allocate every free Movable page in it,",
                String.format(Locale.ROOT, "%,d pages one at a time (GFP_DMA | __GFP_MOVABLE), then free every page with an",
                        movable),
                "even pfn. Each freed page's buddy (the odd pfn next to it) is still in use, so no",
                "merge is possible: half the memory is free, in single pages.",
                "一半内存空闲，但全是单页：每个空闲页的伙伴都在使用中，无法合并。");
        List<Long> pages = new ArrayList<>();
        for (long i = 0; i < movable; i++) {
            pages.add(buddy.allocPages(0, Gfp.GFP_DMA | Gfp.__GFP_MOVABLE));
        }
        int freed = 0;
        for (long pfn : pages) {
            if ((pfn & 1) == 0) {
                buddy.freePages(pfn, 0);
                freed++;
            }
        }
        List<String> rows = new ArrayList<>();
        rows.add("               order ->" + orders());
        rows.addAll(BuddyLesson.narrow(ProcBuddyinfo.render(buddy)).subList(0, 1));
        ctx.diagram(String.format(Locale.ROOT, "/proc/buddyinfo, DMA, after freeing %,d even pages", freed), rows);
        ctx.say(String.format(Locale.ROOT, "%,d pages (%s KiB) are free, yet the largest free block is the order-8",
                        zone.freePages(), zone.freePages() * 4),
                "Unmovable one at pfn 0x100 (the movable pages never touched it: Movable falls back to",
                "Unmovable only when its own lists are empty). A 2 MiB request (order 9) cannot be met.");
    }

    private static String orders() {
        StringBuilder sb = new StringBuilder();
        for (int o = 0; o <= BuddyAllocator.MAX_PAGE_ORDER; o++) {
            sb.append(String.format(Locale.ROOT, "%5d", o));
        }
        return sb.substring(3);
    }

    private void indices(LessonContext ctx, BuddyAllocator buddy, Zone zone) {
        ctx.step("Measuring fragmentation", "衡量碎片化程度");
        ctx.say("Two numbers per order, both in /sys/kernel/debug/extfrag/ (q32):",
                " - unusable free index = share of free pages in blocks SMALLER than the order: 0 means",
                "   all free memory is usable for it, 1 means none is;",
                " - fragmentation index (only when the request would fail) = 1000 - (1000 +",
                "   free_pages * 1000 / 2^order) / free_blocks. Near 0: it fails for lack of memory;",
                "   near 1000: it fails because the free memory is in pieces too small.",
                "不可用指数：太小的空闲块所占比例；碎片指数接近 1000 表示失败是由碎片造成的。");
        List<String> rows = new ArrayList<>();
        rows.add("order   unusable index   fragmentation index   compaction_suitable");
        for (int order : new int[] {0, 1, 3, 8, 9, 10}) {
            int unusable = FragmentationIndex.unusableFreeIndex(zone, order);
            int frag = FragmentationIndex.fragmentationIndex(zone, order);
            String suitable = order > BuddyAllocator.PAGE_ALLOC_COSTLY_ORDER
                    ? String.valueOf(CompactionSuitable.compactionSuitable(zone, order, 0)) : "";
            rows.add(String.format(Locale.ROOT, "%4d   %8s         %-22s  %s", order, milli(unusable),
                    frag == FragmentationIndex.ALLOCATION_WOULD_SUCCEED ? "-1.000 (would succeed)" : milli(frag),
                    suitable));
        }
        ctx.diagram("DMA zone / DMA 区域", rows);
        long free = zone.freePages();
        long blocks = 0;
        for (int o = 0; o <= BuddyAllocator.MAX_PAGE_ORDER; o++) {
            blocks += zone.nrFree(o);
        }
        ctx.say(String.format(Locale.ROOT, "By hand for order 9: %d free pages in %d blocks: 1000 - (1000 + %d * 1000 / 512)",
                        free, blocks, free),
                String.format(Locale.ROOT, "/ %d = %d, shown as %s. Memory is there, but in pieces: compaction (moving",
                        blocks, 1000 - (1000 + free * 1000 / 512) / blocks, milli(1000 - (int) ((1000 + free * 1000 / 512) / blocks))),
                "the movable pages together) is the cure, and compaction_suitable() agrees. That is",
                "only possible because those pages are Movable; this is why grouping by mobility",
                "matters.",
                String.format(Locale.ROOT, "For order 10 it says SKIPPED: compaction needs free pages to move into, the low",
                        ""),
                String.format(Locale.ROOT, "watermark plus compact_gap = 2 << 10 pages: %d + %d = %d > %d free.",
                        zone.wmarkPages(1), CompactionSuitable.compactGap(10), zone.wmarkPages(1)
                                + CompactionSuitable.compactGap(10), free));
    }

    private static String milli(int value) {
        return String.format(Locale.ROOT, "%s%d.%03d", value < 0 ? "-" : "", Math.abs(value) / 1000, Math.abs(value) % 1000);
    }

    private void summary(LessonContext ctx) {
        ctx.step("What to remember", "要点");
        ctx.say("q24  Every 2 MiB pageblock has a migrate type (Unmovable, Movable, Reclaimable, plus",
                "     HighAtomic, CMA, Isolate), with free lists per order and type. A type borrows",
                "     from others only via fallbacks[], taking the largest block, so whole pageblocks",
                "     change type and unmovable pages stay together: anti-fragmentation.",
                "q32  Fragmentation is measured per order: unusable free index (0..1) and fragmentation",
                "     index (near 1000 = fragmented, near 0 = short of memory); compaction helps when",
                "     the index is above vm.extfrag_threshold (500).",
                "Try it: cat /proc/pagetypeinfo; sudo cat /sys/kernel/debug/extfrag/extfrag_index");
    }
}
