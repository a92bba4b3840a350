package io.pagelab.lessons.process;

import static io.pagelab.lessons.process.ProcessMachine.ANON;
import static io.pagelab.lessons.process.ProcessMachine.hex;

import io.pagelab.api.Prot;
import io.pagelab.kernel.mm.Kernel;
import io.pagelab.kernel.mm.Mm;
import io.pagelab.kernel.mm.MmLayout;
import io.pagelab.kernel.mm.ProgramImage;
import io.pagelab.kernel.mm.Task;
import io.pagelab.kernel.mm.Vma;
import io.pagelab.lessons.Lesson;
import io.pagelab.lessons.LessonContext;
import io.pagelab.lessons.Tone;
import io.pagelab.lessons.diagram.AddressSpaceBar;
import io.pagelab.lessons.diagram.SizeFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lesson "vmas": a process's address space is a short, sorted list of areas (struct
 * vm_area_struct), and /proc/pid/maps prints one line per area (fs/proc/task_mmu.c:
 * show_map_vma, Linux 6.6+). A small PIE is exec'd with ASLR off, its maps are drawn to scale,
 * then mmap, mprotect and munmap split and merge areas step by step (mm/mmap.c: mmap_region,
 * mm/mprotect.c: mprotect_fixup, mm/vma.c: split and merge rules).
 *
 * <p>Interview questions: q51 (the system calls that hand out user memory), q53 (what mmap does),
 * q56 (how to view a process's mappings).
 *
 * <p>Differs from Linux on purpose: the program is static (no ld.so, no libc.so lines), as
 * pagelab's ELF loader has no program interpreter.
 */
public final class VmasLesson implements Lesson {

    /** Characters of the to-scale bar of the 128 TiB user half: 2 TiB each. */
    private static final int BAR = 64;

    @Override
    public String id() {
        return "vmas";
    }

    @Override
    public String titleZh() {
        return "进程的地址空间：VMA 与 /proc/pid/maps";
    }

    @Override
    public String titleEn() {
        return "A process's address space: VMAs and /proc/pid/maps";
    }

    @Override
    public List<String> questions() {
        return List.of("q51", "q53", "q56");
    }

    @Override
    public void run(LessonContext ctx) {
        ctx.banner(this);
        Kernel k = ProcessMachine.bootWithoutAslr();
        Task t = k.exec(ProgramImage.hello());
        Mm mm = t.mm();
        exec(ctx, t);
        toScale(ctx, mm);
        mmapTwice(ctx, mm);
        summary(ctx);
    }

    private void exec(LessonContext ctx, Task t) {
        ctx.step("execve(\"/usr/bin/hello\") and its maps", "执行程序后的 maps");
        ctx.say("A process does not see RAM. It sees 128 TiB of virtual addresses (0 to",
                "0x7fffffffffff), and almost all of them are invalid: only the ranges the kernel",
                "recorded as VMAs (struct vm_area_struct) may be touched. execve() creates the first",
                "ones: the program's segments, a stack, and two pages the kernel shares with every",
                "process (vvar, vdso). We run a small PIE with ASLR off (as under setarch -R or gdb),",
                "so the addresses are the ones you would see on your own machine:");
        ProcessMachine.printMaps(ctx, "cat /proc/" + t.pid() + "/maps", List.of(t.mm().maps().split("\n")));
        ctx.say("",
                "One line per VMA: start-end (end excluded), rights r w x and p (private, copy-on-write)",
                "or s (shared), the file offset, the device, the inode and a name.",
                "- 4 lines /usr/bin/hello: the PT_LOAD segments, each with its own rights: headers r--,",
                "  code r-x, constants r--, data rw-. The data line starts at file offset 0x2000 because",
                "  the segment's file offset 0x2dd0 lies in the file's third page.",
                "- [vvar] and [vdso]: kernel data and code mapped into every process so that",
                "  gettimeofday() needs no system call.",
                "- [stack]: 132 KiB = one page of arguments and environment + 128 KiB of room.",
                "- [vsyscall]: a fixed legacy page in the kernel half; --x means execute-only.",
                "No [heap] line yet: the heap VMA appears the first time brk() grows it (lesson brkmmap).",
                "一行就是一个 VMA：起止地址、权限、文件偏移、设备、inode、名字。");
    }

    private void toScale(LessonContext ctx, Mm mm) {
        ctx.step("The same space, to scale", "按比例画出来");
        ctx.say("Drawn to scale, 128 TiB in " + BAR + " characters (2 TiB each), the mappings are invisible:",
                "a character is shown as █ if any VMA falls in it, even a 4 KiB one.");
        List<Vma> vmas = mm.vmas();
        StringBuilder bar = new StringBuilder();
        long cell = (MmLayout.TASK_SIZE + MmLayout.PAGE_SIZE) / BAR;
        for (int i = 0; i < BAR; i++) {
            long from = i * cell;
            long to = from + cell;
            boolean used = false;
            for (Vma v : vmas) {
                used |= v.start() < to && v.end() > from;
            }
            bar.append(used ? '█' : '·');
        }
        int program = (int) (mm.startCode() / cell);
        ctx.diagram("user half 0 .. 128 TiB / 用户空间 128 TiB", List.of(bar.toString(),
                pad("^", program) + "^" + pad("", BAR - 2 - program) + "^",
                pad("0", program) + pad("hello (85.3 TiB)", BAR - 1 - program) + "stack (128 TiB)"));
        ctx.say("So we list every VMA and every gap, with a bar that grows by one character each",
                "time the size is multiplied by 4 (1 + log4 of the size in KiB):");
        List<String> rows = new ArrayList<>();
        long previous = 0;
        for (Vma v : vmas) {
            if (v.start() > previous) {
                rows.add(row("(gap)", previous, v.start(), '·'));
            }
            String name = mm.vmaName(v);
            rows.add(row(name == null ? "(anonymous)" : name, v.start(), v.end(), '█'));
            previous = v.end();
        }
        rows.add(row("(gap)", previous, MmLayout.TASK_SIZE + MmLayout.PAGE_SIZE, '·'));
        ctx.diagram("every VMA and gap, log scale / 对数刻度", rows);
        ctx.say("");
        ctx.say(Tone.EMPHASIS, "The program, vdso and stack use " + ProcessMachine.kib(mm.counters().totalVm())
                + " (VmSize); the gaps are terabytes.");
        ctx.say("Gaps cost nothing: they have no VMA and no page table. Touching one is a SIGSEGV",
                "(lesson pagefault). The program sits at 0x555555554000 = 2/3 of the user space",
                "(ELF_ET_DYN_BASE), mmap_base at 0x7ffff7fff000 (128 MiB below the stack's top).",
                "VMA 之间的空洞没有页表、不占内存；访问空洞就是段错误。");
    }

    /** {@code s} padded with spaces to {@code width} columns. */
    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    private static String row(String name, long start, long end, char glyph) {
        return String.format(Locale.ROOT, "%012x-%012x %12s %-14s %s", start, end, SizeFormat.human(end - start),
                name.length() > 14 ? name.substring(name.lastIndexOf('/') + 1) : name,
                String.valueOf(glyph).repeat(1 + (AddressSpaceBar.logLength(end - start) - 1) / 2));
    }

    private void mmapTwice(LessonContext ctx, Mm mm) {
        ctx.step("mmap(): a new VMA below mmap_base", "mmap 新建 VMA");
        ctx.say("mmap(NULL, 12 KiB, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) asks for",
                "three pages of anonymous memory. get_unmapped_area() searches top-down from",
                "mmap_base for the highest gap that fits: right below [vvar].");
        int before = mm.vmas().size();
        long a = mm.mmap(0, 0x3000, Prot.USER_RW, ANON);
        ctx.say("  mmap(NULL, 0x3000, ...) = " + hex(a) + "   VMAs: " + before + " → " + mm.vmas().size());
        long b = mm.mmap(0, 0x1000, Prot.USER_RW, ANON);
        ctx.say("  mmap(NULL, 0x1000, ...) = " + hex(b) + "   VMAs: " + (before + 1) + " → " + mm.vmas().size());
        ProcessMachine.printMaps(ctx, "grep 7ffff7f /proc/pid/maps", ProcessMachine.mapsLines(mm, "7ffff7f"));
        ctx.say("",
                "The second area was placed right below the first, and since both are private,",
                "anonymous and rw-, the kernel merged them: one VMA of 16 KiB, not two. Adjacent areas",
                "merge when flags, file and offsets agree (vma_merge). No page exists yet: RSS is",
                "still " + mm.counters().rss() + " pages; memory comes with the first touch.",
                "相邻且属性相同的 VMA 会合并成一个。mmap 只分配地址范围，不分配物理页。");

        ctx.step("mprotect() one page: one VMA becomes three", "mprotect 拆分 VMA");
        long mid = b + 0x1000;
        before = mm.vmas().size();
        mm.mprotect(mid, 0x1000, Prot.USER_R);
        ctx.say("mprotect(" + hex(mid) + ", 4096, PROT_READ) on the second page: rights belong to a",
                "VMA, so the VMA is split at both ends of the range: VMAs " + before + " → " + mm.vmas().size() + ".");
        ProcessMachine.printMaps(ctx, "grep 7ffff7f /proc/pid/maps", ProcessMachine.mapsLines(mm, "7ffff7f"));
        before = mm.vmas().size();
        mm.mprotect(mid, 0x1000, Prot.USER_RW);
        ctx.say("", "mprotect(" + hex(mid) + ", 4096, PROT_READ|PROT_WRITE) gives the rights back; the three",
                "pieces agree again and merge: VMAs " + before + " → " + mm.vmas().size() + ".");

        ctx.step("munmap() a hole: one VMA becomes two", "munmap 打洞");
        before = mm.vmas().size();
        mm.munmap(mid, 0x1000);
        ctx.say("munmap(" + hex(mid) + ", 4096) removes one page from the middle; what is left on",
                "either side stays mapped: VMAs " + before + " → " + mm.vmas().size() + ".");
        ProcessMachine.printMaps(ctx, "grep 7ffff7f /proc/pid/maps", ProcessMachine.mapsLines(mm, "7ffff7f"));
        ctx.say("", "The hole at " + hex(mid) + "-" + hex(mid + 0x1000) + " is now a gap: touching it kills",
                "the process with SIGSEGV. munmap of the rest:");
        before = mm.vmas().size();
        mm.munmap(b, 0x4000);
        ctx.say("  munmap(" + hex(b) + ", 0x4000): VMAs " + before + " → " + mm.vmas().size()
                + " (a range with a hole in it is fine)");
        ctx.say("munmap 可以只释放 VMA 的一部分，VMA 随之拆分；mprotect 也会拆分，恢复后再合并。");
    }

    private void summary(LessonContext ctx) {
        ctx.step("What to remember", "要点");
        ctx.say("q51  User programs get memory from the kernel with brk and mmap, give it back with",
                "     munmap (or a lower brk), and change it with mprotect, mremap and madvise.",
                "q53  mmap picks a free range (top-down from mmap_base, highest gap that fits) and",
                "     records a VMA; pages come later, on the first touch. Areas with the same",
                "     rights and backing merge; mprotect and munmap of a part split them.",
                "q56  cat /proc/<pid>/maps (or pmap -x <pid>): one line per VMA. smaps adds",
                "     per-VMA memory use (lesson smaps).",
                "Try it: cat /proc/self/maps; setarch -R cat /proc/self/maps (ASLR off).");
    }
}
