package io.pagelab.lessons.arch;

import io.pagelab.api.PageMapping;
import io.pagelab.api.PageTable;
import io.pagelab.api.Prot;
import io.pagelab.hardware.arm64.Arm64Descriptor;
import io.pagelab.hardware.arm64.Arm64Level;
import io.pagelab.hardware.arm64.Arm64WalkStep;
import io.pagelab.hardware.arm64.Arm64WalkTrace;
import io.pagelab.hardware.mmu.Access;
import io.pagelab.hardware.mmu.PagingLevel;
import io.pagelab.hardware.mmu.WalkStep;
import io.pagelab.hardware.mmu.WalkTrace;
import io.pagelab.hardware.mmu.X86PageTableEntry;
import io.pagelab.hardware.riscv.RiscvPte;
import io.pagelab.hardware.riscv.RiscvWalkStep;
import io.pagelab.hardware.riscv.RiscvWalkTrace;
import io.pagelab.hardware.riscv.SvMode;
import io.pagelab.lessons.Lesson;
import io.pagelab.lessons.LessonContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * Lesson "arch": the same program mapped through the same {@link PageTable} interface on x86-64
 * (4-level), arm64 (4 KiB granule, 48-bit VAs) and RISC-V Sv39, then compared level by level:
 * the index split of one address, the raw leaf entries, who records "written", the user/kernel
 * split (one CR3 or satp for both halves, TTBR0/TTBR1 chosen by bit 55 on arm64), the same bad
 * accesses and each kernel's report, and how Linux's generic pgd/p4d/pud/pmd/pte walk folds the
 * levels a machine lacks (include/asm-generic/pgtable-nop4d.h, -nopud.h, -nopmd.h, Linux 6.x).
 * The machines are {@link ThreeMachines}; every number printed comes from their tables and walks.
 *
 * <p>Interview questions: q12 (the x86 paging modes and their levels), q13 (how the kernel
 * handles the different page-table forms).
 */
public final class ArchSideBySideLesson implements Lesson {

    @Override
    public String id() {
        return "arch";
    }

    @Override
    public String titleZh() {
        return "x86-64 与 ARM64 对照";
    }

    @Override
    public String titleEn() {
        return "x86-64 and ARM64 side by side";
    }

    @Override
    public List<String> questions() {
        return List.of("q12", "q13");
    }

    @Override
    public void run(LessonContext ctx) {
        ctx.banner(this);
        ThreeMachines m = new ThreeMachines();
        machines(ctx, m);
        indexSplit(ctx);
        entries(ctx, m);
        HalvesStep.halves(ctx, m);
        FaultSteps.userWritesText(ctx, m);
        FaultSteps.kernelNull(ctx, m);
        FoldingStep.folding(ctx, m);
        summary(ctx);
    }

    // ---- step 1 ----

    private void machines(LessonContext ctx, ThreeMachines m) {
        ctx.step("One program, three machines", "一个程序，三台机器");
        ctx.say("We build three simulated computers with the same RAM: an x86-64 PC with 4-level",
                "paging, an arm64 machine (4 KiB pages, 48-bit addresses) and a RISC-V machine in",
                "Sv39 mode, the scheme xv6 uses. Each gets the same tiny program through the same",
                "mm-api interface, PageTable.map(va, pfn, prot). Only the constructor differs.",
                "同一个 PageTable 接口、同样三次 map 调用，分别落在 x86-64、ARM64 和 RISC-V 上。");
        List<String> calls = new ArrayList<>(List.of(
                "PageTable t = X86PageTable.create(ram, pool);     // or",
                "PageTable t = Arm64PageTable.create(ram, pool);   // or",
                "PageTable t = RiscvPageTable.create(ram, pool, SvMode.SV39);"));
        calls.addAll(new Columns()
                .row("t.map(" + Fmt.hex(ThreeMachines.TEXT) + ",", Fmt.hex(ThreeMachines.TEXT_PFN) + ",", "Prot.USER_RX);",
                        "// text: r-x, user")
                .row("t.map(" + Fmt.hex(ThreeMachines.DATA) + ",", Fmt.hex(ThreeMachines.DATA_PFN) + ",", "Prot.USER_RW);",
                        "// data: rw-, user")
                .row("t.map(PAGE_OFFSET + " + Fmt.hex(ThreeMachines.KERNEL_OFFSET) + ",", Fmt.hex(ThreeMachines.KERNEL_PFN) + ",",
                        "Prot.KERNEL_RW);", "// kernel only")
                .lines());
        ctx.diagram("The same calls on every machine / 每台机器上相同的调用", calls);
        ctx.say("",
                "PAGE_OFFSET is where each kernel's linear map of RAM begins, and it is not the same:",
                String.format(Locale.ROOT, "x86-64 %#018x, arm64 %#018x, Sv39 %#018x", ThreeMachines.X86_PAGE_OFFSET,
                        ThreeMachines.ARM64_PAGE_OFFSET, ThreeMachines.SV39_PAGE_OFFSET),
                "(Linux 6.x without KASLR; Sv39 used 0xffffffd800000000 before 6.12). Our three",
                "machines all have RAM from physical 0, like the PC, so the frame numbers match.");

        long kernelX86 = ThreeMachines.x86KernelPage();
        long kernelArm = ThreeMachines.armKernelPage();
        long kernelRv = ThreeMachines.rvKernelPage();
        Columns c = new Columns()
                .row("asked through PageTable", "x86-64", "arm64", "RISC-V Sv39")
                .row(String.format(Locale.ROOT, "lookup(%#x)", ThreeMachines.VARIABLE),
                        mapping(m.x86, ThreeMachines.VARIABLE), mapping(m.arm, ThreeMachines.VARIABLE),
                        mapping(m.rv, ThreeMachines.VARIABLE))
                .row(String.format(Locale.ROOT, "translate(%#x)", ThreeMachines.VARIABLE),
                        Fmt.hex(m.x86.translate(ThreeMachines.VARIABLE)), Fmt.hex(m.arm.translate(ThreeMachines.VARIABLE)),
                        Fmt.hex(m.rv.translate(ThreeMachines.VARIABLE)))
                .row(String.format(Locale.ROOT, "lookup(%#x)", ThreeMachines.TEXT), mapping(m.x86, ThreeMachines.TEXT),
                        mapping(m.arm, ThreeMachines.TEXT), mapping(m.rv, ThreeMachines.TEXT))
                .row("lookup(kernel page)", mapping(m.x86, kernelX86), mapping(m.arm, kernelArm), mapping(m.rv, kernelRv))
                .row("page-table pages", String.valueOf(m.x86.tableCount()), String.valueOf(m.arm.tableCount()),
                        String.valueOf(m.rv.tableCount()));
        ctx.diagram("What the interface reports / 接口看到的结果 (u = user, k = kernel only)", c.lines());
        ctx.say("",
                "From above, the three are the same machine. The table counts are the first hint",
                "that they are not. x86-64: the PML4, then a PDPT, a page directory and two page",
                "tables for the program (0x400000 and 0x601000 lie in different 2 MiB regions, so each",
                "needs its own last-level table), then PDPT, PD and PT for the kernel page: 1+4+3.",
                "arm64 has the same shape plus a second root, one per half of the address space.",
                "Sv39 has one level fewer on both paths: root, then 3 tables for the program and 2 for",
                "the kernel page.");
    }

    private static String mapping(PageTable table, long va) {
        return table.lookup(va).map(ArchSideBySideLesson::shortMapping).orElse("(none)");
    }

    private static String shortMapping(PageMapping mapping) {
        return mapping.prot() + " pfn " + Fmt.hex(mapping.pfn());
    }

    // ---- step 2 ----

    private void indexSplit(LessonContext ctx) {
        ctx.step("One address, cut into indices", "把一个地址切成各级索引");
        ctx.say("On all three machines every table is one 4 KiB page of 512 eight-byte entries, so each",
                "level consumes 9 bits of the address, and the low 12 bits are the offset in the page.",
                "x86-64 and arm64 walk four levels (4 × 9 + 12 = 48 bits), Sv39 three (3 × 9 + 12 = 39).",
                "每级页表 512 项，用掉 9 位地址；低 12 位是页内偏移。");
        long va = ThreeMachines.VARIABLE;
        Columns user = splitHeader();
        user.row(splitRow("x86-64", va, "PML4", "PDPT", "PD", "PT", true));
        user.row(splitRow("arm64", va, "L0", "L1", "L2", "L3", true));
        user.row(splitRow("Sv39", va, null, "VPN[2]", "VPN[1]", "VPN[0]", true));
        ctx.diagram("The program's variable on each machine / 同一个用户地址", user.lines());
        ctx.say("",
                "The last three indices agree everywhere: they pick the same 1 GiB, 2 MiB and 4 KiB",
                String.format(Locale.ROOT, "pieces (for example PD %d = L2 %d = VPN[1] %d). Sv39 just has no 512 GiB level:",
                        PagingLevel.PD.index(va), Arm64Level.LEVEL2.index(va), SvMode.index(va, 1)),
                "its 39 bits end with VPN[2].");

        Columns kernel = splitHeader();
        kernel.row(splitRow("x86-64", ThreeMachines.x86KernelPage(), "PML4", "PDPT", "PD", "PT", false));
        kernel.row(splitRow("arm64", ThreeMachines.armKernelPage(), "L0", "L1", "L2", "L3", false));
        kernel.row(splitRow("Sv39", ThreeMachines.rvKernelPage(), null, "VPN[2]", "VPN[1]", "VPN[0]", false));
        ctx.diagram("The kernel page, PAGE_OFFSET + 32 MiB / 内核页", kernel.lines());
        ctx.say("",
                "The bits above the walk are not free to use:",
                " - x86-64: bits 63..47 must all copy bit 47 (a \"canonical\" address). Anything else is",
                "   a general protection fault (#GP), not a page fault.",
                " - arm64: bits 63..48 must all equal bit 55, and bit 55 chooses the tree: 0 walks",
                "   TTBR0_EL1, 1 walks TTBR1_EL1 (step 4). For user pointers Linux lets the CPU ignore",
                "   the top byte (TBI), so tagged pointers work.",
                " - Sv39: bits 63..39 must all copy bit 38, otherwise a page fault.",
                String.format(Locale.ROOT, "The kernel page sits at PML4 index %d and VPN[2] index %d: both in the upper",
                        PagingLevel.PML4.index(ThreeMachines.x86KernelPage()),
                        SvMode.index(ThreeMachines.rvKernelPage(), 2)),
                String.format(Locale.ROOT, "half of the top table (256..511). On arm64 it is index %d of a different tree.",
                        Arm64Level.LEVEL0.index(ThreeMachines.armKernelPage())));
    }

    private static Columns splitHeader() {
        return new Columns().row("", "address", "47..39", "38..30", "29..21", "20..12", "11..0");
    }

    private static String[] splitRow(String arch, long va, String l4, String l3, String l2, String l1, boolean user) {
        return new String[] {arch, String.format(Locale.ROOT, "%#018x", va),
            l4 == null ? "(sign)" : l4 + " " + PagingLevel.PML4.index(va),
            l3 + " " + PagingLevel.PDPT.index(va), l2 + " " + PagingLevel.PD.index(va),
            l1 + " " + PagingLevel.PT.index(va), String.format(Locale.ROOT, "%#05x", va & 0xfff)};
    }

    // ---- step 3 ----

    private void entries(LessonContext ctx, ThreeMachines m) {
        ctx.step("The same mappings, three kinds of entry", "同一映射，三种页表项");
        ctx.say("Now the leaves themselves: the 8-byte entries each MMU reads, straight from RAM.",
                "叶子页表项：同样的权限，三种编码。");
        long kernelX86 = ThreeMachines.x86KernelPage();
        long kernelArm = ThreeMachines.armKernelPage();
        long kernelRv = ThreeMachines.rvKernelPage();
        Columns raw = new Columns()
                .row("", "", "x86-64 PTE", "arm64 level 3", "Sv39 level 0")
                .row("text", "r-x user", Fmt.raw(m.x86Leaf(ThreeMachines.TEXT)), Fmt.raw(m.armLeaf(ThreeMachines.TEXT)),
                        Fmt.raw(m.rvLeaf(ThreeMachines.TEXT)))
                .row("data", "rw- user", Fmt.raw(m.x86Leaf(ThreeMachines.DATA)), Fmt.raw(m.armLeaf(ThreeMachines.DATA)),
                        Fmt.raw(m.rvLeaf(ThreeMachines.DATA)))
                .row("kernel", "rw- kernel", Fmt.raw(m.x86Leaf(kernelX86)), Fmt.raw(m.armLeaf(kernelArm)), Fmt.raw(m.rvLeaf(kernelRv)));
        ctx.diagram("Raw leaf entries / 原始叶子项", raw.lines());
        ctx.say("",
                "Look for the frame numbers: 0x12345 and 0x23456 appear as they are in the x86-64 and",
                "arm64 values (bits from 12 up), but RISC-V stores the frame number from bit 10, so",
                String.format(Locale.ROOT, "0x23456 << 10 shows up as %#x. Now the data page, question by question:",
                        ThreeMachines.DATA_PFN << RiscvPte.PFN_SHIFT));

        long x86 = m.x86Leaf(ThreeMachines.DATA);
        long arm = m.armLeaf(ThreeMachines.DATA);
        long rv = m.rvLeaf(ThreeMachines.DATA);
        Columns bits = new Columns().row("data page", "x86-64", "arm64", "RISC-V Sv39");
        for (String[] row : EntryBits.compare(x86, arm, rv)) {
            bits.row(row);
        }
        ctx.diagram("name(bit)=value, read from the entries above / 逐位对照", bits.lines());
        ctx.say("",
                " - Present: one bit on each, bit 0 everywhere.",
                " - User access: x86 U/S, arm64 AP[1], RISC-V U: one bit each, different places.",
                " - Writable: x86 and RISC-V say \"may write\" (R/W, W). arm64 has only a read-only",
                "   bit, AP[2]; Linux marks a writable page with the DBM bit (it calls it PTE_WRITE)",
                "   and keeps AP[2] set until the page is first written.",
                " - Execute: x86 has one \"no\" bit (NX), RISC-V one \"yes\" bit (X). arm64 has two \"no\"",
                "   bits: UXN for user mode and PXN for the kernel. Linux sets PXN on every user page,",
                "   so the kernel can never run user code (x86 needs SMEP for that).",
                " - Accessed: Linux creates user entries with A/AF already set on all three (on arm64",
                "   a clear AF costs a fault on CPUs that do not set it themselves). pagelab's x86",
                "   table leaves A clear on purpose, so that you can watch the CPU set it below.",
                " - Global: kernel pages are global on all three (x86 G, RISC-V G; arm64 marks the",
                "   other side: user pages carry nG, \"not global\"), so their TLB entries survive a",
                "   switch to another process.");

        WalkTrace x86Write = m.x86Walk(ThreeMachines.VARIABLE, Access.WRITE, true);
        Arm64WalkTrace armWrite = m.armWalk(ThreeMachines.VARIABLE, Access.WRITE, true);
        RiscvWalkTrace rvWrite = m.rvWalk(ThreeMachines.VARIABLE, Access.WRITE, true);
        WalkStep x86Leaf = Fmt.last(x86Write.steps());
        Arm64WalkStep armLeaf = Fmt.last(armWrite.steps());
        RiscvWalkStep rvLeaf = Fmt.last(rvWrite.steps());
        Columns write = new Columns()
                .row("x86-64", Fmt.raw(x86Leaf.entry()), "→", Fmt.raw(x86Leaf.entryAfter()), x86Change(x86Leaf))
                .row("arm64", Fmt.raw(armLeaf.entry()), "→", Fmt.raw(armLeaf.entryAfter()), armChange(armLeaf))
                .row("Sv39", Fmt.raw(rvLeaf.pte()), "→", Fmt.raw(rvLeaf.pteAfter()), rvChange(rvLeaf));
        ctx.say("",
                String.format(Locale.ROOT, "The program now stores to its variable, a user-mode write to %#x. The MMUs",
                        ThreeMachines.VARIABLE),
                String.format(Locale.ROOT, "reach physical %s / %s / %s and note the write in the leaf:",
                        Fmt.hex(x86Write.physicalAddress()), Fmt.hex(armWrite.physicalAddress()),
                        Fmt.hex(rvWrite.physicalAddress())));
        ctx.diagram("The data page's leaf before → after one store / 一次写入前后", write.lines());
        ctx.say("(In Linux a program's private data page starts read-only and its first store is a",
                "copy-on-write fault; we mapped it writable, as a shared page, to watch the bits alone.)",
                "",
                "x86 and RISC-V have a dirty bit the hardware sets. arm64 has none: \"dirty\" means",
                "writable (DBM) with AP[2] cleared. An ARMv8.1 CPU with hardware dirty management",
                "(TCR_EL1.HD) clears AP[2] itself on the first store; an older one takes a permission",
                "fault and Linux clears it. Either way arm64's pte_dirty() reads \"DBM and not AP[2]\".",
                "x86 和 RISC-V 有硬件置位的 D 位；ARM64 用 DBM + 清除 AP[2] 表示\"已写过\"。");
    }

    private static String x86Change(WalkStep step) {
        long set = step.entryAfter() & ~step.entry();
        StringJoiner names = new StringJoiner(" and ", "CPU set ", "");
        if ((set & X86PageTableEntry.ACCESSED) != 0) {
            names.add("A");
        }
        if ((set & X86PageTableEntry.DIRTY) != 0) {
            names.add("D");
        }
        return set == 0 ? "unchanged" : names.toString();
    }

    private static String armChange(Arm64WalkStep step) {
        boolean cleared = (step.entry() & ~step.entryAfter() & Arm64Descriptor.RDONLY) != 0;
        return cleared ? "CPU cleared AP[2] (hardware dirty)" : "unchanged";
    }

    private static String rvChange(RiscvWalkStep step) {
        long set = step.pteAfter() & ~step.pte();
        StringJoiner names = new StringJoiner(" and ", "hart set ", " (Svadu)");
        if ((set & RiscvPte.ACCESSED) != 0) {
            names.add("A");
        }
        if ((set & RiscvPte.DIRTY) != 0) {
            names.add("D");
        }
        return set == 0 ? "unchanged" : names.toString();
    }

    // ---- step 8 ----

    private void summary(LessonContext ctx) {
        ctx.step("What to remember", "要点");
        ctx.say("q12  x86 paging: 32-bit 10/10/12 (4 MiB large pages), PAE 2/9/9/12 (2 MiB pages, NX),",
                "     4-level 9/9/9/9/12 for 48-bit addresses (2 MiB and 1 GiB pages); 5-level (LA57)",
                "     puts one more 9-bit level on top for 57 bits.",
                "q13  Linux walks pgd → p4d → pud → pmd → pte on every machine and folds the levels",
                "     the hardware lacks; arm64 48-bit folds p4d, Sv39 folds p4d and pud.",
                "Entries: present = P / valid / V; writable = R/W / DBM with AP[2] / W; user = U/S /",
                "     AP[1] / U; no-execute = NX / UXN+PXN / X clear; dirty = D / AP[2] cleared / D.",
                "Halves: x86-64 and RISC-V use one root (CR3, satp) with the kernel entries copied into",
                "     every process; arm64 has TTBR0 for user and TTBR1 for kernel, chosen by bit 55.",
                "Faults: x86 error code + CR2; arm64 ESR (class, WnR, status code with the level) +",
                "     FAR; RISC-V scause (12/13/15) + stval.",
                "Try it on a real machine: grep -o -w -E 'pse|pae|pdpe1gb|la57' /proc/cpuinfo | sort -u",
                "     lists the x86 page sizes and modes your CPU has; on RISC-V, grep mmu /proc/cpuinfo.");
    }
}
