package io.pagelab.lessons.buddy;

import io.pagelab.api.Gfp;
import io.pagelab.api.error.OutOfMemoryException;
import io.pagelab.hardware.Machine;
import io.pagelab.kernel.boot.BootMemory;
import io.pagelab.kernel.buddy.AllocFlags;
import io.pagelab.kernel.buddy.BuddyAllocator;
import io.pagelab.kernel.buddy.MmCoreInit;
import io.pagelab.kernel.buddy.Zone;
import io.pagelab.kernel.procfs.ProcZoneinfo;
import io.pagelab.kernel.zone.Watermarks;
import io.pagelab.kernel.zone.WatermarkSetup;
import io.pagelab.kernel.zone.ZoneType;
import io.pagelab.lessons.Lesson;
import io.pagelab.lessons.LessonContext;
import io.pagelab.lessons.Tone;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lesson "watermarks": how much memory each zone keeps free and what happens as free memory drops
 * (mm/page_alloc.c, Linux 6.x): {@code calculate_min_free_kbytes()} (int_sqrt(lowmem_kbytes * 16)),
 * {@code __setup_per_zone_wmarks()} with watermark_scale_factor, {@code setup_per_zone_lowmem_reserve()},
 * the {@code __zone_watermark_ok()} test of the fast path (low) and the slow path (min, lowered for
 * atomic requests), and a live run that fills a 128 MiB machine until the allocator refuses.
 *
 * <p>Differs from Linux on purpose: pagelab has no reclaim yet, so a woken kswapd frees nothing and
 * the lesson only counts the wakeups; a refused request fails at once instead of reclaiming,
 * compacting or calling the OOM killer.
 */
public final class WatermarksLesson implements Lesson {

    @Override
    public String id() {
        return "watermarks";
    }

    @Override
    public String titleZh() {
        return "水位线：kswapd 何时醒来";
    }

    @Override
    public String titleEn() {
        return "Watermarks: when kswapd wakes";
    }

    @Override
    public List<String> questions() {
        return List.of();
    }

    @Override
    public void run(LessonContext ctx) {
        ctx.banner(this);
        BuddyAllocator small = MmCoreInit.init(BootMemory.boot(Machine.qemu128M().firmware())).allocator();
        BuddyAllocator big = MmCoreInit.init(BootMemory.boot(Machine.qemu4G().firmware())).allocator();
        minFreeKbytes(ctx, small, big);
        perZone(ctx, small, big);
        protection(ctx, small);
        decisions(ctx, small);
        fill(ctx, small);
        zoneinfo(ctx, small);
        summary(ctx);
    }

    private static long lowmemPages(BuddyAllocator buddy) {
        long pages = 0;
        for (Zone z : buddy.zones()) {
            if (z.type().ordinal() <= ZoneType.NORMAL.ordinal()) {
                pages += z.managedPages();
            }
        }
        return pages;
    }

    private void minFreeKbytes(LessonContext ctx, BuddyAllocator small, BuddyAllocator big) {
        ctx.step("min_free_kbytes", "保留多少空闲内存");
        ctx.say("The allocator never lets a zone run completely dry: the kernel itself needs pages to",
                "free pages (to write them to swap, to build I/O requests), and interrupt handlers",
                "cannot wait. At boot, calculate_min_free_kbytes() sizes that reserve from the memory",
                "below the highmem/movable zones: min_free_kbytes = int_sqrt(lowmem_kbytes * 16),",
                "kept between 128 KiB and 256 MiB. A square root: it grows slower than memory.",
                "保留量 = int_sqrt(低端内存 KiB × 16)，随内存增长得比内存慢。");
        List<String> rows = new ArrayList<>();
        rows.add("machine   lowmem pages  lowmem kB   × 16         int_sqrt  min_free_kbytes");
        for (BuddyAllocator b : List.of(small, big)) {
            long kb = lowmemPages(b) * 4;
            rows.add(String.format(Locale.ROOT, "%-8s  %,12d  %,9d  %,11d  %,8d  %,d", b == small ? "128 MiB" : "4 GiB",
                    lowmemPages(b), kb, kb * 16, WatermarkSetup.intSqrt(kb * 16), b.minFreeKbytes()));
        }
        ctx.diagram("calculate_min_free_kbytes()", rows);
        ctx.say("32 times the memory gives about 6.8 times the reserve. You can read and set it in",
                "/proc/sys/vm/min_free_kbytes. (With transparent huge pages on, khugepaged raises it",
                "further so that whole pageblocks stay free; our machines have THP off.)");
    }

    private void perZone(LessonContext ctx, BuddyAllocator small, BuddyAllocator big) {
        ctx.step("Three marks per zone: min, low, high", "每个区域三条水位线");
        ctx.say("__setup_per_zone_wmarks() shares pages_min = min_free_kbytes / 4 among the zones in",
                "proportion to their managed pages: that share is the zone's MIN. The gap to LOW and",
                "from LOW to HIGH is the larger of min/4 and managed * watermark_scale_factor / 10000",
                "(default 10, i.e. 0.1% of the zone).",
                "min 按区域大小分摊；low = min + gap，high = low + gap，gap = max(min/4, 区域的 0.1%)。");
        List<String> rows = new ArrayList<>();
        rows.add("machine  zone      managed     min   min/4  0.1%    gap    low   high");
        for (BuddyAllocator b : List.of(small, big)) {
            for (Zone z : b.zones()) {
                if (!z.populated() || z.type().ordinal() > ZoneType.NORMAL.ordinal()) {
                    continue;
                }
                Watermarks w = z.watermarks();
                long scaled = z.managedPages() * b.watermarkScaleFactor() / 10000;
                rows.add(String.format(Locale.ROOT, "%-7s  %-6s  %,9d  %,6d  %,6d  %,5d  %,5d  %,5d  %,5d",
                        b == small ? "128 MiB" : "4 GiB", z.name(), z.managedPages(), w.min(), w.min() / 4, scaled,
                        w.low() - w.min(), w.low(), w.high()));
            }
        }
        ctx.diagram("Watermarks in pages / 水位线（页）", rows);
        Zone dma32 = small.zone(0, ZoneType.DMA32);
        ctx.say(String.format(Locale.ROOT, "By hand, 128 MiB DMA32: pages_min = %d / 4 = %d; %d × %,d / %,d = %d (min);",
                        small.minFreeKbytes(), small.minFreeKbytes() / 4, small.minFreeKbytes() / 4,
                        dma32.managedPages(), lowmemPages(small), dma32.watermarks().min()),
                String.format(Locale.ROOT, "gap = max(%d / 4, %,d × 10 / 10000) = %d. In small zones min/4 wins; in the",
                        dma32.watermarks().min(), dma32.managedPages(), dma32.watermarks().low()
                                - dma32.watermarks().min()),
                "3 GiB DMA32 of the big machine the 0.1% wins: raising vm.watermark_scale_factor",
                "widens the gaps so kswapd starts earlier, without touching min.");
    }

    private void protection(LessonContext ctx, BuddyAllocator small) {
        ctx.step("lowmem_reserve: protecting small zones", "保护低端区域");
        Zone dma = small.zone(0, ZoneType.DMA);
        Zone dma32 = small.zone(0, ZoneType.DMA32);
        long[] reserve = dma.lowmemReserve();
        ctx.say("A request that could use DMA32 may fall back to DMA when DMA32 is short. But only",
                "DMA can serve old ISA devices, so DMA keeps extra pages back from such requests:",
                "lowmem_reserve[j] of zone i = the managed pages of the zones between i and j, divided",
                "by sysctl_lowmem_reserve_ratio[i] (256 for DMA and DMA32, 32 for Normal).",
                "低端区域对\"本可以用更高区域\"的请求额外保留一部分页。",
                "",
                String.format(Locale.ROOT, "128 MiB: DMA's protection against a DMA32 or Normal request = %,d / 256 = %d pages.",
                        dma32.managedPages(), reserve[ZoneType.DMA32.ordinal()]),
                "/proc/zoneinfo prints the array as \"protection:\", one value per zone index:");
        ctx.diagram("protection / lowmem_reserve", List.of(
                "DMA     protection: " + join(reserve),
                "DMA32   protection: " + join(dma32.lowmemReserve())));
        ctx.say("So DMA serves a GFP_HIGHUSER_MOVABLE page only while its free pages stay above",
                String.format(Locale.ROOT, "its watermark + %d.", reserve[ZoneType.NORMAL.ordinal()]));
    }

    private static String join(long[] values) {
        List<String> parts = new ArrayList<>();
        for (long v : values) {
            parts.add(Long.toString(v));
        }
        return "(" + String.join(", ", parts) + ")";
    }

    private void decisions(LessonContext ctx, BuddyAllocator small) {
        ctx.step("__zone_watermark_ok(): yes or no", "是否允许分配");
        Zone z = small.zone(0, ZoneType.DMA32);
        Watermarks w = z.watermarks();
        ctx.say("Every allocation asks of each zone in its zonelist: would free pages stay above the",
                "mark (plus the protection)? The fast path asks with LOW. If no zone passes, the slow",
                "path wakes kswapd (the background reclaimer) and asks again with MIN. GFP_ATOMIC",
                "requests cannot sleep, so they may dig deeper: min - min/2, then - 1/4 of that more.",
                "快路径用 low 判断；都不满足时唤醒 kswapd，慢路径用 min；原子分配可以再低一些。",
                "The test on the 128 MiB DMA32 zone, order 0, for a few free page counts:");
        int atomicFlags = AllocFlags.ALLOC_MIN_RESERVE | AllocFlags.ALLOC_NON_BLOCK;
        long atomicMark = w.min() - w.min() / 2;
        atomicMark -= atomicMark / 4;
        List<String> rows = new ArrayList<>();
        rows.add(String.format(Locale.ROOT, "free pages   fast path (low %d)   slow path (min %d)   GFP_ATOMIC (%d)",
                w.low(), w.min(), atomicMark));
        int normal = ZoneType.NORMAL.ordinal();
        for (long free : new long[] {w.high() + 1, w.low() + 1, w.low(), w.min() + 1, w.min(), atomicMark + 1,
            atomicMark}) {
            rows.add(String.format(Locale.ROOT, "%10d   %-18s   %-18s   %s", free,
                    yes(z.zoneWatermarkOk(0, w.low(), normal, 0, free)),
                    yes(z.zoneWatermarkOk(0, w.min(), normal, 0, free)),
                    yes(z.zoneWatermarkOk(0, w.min(), normal, atomicFlags, free))));
        }
        ctx.diagram("DMA32: min " + w.min() + ", low " + w.low() + ", high " + w.high(), rows);
        ctx.say("The test is strict (free must be ABOVE the mark): at exactly low, the fast path says",
                "no. Between min and low, kswapd is woken to reclaim in the background until the zone",
                "is back above HIGH; below min, ordinary requests would have to reclaim themselves",
                "(direct reclaim), and only atomic ones go on, down to their lower mark.");
    }

    private static String yes(boolean ok) {
        return ok ? "ok" : "no";
    }

    private void fill(LessonContext ctx, BuddyAllocator buddy) {
        ctx.step("Filling the machine until it refuses", "一直分配直到被拒绝");
        Zone dma = buddy.zone(0, ZoneType.DMA);
        Zone dma32 = buddy.zone(0, ZoneType.DMA32);
        ctx.say("Now live: a process takes page after page (GFP_HIGHUSER_MOVABLE, order 0) on the",
                "128 MiB machine. Its zonelist is DMA32, then DMA. pagelab has no reclaim yet, so a",
                "woken kswapd frees nothing: we only count the wakeups.",
                "这里没有回收：kswapd 被唤醒也释放不了内存，我们只统计唤醒次数。");
        List<String> rows = new ArrayList<>();
        rows.add("allocations        from    path             DMA32 free  DMA free  wakeups");
        long n = 0;
        long first = 1;
        String key = null;
        Zone current = null;
        boolean currentWoke = false;
        long[] last = {dma32.freePages(), dma.freePages(), 0};
        String failure = null;
        while (true) {
            long wakeups = dma.kswapdWakeups() + dma32.kswapdWakeups();
            long[] before = {dma32.freePages(), dma.freePages(), wakeups};
            long pfn;
            try {
                pfn = buddy.allocPages(0, Gfp.GFP_HIGHUSER_MOVABLE);
            } catch (OutOfMemoryException e) {
                failure = e.getMessage();
                break;
            }
            n++;
            Zone from = buddy.zoneOf(pfn);
            boolean woke = dma.kswapdWakeups() + dma32.kswapdWakeups() != wakeups;
            String k = from.name() + woke;
            if (key != null && !k.equals(key)) {
                rows.add(phase(first, n - 1, current, currentWoke, before));
                first = n;
            }
            key = k;
            current = from;
            currentWoke = woke;
            last = new long[] {dma32.freePages(), dma.freePages(), dma.kswapdWakeups() + dma32.kswapdWakeups()};
        }
        if (current != null) {
            rows.add(phase(first, n, current, currentWoke, last));
        }
        rows.add(String.format(Locale.ROOT, "%,6d               refused", n + 1));
        ctx.diagram("Where each page came from / 每一页来自哪里", rows);
        Watermarks w32 = dma32.watermarks();
        Watermarks w = dma.watermarks();
        long prot = dma.lowmemReserve()[ZoneType.NORMAL.ordinal()];
        ctx.say(String.format(Locale.ROOT, "1. DMA32 serves until its free pages reach its low mark, %d.", w32.low()),
                String.format(Locale.ROOT, "2. Then DMA serves, down to its low mark plus the protection: %d + %d = %d.",
                        w.low(), prot, w.low() + prot),
                "   On the way one kswapd wakeup: taking DMA's last free block meant stealing an",
                "   Unmovable pageblock, which boosts the watermark and wakes kswapd early.",
                "3. Now no zone passes at LOW: every request takes the slow path, wakes kswapd (once",
                "   per zone of the zonelist, so the count grows by 2 per page) and is",
                String.format(Locale.ROOT, "   served at MIN: DMA32 down to %d, then DMA down to %d + %d = %d.", w32.min(),
                        w.min(), prot, w.min() + prot),
                "4. Below MIN everywhere the request fails (a real kernel would now reclaim directly,",
                "   compact, and finally call the OOM killer):");
        ctx.kernelLog(KernelLines.fit(List.of(failure)));
    }

    /** One row: allocations first..last, their zone and path, and the state after the last one. */
    private static String phase(long first, long last, Zone zone, boolean woke, long[] after) {
        return String.format(Locale.ROOT, "%,6d - %,6d    %-6s  %-15s  %,10d  %,8d  %,7d", first, last, zone.name(),
                woke ? "kswapd woken" : "fast (low ok)", after[0], after[1], after[2]);
    }

    private void zoneinfo(LessonContext ctx, BuddyAllocator buddy) {
        ctx.step("/proc/zoneinfo", "/proc/zoneinfo");
        ctx.say("All of it is in /proc/zoneinfo. The DMA32 zone of our full machine:");
        List<String> lines = new ArrayList<>();
        for (String line : ProcZoneinfo.zone(buddy.zone(0, ZoneType.DMA32), 0).split("\n")) {
            lines.add(line);
        }
        ctx.diagram("cat /proc/zoneinfo (DMA32)", lines);
        ctx.say("pages free is at min: the zone is as full as the allocator allows.");
    }

    private void summary(LessonContext ctx) {
        ctx.step("What to remember", "要点");
        ctx.say("- min_free_kbytes = int_sqrt(lowmem_kbytes * 16), 128 KiB .. 256 MiB, shared among the",
                "  zones by size: that share is the zone's min watermark.",
                "- low = min + gap, high = low + gap, gap = max(min/4, managed * scale_factor / 10000).",
                "- Fast path: allocate while free > low (+ protection). Below low: kswapd is woken and",
                "  reclaims until free > high. Below min: direct reclaim; atomic requests go a bit lower.",
                "- lowmem_reserve keeps DMA/DMA32 pages back from requests that could use higher zones.",
                "Try it: grep -E 'zone|min|low|high|free |protection' /proc/zoneinfo");
    }
}
