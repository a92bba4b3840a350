package io.pagelab.lessons.process;

import static io.pagelab.lessons.process.ProcessMachine.ANON;
import static io.pagelab.lessons.process.ProcessMachine.describePte;
import static io.pagelab.lessons.process.ProcessMachine.hex;
import static io.pagelab.lessons.process.ProcessMachine.pte;

import io.pagelab.api.Prot;
import io.pagelab.api.error.PageFault;
import io.pagelab.api.error.SegmentationFault;
import io.pagelab.hardware.mmu.Access;
import io.pagelab.kernel.mm.Kernel;
import io.pagelab.kernel.mm.Mm;
import io.pagelab.kernel.mm.MmCounters;
import io.pagelab.kernel.mm.ProgramImage;
import io.pagelab.kernel.mm.Task;
import io.pagelab.lessons.Lesson;
import io.pagelab.lessons.LessonContext;
import io.pagelab.lessons.Tone;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lesson "pagefault": what happens between a load or store and the page it reaches, when no
 * page is there yet. Follows arch/x86/mm/fault.c: do_user_addr_fault (find_vma, expand_stack,
 * access_error, bad_area with SEGV_MAPERR or SEGV_ACCERR) and mm/memory.c: handle_pte_fault,
 * do_anonymous_page (zero page on read, fresh zeroed page on write) and do_wp_page (Linux 6.6+),
 * printing the PTE before and after each fault.
 *
 * <p>Interview question: q17 (how a process's virtual memory relates to physical memory).
 *
 * <p>Differs from Linux on purpose: one CPU, 4 KiB pages only (no THP fault), no fault-around.
 */
public final class PageFaultLesson implements Lesson {

    @Override
    public String id() {
        return "pagefault";
    }

    @Override
    public String titleZh() {
        return "一次缺页异常，一步一步";
    }

    @Override
    public String titleEn() {
        return "A page fault, step by step";
    }

    @Override
    public List<String> questions() {
        return List.of("q17");
    }

    @Override
    public void run(LessonContext ctx) {
        ctx.banner(this);
        Kernel k = ProcessMachine.bootWithoutAslr();
        Task t = k.exec(ProgramImage.hello());
        Mm mm = t.mm();
        long a = mm.mmap(0, 0x2000, Prot.USER_RW, ANON);
        before(ctx, mm, a);
        readFault(ctx, k, mm, a);
        writeFault(ctx, mm, a);
        segv(ctx, t);
        stack(ctx, t);
        summary(ctx);
    }

    private void before(LessonContext ctx, Mm mm, long a) {
        ctx.step("After mmap: a VMA, no page", "mmap 之后：有 VMA，没有页");
        ctx.say("p = mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)",
                "returned p = " + hex(a) + ". The kernel wrote down a VMA and nothing else: no page",
                "and no page-table entry. The PTE that would map p is empty:");
        ctx.diagram("PTE for p / p 的页表项", List.of("p       " + describePte(pte(mm, a)),
                "p+4096  " + describePte(pte(mm, a + 0x1000))));
        ctx.say("", counters(mm));
    }

    private void readFault(LessonContext ctx, Kernel k, Mm mm, long a) {
        ctx.step("Read p: the shared zero page", "读：映射共享零页");
        ctx.say("x = *(long *)p. The MMU walks the page table, finds no present PTE and raises #PF",
                "with error code 4 (user mode, read, page not present). The kernel's fault handler:",
                "  1. find_vma(p): the VMA covers p, so the access is legal;",
                "  2. access_error(): a read of a readable VMA is allowed;",
                "  3. handle_mm_fault() → handle_pte_fault(): PTE empty, VMA anonymous →",
                "     do_anonymous_page(); it is a read, so map the ZERO PAGE, read-only.");
        long value = mm.readLong(a);
        ctx.diagram("PTE for p after the read / 读之后", List.of("p       " + describePte(pte(mm, a))));
        ctx.say("");
        ctx.say(Tone.EMPHASIS, "x = " + value + ", and pfn " + hex(k.zeroPfn())
                + " is the zero page: one page of zeros shared by every process.");
        ctx.say("No memory was used for p: reading never-written memory costs nothing. R/W=0 even",
                "though the VMA is writable: the kernel must see the first write.",
                counters(mm),
                "读未写过的匿名内存：映射只读的共享零页，RSS 不变。");
    }

    private void writeFault(LessonContext ctx, Mm mm, long a) {
        ctx.step("Write p: a page of its own", "写：分配自己的页");
        long before = pte(mm, a);
        mm.writeLong(a, 42);
        ctx.say("*(long *)p = 42. The PTE is present but read-only: #PF again, error code 7 (user,",
                "write, present). handle_pte_fault() sees a write to a write-protected PTE and calls",
                "do_wp_page(): the page is the zero page, so it can never be written in place:",
                "allocate a page, clear it, map it writable (wp_page_copy).");
        ctx.diagram("PTE for p, before and after the write / 写前写后", List.of(
                "before  " + describePte(before), "after   " + describePte(pte(mm, a))));
        ctx.say("D=1: the page is dirty (its content exists nowhere else).", counters(mm));
        ctx.say("");
        long b = a + 0x1000;
        long faults = mm.counters().minFlt();
        mm.writeLong(b, 7);
        ctx.say("Writing p+4096 first, without reading it, takes a single fault: do_anonymous_page()",
                "sees a write and maps a fresh zeroed page at once (faults +"
                        + (mm.counters().minFlt() - faults) + "):");
        ctx.diagram("PTE for p+4096 after its first write / 首次写", List.of("p+4096  " + describePte(pte(mm, b))));
        ctx.say("", counters(mm),
                "Each fault here is a MINOR fault: no disk was read. A MAJOR fault waits for I/O (a",
                "file page not yet in the page cache, or swap).",
                "写零页：分配新页并清零，PTE 可写且脏；先写则一次缺页就分配。");
    }

    private void segv(LessonContext ctx, Task t) {
        ctx.step("When the kernel says no: SIGSEGV", "段错误：MAPERR 与 ACCERR");
        Mm mm = t.mm();
        ctx.say("The handler sends SIGSEGV when the access cannot be allowed. The signal's si_code",
                "tells why. (The code and data pages were read once first, so their PTEs are present.)");
        List<String> rows = new ArrayList<>();
        rows.add(fault(mm, "*(char *)0x10000 (no VMA there)", 0x10000, Access.READ));
        long text = mm.startCode() & -4096L;
        mm.readByte(text);
        rows.add(fault(mm, "write to the code at " + hex(text), text, Access.WRITE));
        mm.readByte(0x555555557000L);
        rows.add(fault(mm, "execute the data at " + hex(0x555555557000L), 0x555555557000L, Access.EXECUTE));
        ctx.diagram("three bad accesses / 三次非法访问", rows);
        ctx.say("",
                "SEGV_MAPERR (1): no VMA covers the address (NULL-pointer reads, wild pointers, use of",
                "unmapped memory). SEGV_ACCERR (2): a VMA is there but forbids the access: writing",
                "r-x code, executing rw- data (the NX bit at work). The error code is the CPU's: bit 0",
                "P (page present), bit 1 W (write), bit 2 U (user mode), bit 4 I (instruction fetch);",
                "dmesg prints it in hex, so 0x15 = P + U + I.",
                "The kernel logs one line per fault, like dmesg does:");
        List<String> log = new ArrayList<>();
        for (long[] f : new long[][] {{0x10000, Access.READ.ordinal()}, {text, Access.WRITE.ordinal()}}) {
            try {
                mm.touch(f[0], Access.values()[(int) f[1]]);
            } catch (SegmentationFault e) {
                log.add(String.format(Locale.ROOT, "%s[%d]: segfault at %x error %x", t.comm(), t.pid(),
                        e.address(), e.errorCode()));
            }
        }
        ctx.kernelLog(log);
        ctx.say("没有 VMA：SEGV_MAPERR；有 VMA 但权限不允许：SEGV_ACCERR。");
    }

    private static String fault(Mm mm, String what, long va, Access access) {
        try {
            mm.touch(va, access);
            return String.format(Locale.ROOT, "%-36s allowed", what);
        } catch (SegmentationFault e) {
            return String.format(Locale.ROOT, "%-36s SIGSEGV %s, error 0x%x = %s", what,
                    e.siCode() == SegmentationFault.SEGV_MAPERR ? "MAPERR" : "ACCERR", e.errorCode(),
                    errorBits(e.errorCode()));
        }
    }

    private static String errorBits(int code) {
        List<String> bits = new ArrayList<>();
        bits.add((code & PageFault.PF_PROT) != 0 ? "P" : "-");
        bits.add((code & PageFault.PF_WRITE) != 0 ? "W" : "-");
        bits.add((code & PageFault.PF_USER) != 0 ? "U" : "-");
        bits.add((code & PageFault.PF_INSTR) != 0 ? "I" : "-");
        return String.join("", bits);
    }

    private void stack(LessonContext ctx, Task t) {
        ctx.step("The stack grows on a fault", "栈在缺页时向下增长");
        Mm mm = t.mm();
        String before = ProcessMachine.mapsLines(mm, "7ffffff").get(0);
        long deep = 0x7ffffffde000L - 0x5000;
        mm.writeLong(deep, 1);
        String after = ProcessMachine.mapsLines(mm, "7ffffff").get(0);
        ctx.say("The [stack] VMA is 132 KiB at exec. A deep call chain writes below it, at",
                hex(deep) + ":",
                "no VMA contains the address, but the next VMA above is the stack, marked VM_GROWSDOWN,",
                "so the handler calls expand_stack() and the VMA grows down to the faulting page.");
        ProcessMachine.printMaps(ctx, "grep stack /proc/pid/maps   (before, then after)", List.of(before, after));
        long far = 0x7ffffffff000L - (9L << 20);
        String result;
        try {
            mm.writeLong(far, 1);
            result = "allowed";
        } catch (SegmentationFault e) {
            result = "SIGSEGV " + (e.siCode() == SegmentationFault.SEGV_MAPERR ? "SEGV_MAPERR" : "SEGV_ACCERR");
        }
        ctx.say("",
                "It grows only so far: the stack may not exceed RLIMIT_STACK (ulimit -s, 8 MiB) and",
                "must keep stack_guard_gap (1 MiB) away from the VMA below. A write 9 MiB below the",
                "stack's top, at " + hex(far) + ": " + result + ". That is the \"stack overflow\"",
                "of infinite recursion.",
                "栈 VMA 带 VM_GROWSDOWN：访问其下方时自动扩展，最多到 RLIMIT_STACK（默认 8 MiB）。");
    }

    private static String counters(Mm mm) {
        MmCounters c = mm.counters();
        return String.format(Locale.ROOT, "RSS %d pages (anon %d, file %d), minor faults %d, major faults %d.",
                c.rss(), c.anonPages(), c.filePages(), c.minFlt(), c.majFlt());
    }

    private void summary(LessonContext ctx) {
        ctx.step("What to remember", "要点");
        ctx.say("q17  A virtual address reaches physical memory only through the process's page",
                "     table. mmap and brk only create VMAs; the first access faults, and the kernel",
                "     checks the VMA, then maps: the zero page for a read of anonymous memory, a fresh",
                "     zeroed page for a write, the page-cache page for a file. No VMA: SEGV_MAPERR;",
                "     VMA without the right: SEGV_ACCERR. The stack VMA grows down on a fault.",
                "Try it: /usr/bin/time -v ./prog shows \"Minor (reclaiming a frame) page faults\";",
                "ps -o min_flt,maj_flt -p <pid>; perf stat -e page-faults ./prog.");
    }
}
