package io.pagelab.lessons.arch;

import io.pagelab.api.error.PageFault;
import io.pagelab.hardware.arm64.Arm64Fault;
import io.pagelab.hardware.arm64.Arm64WalkStep;
import io.pagelab.hardware.arm64.Arm64WalkTrace;
import io.pagelab.hardware.arm64.Esr;
import io.pagelab.hardware.mmu.Access;
import io.pagelab.hardware.mmu.WalkStep;
import io.pagelab.hardware.mmu.WalkTrace;
import io.pagelab.hardware.riscv.RiscvFault;
import io.pagelab.hardware.riscv.RiscvWalkStep;
import io.pagelab.hardware.riscv.RiscvWalkTrace;
import io.pagelab.hardware.riscv.SvMode;
import io.pagelab.lessons.LessonContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Steps 5 and 6 of the "arch" lesson: the same bad accesses on the three machines and what each
 * reports. The hardware side is the #PF error code and CR2 (arch/x86/include/asm/trap_pf.h), ESR_EL1
 * and FAR_EL1 (arch/arm64/include/asm/esr.h), scause and stval (RISC-V privileged spec); the kernel
 * side is each oops header: arch/x86/mm/fault.c: show_fault_oops(), arch/arm64/mm/fault.c:
 * die_kernel_fault() and mem_abort_decode(), arch/riscv/mm/fault.c: do_page_fault() (Linux 6.x), as
 * the mm-hardware fault classes print them.
 */
final class FaultSteps {

    /** Columns a kernel log line may use after the "  dmesg│ " prefix, to stay within 90. */
    static final int LOG_WIDTH = 81;

    private FaultSteps() {
    }

    static void userWritesText(LessonContext ctx, ThreeMachines m) {
        ctx.step("A program writes to its own code", "程序写自己的代码段");
        long va = ThreeMachines.TEXT;
        ctx.say(String.format(Locale.ROOT, "A stray pointer: the program stores to %#x, its own text page (r-x). All three", va),
                "MMUs find the page present and refuse the write. Each reports the same three facts:",
                "which address, what kind of access, and why, in its own registers.",
                "同一个错误访问，三种硬件各自的报告方式。");
        PageFault pf = (PageFault) m.x86Walk(va, Access.WRITE, true).fault().orElseThrow();
        Arm64Fault af = m.armWalk(va, Access.WRITE, true).fault().orElseThrow();
        RiscvFault rf = m.rvWalk(va, Access.WRITE, true).fault().orElseThrow();
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "x86-64  #PF (vector 14)   CR2 = %#x   error code %#06x = %s", pf.cr2(),
                pf.errorCode(), PageFault.decode(pf.errorCode())));
        lines.add(String.format(Locale.ROOT, "        P: %s, W: %s, U: %s",
                pf.isProtectionViolation() ? "page present" : "page not present", pf.isWrite() ? "write" : "read",
                pf.isUser() ? "from user mode" : "from kernel mode"));
        lines.add(String.format(Locale.ROOT, "arm64   data abort   FAR_EL1 = %#x   ESR_EL1 = %#x", af.address(), af.esr()));
        lines.add(String.format(Locale.ROOT, "        EC %#x: %s, WnR = %d, FSC %#04x: %s", Esr.ec(af.esr()),
                Esr.className(af.esr()), Esr.isWrite(af.esr()) ? 1 : 0, af.fsc(), af.name()));
        lines.add(String.format(Locale.ROOT, "Sv39    %s   stval = %#x   scause = %d", rf.causeName(), rf.address(),
                rf.scause()));
        lines.add(String.format(Locale.ROOT, "        (not in scause: %s, level %d)", rf.reason().text(),
                rf.level()));
        ctx.diagram("The same bad store, three hardware reports / 三种硬件的异常报告", lines);
        ctx.say("",
                "x86 packs the facts into a few error-code bits and leaves the address in CR2. arm64's",
                "syndrome register says more: the exception class (a data abort from user mode), the",
                "direction (WnR) and a fault status code that even names the table level. RISC-V says",
                "the least: scause is only the kind of access (12 fetch, 13 load, 15 store), so its",
                "kernel must look at the page table to tell \"not mapped\" from \"not allowed\".",
                "",
                "Then each kernel does the same thing: it finds the text VMA, sees that it does not",
                "allow writing, and sends SIGSEGV to the program. On x86 the kernel log line reads",
                String.format(Locale.ROOT, "\"segfault at %x ... error %x\": the same error code.", va, pf.errorCode()));
    }

    // ---- step 6 ----

    static void kernelNull(LessonContext ctx, ThreeMachines m) {
        ctx.step("The kernel dereferences NULL", "内核解引用空指针");
        ctx.say("Now a bug in the kernel itself: it reads address 0 while our process's tables are",
                "loaded. No entry covers page 0, so each walk stops where the tables run out, and each",
                "kernel prints its oops header (what you would find in dmesg):",
                "内核态读地址 0：三种内核各自打印的出错信息。");
        WalkTrace x86 = m.x86Walk(0, Access.READ, false);
        Arm64WalkTrace arm = m.armWalk(0, Access.READ, false);
        RiscvWalkTrace rv = m.rvWalk(0, Access.READ, false);
        ctx.say("(Lines too long for the screen are folded with a \\ at the end.)", "", "x86-64:");
        ctx.kernelLog(fold(x86.fault().orElseThrow().getMessage()));
        ctx.say("arm64:");
        ctx.kernelLog(fold(arm.fault().orElseThrow().message()));
        ctx.say("RISC-V Sv39:");
        ctx.kernelLog(fold(rv.fault().orElseThrow().message()));
        WalkStep x86Stop = Fmt.last(x86.steps());
        Arm64WalkStep armStop = Fmt.last(arm.steps());
        RiscvWalkStep rvStop = Fmt.last(rv.steps());
        ctx.say("",
                String.format(Locale.ROOT, "Where the walks stopped: x86 at %s[%d], arm64 at level %d index %d, Sv39 at level %d",
                        x86Stop.level().entryName(), x86Stop.index(), armStop.level().number(), armStop.index(),
                        rvStop.level()),
                String.format(Locale.ROOT, "index %d: three names for one level, which Linux calls %s on all three.",
                        rvStop.index(), sameName(x86Stop.level().linuxName(), armStop.level().linuxName(),
                                SvMode.SV39.linuxName(rvStop.level()))),
                "x86 says \"not-present page\" with error code 0; arm64's FSC names the level of the",
                "missing descriptor; RISC-V's Linux first checks whether the kernel touched a user-half",
                "address without opening the user-access window (sstatus.SUM), which is what this",
                "NULL dereference is, and names the bug that way.");
    }


    /** The level name all three walks agree on; the lesson's sentence is wrong if they ever differ. */
    private static String sameName(String x86, String arm, String rv) {
        if (!x86.equals(arm) || !x86.equals(rv)) {
            throw new IllegalStateException("the NULL walks stopped at different Linux levels: " + x86 + ", " + arm
                    + ", " + rv);
        }
        return "the " + x86;
    }

    /**
     * A kernel report as dmesg lines, each folded at a space with a trailing backslash so that
     * it fits in {@link #LOG_WIDTH} columns.
     */
    static List<String> fold(String report) {
        List<String> lines = new ArrayList<>();
        for (String line : report.lines().toList()) {
            String rest = line;
            String indent = "";
            while (indent.length() + rest.length() > LOG_WIDTH) {
                int cut = rest.lastIndexOf(' ', LOG_WIDTH - indent.length() - 2);
                if (cut <= 0) {
                    break;
                }
                lines.add(indent + rest.substring(0, cut) + " \\");
                rest = rest.substring(cut + 1);
                indent = "    ";
            }
            lines.add(indent + rest);
        }
        return lines;
    }
}
