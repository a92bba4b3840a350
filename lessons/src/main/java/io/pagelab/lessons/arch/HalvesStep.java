package io.pagelab.lessons.arch;

import io.pagelab.hardware.arm64.Arm64Descriptor;
import io.pagelab.hardware.arm64.Arm64Level;
import io.pagelab.hardware.arm64.Arm64VirtualAddress;
import io.pagelab.hardware.mmu.PagingLevel;
import io.pagelab.hardware.mmu.PagingMode;
import io.pagelab.hardware.mmu.X86PageTableEntry;
import io.pagelab.hardware.riscv.RiscvPte;
import io.pagelab.hardware.riscv.SvMode;
import io.pagelab.lessons.LessonContext;
import io.pagelab.lessons.diagram.SizeFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Step 4 of the "arch" lesson: the user and kernel halves of each address space, the register
 * that finds their tables (CR3, TTBR0_EL1 and TTBR1_EL1, satp) and the top-level entries in use.
 * On x86-64 and RISC-V one tree holds both halves because pgd_alloc() copies the kernel's
 * top-level entries into every new pgd (arch/x86/mm/pgtable.c, arch/riscv/include/asm/pgalloc.h,
 * Linux 6.x); arm64 keeps the kernel in swapper_pg_dir behind TTBR1 (arch/arm64/mm/context.c).
 */
final class HalvesStep {

    private HalvesStep() {
    }

    static void halves(LessonContext ctx, ThreeMachines m) {
        ctx.step("User and kernel halves: CR3 vs TTBR0/TTBR1", "用户与内核两半");
        int x86Bits = PagingMode.FOUR_LEVEL.virtualAddressBits();
        int svBits = SvMode.SV39.virtualAddressBits();
        Columns ranges = new Columns()
                .row("x86-64", "user", range(0, PagingMode.FOUR_LEVEL.userEnd()), SizeFormat.human(1L << (x86Bits - 1)),
                        "CR3")
                .row("", "kernel", range(PagingMode.FOUR_LEVEL.kernelStart(), -1L), SizeFormat.human(1L << (x86Bits - 1)),
                        "CR3, the same tree")
                .row("arm64", "user", range(0, Arm64VirtualAddress.TTBR0_END),
                        SizeFormat.human(1L << Arm64VirtualAddress.VA_BITS), "TTBR0_EL1 (bit 55 = 0)")
                .row("", "kernel", range(Arm64VirtualAddress.TTBR1_START, -1L),
                        SizeFormat.human(1L << Arm64VirtualAddress.VA_BITS), "TTBR1_EL1 (bit 55 = 1)")
                .row("Sv39", "user", range(0, (1L << (svBits - 1)) - 1), SizeFormat.human(1L << (svBits - 1)), "satp")
                .row("", "kernel", range(-1L << (svBits - 1), -1L), SizeFormat.human(1L << (svBits - 1)),
                        "satp, the same tree");
        ctx.say("Each machine splits the 64-bit space into a user half at the bottom and a kernel half",
                "at the top, with a huge unusable gap between. The difference is how many trees:",
                "地址空间都分成用户、内核两半；区别在于有几棵页表树。");
        ctx.diagram("The two halves and the register that finds their tables / 两半地址与页表寄存器", ranges.lines());

        Columns regs = new Columns()
                .row("x86-64", "CR3", Fmt.raw(m.cr3()), String.format(Locale.ROOT, "PML4 at %s, PCID %d in bits 11..0",
                        Fmt.hex(m.x86.root()), ThreeMachines.CONTEXT_TAG))
                .row("arm64", "TTBR0_EL1", Fmt.raw(m.ttbr0()), String.format(Locale.ROOT, "level 0 at %s, ASID %d in 63..48",
                        Fmt.hex(m.arm.ttbr0Root()), ThreeMachines.CONTEXT_TAG))
                .row("", "TTBR1_EL1", Fmt.raw(m.ttbr1()), String.format(Locale.ROOT, "level 0 at %s: the kernel's tree",
                        Fmt.hex(m.arm.ttbr1Root())))
                .row("Sv39", "satp", Fmt.raw(m.satp()), String.format(Locale.ROOT, "MODE %d, ASID %d, root PPN %s",
                        SvMode.SV39.satpMode(), ThreeMachines.CONTEXT_TAG, Fmt.hex(m.rv.root() >>> 12)));
        ctx.diagram("The registers for this process / 本进程的页表寄存器", regs.lines());

        List<String> tops = new ArrayList<>();
        tops.add("x86-64 PML4 at " + Fmt.hex(m.x86.root()) + ", one table for both halves:");
        for (int i = 0; i < PagingLevel.ENTRIES; i++) {
            long e = m.x86Ram.readLong(m.x86.root() + 8L * i);
            if (e != 0) {
                tops.add(String.format(Locale.ROOT, "  [%3d] %s → PDPT at %s   %s", i, Fmt.raw(e),
                        Fmt.hex(X86PageTableEntry.address(e, PagingLevel.PML4)), half(i)));
            }
        }
        tops.addAll(armTop("arm64 TTBR0 level 0 at ", m, m.arm.ttbr0Root()));
        tops.addAll(armTop("arm64 TTBR1 level 0 at ", m, m.arm.ttbr1Root()));
        tops.add("Sv39 root at " + Fmt.hex(m.rv.root()) + ", one table for both halves:");
        for (int i = 0; i < SvMode.ENTRIES; i++) {
            long pte = m.rvRam.readLong(m.rv.root() + 8L * i);
            if (pte != 0) {
                tops.add(String.format(Locale.ROOT, "  [%3d] %s → level 1 at %s   %s", i, Fmt.raw(pte),
                        Fmt.hex(RiscvPte.pfn(pte) << 12), half(i)));
            }
        }
        ctx.diagram("The top-level tables, every entry in use / 顶层页表中使用的项", tops);
        ctx.say("",
                "x86-64 and RISC-V: one register, one tree. The kernel's top-level entries (256..511)",
                "are copied into every new process's top table when it is created (pgd_alloc()), so a",
                "context switch loads one register and the kernel half comes along. arm64 keeps the",
                "kernel in its own tree, swapper_pg_dir, which TTBR1 points to from boot on; a context",
                "switch only loads the process's tree into TTBR0, and bit 55 of each address picks",
                "the tree. With a tree per half, each arm64 half gets all 48 bits (256 TiB); the x86-64",
                "halves share one 48-bit tree, 47 bits (128 TiB) each. PCID and ASID tag TLB entries",
                "with the process, so a switch need not flush the TLB.",
                "(Linux on arm64 actually keeps the ASID in TTBR1's top bits, with TCR_EL1.A1 set; the",
                "table TTBR1 points to still never changes.) The arm64 table entries also carry",
                "PXNTable (user tree: the kernel may execute nothing below) and UXNTable (kernel tree).",
                "x86/RISC-V：一个寄存器一棵树；ARM64：TTBR0 管用户、TTBR1 管内核，由第 55 位选择。");
    }

    private static List<String> armTop(String title, ThreeMachines m, long root) {
        List<String> lines = new ArrayList<>();
        lines.add(title + Fmt.hex(root) + ":");
        for (int i = 0; i < Arm64Level.ENTRIES; i++) {
            long d = m.armRam.readLong(root + 8L * i);
            if (d != 0) {
                String xn = (d & Arm64Descriptor.PXN_TABLE) != 0 ? "PXNTable"
                        : (d & Arm64Descriptor.UXN_TABLE) != 0 ? "UXNTable" : "";
                lines.add(String.format(Locale.ROOT, "  [%3d] %s → level 1 at %s   %s", i, Fmt.raw(d),
                        Fmt.hex(Arm64Descriptor.address(d, Arm64Level.LEVEL0)), xn));
            }
        }
        return lines;
    }

    private static String half(int topIndex) {
        return topIndex < PagingLevel.ENTRIES / 2 ? "user half" : "kernel half";
    }

    private static String range(long first, long last) {
        return String.format(Locale.ROOT, "%#018x-%#018x", first, last);
    }
}
