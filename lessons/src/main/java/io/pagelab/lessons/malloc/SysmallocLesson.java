package io.pagelab.lessons.malloc;

import static io.pagelab.lessons.malloc.MallocMachine.hex;

import io.pagelab.lessons.Lesson;
import io.pagelab.lessons.LessonContext;
import io.pagelab.lessons.Tone;
import java.util.List;

/**
 * Lesson "sysmalloc": when glibc 2.36's malloc asks the kernel for memory, and how. The first
 * malloc's sbrk (malloc/malloc.c: sysmalloc with mp_.top_pad), growing the heap when the top
 * chunk runs out, the mmap threshold (sysmalloc's first test, and only there), the mmapped chunk
 * and its IS_MMAPPED header, the dynamic threshold that __libc_free raises, and systrim giving
 * the top of the heap back. Every effect is read from the simulated process: brk(0) and
 * /proc/pid/maps.
 *
 * <p>Interview questions: q55 (how glibc uses brk and mmap), q52 and q53 seen from malloc.
 *
 * <p>Differs from a real process on purpose: ASLR is off and nothing else runs in the process;
 * pagelab keeps main_arena in an anonymous page at 0x7ffff7fa8000 (a real libc's .data is a file
 * mapping), which this lesson leaves out of the maps it prints.
 */
public final class SysmallocLesson implements Lesson {

    @Override
    public String id() {
        return "sysmalloc";
    }

    @Override
    public String titleZh() {
        return "malloc 何时调用 brk，何时调用 mmap";
    }

    @Override
    public String titleEn() {
        return "When malloc calls brk and when mmap";
    }

    @Override
    public List<String> questions() {
        return List.of("q55", "q52", "q53");
    }

    @Override
    public void run(LessonContext ctx) {
        ctx.banner(this);
        MallocMachine pm = MallocMachine.start();
        firstSbrk(ctx, pm);
        grow(ctx, pm);
        long m1 = threshold(ctx, pm);
        dynamic(ctx, pm, m1);
        summary(ctx);
    }

    private static void maps(LessonContext ctx, MallocMachine pm) {
        ctx.say("");
        ctx.say("$ cat /proc/pid/maps   (heap and anonymous lines)");
        for (String line : pm.heapMaps()) {
            ctx.say(line);
        }
    }

    private void firstSbrk(LessonContext ctx, MallocMachine pm) {
        ctx.step("The first malloc: sbrk(0x21000)", "第一次 malloc：sbrk(0x21000)");
        long start = pm.mm.brk(0);
        long a = pm.malloc.malloc(24);
        ctx.say("Before any malloc, brk(0) = " + hex(start) + ". malloc(24) = " + hex(a) + ", and now",
                "brk(0) = " + hex(pm.mm.brk(0)) + ": the heap grew by 0x21000.",
                "",
                "main_arena's top chunk was empty, so _int_malloc called sysmalloc(). The first",
                "chunk is the 0x290 tcache struct. The request is below the mmap threshold, so",
                "sysmalloc extends the heap by the chunk + mp_.top_pad (M_TOP_PAD, 128 KiB) +",
                "MINSIZE, rounded up to a page: 0x290 + 0x20000 + 0x20 = 0x202b0 → 0x21000.",
                "top_pad is the point: one system call now saves one per future small malloc.");
        maps(ctx, pm);
    }

    private void grow(LessonContext ctx, MallocMachine pm) {
        ctx.step("Growing the heap", "堆的增长");
        long b1 = pm.malloc.malloc(100000);
        long topAfterB1 = pm.heap().size(pm.heap().top());
        long brk1 = pm.mm.brk(0);
        long b2 = pm.malloc.malloc(100000);
        long brk2 = pm.mm.brk(0);
        ctx.say("b1 = malloc(100000) = " + hex(b1) + ": a 0x186b0 chunk, cut from top. Top is",
                "left with " + hex(topAfterB1) + ", the break did not move (" + hex(brk1) + ").",
                "",
                "b2 = malloc(100000) = " + hex(b2) + ": top is too small now. sysmalloc asks",
                "for nb + top_pad + MINSIZE minus what top already has (the heap is contiguous,",
                "so the old top is reused): 0x186b0 + 0x20000 + 0x20 - " + hex(topAfterB1) + " = "
                        + hex(0x186b0 + 0x20000 + 0x20 - topAfterB1) + ",",
                "page-rounded " + hex(brk2 - brk1) + ". brk(0) = " + hex(brk2) + "; the kernel extends the",
                "same [heap] VMA (do_brk_flags merges it):");
        maps(ctx, pm);
    }

    private long threshold(LessonContext ctx, MallocMachine pm) {
        ctx.step("Above the mmap threshold", "超过 mmap 阈值");
        long m1 = pm.malloc.malloc(200000);
        long start = pm.malloc.mappingStart(m1);
        ctx.say("m1 = malloc(200000): nb = 200016 (0x30d50) is at least mp_.mmap_threshold",
                "(128 KiB = 0x20000) and top cannot serve it, so sysmalloc does not touch the heap.",
                "It maps the chunk alone: nb + 8, page-rounded = 0x31000, and",
                "  m1 = " + hex(m1) + " = the mapping + 0x10   brk(0) = " + hex(pm.mm.brk(0)) + " (unchanged)");
        ctx.diagram("x/2gx m1 - 0x10: an mmapped chunk's header", pm.heap().dump(start, 2));
        ctx.say("prev_size 0 (the offset of the chunk in its mapping), size 0x31000 | IS_MMAPPED",
                "(2). PREV_INUSE is clear: an mmapped chunk has no neighbours to merge with. The",
                "chunk is a maps line of its own, right below [vvar]:");
        maps(ctx, pm);
        long top = pm.heap().top();
        long topSize = pm.heap().size(top);
        long c1 = pm.malloc.malloc(131049);
        ctx.say("",
                "The threshold is consulted only in sysmalloc, after the bins and the top chunk.",
                "malloc(131049) needs nb = 0x20000, exactly the threshold, but top has "
                        + hex(topSize) + ":",
                "  c1 = malloc(131049) = " + hex(c1) + "   from the heap, no system call.",
                "Only when neither bins nor top can serve a request of 128 KiB or more does it get",
                "an mmap of its own.");
        return m1;
    }

    private void dynamic(LessonContext ctx, MallocMachine pm, long m1) {
        ctx.step("The dynamic threshold and trimming", "动态阈值与收缩");
        pm.malloc.free(m1);
        ctx.say("free(m1): an mmapped chunk is returned at once with munmap(), and its line",
                "disappears from maps. But __libc_free also notes that a chunk of 0x31000 was",
                "freed, bigger than the threshold (and at most 32 MiB): the program seems to",
                "allocate such blocks often, so glibc raises the threshold to that size and the",
                "trim threshold to twice it:",
                "  mmap_threshold = " + hex(pm.malloc.mmapThreshold()) + "   trim_threshold = "
                        + hex(pm.malloc.trimThreshold()));
        long brk0 = pm.mm.brk(0);
        long m2 = pm.malloc.malloc(200000);
        ctx.say("",
                "m2 = malloc(200000) again: 0x30d50 is now below the threshold, so the heap grows",
                "instead: m2 = " + hex(m2) + ", brk " + hex(brk0) + " → " + hex(pm.mm.brk(0)) + ".",
                "No more mmap/munmap (and page faults on fresh zero pages) for each such block.");
        long big = pm.malloc.malloc(300000);
        ctx.say("A bigger request, malloc(300000) (nb 0x493f0 > 0x31000), is still mapped:",
                "  " + hex(big) + " in a mapping of " + hex(pm.heap().size(big - 16)) + " below [vvar]:");
        maps(ctx, pm);
        pm.malloc.free(big);
        ctx.say("",
                "free(big) unmaps it and raises the threshold again, to the chunk's size:",
                "  mmap_threshold = " + hex(pm.malloc.mmapThreshold()) + "   trim_threshold = "
                        + hex(pm.malloc.trimThreshold()));
        long topBefore = pm.heap().size(pm.heap().top());
        long brkBefore = pm.mm.brk(0);
        long m2Size = pm.heap().size(m2 - 16);
        pm.malloc.free(m2);
        long top = pm.heap().top();
        long topSize = pm.heap().size(top);
        long brkAfter = pm.mm.brk(0);
        ctx.say("free(m2): m2 (" + hex(m2Size) + ") lies just below top, so it merges into top: "
                        + hex(topBefore) + " +",
                hex(m2Size) + " = " + hex(topSize) + ". A merge of 64 KiB or more makes free() compare top",
                "with trim_threshold: " + hex(topSize) + " is below " + hex(pm.malloc.trimThreshold())
                        + ", so nothing is returned and",
                "brk stays " + hex(brkAfter) + (brkAfter == brkBefore ? "." : " (it moved!)"),
                "(The dynamic rule has a cost: a bigger trim threshold keeps more memory.)");
        boolean trimmed = pm.malloc.mallocTrim(0);
        ctx.say("",
                "malloc_trim(0) does not wait for the threshold: it gives back, with a negative",
                "sbrk, every whole page of top above MINSIZE (returned " + (trimmed ? 1 : 0) + "):",
                "  top_area = " + hex(topSize) + " - 0x20 - 1 = " + hex(topSize - 0x21)
                        + ", released = page-rounded down = " + hex((topSize - 0x21) & ~0xfffL),
                "  brk " + hex(brkAfter) + " → " + hex(pm.mm.brk(0)) + ", top " + hex(top) + " now "
                        + hex(pm.heap().size(pm.heap().top())) + " bytes");
        maps(ctx, pm);
        ctx.say("",
                "小于阈值的请求在 brk 堆中分配，大于阈值且 top 不够时单独 mmap；",
                "free 一个较大的 mmap 块会抬高阈值（最多 32 MiB），top 超过 trim 阈值时用 sbrk 归还。");
    }

    private void summary(LessonContext ctx) {
        ctx.step("What to remember", "要点");
        ctx.say("q55  glibc asks the kernel only in sysmalloc, when bins and top cannot serve a",
                "     request. Below mp_.mmap_threshold (128 KiB at start) it grows the heap with",
                "     sbrk by the request + 128 KiB of top_pad (the first time: 0x21000). At or",
                "     above it, the chunk gets its own mmap (header size | IS_MMAPPED, user pointer",
                "     = mapping + 0x10), and free() unmaps it at once. Freeing an mmapped chunk",
                "     bigger than the threshold raises it to that size (≤ 32 MiB) and the trim",
                "     threshold to twice that. free() trims the heap's top with a negative sbrk",
                "     when top exceeds the trim threshold; malloc_trim(0) trims at once.",
                "q52/q53  brk moves the end of the one [heap] VMA; each mmap is a VMA of its own.");
        ctx.say(Tone.EMPHASIS, "Try it: strace -e trace=brk,mmap,munmap ./prog; mallopt(M_MMAP_THRESHOLD)");
        ctx.say(Tone.EMPHASIS, "fixes the threshold and turns the dynamic rule off.");
    }
}
