package io.pagelab.lessons.buddy;

import static io.pagelab.lessons.buddy.FreeBlocks.hex;
import static io.pagelab.lessons.buddy.FreeBlocks.size;

import io.pagelab.api.Gfp;
import io.pagelab.hardware.Machine;
import io.pagelab.kernel.boot.BootMemory;
import io.pagelab.kernel.boot.BootMemoryResult;
import io.pagelab.kernel.buddy.BuddyAllocator;
import io.pagelab.kernel.buddy.MmCoreInit;
import io.pagelab.kernel.buddy.Zone;
import io.pagelab.kernel.procfs.ProcBuddyinfo;
import io.pagelab.kernel.zone.ZoneType;
import io.pagelab.lessons.Lesson;
import io.pagelab.lessons.LessonContext;
import io.pagelab.lessons.Tone;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Lesson "buddy": the binary buddy allocator of mm/page_alloc.c (Linux 6.x) splitting and merging
 * blocks in the DMA32 zone of a 128 MiB QEMU guest. Every allocation and free goes through the
 * public {@link BuddyAllocator} API; the lesson reads the zone's free lists before and after and
 * explains the difference: exact fits, {@code expand()} handing the upper halves back, the merge
 * loop of {@code __free_one_page()} with buddy = pfn ^ (1 &lt;&lt; order), and the tail placement of
 * {@code buddy_merge_likely()}.
 *
 * <p>Interview questions: q22 (what the buddy system is and why blocks are powers of two), q23
 * (how a block is split on allocation and merged on free).
 *
 * <p>Differs from Linux on purpose: the allocations use GFP_HIGHUSER_MOVABLE straight from the
 * zone's free lists, as if the per-CPU page lists of a real kernel were empty and bypassed, so each
 * order-0 request is visible in the free lists.
 */
public final class BuddyLesson implements Lesson {

    /** The letters the pictures give our allocations, in the order they were made. */
    private final Map<Long, Integer> ours = new LinkedHashMap<>();
    private final Map<Long, Character> letters = new LinkedHashMap<>();
    private final List<Long> ourOrder = new ArrayList<>();
    private long window;

    @Override
    public String id() {
        return "buddy";
    }

    @Override
    public String titleZh() {
        return "伙伴系统：拆分与合并";
    }

    @Override
    public String titleEn() {
        return "The buddy allocator: split and merge";
    }

    @Override
    public List<String> questions() {
        return List.of("q22", "q23");
    }

    @Override
    public void run(LessonContext ctx) {
        ours.clear();
        letters.clear();
        ourOrder.clear();
        ctx.banner(this);
        BootMemoryResult boot = BootMemory.boot(Machine.qemu128M().firmware());
        MmCoreInit.Result init = MmCoreInit.init(boot);
        BuddyAllocator buddy = init.allocator();
        Zone zone = buddy.zone(0, ZoneType.DMA32);
        String buddyinfoBefore = ProcBuddyinfo.render(buddy);

        theZone(ctx, init, zone);
        long a = exactFits(ctx, buddy, zone);
        long d = split(ctx, buddy, zone);
        merge(ctx, buddy, zone, d);
        tail(ctx, buddy, zone, a);
        allBack(ctx, buddy, buddyinfoBefore);
        summary(ctx);
    }

    private void theZone(LessonContext ctx, MmCoreInit.Result init, Zone zone) {
        ctx.step("A small zone and its free lists", "一个小内存区域和它的空闲链表");
        ctx.say("We boot a QEMU guest with 128 MiB of RAM and hand its memory to the buddy allocator,",
                "as mm_core_init() does at boot:");
        ctx.kernelLog(KernelLines.fit(init.report()));
        ctx.say("",
                "The allocator deals in blocks of 2^order pages, order 0 (one 4 KiB page) to order 10",
                "(1024 pages, 4 MiB). A block of order n always starts at a pfn that is a multiple of",
                "2^n. Each zone keeps one free list per order: free_area[order]. Memory is cut into",
                "the largest aligned blocks that fit when memblock hands it over.",
                "伙伴系统按 2 的幂分配：order n 的块有 2^n 页，起始页帧号必须是 2^n 的倍数。",
                "每个内存区域为每个 order 维护一条空闲链表 free_area[order]。");
        FreeBlocks now = FreeBlocks.of(zone);
        long first = now.list(0).isEmpty() ? zone.startPfn() : now.list(0).get(0);
        window = first & ~63L;
        ctx.diagram(String.format(Locale.ROOT, "Zone DMA32 (pfn %s-%s): free_area[] now", hex(zone.startPfn()),
                hex(zone.endPfn() - 1)), now.table(6));
        ctx.say(String.format(Locale.ROOT, "%,d free pages. The small blocks start at pfn %s, just after the",
                        zone.freePages(), hex(first)),
                "kernel image (loaded at 16 MiB, pfn 0x1000, and reserved by memblock): the free range",
                "there does not start on a nice boundary, so it was cut into 1, 2, 4, ... pages until",
                "the pfn became aligned. Here are those 64 frames, one character per 4 KiB frame:");
        picture(ctx, now, "");
    }

    private void picture(LessonContext ctx, FreeBlocks blocks, String note) {
        List<String> rows = new ArrayList<>();
        rows.add(String.format(Locale.ROOT, "pfn %-8s%24s%s", hex(window), "", hex(window + 32)));
        rows.add("    " + blocks.strip(window, window + 64, ours, letters));
        rows.add("    n── = a free block of order n (its first frame is the digit)   # = in use");
        if (!ourOrder.isEmpty()) {
            rows.add("    a, b, c... = the blocks this lesson allocated, in order");
        }
        ctx.diagram("Frames " + hex(window) + "-" + hex(window + 63) + note, rows);
    }

    private long alloc(BuddyAllocator buddy, int order) {
        long pfn = buddy.allocPages(order, Gfp.GFP_HIGHUSER_MOVABLE);
        ours.put(pfn, order);
        letters.put(pfn, (char) ('a' + ourOrder.size()));
        ourOrder.add(pfn);
        return pfn;
    }

    private String letter(long pfn) {
        return String.valueOf(letters.get(pfn));
    }

    private long exactFits(LessonContext ctx, BuddyAllocator buddy, Zone zone) {
        ctx.step("Exact fits: nothing to split", "大小正好：无需拆分");
        ctx.say("A user process touches new memory: alloc_pages(GFP_HIGHUSER_MOVABLE, order). This",
                "128 MiB machine has no Normal zone, so the zonelist falls back to DMA32. The allocator",
                "(__rmqueue_smallest) looks at free_area[order]; if that list has a block, it takes the",
                "head and is done. We ask for order 0, then order 1, then order 2:",
                "如果该 order 的链表上有空闲块，直接取链表头即可。");
        List<String> rows = new ArrayList<>();
        long a = 0;
        for (int order = 0; order <= 2; order++) {
            FreeBlocks before = FreeBlocks.of(zone);
            long pfn = alloc(buddy, order);
            if (order == 0) {
                a = pfn;
            }
            rows.add(String.format(Locale.ROOT, "%s = alloc order %d → pfn %s-%s (%s), head of free_area[%d]%s",
                    letter(pfn), order, hex(pfn), hex(pfn + (1L << order) - 1), size(order), order,
                    before.isFree(pfn, order) ? "" : " (split)"));
        }
        ctx.diagram("Three allocations / 三次分配", rows);
        FreeBlocks after = FreeBlocks.of(zone);
        picture(ctx, after, " after a, b, c");
        ctx.say("Now free_area[0], [1], [2] and [3] are all empty. The next small request must split.");
        return a;
    }

    private long split(LessonContext ctx, BuddyAllocator buddy, Zone zone) {
        ctx.step("Splitting: expand()", "拆分：expand()");
        FreeBlocks before = FreeBlocks.of(zone);
        int found = -1;
        for (int o = 0; o <= BuddyAllocator.MAX_PAGE_ORDER && found < 0; o++) {
            if (!before.list(o).isEmpty()) {
                found = o;
            }
        }
        long block = before.list(found).get(0);
        ctx.say("One more order-0 page. free_area[0] is empty, so the allocator climbs: order 1, 2,",
                String.format(Locale.ROOT, "3... The first non-empty list is order %d, whose head is pfn %s (%d pages).",
                        found, hex(block), 1 << found),
                "It takes that block off its list and halves it until it is the size asked for. Each",
                "time, it keeps the LOWER half and puts the UPPER half on the free list one order down:",
                "从更大的块拆起：每次对半分，留下低半部分，高半部分挂到低一阶的空闲链表上。");
        long d = alloc(buddy, 0);
        FreeBlocks after = FreeBlocks.of(zone);
        List<String> rows = new ArrayList<>();
        long size = 1L << found;
        for (int high = found; high > 0; high--) {
            size >>= 1;
            long upper = block + size;
            rows.add(String.format(Locale.ROOT, "order %d %s-%s → keep %s-%s, free %s at order %d%s", high,
                    hex(block), hex(block + 2 * size - 1), hex(block), hex(block + size - 1), hex(upper), high - 1,
                    after.isFree(upper, high - 1) ? "  ✓" : "  (not on the list!)"));
        }
        rows.add(String.format(Locale.ROOT, "order 0 %s → handed out as %s", hex(d), letter(d)));
        ctx.diagram("expand(): splitting the order-" + found + " block at " + hex(block), rows);
        picture(ctx, after, " after d");
        ctx.say(String.format(Locale.ROOT, "One request for 4 KiB put %d new blocks on the free lists:", found),
                "  " + describe(after.added(before)) + ".",
                "Splitting costs one step per order, at most 10: that is why the buddy system is fast.");
        return d;
    }

    private static String describe(Map<Long, Integer> blocks) {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<Long, Integer> e : blocks.entrySet()) {
            parts.add(hex(e.getKey()) + " (order " + e.getValue() + ")");
        }
        return String.join(", ", parts);
    }

    private void merge(LessonContext ctx, BuddyAllocator buddy, Zone zone, long d) {
        ctx.step("Freeing and merging with the buddy", "释放与伙伴合并");
        ctx.say("Two blocks of order n are \"buddies\" when they are the two halves of one aligned block",
                "of order n+1. Their pfns differ in exactly one bit, bit n, so the buddy of a block is",
                "found without any search: buddy_pfn = pfn ^ (1 << order). __free_one_page() asks: is",
                "the buddy a free block of the SAME order? If yes, take it off its list, join the two",
                "(the joined block starts at pfn & buddy_pfn), and ask again one order up.",
                "伙伴块的页帧号只差第 order 位：buddy = pfn ^ (1 << order)，无需查找。",
                "",
                "We free d, the order-0 page at " + hex(d) + ":");
        FreeBlocks before = FreeBlocks.of(zone);
        buddy.freePages(d, 0);
        ours.remove(d);
        List<String> rows = mergeChain(before, d, 0);
        FreeBlocks after = FreeBlocks.of(zone);
        ctx.diagram("__free_one_page(" + hex(d) + ", order 0)", rows);
        picture(ctx, after, " after freeing d");
        ctx.say("Everything the split created has merged back: the lists look as they did before d.");
    }

    /** The merge loop by hand on the snapshot {@code before}, one row per order. */
    private static List<String> mergeChain(FreeBlocks before, long pfn, int order) {
        List<String> rows = new ArrayList<>();
        rows.add("order  block   buddy = pfn ^ (1<<order)   buddy free at this order?");
        while (order < BuddyAllocator.MAX_PAGE_ORDER) {
            long buddyPfn = pfn ^ (1L << order);
            boolean free = before.isFree(buddyPfn, order);
            int other = before.orderAt(buddyPfn);
            String why = free ? "yes → merge into " + hex(pfn & buddyPfn) + ", order " + (order + 1)
                    : other >= 0 ? "no: it heads an order-" + other + " block" : "no: in use";
            rows.add(String.format(Locale.ROOT, "%4d   %-6s  %s ^ %-5s = %-9s  %s", order, hex(pfn), hex(pfn),
                    hex(1L << order), hex(buddyPfn), why));
            if (!free) {
                break;
            }
            pfn &= buddyPfn;
            order++;
        }
        rows.add(String.format(Locale.ROOT, "→ an order-%d block at %s goes on free_area[%d]", order, hex(pfn), order));
        return rows;
    }

    private void tail(LessonContext ctx, BuddyAllocator buddy, Zone zone, long a) {
        ctx.step("Head or tail of the list?", "放链表头还是链表尾？");
        ctx.say("A freed block that could not merge goes to the HEAD of its list, where the next",
                "allocation takes it: recently used pages are likely still in the CPU cache. One",
                "exception (buddy_merge_likely): if the buddy of the block's PARENT is free, the block",
                "is one free away from a bigger merge, so it goes to the TAIL to stay free longer.",
                "如果\"父块\"的伙伴是空闲的，很快就能合并成更大的块，于是放到链表尾部，晚一点再被分配。");
        long d = alloc(buddy, 0);
        long e = alloc(buddy, 0);
        ctx.say("", String.format(Locale.ROOT, "We allocate two pages again: %s = %s (the same split again) and %s = %s.",
                letter(d), hex(d), letter(e), hex(e)),
                String.format(Locale.ROOT, "Then we free %s (%s) and %s (%s), in that order:", letter(a), hex(a),
                        letter(d), hex(d)));
        List<String> rows = new ArrayList<>();
        FreeBlocks before = FreeBlocks.of(zone);
        buddy.freePages(a, 0);
        ours.remove(a);
        rows.add(placement(before, FreeBlocks.of(zone), a));
        before = FreeBlocks.of(zone);
        buddy.freePages(d, 0);
        ours.remove(d);
        FreeBlocks after = FreeBlocks.of(zone);
        rows.add(placement(before, after, d));
        rows.add("free_area[0] now, head first: " + join(after.list(0)));
        ctx.diagram("Two frees that cannot merge / 两次无法合并的释放", rows);
        long f = alloc(buddy, 0);
        ctx.say(String.format(Locale.ROOT, "The next order-0 allocation, %s, takes the head: %s. Page %s stays free,",
                        letter(f), hex(f), hex(d)),
                String.format(Locale.ROOT, "and when %s (%s) comes back, it merges all the way up again:", letter(e),
                        hex(e)));
        before = FreeBlocks.of(zone);
        buddy.freePages(e, 0);
        ours.remove(e);
        ctx.diagram("__free_one_page(" + hex(e) + ", order 0)", mergeChain(before, e, 0));
        picture(ctx, FreeBlocks.of(zone), " after freeing " + letter(e));
    }

    private static String placement(FreeBlocks before, FreeBlocks after, long pfn) {
        long buddyPfn = pfn ^ 1;
        long parent = pfn & buddyPfn;
        long parentBuddy = parent ^ 2;
        boolean likely = before.isFree(parentBuddy, 1);
        List<Long> list = after.list(0);
        String where = list.isEmpty() ? "?" : list.get(0) == pfn ? "HEAD" : list.get(list.size() - 1) == pfn
                ? "TAIL" : "middle";
        return String.format(Locale.ROOT, "free %s: buddy %s %s; parent %s's buddy %s %s → %s", hex(pfn),
                hex(buddyPfn), before.isFree(buddyPfn, 0) ? "free" : "in use", hex(parent), hex(parentBuddy),
                likely ? "free" : "not free", where);
    }

    private static String join(List<Long> pfns) {
        List<String> parts = new ArrayList<>();
        for (long pfn : pfns) {
            parts.add(hex(pfn));
        }
        return parts.isEmpty() ? "(empty)" : String.join(", ", parts);
    }

    private void allBack(LessonContext ctx, BuddyAllocator buddy, String buddyinfoBefore) {
        ctx.step("Free everything: /proc/buddyinfo", "全部释放：/proc/buddyinfo 复原");
        String during = ProcBuddyinfo.render(buddy);
        List<String> lettersLeft = new ArrayList<>();
        for (long pfn : ours.keySet()) {
            lettersLeft.add(letter(pfn));
        }
        List<Long> left = new ArrayList<>(ourOrder);
        List<String> freed = new ArrayList<>();
        for (long pfn : left) {
            if (ours.containsKey(pfn)) {
                int order = ours.remove(pfn);
                buddy.freePages(pfn, order);
                freed.add(letter(pfn) + " (" + hex(pfn) + ", order " + order + ")");
            }
        }
        String after = ProcBuddyinfo.render(buddy);
        ctx.say("/proc/buddyinfo prints free_area[order].nr_free of every zone, order 0 to 10. We free",
                "what is still allocated:", "  " + String.join(", ", freed) + ".",
                "At boot, with those three allocated, and after freeing them:");
        List<String> rows = new ArrayList<>();
        rows.add("               order ->" + orders());
        rows.add("at boot:");
        rows.addAll(narrow(buddyinfoBefore));
        rows.add("with " + String.join(", ", lettersLeft) + " allocated:");
        rows.addAll(narrow(during));
        rows.add("after freeing them:");
        rows.addAll(narrow(after));
        ctx.diagram("/proc/buddyinfo (columns narrowed to fit; the real file uses 7 per order)", rows);
        ctx.say("");
        ctx.say(Tone.EMPHASIS, after.equals(buddyinfoBefore)
                ? "Identical to the boot state: every split was undone by a merge."
                : "Different from the boot state: something did not merge back.");
        ctx.say("Read the file on your machine: cat /proc/buddyinfo. Many order-0 and few order-10",
                "blocks means memory is fragmented (the migratetype lesson goes on from there).");
    }

    private static String orders() {
        StringBuilder sb = new StringBuilder();
        for (int o = 0; o <= BuddyAllocator.MAX_PAGE_ORDER; o++) {
            sb.append(String.format(Locale.ROOT, "%5d", o));
        }
        return sb.toString().substring(3);
    }

    /** /proc/buddyinfo lines with the per-order columns 5 wide instead of 7. */
    static List<String> narrow(String buddyinfo) {
        List<String> rows = new ArrayList<>();
        for (String line : buddyinfo.split("\n")) {
            int comma = line.indexOf("zone");
            String[] fields = line.substring(comma + 4).trim().split("\\s+");
            StringBuilder sb = new StringBuilder(line.substring(0, comma + 4));
            sb.append(String.format(Locale.ROOT, " %8s", fields[0]));
            for (int i = 1; i < fields.length; i++) {
                sb.append(String.format(Locale.ROOT, "%5s", fields[i]));
            }
            rows.add(sb.toString());
        }
        return rows;
    }

    private void summary(LessonContext ctx) {
        ctx.step("What to remember", "要点");
        ctx.say("q22  The buddy allocator hands out blocks of 2^order pages (order 0..10), each aligned",
                "     to its size, from one free list per order in every zone. Powers of two make the",
                "     buddy of a block a single XOR away, so splitting and merging need no search.",
                "q23  Allocation takes the smallest order ≥ the request with a free block and splits it,",
                "     keeping the lower half and freeing the upper halves one order at a time (expand).",
                "     Freeing merges with the buddy pfn ^ (1 << order) while it is free at the same",
                "     order, then puts the block at the head of its list, or at the tail when the",
                "     parent's buddy is free (a bigger merge is likely soon).",
                "伙伴系统：分配时拆分、释放时合并；伙伴 = pfn ^ (1 << order)。");
    }
}
