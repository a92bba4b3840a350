package io.pagelab.lessons.malloc;

import io.pagelab.lessons.Lesson;
import io.pagelab.lessons.LessonContext;
import io.pagelab.lessons.Tone;
import io.pagelab.userspace.malloclab.HeapAllocator;
import io.pagelab.userspace.malloclab.HeapAllocators;
import io.pagelab.userspace.malloclab.HeapBlock;
import io.pagelab.userspace.malloclab.HeapWalker;
import io.pagelab.userspace.malloclab.LabProcess;
import io.pagelab.userspace.malloclab.MallocLab;
import io.pagelab.userspace.malloclab.RepTrace;
import io.pagelab.userspace.malloclab.TraceResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Lesson "allocators": write your own malloc, CS:APP's malloc lab (3rd ed., §9.9) in a simulated
 * process. The three reference allocators of {@code io.pagelab.userspace.malloclab} (implicit
 * free list with first fit, explicit LIFO free list, segregated fits) place the same request in
 * three different blocks; then the malloc-lab driver measures them, and glibc's ptmalloc, on the
 * bundled traces: utilization (peak payload / peak heap) and a cost per call. Points to the
 * exercises l01 to l03.
 *
 * <p>Interview question: q54 (how user memory is managed; this lesson builds the structures).
 *
 * <p>Differs from mdriver.c on purpose: throughput depends on the machine, and a lesson must
 * print the same text every run, so the cost is given as loads of allocator metadata per call
 * ({@link LoadCounter}); {@code pagelab malloc-trace} measures real throughput.
 */
public final class AllocatorsLesson implements Lesson {

    static final List<String> ALLOCATORS = List.of("implicit", "explicit", "segregated", "ptmalloc");
    private static final List<String> COST_TRACES = List.of("small.rep", "binary.rep", "random.rep", "mixed.rep");

    @Override
    public String id() {
        return "allocators";
    }

    @Override
    public String titleZh() {
        return "自己写分配器：隐式、显式、分离链表";
    }

    @Override
    public String titleEn() {
        return "Write your own allocator: implicit → explicit → segregated";
    }

    @Override
    public List<String> questions() {
        return List.of("q54");
    }

    @Override
    public void run(LessonContext ctx) {
        ctx.banner(this);
        contract(ctx);
        placement(ctx);
        utilization(ctx);
        cost(ctx);
        exercises(ctx);
    }

    private void contract(LessonContext ctx) {
        ctx.step("The contract and the block", "接口与块");
        ctx.say("An allocator is four calls, as in CS:APP's mm.c: init(process), malloc(size),",
                "free(ptr), realloc(ptr, size). It gets memory only from the process (brk, mmap)",
                "and keeps all its bookkeeping inside that memory, like a real malloc.",
                "",
                "The three reference allocators share one block format, boundary tags: an 8-byte",
                "header (size | allocated bit), the payload, an 8-byte footer copying the header.",
                "The block size is the request + 16, rounded up to 16, at least 32; the footer",
                "lets free() look at the block before it and merge in O(1).");
        ctx.diagram("a block / 块", List.of(
                "  bp - 8        bp                          bp + size - 16",
                "  [ size | a ][ payload ... (padding)    ][ size | a ]",
                "  header       16-byte aligned             footer"));
        ctx.say("What differs is how a free block is found:",
                "  implicit    walk every block from the start, take the first free one that fits",
                "  explicit    a doubly linked list of free blocks only, newest first (LIFO)",
                "  segregated  one such list per size class (32-63, 64-127, ...), best fit in",
                "              the request's class, then the larger classes",
                "三种分配器的块格式相同（边界标记），区别只在如何找空闲块。");
    }

    private void placement(LessonContext ctx) {
        ctx.step("Same calls, three heaps", "同样的调用，三个堆");
        ctx.say("In a fresh process each: a = malloc(200), g1 = malloc(16), d = malloc(40),",
                "g2 = malloc(16), b = malloc(100), g3 = malloc(16); free(a), free(d), free(b);",
                "then x = malloc(40), a 64-byte block. g1 to g3 keep the free blocks apart.");
        List<String> lines = new ArrayList<>();
        for (String name : ALLOCATORS.subList(0, 3)) {
            HeapAllocator alloc = HeapAllocators.byName(name);
            alloc.init(new LabProcess());
            Map<Long, String> names = new LinkedHashMap<>();
            long a = alloc.malloc(200);
            names.put(alloc.malloc(16), "g1");
            long d = alloc.malloc(40);
            names.put(alloc.malloc(16), "g2");
            long b = alloc.malloc(100);
            names.put(alloc.malloc(16), "g3");
            alloc.free(a);
            alloc.free(d);
            alloc.free(b);
            names.put(alloc.malloc(40), "x");
            lines.add(String.format(Locale.ROOT, "%-10s %s", name, picture(((HeapWalker) alloc).blocks(), names)));
        }
        ctx.diagram("blocks in address order; ·N = a free block of N bytes / 块（按地址）", lines);
        ctx.say("implicit takes a (224 bytes), the first free block by address, and splits it:",
                "64 for x, 160 left free. explicit takes the head of its list, b (128), the last",
                "block freed, and splits it in two 64s. segregated looks in the class of 64,",
                "64-127, finds d (64), an exact fit, and leaves a and b whole.",
                "",
                "First fit is simple but walks allocated blocks too; LIFO is O(1) to update but",
                "places blocks with no regard to size; segregated fits approach best fit at the",
                "price of a search in one class. glibc's bins are segregated lists (small bins of",
                "one size, large bins of ranges) with caches in front.");
    }

    /** One heap as "|x 64|·160|g1 32|...": allocated blocks named when known. */
    private static String picture(List<HeapBlock> blocks, Map<Long, String> names) {
        StringBuilder sb = new StringBuilder("|");
        for (HeapBlock b : blocks) {
            if (b.allocated()) {
                sb.append(names.getOrDefault(b.payload(), "?")).append(' ').append(b.size());
            } else {
                sb.append('·').append(b.size());
            }
            sb.append('|');
        }
        return sb.toString();
    }

    private void utilization(LessonContext ctx) {
        ctx.step("Utilization on the bundled traces", "内置轨迹上的利用率");
        ctx.say("A trace (.rep) is a list of calls: a <id> <size>, f <id>, r <id> <size>. The",
                "driver replays it and measures utilization = peak payload / peak heap: the most",
                "bytes the program asked for at once, over the most heap (brk growth + mmapped",
                "bytes) the allocator used. 100% would be a heap with no overhead at all.");
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%-14s %9s %9s %11s %9s", "trace", "implicit", "explicit",
                "segregated", "ptmalloc"));
        for (String trace : RepTrace.bundled().keySet()) {
            RepTrace t = RepTrace.bundled(trace);
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-14s", trace));
            for (String name : ALLOCATORS) {
                TraceResult r = MallocLab.run(t, () -> HeapAllocators.byName(name), 1);
                row.append(String.format(Locale.ROOT, name.equals("segregated") ? " %10.1f%%" : " %8.1f%%",
                        100 * r.utilization()));
            }
            lines.add(row.toString());
        }
        ctx.diagram("utilization = peak payload / peak heap / 利用率", lines);
        ctx.say("Three things to read in it:",
                "- ptmalloc scores low on the short traces: its first sbrk takes 132 KiB (128 KiB",
                "  of top_pad) for a few hundred bytes of payload. It trades memory for fewer",
                "  system calls; on the big traces it is as good as the best.",
                "- explicit collapses on realloc.rep: LIFO keeps carving small blocks out of the",
                "  free space that a growing block would need, so the heap keeps growing.",
                "- implicit and segregated are close: both place blocks well; what differs is",
                "  the work done to find them (next step).");
    }

    private void cost(LessonContext ctx) {
        ctx.step("What a call costs", "每次调用的代价");
        ctx.say("Calls per second depend on your machine, so here the driver counts something",
                "that does not: the loads each allocator makes from its heap per call (reading",
                "headers, list links, bins), averaged over a whole trace.");
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%-14s %9s %9s %11s %9s", "loads/call", "implicit", "explicit",
                "segregated", "ptmalloc"));
        for (String trace : COST_TRACES) {
            RepTrace t = RepTrace.bundled(trace);
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-14s", trace));
            for (String name : ALLOCATORS) {
                row.append(String.format(Locale.ROOT, name.equals("segregated") ? " %11.1f" : " %9.1f",
                        loadsPerCall(t, name)));
            }
            lines.add(row.toString());
        }
        ctx.diagram("metadata loads per call (deterministic) / 每次调用的元数据读取次数", lines);
        ctx.say("The implicit list pays for walking allocated blocks: the more live blocks, the",
                "longer each malloc. The free lists only visit free blocks; size classes visit",
                "even fewer. For real timings: ./pagelab malloc-trace --allocator implicit");
    }

    /** Replays {@code trace} once on a fresh {@code name} allocator and divides loads by calls. */
    static double loadsPerCall(RepTrace trace, String name) {
        LoadCounter process = new LoadCounter(new LabProcess());
        HeapAllocator a = HeapAllocators.byName(name);
        a.init(process);
        MallocLab.apply(trace, a, new long[trace.numIds()]);
        return (double) process.loads() / trace.size();
    }

    private void exercises(LessonContext ctx) {
        ctx.step("Your turn", "动手");
        ctx.say("Three exercises build these allocators step by step; each grader replays traces",
                "and checks every block, then prints points and the next hint:",
                "  l01  implicit free list: find_fit (first fit), place (split), coalesce",
                "  l02  explicit free list: LIFO insert and remove, coalesce keeping the list",
                "  l03  segregated fits: size-class index, best fit in a class, then larger",
                "");
        ctx.say(Tone.EMPHASIS, "./pagelab grade l01      (then l02, l03)");
        ctx.say("",
                "Then race yours against glibc: ./pagelab malloc-trace --allocator segregated",
                "先做 l01（隐式链表），再做 l02、l03；评分器会给出分数和提示。");
    }
}
