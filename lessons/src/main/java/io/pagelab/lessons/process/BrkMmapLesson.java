package io.pagelab.lessons.process;

import static io.pagelab.lessons.process.ProcessMachine.ANON;
import static io.pagelab.lessons.process.ProcessMachine.hex;

import io.pagelab.api.Prot;
import io.pagelab.kernel.mm.Kernel;
import io.pagelab.kernel.mm.Mm;
import io.pagelab.kernel.mm.ProgramImage;
import io.pagelab.kernel.mm.Task;
import io.pagelab.lessons.Lesson;
import io.pagelab.lessons.LessonContext;
import io.pagelab.lessons.Tone;
import java.util.List;
import java.util.Locale;

/**
 * Lesson "brkmmap": the two ways a process asks the kernel for heap memory, as glibc's malloc
 * uses them. brk() moves the end of the [heap] VMA (mm/mmap.c: SYSCALL_DEFINE1(brk), do_brk_flags);
 * a large request gets its own anonymous mmap() (malloc/malloc.c: sysmalloc, glibc 2.26+, with
 * M_TOP_PAD and M_MMAP_THRESHOLD at their defaults); and anonymous mappings whose length is a
 * multiple of 2 MiB are placed on a 2 MiB boundary (mm/huge_memory.c: thp_get_unmapped_area).
 *
 * <p>Interview questions: q51 (the allocation interfaces), q52 (brk), q53 (mmap), q55 (how glibc
 * uses brk and mmap; only its two headline rules here, the malloc lessons have the rest).
 *
 * <p>Differs from Linux on purpose: the system calls are made by hand, in the order glibc would
 * make them, rather than by a simulated malloc; ASLR is off, so the heap starts right after bss.
 */
public final class BrkMmapLesson implements Lesson {

    /** What glibc's first sbrk asks for on a small malloc: 128 KiB of M_TOP_PAD + the request, in pages. */
    private static final long FIRST_SBRK = 0x21000;

    @Override
    public String id() {
        return "brkmmap";
    }

    @Override
    public String titleZh() {
        return "brk 还是 mmap：glibc 向内核要什么";
    }

    @Override
    public String titleEn() {
        return "brk or mmap: what glibc asks the kernel for";
    }

    @Override
    public List<String> questions() {
        return List.of("q51", "q52", "q53", "q55");
    }

    @Override
    public void run(LessonContext ctx) {
        ctx.banner(this);
        Kernel k = ProcessMachine.bootWithoutAslr();
        Task t = k.exec(ProgramImage.hello());
        Mm mm = t.mm();
        brk(ctx, mm);
        mmapLarge(ctx, mm);
        thp(ctx, mm);
        summary(ctx);
    }

    private void brk(LessonContext ctx, Mm mm) {
        ctx.step("The program break", "程序断点 brk");
        long start = mm.brk(0);
        ctx.say("Right after exec, the heap is empty. Its start, start_brk, is the first page after",
                "the program's bss; brk(0) (what sbrk(0) calls) returns the current break:",
                "  brk(0) = " + hex(start) + "   and maps has no [heap] line.",
                "",
                "The first malloc(16) finds no heap, so glibc's sysmalloc() grows it by the request",
                "plus M_TOP_PAD (128 KiB), rounded up to pages: 132 KiB = 0x21000, i.e.",
                "sbrk(0x21000), which is brk(" + hex(start) + " + 0x21000):");
        long b1 = mm.brk(start + FIRST_SBRK);
        ctx.say("  brk(" + hex(start + FIRST_SBRK) + ") = " + hex(b1));
        ProcessMachine.printMaps(ctx, "grep heap /proc/pid/maps", ProcessMachine.mapsLines(mm, "5555555"));
        long rss = mm.counters().rss();
        mm.writeByte(start + 0x10, (byte) 1);
        ctx.say("",
                "A [heap] VMA of 132 KiB, named so because it contains the break. RSS did not move",
                "(" + rss + " pages): like mmap, brk only reserves addresses. malloc writing its",
                "chunk header into the first page faults one page in: RSS " + rss + " → "
                        + mm.counters().rss() + ".");
        long b2 = mm.brk(b1 + FIRST_SBRK);
        ctx.say("",
                "When the top of the heap is used up, glibc grows it again by at least 0x21000, and",
                "the kernel extends the same VMA (do_brk_flags merges with the heap below):",
                "  brk(" + hex(b1 + FIRST_SBRK) + ") = " + hex(b2),
                "The VMA is now " + hex(start) + "-" + hex(b2) + ": still one [heap] line.");
        long odd = mm.brk(b2 + 100);
        ctx.say("The break need not be page aligned: brk(" + hex(b2 + 100) + ") = " + hex(odd) + " is",
                "stored exactly, and the VMA ends at the next page: "
                        + ProcessMachine.mapsLines(mm, "5555555").get(ProcessMachine.mapsLines(mm, "5555555")
                        .size() - 1).substring(0, 25) + ".");
        long shrunk = mm.brk(b1);
        ctx.say("free() at the top of the heap lets glibc give memory back (M_TRIM_THRESHOLD,",
                "128 KiB): brk(" + hex(b1) + ") = " + hex(shrunk) + " unmaps the top and frees its pages.",
                "堆就是一个 VMA，brk 只是移动它的末端；物理页仍在首次访问时才分配。");
    }

    private void mmapLarge(LessonContext ctx, Mm mm) {
        ctx.step("A big malloc gets its own mmap", "大块内存：单独 mmap");
        long len = alignUp(200 * 1024 + 24, 4096);
        ctx.say("malloc(200 KiB) is above M_MMAP_THRESHOLD (128 KiB by default), so glibc does not",
                "touch the heap: it maps a chunk of its own. 204,800 bytes + 24 bytes of chunk",
                "overhead, rounded up to pages = " + hex(len) + " (" + len / 1024 + " KiB):");
        long p = mm.mmap(0, len, Prot.USER_RW, ANON);
        ctx.say("  mmap(NULL, " + hex(len) + ", PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)",
                "    = " + hex(p) + "   (top-down, right below [vvar] at 0x7ffff7ff9000)",
                "free() of that chunk is munmap(): the memory goes back to the kernel at once, and",
                "no fragment is left behind in the heap.");
        mm.munmap(p, len);
        ctx.say("  munmap(" + hex(p) + ", " + hex(len) + ") = 0",
                "",
                "Why two ways? brk memory is one contiguous block: a free chunk in the middle cannot",
                "be returned, only the top. mmap memory can be returned chunk by chunk, but each",
                "call costs a system call, a VMA and page faults for fresh zeroed pages. So small",
                "requests come from the heap and big ones from mmap. (glibc raises the threshold",
                "when a freed mmap chunk was bigger than it, up to 32 MiB: the malloc lessons show",
                "it.)",
                "小块从 brk 堆中切分；≥ 128 KiB 的请求直接 mmap，free 时 munmap 立即归还。");
    }

    private void thp(LessonContext ctx, Mm mm) {
        ctx.step("Large anonymous mmaps: 2 MiB aligned", "大块匿名映射按 2 MiB 对齐");
        long four = mm.mmap(0, 4L << 20, Prot.USER_RW, ANON);
        long odd = mm.mmap(0, (4L << 20) + 4096, Prot.USER_RW, ANON);
        ctx.say("Recent kernels (6.7 and later) place an anonymous private mapping whose length is",
                "a multiple of 2 MiB on a 2 MiB boundary (thp_get_unmapped_area: search for len +",
                "2 MiB, then round the start up). Then every 2 MiB of it can be one transparent huge",
                "page: one TLB entry instead of 512.");
        ctx.diagram("two mmaps of almost the same size / 大小几乎相同的两次 mmap", List.of(
                String.format(Locale.ROOT, "mmap(NULL, 4 MiB)         = %s   %% 2 MiB = %s", hex(four),
                        hex(four & ((2L << 20) - 1))),
                String.format(Locale.ROOT, "mmap(NULL, 4 MiB + 4 KiB) = %s   %% 2 MiB = %s", hex(odd),
                        hex(odd & ((2L << 20) - 1)))));
        ctx.say("");
        ctx.say(Tone.EMPHASIS, String.format(Locale.ROOT, "4 MiB: the 6 MiB gap below 0x7ffff7ff9000 starts at"
                + " %s;", hex(0x7ffff7ff9000L - (6L << 20))));
        ctx.say(Tone.EMPHASIS, "rounded up to the next 2 MiB boundary: " + hex(four) + ".");
        ctx.say("The second length is not a multiple of 2 MiB: it goes right below the first, at",
                "a plain page boundary, as always. (pagelab maps 4 KiB pages only; the alignment is",
                "modelled, the huge pages themselves are not.)",
                "长度为 2 MiB 整数倍的匿名映射按 2 MiB 对齐，便于使用透明大页。");
    }

    private static long alignUp(long v, long to) {
        return (v + to - 1) / to * to;
    }

    private void summary(LessonContext ctx) {
        ctx.step("What to remember", "要点");
        ctx.say("q51  The kernel's interfaces: brk/sbrk (move the heap's end), mmap/munmap (map or",
                "     unmap anywhere), plus mprotect, mremap and madvise. malloc is a library.",
                "q52  brk moves the program break: it grows or shrinks the [heap] VMA (one VMA,",
                "     merged on growth, page aligned while the break itself is exact). No page is",
                "     allocated until it is touched.",
                "q53  mmap finds a free range (top-down below mmap_base, 2 MiB aligned for large",
                "     anonymous lengths) and creates a VMA; pages come on the first touch.",
                "q55  glibc: small requests from the brk heap (grown 132 KiB at a time at first),",
                "     requests ≥ 128 KiB (M_MMAP_THRESHOLD) from their own mmap, freed by munmap.",
                "Try it: strace -e trace=brk,mmap,munmap ./prog   shows exactly these calls.");
    }
}
