package io.pagelab.lessons.malloc;

import static io.pagelab.lessons.malloc.MallocMachine.hex;

import io.pagelab.lessons.Lesson;
import io.pagelab.lessons.LessonContext;
import io.pagelab.lessons.Tone;
import io.pagelab.userspace.malloc.Mallinfo2;
import java.util.ArrayList;
import java.util.List;

/**
 * Lesson "chunks": what glibc 2.36's malloc keeps in the heap, read back from the memory of a
 * simulated process. The chunk header (malloc/malloc.c: struct malloc_chunk, request2size, the
 * PREV_INUSE / IS_MMAPPED / NON_MAIN_ARENA bits), the tcache_perthread_struct that the first
 * malloc allocates (tcache_init), where free puts a chunk (_int_free: tcache, fastbin, unsorted),
 * how _int_malloc sorts the unsorted list into small and large bins, splits a free chunk and
 * remembers last_remainder, malloc_consolidate, and the top chunk.
 *
 * <p>Interview question: q54 (how user memory is managed: arenas, heaps, bins).
 *
 * <p>Differs from a real process on purpose: the process runs no code of its own before these
 * calls (a real program's stdio may malloc first), and ASLR is off, so the heap starts at
 * 0x555555559000 as under gdb.
 */
public final class ChunksLesson implements Lesson {

    @Override
    public String id() {
        return "chunks";
    }

    @Override
    public String titleZh() {
        return "malloc 内部：chunk 与 bin";
    }

    @Override
    public String titleEn() {
        return "Inside malloc: chunks and bins";
    }

    @Override
    public List<String> questions() {
        return List.of("q54");
    }

    @Override
    public void run(LessonContext ctx) {
        ctx.banner(this);
        MallocMachine pm = MallocMachine.start();
        HeapView heap = pm.heap();
        long base = firstMalloc(ctx, pm, heap);
        long[] abcd = headers(ctx, pm, heap, base);
        freeing(ctx, pm, heap, abcd);
        reuse(ctx, pm, heap, abcd);
        long big = consolidate(ctx, pm, heap, base);
        top(ctx, pm, heap, big);
        summary(ctx);
    }

    private long firstMalloc(LessonContext ctx, MallocMachine pm, HeapView heap) {
        ctx.step("The first malloc creates the heap", "第一次 malloc 建立堆");
        long before = pm.mm.brk(0);
        ctx.say("A fresh process has no heap: brk(0) = " + hex(before) + " and no [heap] line.",
                "The first malloc(24) finds main_arena empty, so sysmalloc() calls sbrk(0x21000):",
                "132 KiB, the request plus M_TOP_PAD (128 KiB), rounded up to pages.");
        long a = pm.malloc.malloc(24);
        long base = pm.malloc.sbrkBase();
        ctx.say("");
        ctx.say("$ grep heap /proc/pid/maps");
        for (String line : pm.heapMaps()) {
            ctx.say(line);
        }
        ctx.say("",
                "Before serving the request, malloc gives this thread its tcache: a",
                "tcache_perthread_struct of 640 bytes (uint16_t counts[64] + 64 list heads), the",
                "first chunk of the heap. Its header, as gdb's x/4gx shows it:");
        ctx.diagram("x/4gx " + hex(base) + "   (mp_.sbrk_base = start_brk)", heap.dump(base, 4));
        ctx.say("prev_size 0, size field 0x291: a 0x290-byte chunk (640 + 8, rounded up to 16) with",
                "PREV_INUSE set (there is no chunk before it). So the first user chunk starts at",
                "start_brk + 0x290, and malloc(24) returned its user pointer, 16 bytes further:",
                "  malloc(24) = " + hex(a) + "   (start_brk + 0x2a0)",
                "第一个用户块总在 start_brk + 0x2a0：前面是 0x290 字节的 tcache 结构。");
        return base;
    }

    private long[] headers(LessonContext ctx, MallocMachine pm, HeapView heap, long base) {
        ctx.step("Reading chunk headers", "读 chunk 头");
        long a = base + 0x2a0;
        long b = pm.malloc.malloc(100);
        long c = pm.malloc.malloc(1280);
        long d = pm.malloc.malloc(40);
        ctx.say("a is that first chunk; three more requests follow, each cut from the top chunk:",
                "  a = malloc(24)   = " + hex(a),
                "  b = malloc(100)  = " + hex(b),
                "  c = malloc(1280) = " + hex(c),
                "  d = malloc(40)   = " + hex(d),
                "",
                "A chunk is an 8-byte prev_size, an 8-byte size field, then the user's bytes. The",
                "size is request2size(n) = (n + 8 + 15) & ~15, at least 0x20: 8 bytes for the size",
                "field, rounded to 16. Why only + 8? While a chunk is in use, the next chunk's",
                "prev_size is not needed, so the user may write into it: malloc(24) fits in 0x20.",
                "The low three bits of the size field are flags: A = NON_MAIN_ARENA (4), M =",
                "IS_MMAPPED (2), P = PREV_INUSE (1, the chunk before this one is in use).");
        ctx.diagram("the heap, chunk by chunk / 逐个 chunk 看堆", heap.chunks(base));
        ctx.say("The top chunk is the untouched rest of the 132 KiB: every chunk above was cut from",
                "its front. user pointer = chunk + 0x10, so a chunk is its pointer minus 16.");
        return new long[] {a, b, c, d};
    }

    private void freeing(LessonContext ctx, MallocMachine pm, HeapView heap, long[] abcd) {
        ctx.step("free: which bin?", "free 之后进哪个 bin？");
        long a = abcd[0];
        long b = abcd[1];
        long c = abcd[2];
        long d = abcd[3];
        pm.malloc.free(a);
        pm.malloc.free(b);
        pm.malloc.free(c);
        ctx.say("free(a), free(b), free(c). free() first tries the thread's tcache: one list per",
                "chunk size from 0x20 to 0x410 (64 lists), up to 7 chunks each, no lock taken. a",
                "(0x20) and b (0x70) go there. c is 0x510, above the tcache's largest size, and",
                "above the fastbin limit (0x80): it is a normal free. Its neighbours are in use, so",
                "nothing merges, and it goes to the unsorted bin, a doubly linked list whose head",
                "lives in main_arena:");
        ctx.diagram("bins (pwndbg-style) / 各个 bin", heap.bins());
        ctx.diagram("x/4gx c - 0x10: c's header, fd, bk", heap.dump(c - 16, 4));
        long unsorted = heap.binAt(1);
        ctx.say("fd = bk = " + hex(unsorted) + " = &main_arena + 0x60 (main_arena at " + hex(heap.arena()) + "):",
                "the bin's own header, since c is the only chunk in the list. Freeing c also",
                "changed its neighbour d:");
        ctx.diagram("x/2gx d - 0x10: d's prev_size and size", heap.dump(d - 16, 2));
        ctx.say("d's prev_size now holds c's size (0x510) and d's P bit is clear (0x31 → 0x30): the",
                "boundary tags that let a later free of d find c and merge with it.",
                "",
                "a and b are different: tcache (and fastbin) chunks keep looking in use. Their",
                "neighbours' P bits stay set, so nobody merges with them; that is what makes them",
                "fast to reuse.",
                "tcache/fastbin 中的块对邻居来说仍是「已分配」；unsorted 中的块才真正空闲、可合并。");
    }

    private void reuse(LessonContext ctx, MallocMachine pm, HeapView heap, long[] abcd) {
        ctx.step("malloc looks in the bins first", "malloc 先查 bin");
        long a2 = pm.malloc.malloc(24);
        ctx.say("malloc(24) = " + hex(a2) + ": a again. A request for a 0x20 chunk pops the head of",
                "tcache[0x20] (LIFO), the last chunk freed of that size.");
        long e = pm.malloc.malloc(48);
        long rem = heap.binList(1).isEmpty() ? 0 : heap.binList(1).get(0);
        ctx.say("",
                "malloc(48) needs 0x40. tcache[0x40] and smallbin[4] are empty, so _int_malloc walks",
                "the unsorted list: c (0x510) is not an exact fit, so it is sorted into its bin,",
                "largebin 68 (1024 and above are large; 0x510 >> 6 = 20, 48 + 20 = 68). The binmap",
                "search then finds c there, the smallest chunk big enough, and splits it:",
                "  malloc(48) = " + hex(e) + " = c: the front 0x40 of the old chunk,",
                "  the remainder at " + hex(rem) + " (0x510 - 0x40 = 0x4d0) goes back to the unsorted",
                "  bin, and main_arena.last_remainder points at it.");
        ctx.diagram("bins", heap.bins());
        ctx.say("The next small requests are cut from that remainder in turn (the last_remainder",
                "rule keeps them next to each other).");
    }

    private long consolidate(LessonContext ctx, MallocMachine pm, HeapView heap, long base) {
        ctx.step("Full tcache, fastbin, consolidate", "fastbin 与合并");
        long[] x = new long[9];
        for (int i = 0; i < x.length; i++) {
            x[i] = pm.malloc.malloc(24);
        }
        for (int i = 0; i < 8; i++) {
            pm.malloc.free(x[i]);
        }
        ctx.say("Nine more malloc(24), x0 to x8 (" + hex(x[0]) + " to " + hex(x[8]) + ", each 0x20),",
                "then free x0 ... x7. The first seven fill tcache[0x20] (7 is the limit,",
                "mp_.tcache_count); x7 finds the tcache full and, being 0x80 or less, goes to",
                "fastbin[0x20]: a singly linked LIFO list, no merging, P bit left alone.");
        ctx.diagram("bins", heap.bins());
        long big = pm.malloc.malloc(1500);
        ctx.say("Now malloc(1500), a large request (0x5f0). Before looking at large bins,",
                "_int_malloc sees main_arena has fast chunks and calls malloc_consolidate(): every",
                "fastbin chunk is merged with free neighbours (x7 has none: x6 is in the tcache,",
                "x8 in use) and put in the unsorted bin. The unsorted walk then sorts x7 into",
                "smallbin 2 (0x20 >> 4) and the remainder of c (now 0x3b0) into smallbin 59",
                "(0x3b0 >> 4); nothing is big enough, so 0x5f0 comes from the top chunk:",
                "  malloc(1500) = " + hex(big));
        ctx.diagram("bins", heap.bins());
        ctx.diagram("the heap now / 现在的堆", heap.chunks(base));
        ctx.say("Small bins hold one size each (0x20, 0x30 ... 0x3f0: 62 lists). Large bins hold",
                "ranges (64 bytes wide at first, then wider), sorted by size, for best fit.");
        return big;
    }

    private void top(LessonContext ctx, MallocMachine pm, HeapView heap, long big) {
        ctx.step("The top chunk", "top chunk");
        long top = heap.top();
        long topSize = heap.size(top);
        pm.malloc.free(big);
        long top2 = heap.top();
        ctx.say("The top chunk is not in any bin: main_arena.top points at it. Before free(big):",
                "  top = " + hex(top) + ", size " + hex(topSize),
                "big (0x5f0) is too large for the tcache and fastbins, and its next chunk is top,",
                "so free() merges it into top instead of binning it:",
                "  top = " + hex(top2) + ", size " + hex(heap.size(top2)) + "  (" + hex(topSize) + " + 0x5f0)",
                "When top grows past M_TRIM_THRESHOLD (128 KiB) after such a merge, free gives the",
                "end of the heap back with a negative sbrk (the sysmalloc lesson shows it).");
        Mallinfo2 mi = pm.malloc.mallinfo2();
        List<String> lines = new ArrayList<>();
        lines.add(String.format("arena    %6d  bytes the heap got from sbrk", mi.arena()));
        lines.add(String.format("ordblks  %6d  free chunks in bins, + 1 for top", mi.ordblks()));
        lines.add(String.format("smblks   %6d  chunks in fastbins", mi.smblks()));
        lines.add(String.format("uordblks %6d  in use (tcache chunks count as in use)", mi.uordblks()));
        lines.add(String.format("fordblks %6d  free: top + bins", mi.fordblks()));
        lines.add(String.format("keepcost %6d  the top chunk", mi.keepcost()));
        ctx.diagram("mallinfo2() / 统计", lines);
        ctx.say(Tone.EMPHASIS, "uordblks + fordblks = arena: every byte of the heap is a chunk.");
    }

    private void summary(LessonContext ctx) {
        ctx.step("What to remember", "要点");
        ctx.say("q54  glibc's malloc cuts the heap into chunks: prev_size, size|A|M|P, user data",
                "     (chunk + 0x10). Per thread a tcache (64 sizes, 7 each); per arena 10",
                "     fastbins (LIFO, never merged until malloc_consolidate), one unsorted list,",
                "     62 small bins (one size each) and 63 large bins (size ranges, sorted), and",
                "     the top chunk, the rest of the heap. free() picks tcache → fastbin → merge",
                "     and unsorted; malloc() looks tcache → fastbin → smallbin → unsorted (sorting",
                "     as it goes) → large bins → top → sysmalloc.",
                "用户态内存由 glibc 按 chunk 管理：tcache、fastbin、unsorted、small、large bin 与 top。",
                "Try it: gdb ./prog, then (with pwndbg) heap and bins after each free.");
    }
}
