package io.pagelab.lessons.process;

import static io.pagelab.lessons.process.ProcessMachine.hex;

import io.pagelab.kernel.mm.Kernel;
import io.pagelab.kernel.mm.KernelConfig;
import io.pagelab.kernel.mm.Mm;
import io.pagelab.kernel.mm.MmLayout;
import io.pagelab.kernel.mm.ProgramImage;
import io.pagelab.kernel.mm.Vma;
import io.pagelab.lessons.Lesson;
import io.pagelab.lessons.LessonContext;
import io.pagelab.lessons.Tone;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lesson "aslr": where address-space layout randomization moves a 64-bit process's regions and by
 * how much, from the kernel's own formulas (arch/x86/mm/mmap.c: arch_rnd, mmap_base;
 * fs/binfmt_elf.c: load_elf_binary, randomize_stack_top; arch/x86/kernel/process.c:
 * arch_randomize_brk; mm/util.c: randomize_page; Linux 6.9+), as {@link MmLayout} implements
 * them. The same program is exec'd with ASLR off and under three seeds, side by side.
 *
 * <p>Interview question: q20 (how the 64-bit address space is divided: the user half, and where
 * in it things land).
 *
 * <p>Differs from Linux on purpose: randomness comes from a seed, so a run can be repeated; the
 * stack pointer's sub-page jitter (arch_align_stack) and the vDSO's own offset are not modelled
 * (the vDSO goes just below mmap_base).
 */
public final class AslrLesson implements Lesson {

    private static final long[] SEEDS = {1, 2, 3};

    @Override
    public String id() {
        return "aslr";
    }

    @Override
    public String titleZh() {
        return "ASLR：随机化有多少熵、发生在哪里";
    }

    @Override
    public String titleEn() {
        return "ASLR: how much entropy, and where";
    }

    @Override
    public List<String> questions() {
        return List.of("q20");
    }

    /** The regions one exec produced. */
    private record Layout(String name, long pie, long brk, long mmapBase, long vdso, long stackTop) {
        static Layout of(String name, Mm mm) {
            long vdso = 0;
            long stackTop = 0;
            for (Vma v : mm.vmas()) {
                if ("[vdso]".equals(v.name())) {
                    vdso = v.start();
                }
                if ((v.flags() & Vma.VM_GROWSDOWN) != 0) {
                    stackTop = v.end();
                }
            }
            return new Layout(name, mm.vmas().get(0).start(), mm.startBrk(), mm.mmapBase(), vdso, stackTop);
        }
    }

    @Override
    public void run(LessonContext ctx) {
        ctx.banner(this);
        List<Layout> layouts = new ArrayList<>();
        layouts.add(Layout.of("ASLR off", Kernel.boot(KernelConfig.defaults().withoutAslr()
                .withRam(256L << 20)).exec(ProgramImage.hello()).mm()));
        for (long seed : SEEDS) {
            layouts.add(Layout.of("seed " + seed, Kernel.boot(KernelConfig.defaults().withSeed(seed)
                    .withRam(256L << 20)).exec(ProgramImage.hello()).mm()));
        }
        sideBySide(ctx, layouts);
        mmapBase(ctx, layouts);
        stack(ctx, layouts);
        pieAndBrk(ctx, layouts);
        entropy(ctx);
        summary(ctx);
    }

    private void sideBySide(LessonContext ctx, List<Layout> layouts) {
        ctx.step("One program, four runs", "同一个程序运行四次");
        ctx.say("kernel.randomize_va_space = 2 (the default) randomizes the stack, the mmap area (and",
                "with it the vDSO and every library), a PIE program's load address and the heap.",
                "We exec /usr/bin/hello once with ASLR off (randomize_va_space = 0, or setarch -R)",
                "and three times with ASLR on, each time with a different random seed:");
        List<String> rows = new ArrayList<>();
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-11s", ""));
        for (Layout l : layouts) {
            head.append(String.format(Locale.ROOT, " %-15s", l.name()));
        }
        rows.add(head.toString().stripTrailing());
        rows.add(row("PIE base", layouts, Layout::pie));
        rows.add(row("start_brk", layouts, Layout::brk));
        rows.add(row("mmap_base", layouts, Layout::mmapBase));
        rows.add(row("[vdso]", layouts, Layout::vdso));
        rows.add(row("stack top", layouts, Layout::stackTop));
        ctx.diagram("where the regions start / 各区域的起始地址", rows);
        ctx.say("",
                "With ASLR off every run is the same: the numbers gdb users know by heart. With ASLR",
                "on, every region moves, and each by its own random amount: knowing one address",
                "(say, a leaked stack pointer) tells an attacker nothing about the others.",
                "关闭 ASLR 时每次都一样；打开后各区域各自独立地随机偏移。");
    }

    private interface Field {
        long get(Layout l);
    }

    private static String row(String label, List<Layout> layouts, Field f) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-11s", label));
        for (Layout l : layouts) {
            sb.append(String.format(Locale.ROOT, " %-15s", hex(f.get(l))));
        }
        return sb.toString().stripTrailing();
    }

    private void mmapBase(LessonContext ctx, List<Layout> layouts) {
        ctx.step("mmap_base: 28 bits, 1 TiB", "mmap_base：28 位，1 TiB");
        long guard = 256L << 12;
        long gapOff = MmLayout.TASK_SIZE - MmLayout.mmapBase(0, 8L << 20, false, guard);
        long gapOn = MmLayout.TASK_SIZE - MmLayout.mmapBase(0, 8L << 20, true, guard);
        long top = MmLayout.TASK_SIZE - gapOn;
        ctx.say("arch_pick_mmap_layout() sets, once per exec:",
                "  mmap_base = PAGE_ALIGN(TASK_SIZE - gap - rnd)",
                "  gap = RLIMIT_STACK (8 MiB) + the stack's random range (0x3fffff pages, 16 GiB",
                "        - 4 KiB) + stack_guard_gap (1 MiB), at least 128 MiB: kept for the stack",
                "  rnd = (random & (2^mmap_rnd_bits - 1)) << 12, with vm.mmap_rnd_bits = 28",
                "ASLR off: no random range and rnd = 0, gap = 9 MiB, raised to 128 MiB:",
                "  mmap_base = " + hex(MmLayout.TASK_SIZE - gapOff) + ".",
                String.format(Locale.ROOT, "ASLR on: gap = %s, so mmap_base = %s - rnd, rnd < 2^40 = 1 TiB:",
                        hex(gapOn), hex(top)));
        List<String> rows = new ArrayList<>();
        for (Layout l : layouts.subList(1, layouts.size())) {
            long rnd = top - l.mmapBase();
            rows.add(String.format(Locale.ROOT, "%-7s mmap_base %s   rnd = %-13s = %,11d pages", l.name(),
                    hex(l.mmapBase()), hex(rnd), rnd >>> 12));
        }
        ctx.diagram("rnd recovered from each run / 每次的随机量", rows);
        ctx.say("", "Every rnd is a whole number of pages below 2^28 = 268,435,456. That is where shared",
                "libraries go (glibc, ld.so: the 0x7fxxxxxxx000 addresses of real maps files).",
                "Raising vm.mmap_rnd_bits to 32 (the x86-64 maximum) makes the range 16 TiB.");
    }

    private void stack(LessonContext ctx, List<Layout> layouts) {
        ctx.step("The stack: 22 bits of pages, 16 GiB", "栈：22 位，16 GiB");
        ctx.say("randomize_stack_top(STACK_TOP) = PAGE_ALIGN(0x7ffffffff000)",
                "                                 - ((random & 0x3fffff) << 12)",
                "The mask __STACK_RND_MASK is 0x3fffff: 22 bits of pages, a 16 GiB range, all",
                "inside the gap that mmap_base left for it. The stack's top, per run:");
        List<String> rows = new ArrayList<>();
        for (Layout l : layouts.subList(1, layouts.size())) {
            long down = MmLayout.STACK_TOP - l.stackTop();
            rows.add(String.format(Locale.ROOT, "%-7s stack top %s = 0x7ffffffff000 - %,d pages (%.2f GiB)",
                    l.name(), hex(l.stackTop()), down >>> 12, down / (double) (1L << 30)));
        }
        ctx.diagram("stack tops / 栈顶", rows);
    }

    private void pieAndBrk(LessonContext ctx, List<Layout> layouts) {
        ctx.step("The program and the heap", "程序本身与堆");
        ctx.say("A PIE (what most distributions' gcc builds by default since about 2017) is loaded at",
                "ELF_ET_DYN_BASE + arch_mmap_rnd(), aligned to a page:",
                "  ELF_ET_DYN_BASE = TASK_SIZE / 3 * 2 = 0x555555554aaa → 0x555555554000 with ASLR off",
                "  arch_mmap_rnd() uses the same 28 bits as mmap_base: another 1 TiB range.",
                "The heap starts after bss, then (randomize_va_space = 2 only) arch_randomize_brk():",
                "  start_brk = randomize_page(PAGE_ALIGN(end of bss) + 4096, 1 GiB)",
                "a random page in a 1 GiB window (since Linux 6.9; 32 MiB before): 2^18 pages.");
        List<String> rows = new ArrayList<>();
        rows.add("run       PIE base        - 0x555555554000  start_brk - end of bss");
        for (Layout l : layouts) {
            long bssEnd = l.pie() + 0x5000;
            rows.add(String.format(Locale.ROOT, "%-8s  %-14s  +%-13s  %s", l.name(), hex(l.pie()),
                    hex(l.pie() - 0x555555554000L), hex(l.brk() - bssEnd)));
        }
        ctx.diagram("program and heap / 程序与堆", rows);
        ctx.say("", "(hello's bss ends in its fifth page, so PAGE_ALIGN(end of bss) = PIE base + 0x5000.",
                "With ASLR off the heap starts right there: offset 0.)");
    }

    private void entropy(LessonContext ctx) {
        ctx.step("How much entropy, where", "各处的熵");
        List<String> rows = new ArrayList<>();
        rows.add("region          formula                                  bits  range");
        rows.add("mmap, libs      (rnd & (2^28-1)) << 12 below TASK_SIZE-gap     28  1 TiB");
        rows.add("vDSO            placed from mmap_base in pagelab                28  1 TiB");
        rows.add("PIE program     ELF_ET_DYN_BASE + same 28-bit arch_rnd         28  1 TiB");
        rows.add("stack top       (rnd & 0x3fffff) << 12 below STACK_TOP         22  16 GiB");
        rows.add("heap start      randomize_page(bss end + 4 KiB, 1 GiB)         18  1 GiB");
        ctx.diagram("x86-64, 4 KiB pages, default sysctls / 默认配置", rows);
        ctx.say("",
                "Each bit doubles the guesses an attacker needs: 2^28 = 268 million places for libc.",
                "What ASLR does not hide: offsets inside a region (libc's functions keep their",
                "distance from libc's base), so one leaked pointer into libc reveals all of libc.",
                "Turn it off for one command: setarch -R ./prog (gdb does this by default); for the",
                "whole machine: sysctl kernel.randomize_va_space=0.",
                "一个区域内部的相对偏移不变：泄露一个 libc 指针，整个 libc 就暴露了。");
    }

    private void summary(LessonContext ctx) {
        ctx.step("What to remember", "要点");
        ctx.say("q20  The user half is 0 .. 0x7ffffffff000 (128 TiB). Top down: the stack (randomized",
                "     by up to 16 GiB), a gap, mmap_base and the mmap area growing down (up to 1 TiB",
                "     lower), far below the PIE program (0x5555... + up to 1 TiB) and the heap just",
                "     above its bss (+ up to 1 GiB).",
                "ASLR is re-rolled at every execve(), not at fork(): a forked child has its parent's",
                "layout (which is why forking servers leak layouts across requests).",
                "Try it: for i in 1 2 3; do grep -E 'stack|heap' /proc/self/maps; done");
        ctx.say(Tone.DIM, "The seeds make this lesson repeatable; a real kernel draws from get_random_long().");
    }
}
