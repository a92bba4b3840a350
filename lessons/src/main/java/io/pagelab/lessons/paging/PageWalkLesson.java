package io.pagelab.lessons.paging;

import static io.pagelab.lessons.paging.EntryBits.hex;
import static io.pagelab.lessons.paging.EntryBits.hex16;

import io.pagelab.api.Prot;
import io.pagelab.api.error.PageFault;
import io.pagelab.api.error.SimulationException;
import io.pagelab.hardware.Machine;
import io.pagelab.hardware.mmu.Access;
import io.pagelab.hardware.mmu.BumpPageTableAllocator;
import io.pagelab.hardware.mmu.CpuState;
import io.pagelab.hardware.mmu.LegacyPageTable;
import io.pagelab.hardware.mmu.LegacyPaging;
import io.pagelab.hardware.mmu.PageWalker;
import io.pagelab.hardware.mmu.PagingLevel;
import io.pagelab.hardware.mmu.PagingMode;
import io.pagelab.hardware.mmu.WalkStep;
import io.pagelab.hardware.mmu.WalkTrace;
import io.pagelab.hardware.mmu.X86PageTable;
import io.pagelab.hardware.mmu.X86PageTableEntry;
import io.pagelab.hardware.ram.SimulatedRam;
import io.pagelab.lessons.Lesson;
import io.pagelab.lessons.LessonContext;
import io.pagelab.lessons.Tone;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lesson "pagewalk": a process's x86-64 page table built in simulated RAM as real 8-byte entries,
 * then one user address translated by hand: cut into indices, each entry read from RAM at its
 * physical address and decoded, down to the physical address. Then the CPU's own walk
 * (Intel SDM vol. 3A §4.5, {@link PageWalker}) sets the accessed and dirty bits, a 2 MiB page
 * ends the walk one level early, four page faults print the lines of arch/x86/mm/fault.c:
 * show_fault_oops() (Linux 6.x), a non-canonical address raises #GP, and the other x86 paging
 * forms are compared (32-bit, PAE, 4- and 5-level) with Linux's folded levels.
 *
 * <p>Interview questions: q12 (which paging forms and how many levels), q13 (how one kernel
 * handles them: pgd/p4d/pud/pmd/pte with folding), q17 (how a user address becomes physical).
 *
 * <p>Differs from Linux on purpose: the page-table frames come from a small pool at 128 MiB
 * (Linux takes them from the buddy allocator), and new entries start with A and D clear so the
 * CPU can be seen setting them (Linux pre-sets A in its protection_map values).
 */
public final class PageWalkLesson implements Lesson {

    /** Where the page-table frames come from: 256 frames at 128 MiB. */
    static final long POOL_START = 0x8000000L;
    static final long POOL_END = 0x8100000L;
    /** The address translated by hand: the seed digest's Q12 example. */
    static final long VA = 0x00007f2c90001234L;
    static final long TEXT = 0x0000555555554000L;
    static final long BUFFER = 0x00007f2c90000000L;
    static final long READ_ONLY = 0x00007f2c90002000L;
    static final long UNMAPPED = 0x00007f2c90003000L;
    static final long HUGE = 0x00007f2c90200000L;
    static final long HUGE_VA = 0x00007f2c90234567L;
    static final long DIRECT_MAP = 0xffff888000000000L;
    /** LIST_POISON1 with CONFIG_ILLEGAL_POINTER_VALUE 0xdead000000000000 (include/linux/poison.h). */
    static final long LIST_POISON1 = 0xdead000000000100L;

    private static final long K4 = 4096;
    private static final long M2 = 2L << 20;

    /** One mapping of the little process. */
    private record Area(long va, long pfn, long size, Prot prot, String what) {
    }

    private static final List<Area> AREAS = List.of(
            new Area(TEXT, 0x2f0a1, K4, Prot.USER_RX, "program text"),
            new Area(BUFFER, 0x3a5c0, K4, Prot.USER_RW, "a buffer, page 0"),
            new Area(BUFFER + K4, 0x12345, K4, Prot.USER_RW, "a buffer, page 1"),
            new Area(READ_ONLY, 0x4d2e7, K4, Prot.USER_R, "a read-only file page"),
            new Area(HUGE, 0x40000, M2, Prot.USER_RW, "a 2 MiB huge page"),
            new Area(DIRECT_MAP, 0x0, M2, Prot.KERNEL_RW, "kernel: direct map of RAM 0-2M"));

    @Override
    public String id() {
        return "pagewalk";
    }

    @Override
    public String titleZh() {
        return "手动走一遍页表";
    }

    @Override
    public String titleEn() {
        return "Walk a page table by hand";
    }

    @Override
    public List<String> questions() {
        return List.of("q12", "q13", "q17");
    }

    @Override
    public void run(LessonContext ctx) {
        ctx.banner(this);
        SimulatedRam ram = Machine.qemu4G().ram();
        X86PageTable table = X86PageTable.create(ram, new BumpPageTableAllocator(ram, POOL_START, POOL_END));
        long cr3 = table.cr3(0);
        PageWalker cpu = new PageWalker(ram);
        CpuState user = CpuState.linux().user();

        emptyTable(ctx, table);
        mapPages(ctx, ram, table);
        splitAddress(ctx);
        walkByHand(ctx, ram, table);
        accessedAndDirty(ctx, cpu, cr3, user);
        hugePage(ctx, cpu, cr3, user);
        pageFaults(ctx, cpu, cr3, user);
        nonCanonical(ctx, cpu, cr3, user);
        otherForms(ctx, ram);
        summary(ctx);
    }

    private void emptyTable(LessonContext ctx, X86PageTable table) {
        ctx.step("An empty address space", "一个空的地址空间");
        ctx.say("A process's page table is not inside the CPU. It is a tree of ordinary 4 KiB frames",
                "in RAM, and the CPU is told where its root is: the CR3 register holds the root's",
                "physical address. When Linux creates a process, pgd_alloc() takes one zeroed frame",
                "for the root, the PML4 (Linux calls it the pgd).",
                "页表就在内存里：一棵由 4 KiB 物理页组成的树，CR3 寄存器保存树根的物理地址。",
                "");
        ctx.say("Our machine is the 4 GiB QEMU guest of the e820 lesson. The root table landed at",
                String.format(Locale.ROOT, "physical %s, so CR3 = %s. Its 512 entries of 8 bytes are all",
                        hex(table.root()), hex16(table.cr3(0))),
                "zero: nothing is mapped yet, and any access would fault.");
    }

    private void mapPages(LessonContext ctx, SimulatedRam ram, X86PageTable table) {
        ctx.step("Map a few pages", "映射几个页面");
        ctx.say("We give the process a few pages, as exec() and mmap() would, and one kernel page.",
                "Mapping a 4 KiB page needs a path of tables from the root: a PDPT, a PD and a PT.",
                "Missing tables are allocated on the way; a 2 MiB page stops one level higher, in",
                "the PD, so it needs no PT.");
        List<String> rows = new ArrayList<>();
        rows.add("virtual address     size  rights  physical           what");
        for (Area a : AREAS) {
            table.map(a.va(), a.pfn(), a.size(), a.prot());
            rows.add(String.format(Locale.ROOT, "%s  %-4s  %-6s  %-17s  %s", hex16(a.va()),
                    a.size() == K4 ? "4K" : "2M", a.prot(), hex(a.pfn() << 12), a.what()));
        }
        rows.add("rights: r/w/x as in /proc/pid/maps, then u = user page, k = kernel only");
        ctx.diagram("The mappings / 映射表", rows);
        ctx.say("");
        ctx.say(Tone.EMPHASIS, String.format(Locale.ROOT,
                "%d table frames are in use now (%d KiB of page tables for %d mappings).",
                table.tableCount(), table.tableCount() * 4, AREAS.size()));
        ctx.say("One root, then for each of the three root entries in use a PDPT and a PD, plus a PT",
                "under the program text and one under the buffer: the 4 KiB pages at 0x7f2c90000000..",
                "share one PT, and the 2 MiB page sits beside it in the same PD. Here is the root,",
                "read straight from RAM (only the non-zero entries):");
        List<String> dump = new ArrayList<>();
        for (String line : X86PageTableEntry.dumpTable(ram, table.root(), PagingLevel.PML4)) {
            dump.add(line.replace(" (pfn ", "  (pfn "));
        }
        ctx.diagram("PML4 at " + hex(table.root()) + " (the process's pgd)", shorten(dump));
        ctx.say("Entries 0-255 cover the user half, 256-511 the kernel half. Entry 273 leads to the",
                "kernel's direct map; in Linux pgd_alloc() copies entries 256-511 from the kernel's",
                "own table (swapper_pg_dir), so every process sees the same kernel half, and only",
                "the user half differs. U/S is missing on entry 273: user mode cannot pass it.",
                "低 256 项属于用户空间，高 256 项是所有进程共享的内核空间（从 swapper_pg_dir 复制）。");
    }

    private void splitAddress(LessonContext ctx) {
        ctx.step("Cut the address into indices", "把地址切成索引");
        ctx.say("Take the user address " + hex16(VA) + ", a byte in the buffer's page 1.",
                "With 4-level paging only bits 47..0 are used: four 9-bit indices, one per table",
                "(9 bits pick one of 512 entries), and a 12-bit offset inside the 4 KiB page.",
                "Bits 63..48 must copy bit 47 (the \"canonical\" rule, more in step 8).",
                "48 位地址 = 4 个 9 位索引（每级页表 512 项）+ 12 位页内偏移。");
        ctx.diagram("Linear address " + hex16(VA) + " / 线性地址", EntryBits.split(VA));
        ctx.say("By hand: (va >> 39) & 511 = 254, (va >> 30) & 511 = 178, (va >> 21) & 511 = 128,",
                "(va >> 12) & 511 = 1, va & 0xfff = 0x234. The kernel's pgd_index(), pud_index(),",
                "pmd_index() and pte_index() compute exactly these shifts and masks.");
    }

    private void walkByHand(LessonContext ctx, SimulatedRam ram, X86PageTable table) {
        ctx.step("Walk it by hand: four reads from RAM", "手动查表：四次读内存");
        ctx.say("Start at CR3. At each level: entry address = table + 8 × index; read 8 bytes there;",
                "if P (bit 0) is set, bits 51..12 give the next table's physical address.",
                "每一级：表项地址 = 表基址 + 8 × 索引，读出 8 字节，P 位为 1 则取出下一级表的地址。");
        List<String> rows = new ArrayList<>();
        rows.add("CR3 " + hex16(table.cr3(0)) + " -> PML4 table at " + hex(table.root()));
        PagingLevel[] levels = {PagingLevel.PML4, PagingLevel.PDPT, PagingLevel.PD, PagingLevel.PT};
        long base = table.root();
        long leaf = 0;
        for (PagingLevel level : levels) {
            int index = level.index(VA);
            long entryPa = base + 8L * index;
            long entry = ram.readLong(entryPa);
            rows.add("");
            rows.add(String.format(Locale.ROOT, "%-4s  %-31s  holds %s", level.name(),
                    hex(base) + " + 8 × " + index + " = " + hex(entryPa), hex16(entry)));
            long next = X86PageTableEntry.address(entry, level);
            if (X86PageTableEntry.isLeaf(entry, level)) {
                rows.add(String.format(Locale.ROOT, "      %s; a leaf -> 4 KiB page at %s", flags(entry, level),
                        hex(next)));
                leaf = entry;
            } else {
                rows.add(String.format(Locale.ROOT, "      %s -> next table (%s) at %s", flags(entry, level),
                        level.next().name(), hex(next)));
            }
            base = next;
        }
        long pa = X86PageTableEntry.address(leaf, PagingLevel.PT) | (VA & 0xfff);
        rows.add("");
        rows.add(String.format(Locale.ROOT, "physical address = %s + offset 0x234 = %s",
                hex(X86PageTableEntry.address(leaf, PagingLevel.PT)), hex(pa)));
        ctx.diagram("The walk of " + hex16(VA) + " / 逐级查表", rows);
        ctx.say("");
        ctx.say(Tone.EMPHASIS, hex16(VA) + " is physical " + hex(pa) + ": four memory reads to find one byte.");
        ctx.say("Our own software walk (table.translate) agrees: " + hex(table.translate(VA)) + ".",
                "The last entry, the PTE, decides what the page allows. Bit by bit:");
        ctx.diagram("PTE " + hex16(leaf) + " (PT index 1)", EntryBits.pte(leaf));
        ctx.say("P=1 present, R/W=1 writable, U/S=1 user mode may use it, NX=1 no instruction may be",
                "fetched from it (a data page). A (accessed) and D (dirty) are still 0: nobody has",
                "touched the page yet. The frame field is 0x12345: the page is at 0x12345 × 4096.",
                "PTE 的各个位：P 存在，R/W 可写，U/S 用户可访问，NX 不可执行，A/D 由 CPU 置位。");
    }

    private void accessedAndDirty(LessonContext ctx, PageWalker cpu, long cr3, CpuState user) {
        ctx.step("The CPU walks: accessed and dirty bits", "CPU 查表：A 位与 D 位");
        ctx.say("Now the process itself reads the byte, in user mode. The CPU makes the same four",
                "reads (the MMU's page walker), and writes something back: it sets A in every",
                "entry it used. A later write sets D, in the PTE only.");
        WalkTrace read = cpu.trace(cr3, VA, Access.READ, user);
        ctx.diagram("user read of " + hex16(VA), walkRows(read));
        WalkTrace write = cpu.trace(cr3, VA, Access.WRITE, user);
        ctx.diagram("user write to " + hex16(VA), walkRows(write));
        long before = read.steps().get(3).entry();
        long afterRead = read.steps().get(3).entryAfter();
        long afterWrite = write.steps().get(3).entryAfter();
        ctx.say("");
        ctx.say(Tone.EMPHASIS, "PTE " + hex16(before) + " -> " + hex16(afterRead) + " (A, 0x20) -> "
                + hex16(afterWrite) + " (D, 0x40)");
        ctx.say("The kernel reads these bits back. A tells reclaim which pages were used lately",
                "(it clears A and looks again later); D tells it a page was written, so a file page",
                "must go back to disk before its frame can be reused.",
                "A 位帮助内核判断页面是否最近被访问（回收时用），D 位说明页面被写过（需要写回）。");
    }

    private void hugePage(LessonContext ctx, PageWalker cpu, long cr3, CpuState user) {
        ctx.step("A 2 MiB page: one level fewer", "2 MiB 大页：少走一级");
        WalkTrace trace = cpu.trace(cr3, HUGE_VA, Access.READ, user);
        ctx.say("The PD entry for " + hex16(HUGE) + " has PS (bit 7) set: it maps a 2 MiB page itself",
                "instead of pointing to a PT. The walk stops there, and the low 21 bits of the",
                "address (not 12) are the offset into the page.");
        ctx.diagram("user read of " + hex16(HUGE_VA), walkRows(trace));
        ctx.say("");
        ctx.say(Tone.EMPHASIS, String.format(Locale.ROOT, "%d table reads instead of 4; offset = %s & 0x1fffff = %s;",
                trace.steps().size(), hex(HUGE_VA), hex(HUGE_VA & 0x1fffff)));
        ctx.say(Tone.EMPHASIS, String.format(Locale.ROOT, "physical = page %s + offset %s = %s.", hex(0x40000000L),
                hex(HUGE_VA & 0x1fffff), hex(trace.physicalAddress())));
        ctx.say("A PS=1 entry in the PDPT would map a 1 GiB page the same way, after 2 reads, with a",
                "30-bit offset. Fewer levels mean fewer reads on a TLB miss, and one TLB entry covers",
                "512 (or 262,144) small pages.",
                "PD 项的 PS 位为 1 时直接映射 2 MiB 页，只需 3 次读表，偏移是低 21 位。");
    }

    private void pageFaults(LessonContext ctx, PageWalker cpu, long cr3, CpuState user) {
        ctx.step("When the walk fails: page faults", "查表失败：缺页异常 #PF");
        ctx.say("The walk stops with a page fault (#PF, vector 14) when an entry is not present or",
                "its bits forbid the access. The CPU puts the address in CR2 and pushes an error",
                "code: bit 0 P (0 = not present, 1 = protection), bit 1 W (write), bit 2 U (user",
                "mode), bit 3 RSVD, bit 4 I (instruction fetch), bit 5 PK (protection key).",
                "Below each walk, the two \"#PF:\" lines are the error code decoded the way a kernel",
                "oops prints it; a user fault the kernel can handle prints nothing at all.",
                "页错误码：P=0 表示页不存在，P=1 表示权限不符；W 写访问，U 用户态，I 取指令。");
        fault(ctx, cpu.trace(cr3, UNMAPPED, Access.READ, user),
                "user read of " + hex(UNMAPPED) + ": the PTE is empty (nothing mapped there)", false,
                "Linux then looks for a VMA covering the address: if the process mmap()ed it, this is",
                "demand paging (allocate a frame, fill the PTE, retry); if not, SIGSEGV, and dmesg",
                "says \"segfault at 7f2c90003000 ... error 4\".");
        fault(ctx, cpu.trace(cr3, READ_ONLY, Access.WRITE, user),
                "user write to " + hex(READ_ONLY) + ": present, but R/W = 0", false,
                "For a private writable mapping this is copy-on-write: the kernel copies the page and",
                "maps the copy writable. For a truly read-only mapping it is SIGSEGV.");
        fault(ctx, cpu.trace(cr3, DIRECT_MAP + 0x1000, Access.READ, user),
                "user read of " + hex(DIRECT_MAP + 0x1000) + ": kernel memory, U/S = 0", false,
                "The kernel half is in every process's table, but U/S = 0 keeps user mode out.");
        fault(ctx, cpu.trace(cr3, 0, Access.READ, user.kernel()),
                "kernel read of address 0: the classic NULL pointer", true,
                "The kernel itself faulted, on an address nothing maps: no VMA can fix that. This is",
                "an oops, and these lines are the first ones dmesg shows for it.");
    }

    private static void fault(LessonContext ctx, WalkTrace trace, String caption, boolean oops,
                              String... explanation) {
        List<String> rows = walkRows(trace);
        PageFault pf = (PageFault) trace.fault().orElseThrow();
        String[] lines = pf.getMessage().split("\n");
        rows.set(rows.size() - 1, String.format(Locale.ROOT, "=> #PF   CR2 = %s   error code %s", hex16(pf.cr2()),
                hex(pf.errorCode())));
        rows.add(String.format(Locale.ROOT, "   %s = %s", hex(pf.errorCode()), describeErrorCode(pf.errorCode())));
        if (!oops) {
            rows.add("   " + lines[1]);
            rows.add("   " + lines[2]);
        }
        ctx.diagram(caption, rows);
        if (oops) {
            ctx.kernelLog(List.of(lines));
        }
        ctx.say(explanation);
    }

    private static String describeErrorCode(int code) {
        return ((code & PageFault.PF_PROT) != 0 ? "P=1 protection" : "P=0 not present")
                + ((code & PageFault.PF_WRITE) != 0 ? ", W=1 write" : ", W=0 read")
                + ((code & PageFault.PF_USER) != 0 ? ", U=1 user" : ", U=0 kernel");
    }

    private void nonCanonical(LessonContext ctx, PageWalker cpu, long cr3, CpuState user) {
        ctx.step("Non-canonical: #GP, not #PF", "非规范地址：#GP 而不是 #PF");
        ctx.say("Bits 63..48 must all equal bit 47. Addresses that break the rule do not exist: the",
                "CPU refuses them before any walk, with a general protection fault (#GP, vector 13).");
        long[] samples = {0x00007fffffffffffL, 0x0000800000000000L, 0xffff7fffffffffffL, 0xffff800000000000L,
            LIST_POISON1};
        List<String> rows = new ArrayList<>();
        for (long va : samples) {
            rows.add(String.format(Locale.ROOT, "%s  bit 47 = %d, bits 63..48 = %-6s  %s", hex16(va), (va >>> 47) & 1,
                    hex((va >>> 48) & 0xffff), PagingMode.FOUR_LEVEL.isCanonical(va)
                            ? (va < 0 ? "canonical, kernel half" : "canonical, user half") : "NOT canonical"));
        }
        ctx.diagram("The canonical rule, 48-bit addresses / 规范地址", rows);
        WalkTrace trace = cpu.trace(cr3, LIST_POISON1, Access.READ, user.kernel());
        SimulationException gp = trace.fault().orElseThrow();
        String message = gp.getMessage();
        int cut = message.indexOf("; ");
        ctx.say("",
                "The kernel poisons the pointers of a deleted list entry with " + hex(LIST_POISON1),
                "(LIST_POISON1) precisely because it is non-canonical: a use after list_del() traps",
                "at once. Reading it in kernel mode stops before the first table read ("
                        + trace.steps().size() + " reads):");
        ctx.diagram("dmesg, first line of the oops", List.of(cut < 0 ? message : message.substring(0, cut)));
        ctx.say("No CR2, no page-fault error code: the address never reached the page tables.",
                "非规范地址不会查页表，CPU 直接产生 #GP。");
    }

    private void otherForms(LessonContext ctx, SimulatedRam ram) {
        ctx.step("Other paging forms, one kernel", "其他分页模式与页表折叠");
        ctx.say("How many levels a walk has depends on the mode (q12). Cut the same way:");
        long va32 = 0x12345670L;
        LegacyPaging two = LegacyPaging.TWO_LEVEL;
        LegacyPaging pae = LegacyPaging.PAE;
        List<String> rows = new ArrayList<>();
        rows.add("mode            levels  index bits    pages       example");
        rows.add(String.format(Locale.ROOT, "32-bit          2       10|10|12      4K, 4M      %s = %s|%s|%s",
                hex(va32), hex(two.index(va32, 0)), hex(two.index(va32, 1)), hex(va32 & 0xfff)));
        rows.add(String.format(Locale.ROOT, "PAE (32-bit)    3       2|9|9|12      4K, 2M      %s = %s|%s|%s|%s",
                hex(va32), pae.index(va32, 0), hex(pae.index(va32, 1)), hex(pae.index(va32, 2)), hex(va32 & 0xfff)));
        rows.add(String.format(Locale.ROOT, "x86-64 4-level  4       9|9|9|9|12    4K, 2M, 1G  %s = %d|%d|%d|%d|%s",
                hex(VA), PagingLevel.PML4.index(VA), PagingLevel.PDPT.index(VA), PagingLevel.PD.index(VA),
                PagingLevel.PT.index(VA), hex(VA & 0xfff)));
        rows.add(String.format(Locale.ROOT, "x86-64 5-level  5       9|9|9|9|9|12  4K, 2M, 1G  the same, with PML5 %d first",
                PagingLevel.PML5.index(VA)));
        ctx.diagram("One address, four cuts / 同一个地址的四种切法", rows);
        ctx.say("The 32-bit cut of 0x12345670 is the classic \"page 0x12345, offset 0x670\": directory",
                "entry 0x48, table entry 0x345. Without PAE a large page is 4 MiB (10 + 22 bits), with",
                "PAE and in 64-bit mode it is 2 MiB.",
                "");
        ctx.say("How does one kernel handle all of them (q13)? Generic mm code always walks five",
                "levels, pgd -> p4d -> pud -> pmd -> pte. A level the hardware lacks is \"folded\": it",
                "has one entry, and p4d_offset() (say) just returns the entry of the level above. So",
                "mapping one 4 KiB page costs as many table frames as the hardware has levels:");
        List<String> cost = new ArrayList<>();
        cost.add("form        pgd     p4d     pud     pmd     pte   tables for one 4K page");
        cost.add(costRow("32-bit", "PD", "folded", "folded", "folded", "PT", tablesFor(ram, 0, two)));
        cost.add(costRow("PAE", "PDPT", "folded", "folded", "PD", "PT", tablesFor(ram, 1, pae)));
        cost.add(costRow("4-level", "PML4", "folded", "PDPT", "PD", "PT", tablesFor(ram, 2, null)));
        cost.add(costRow("5-level", "PML5", "PML4", "PDPT", "PD", "PT", tablesFor(ram, 3, null)));
        ctx.diagram("Linux's five names on each form / 页表折叠", cost);
        ctx.say("(Our PAE model gives the 4-entry PDPT a whole frame; Linux gives it 32 bytes.)",
                "没有的层级被\"折叠\"：只有一项，直接返回上一级的表项，通用代码因此不必区分架构。");
    }

    private static String costRow(String form, String pgd, String p4d, String pud, String pmd, String pte,
                                  int tables) {
        return String.format(Locale.ROOT, "%-10s  %-6s  %-6s  %-6s  %-6s  %-4s  %d", form, pgd, p4d, pud, pmd, pte,
                tables);
    }

    /** Maps one 4 KiB page into a fresh table of the given form and counts the frames it took. */
    private static int tablesFor(SimulatedRam ram, int slot, LegacyPaging legacy) {
        long start = POOL_END + slot * 0x10000L;
        BumpPageTableAllocator pool = new BumpPageTableAllocator(ram, start, start + 0x10000L);
        if (legacy == LegacyPaging.TWO_LEVEL) {
            LegacyPageTable t = LegacyPageTable.twoLevel(ram, pool);
            t.map(0x12345000L, 0x12345, K4, Prot.USER_RW);
            return t.tableCount();
        }
        if (legacy == LegacyPaging.PAE) {
            LegacyPageTable t = LegacyPageTable.pae(ram, pool);
            t.map(0x12345000L, 0x12345, K4, Prot.USER_RW);
            return t.tableCount();
        }
        X86PageTable t = X86PageTable.builder(ram, pool)
                .mode(slot == 3 ? PagingMode.FIVE_LEVEL : PagingMode.FOUR_LEVEL).build();
        t.map(VA & ~0xfffL, 0x12345, K4, Prot.USER_RW);
        return t.tableCount();
    }

    private void summary(LessonContext ctx) {
        ctx.step("What to remember", "要点");
        ctx.say("q12  x86 paging: 32-bit 2 levels (10|10|12, 4M large pages), PAE 3 levels (2|9|9|12,",
                "     2M), x86-64 4 levels (48-bit, 9 bits a level) or 5 with LA57 (57-bit); a PS=1",
                "     entry ends the walk early with a 2M or 1G page.",
                "q13  Linux always speaks pgd/p4d/pud/pmd/pte; levels the hardware lacks are folded",
                "     (one entry, the offset helper returns the entry above), so mm code is generic.",
                "q17  A user address is translated through the process's own tables (CR3 = its pgd):",
                "     4 reads, each entry at table + 8 × index, ending in frame + offset; or a #PF",
                "     (the kernel then fixes it: demand paging, COW; or sends SIGSEGV).",
                "Every PTE is 8 bytes in RAM: P R/W U/S PWT PCD A D PAT G, frame 51..12, PKEY, NX.");
    }

    /** A walk's steps, one line each: entry address, value before, value after, what the CPU set. */
    static List<String> walkRows(WalkTrace trace) {
        List<String> rows = new ArrayList<>();
        for (WalkStep s : trace.steps()) {
            String change = s.entryAfter() == s.entry() ? "" : "  -> " + hex16(s.entryAfter()) + setBits(s);
            rows.add(String.format(Locale.ROOT, "%-5s[%3d] at %-9s %s%s", s.level().entryName(), s.index(),
                    hex(s.entryAddress()), hex16(s.entry()), change));
        }
        if (trace.faulted()) {
            SimulationException f = trace.fault().get();
            rows.add(f instanceof PageFault ? "=> #PF, error code " + hex(((PageFault) f).errorCode())
                    : "=> #GP (the address is not canonical)");
        } else {
            rows.add("=> physical " + hex(trace.physicalAddress()));
        }
        return rows;
    }

    private static String setBits(WalkStep s) {
        long changed = s.entryAfter() & ~s.entry();
        boolean a = (changed & X86PageTableEntry.ACCESSED) != 0;
        boolean d = (changed & X86PageTableEntry.DIRTY) != 0;
        return "  CPU set " + (a && d ? "A+D" : a ? "A" : "D");
    }

    /** The flag names of an entry, as X86PageTableEntry.describe spells them, without address. */
    private static String flags(long entry, PagingLevel level) {
        String text = X86PageTableEntry.describe(entry, level);
        int colon = text.indexOf(':');
        int arrow = text.indexOf(" -> ");
        return text.substring(colon + 2, arrow < 0 ? text.length() : arrow);
    }

    /** Dump lines without the redundant pfn note, to keep them inside 90 columns. */
    private static List<String> shorten(List<String> dump) {
        List<String> out = new ArrayList<>();
        for (String line : dump) {
            int pfn = line.indexOf("  (pfn ");
            out.add(pfn < 0 ? line : line.substring(0, pfn));
        }
        return out;
    }
}
