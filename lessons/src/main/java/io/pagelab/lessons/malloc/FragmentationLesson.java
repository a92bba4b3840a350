package io.pagelab.lessons.malloc;

import static io.pagelab.lessons.malloc.MallocMachine.hex;

import io.pagelab.lessons.Lesson;
import io.pagelab.lessons.LessonContext;
import io.pagelab.lessons.Tone;
import io.pagelab.userspace.malloc.Mallinfo2;
import io.pagelab.userspace.malloclab.BoundaryTags;
import io.pagelab.userspace.malloclab.Fragmentation;
import io.pagelab.userspace.malloclab.HeapAllocator;
import io.pagelab.userspace.malloclab.HeapAllocators;
import io.pagelab.userspace.malloclab.HeapBlock;
import io.pagelab.userspace.malloclab.HeapWalker;
import io.pagelab.userspace.malloclab.LabProcess;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Lesson "fragmentation": internal and external fragmentation (CS:APP 3rd ed., §9.9.4), measured
 * with {@link Fragmentation#measure} on the implicit-list allocator after two patterns (rounded
 * small requests; a checkerboard of frees), then the same problem in glibc 2.36: a live chunk
 * above a large free area pins the heap's break (malloc/malloc.c: systrim trims only the top),
 * and malloc_trim (mtrim) can still give the free pages back with MADV_DONTNEED.
 *
 * <p>Interview questions: q54 (how user memory is managed), q55 (why the heap does not shrink).
 *
 * <p>Differs from a real process on purpose: the first part runs in a malloc-lab process with no
 * kernel behind it; the glibc part runs in a simulated process, whose RSS the kernel model counts.
 */
public final class FragmentationLesson implements Lesson {

    private static final int BLOCKS = 32;
    /** 112 bytes: a 128-byte block with header and footer, 32 of them fill the first 4 KiB. */
    private static final long CHECKER = 112;

    @Override
    public String id() {
        return "fragmentation";
    }

    @Override
    public String titleZh() {
        return "内部碎片与外部碎片";
    }

    @Override
    public String titleEn() {
        return "Fragmentation, internal and external";
    }

    @Override
    public List<String> questions() {
        return List.of("q54", "q55");
    }

    @Override
    public void run(LessonContext ctx) {
        ctx.banner(this);
        internal(ctx);
        external(ctx);
        pinned(ctx);
        summary(ctx);
    }

    private static HeapAllocator implicit() {
        HeapAllocator a = HeapAllocators.byName("implicit");
        a.init(new LabProcess());
        return a;
    }

    private void internal(LessonContext ctx) {
        ctx.step("Internal fragmentation", "内部碎片");
        ctx.say("Internal fragmentation is waste inside allocated blocks: bytes nobody asked for.",
                "With the boundary-tag allocator of the malloc lab a block is the request + 16",
                "(header and footer), rounded up to 16, at least 32:");
        HeapAllocator a = implicit();
        Map<Long, Long> requested = new LinkedHashMap<>();
        List<String> lines = new ArrayList<>();
        lines.add("request   block   wasted");
        for (long n : new long[] {1, 17, 100, 1000}) {
            long p = a.malloc(n);
            requested.put(p, n);
            long block = BoundaryTags.adjustedSize(n);
            lines.add(String.format(Locale.ROOT, "%7d %7d %8d", n, block, block - n));
        }
        ctx.diagram("malloc(n) and its block / 请求与块", lines);
        Fragmentation.Report r = Fragmentation.measure((HeapWalker) a, requested);
        ctx.say("Fragmentation.measure sums it over the heap: internal = allocated block bytes -",
                "requested bytes = " + r.allocatedBytes() + " - " + r.requestedBytes() + " = " + r.internal()
                        + " bytes.",
                "It hurts most for small requests: malloc(1) uses 32 bytes. glibc does a little",
                "better (a chunk is the request + 8, since the next chunk's prev_size is lent to",
                "it: malloc(24) fits a 32-byte chunk), and a size-class allocator does worse in",
                "exchange for speed (jemalloc or SLUB round 100 up to 112 or 128).");
    }

    private void external(LessonContext ctx) {
        ctx.step("External fragmentation", "外部碎片");
        HeapAllocator a = implicit();
        Map<Long, Long> requested = new LinkedHashMap<>();
        long[] p = new long[BLOCKS];
        for (int i = 0; i < BLOCKS; i++) {
            p[i] = a.malloc(CHECKER);
            requested.put(p[i], CHECKER);
        }
        for (int i = 0; i < BLOCKS; i += 2) {
            a.free(p[i]);
            requested.remove(p[i]);
        }
        HeapWalker heap = (HeapWalker) a;
        Fragmentation.Report r = Fragmentation.measure(heap, requested);
        ctx.say("External fragmentation is free memory cut into pieces too small to use. In a",
                "fresh heap: 32 × malloc(112), each a 128-byte block, exactly filling the first",
                "4 KiB the allocator took from brk; then free every other one:");
        ctx.diagram("the heap: # = in use, . = free, one mark per 128-byte block", List.of(
                checkerboard(heap.blocks())));
        ctx.diagram("Fragmentation.measure", report(r));
        ctx.say("external = 1 - largest free block / free bytes = 1 - " + r.largestFree() + " / "
                        + r.freeBytes() + " = "
                        + String.format(Locale.ROOT, "%.4f", r.external()) + ":",
                "half the heap is free, but no free block is bigger than 128 bytes. 0 would mean",
                "all free memory is one block; near 1, dust.");
        long before = heapEnd(heap);
        long big = a.malloc(200);
        requested.put(big, 200L);
        Fragmentation.Report after = Fragmentation.measure(heap, requested);
        ctx.say("",
                "Now malloc(200), a 224-byte block. " + r.freeBytes() + " bytes are free and none of them",
                "helps: the heap grows by another 4 KiB (" + hex(before) + " → " + hex(heapEnd(heap))
                        + " past its start) and the",
                "block goes there. Measured again:");
        ctx.diagram("Fragmentation.measure after malloc(200)", report(after));
        ctx.say("external fell to " + String.format(Locale.ROOT, "%.4f", after.external())
                        + " only because the new 4 KiB left one big free block",
                "(" + after.largestFree() + " bytes) at the end: the sixteen holes are still there.",
                "The number describes the free memory at one moment; watch it over time.");
    }

    private static long heapEnd(HeapWalker heap) {
        List<HeapBlock> blocks = heap.blocks();
        return blocks.get(blocks.size() - 1).end() - blocks.get(0).header();
    }

    private static String checkerboard(List<HeapBlock> blocks) {
        StringBuilder sb = new StringBuilder();
        for (HeapBlock b : blocks) {
            for (long i = 0; i < b.size() / 128; i++) {
                sb.append(b.allocated() ? '#' : '.');
            }
        }
        return sb.toString();
    }

    private static List<String> report(Fragmentation.Report r) {
        return List.of(
                String.format(Locale.ROOT, "allocated %6d   requested %6d   internal %5d", r.allocatedBytes(),
                        r.requestedBytes(), r.internal()),
                String.format(Locale.ROOT, "free      %6d   largest   %6d   in %d blocks   external %.4f",
                        r.freeBytes(), r.largestFree(), r.freeBlocks(), r.external()));
    }

    private void pinned(LessonContext ctx) {
        ctx.step("In glibc: the pinned heap", "glibc 中：被钉住的堆");
        MallocMachine pm = MallocMachine.start();
        long[] p = new long[64];
        for (int i = 0; i < p.length; i++) {
            p[i] = pm.malloc.malloc(2000);
        }
        long brk = pm.mm.brk(0);
        long rssFull = pm.mm.counters().rss();
        for (int i = 0; i < p.length - 1; i++) {
            pm.malloc.free(p[i]);
        }
        Mallinfo2 mi = pm.malloc.mallinfo2();
        long rssFreed = pm.mm.counters().rss();
        ctx.say("A process with glibc: 64 × malloc(2000) (0x7e0 chunks, too big for the tcache),",
                "then free all but the last. The 63 free chunks merge into one free chunk of",
                hex(63 * 0x7e0L) + " bytes, but the last block, still in use, sits between it and",
                "the top chunk. free() can only shrink the heap from the top, so:");
        ctx.diagram("after 63 frees / 释放 63 块之后", List.of(
                "brk       " + hex(pm.mm.brk(0)) + "   (was " + hex(brk) + ")",
                String.format(Locale.ROOT, "fordblks  %6d bytes free inside the heap", mi.fordblks()),
                String.format(Locale.ROOT, "uordblks  %6d bytes in use", mi.uordblks()),
                "RSS       " + rssFreed + " pages   (" + rssFull + " before the frees)"));
        ctx.say("The process keeps every page: the memory is free for malloc, not for the system.",
                "This is external fragmentation at the scale of the kernel, the classic \"my",
                "program freed everything but its RSS did not go down\".");
        long rssBefore = pm.mm.counters().rss();
        boolean released = pm.malloc.mallocTrim(0);
        ctx.say("",
                "malloc_trim(0) does two things (returned " + (released ? 1 : 0) + "). It calls"
                        + " madvise(MADV_DONTNEED)",
                "on every whole page inside the free chunks: the addresses stay, the pages go.",
                "And it shrinks the top chunk to less than a page with sbrk, threshold or not:",
                "  brk " + hex(brk) + " → " + hex(pm.mm.brk(0)) + " (one page: top was only "
                        + hex(pm.heap().size(pm.heap().top()) + (brk - pm.mm.brk(0))) + " bytes)",
                "  RSS " + rssBefore + " → " + pm.mm.counters().rss() + " pages (the free chunk's 30"
                        + " whole pages dropped)");
        ctx.say(Tone.EMPHASIS, "Free bytes are not free pages until someone gives them back.");
    }

    private void summary(LessonContext ctx) {
        ctx.step("What to remember", "要点");
        ctx.say("Internal fragmentation = allocated - requested: headers, alignment, rounding;",
                "external = 1 - largest free / total free: memory free in pieces too small.",
                "q54  An allocator trades one against the other and against speed: size classes",
                "     round up (internal), first fit and splitting leave holes (external).",
                "q55  glibc returns heap memory with sbrk only from the top; a live block near",
                "     the top pins everything below it. malloc_trim (or the automatic trim when",
                "     top passes M_TRIM_THRESHOLD) and big blocks in their own mmap limit the",
                "     damage.",
                "内部碎片：块内浪费；外部碎片：空闲内存被切碎。堆只能从顶端收缩。");
    }
}
