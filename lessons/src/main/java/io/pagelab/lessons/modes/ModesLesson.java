package io.pagelab.lessons.modes;

import io.pagelab.api.Prot;
import io.pagelab.api.error.GeneralProtectionFault;
import io.pagelab.hardware.Machine;
import io.pagelab.hardware.mmu.Access;
import io.pagelab.hardware.mmu.BumpPageTableAllocator;
import io.pagelab.hardware.mmu.CpuState;
import io.pagelab.hardware.mmu.PageWalker;
import io.pagelab.hardware.mmu.PagingMode;
import io.pagelab.hardware.mmu.WalkStep;
import io.pagelab.hardware.mmu.WalkTrace;
import io.pagelab.hardware.mmu.X86PageTable;
import io.pagelab.hardware.ram.SimulatedRam;
import io.pagelab.hardware.segment.GlobalDescriptorTable;
import io.pagelab.hardware.segment.ProtectedMode;
import io.pagelab.hardware.segment.RealMode;
import io.pagelab.hardware.segment.SegmentAccess;
import io.pagelab.hardware.segment.SegmentDescriptor;
import io.pagelab.hardware.segment.SegmentRegister;
import io.pagelab.hardware.segment.SegmentSelector;
import io.pagelab.lessons.Lesson;
import io.pagelab.lessons.LessonContext;
import io.pagelab.lessons.Tone;
import io.pagelab.lessons.diagram.TextWrap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lesson "modes": the road an x86 CPU travels while Linux boots. Real mode's
 * {@code segment * 16 + offset} and the A20 gate ({@link RealMode}; arch/x86/boot/a20.c), the
 * GDT Linux loads and its descriptors decoded ({@link GlobalDescriptorTable#linux64()},
 * arch/x86/kernel/cpu/common.c), a protected-mode limit check and a privilege check ending in #GP
 * ({@link ProtectedMode}, {@link SegmentRegister}), and finally paging switched on with the early
 * identity-plus-high mapping of arch/x86/kernel/head_64.S (Linux 6.x), 2 MiB pages.
 *
 * <p>Interview questions: q08 (how memory is mapped at boot: identity plus high mapping with
 * 2 MiB pages), q09 (protected mode against real mode), q12 (the paging modes and their levels).
 *
 * <p>Differs from Linux on purpose: the early page tables are built in a pool at 128 MiB and map
 * 64 MiB (head_64.S uses static tables in the kernel image and maps the image's span); the
 * segment-limit example uses a made-up small segment, since every Linux segment is flat.
 */
public final class ModesLesson implements Lesson {

    /** 4 * 0x80: the int 0x80 vector that a20.c uses as its test location (A20_TEST_ADDR). */
    static final int A20_TEST_ADDR = 0x200;
    /** A small data segment for the limit check: base 1 MiB, 64 KiB, byte granular, writable. */
    static final long SMALL_BASE = 0x100000L;
    static final int SMALL_LIMIT = 0xffff;
    /** GDT_ENTRY_INIT flags of that segment: D/B, P, DPL 0, S, type 2 (read/write data). */
    static final int SMALL_FLAGS = 0x4092;
    /** Early mapping: 64 MiB of RAM at 0 (identity) and at __START_KERNEL_map. */
    static final long EARLY_SPAN = 64L << 20;
    static final long START_KERNEL_MAP = 0xffffffff80000000L;

    @Override
    public String id() {
        return "modes";
    }

    @Override
    public String titleZh() {
        return "实模式 → 保护模式 → 分页";
    }

    @Override
    public String titleEn() {
        return "Real mode → protected mode → paging";
    }

    @Override
    public List<String> questions() {
        return List.of("q08", "q09", "q12");
    }

    @Override
    public void run(LessonContext ctx) {
        ctx.banner(this);
        SimulatedRam ram = Machine.qemu4G().ram();
        realMode(ctx);
        a20(ctx, ram);
        GlobalDescriptorTable gdt = GlobalDescriptorTable.linux64();
        gdtDecoded(ctx, gdt);
        selectors(ctx, gdt);
        limitCheck(ctx);
        paging(ctx, ram);
        road(ctx);
        summary(ctx);
    }

    private void realMode(LessonContext ctx) {
        ctx.step("Real mode: segment × 16 + offset", "实模式：段 × 16 + 偏移");
        ctx.say("Every x86 CPU still wakes up as an 8086: 16-bit registers, yet 20 address lines",
                "(1 MiB). To form a 20-bit address it shifts a 16-bit segment left by 4 bits and",
                "adds a 16-bit offset. There is no protection at all: any program can touch any byte.",
                "The kernel's setup code (arch/x86/boot/) runs here, and asks the BIOS for e820.",
                "实模式：物理地址 = 段寄存器 × 16 + 偏移，20 位地址、1 MiB，没有任何保护。");
        List<String> rows = new ArrayList<>();
        rows.add("  segment 0x1234 × 16   0x12340");
        rows.add("+ offset  0x5678         0x5678");
        rows.add(String.format(Locale.ROOT, "= physical            %8s", hex(RealMode.linear(0x1234, 0x5678, true))));
        ctx.diagram("1234:5678", rows);
        List<String> more = new ArrayList<>();
        more.add(String.format(Locale.ROOT, "F000:FFF0  -> %-8s  the reset vector: the first instruction after power-on",
                hex(RealMode.linear(0xf000, 0xfff0, true))));
        more.add(String.format(Locale.ROOT, "07C0:0000  -> %-8s  where the BIOS loads a boot sector", hex(RealMode.linear(0x07c0,
                0, true))));
        more.add(String.format(Locale.ROOT, "0000:7C00  -> %-8s  the same byte, another name", hex(RealMode.linear(0, 0x7c00,
                true))));
        more.add(String.format(Locale.ROOT, "FFFF:FFFF  -> %-8s  the highest address real mode can form (A20 on)",
                hex(RealMode.linear(0xffff, 0xffff, true))));
        ctx.diagram("More addresses / 更多例子", more);
        ctx.say("Segments overlap every 16 bytes, so one byte has up to 4096 names. And FFFF:FFFF",
                "is above 1 MiB: 0xffff0 + 0xffff carries into bit 20, a 21st address line...");
    }

    private void a20(LessonContext ctx, SimulatedRam ram) {
        ctx.step("The A20 gate: the megabyte that wraps", "A20 地址线：回绕的 1 MiB");
        ctx.say("The 8086 had only 20 lines, so that carry was lost and FFFF:0010 wrapped to 0.",
                "Some DOS programs relied on it, so PCs kept address line 20 held at 0 by default",
                "(the \"A20 gate\") until software opens it. With the gate closed, bit 20 of every",
                "address reads as 0: each odd megabyte aliases the even one below.",
                "A20 关闭时第 20 位地址线恒为 0，超过 1 MiB 的地址回绕到 0 附近。");
        List<String> rows = new ArrayList<>();
        rows.add("address     segment×16 + offset   A20 off    A20 on");
        for (int[] so : new int[][] {{0xffff, 0x0010}, {0xffff, 0x0210}, {0xffff, 0xffff}}) {
            rows.add(String.format(Locale.ROOT, "%04X:%04X   %-20s  %-9s  %s", so[0], so[1],
                    hex((long) so[0] << 4) + " + " + hex(so[1]), hex(RealMode.linear(so[0], so[1], false)),
                    hex(RealMode.linear(so[0], so[1], true))));
        }
        ctx.diagram("A20 off and on / A20 关与开", rows);
        ctx.say("With A20 on, FFFF:0010..FFFF:FFFF reach 0x100000..0x10ffef: 65,520 bytes above",
                "1 MiB (the \"high memory area\") without leaving real mode.",
                "",
                "Linux must open the gate before it can use memory above 1 MiB. arch/x86/boot/a20.c",
                "checks whether it is open in a neat way: it writes a counter at 0000:0200 (the int",
                "0x80 vector) and reads FFFF:0210. Those name the same byte only while A20 is off.");
        List<String> test = new ArrayList<>();
        for (boolean on : new boolean[] {false, true}) {
            long fs = RealMode.linear(0x0000, A20_TEST_ADDR, on);
            long gs = RealMode.linear(0xffff, A20_TEST_ADDR + 0x10, on);
            int counter = on ? 0x5a5a0002 : 0x5a5a0001;
            ram.writeInt(fs, counter);
            int seen = ram.readInt(gs);
            test.add(String.format(Locale.ROOT, "A20 %-3s  write %s at 0000:0200 (%s), read FFFF:0210 (%s) = %s",
                    on ? "on" : "off", hex(counter), hex(fs), hex(gs), hex(seen)));
            test.add(String.format(Locale.ROOT, "         %s", seen == counter
                    ? "the same value: both names hit one byte, the gate is closed"
                    : "a different value: two different bytes, the gate is open"));
        }
        ctx.diagram("a20_test(), on our simulated RAM", test);
    }

    private void gdtDecoded(LessonContext ctx, GlobalDescriptorTable gdt) {
        ctx.step("Protected mode: descriptors", "保护模式：段描述符");
        ctx.say("In protected mode (q09) a segment register no longer holds a number to multiply.",
                "It holds a selector: an index into a table the kernel builds, the GDT (global",
                "descriptor table). Each 8-byte descriptor says where the segment starts (base),",
                "how long it is (limit), who may use it (DPL, privilege 0 = kernel .. 3 = user) and",
                "what for (code or data, readable, writable). Every access is checked against it.",
                "保护模式下段寄存器保存\"选择子\"，指向 GDT 中的描述符：基址、界限、特权级、类型。");
        List<String> rows = new ArrayList<>();
        rows.add("#  selector  raw descriptor      DPL  L  D/B  G  byte limit  type");
        String[] names = {"", "KERNEL32_CS", "KERNEL_CS", "KERNEL_DS", "USER32_CS", "USER_DS", "USER_CS"};
        for (int i = 1; i <= 6; i++) {
            SegmentDescriptor d = SegmentDescriptor.decode(gdt.rawEntries().get(i));
            rows.add(String.format(Locale.ROOT, "%d  %-8s  0x%016x  %d    %d  %d    %d  %-10s  %s", i,
                    hex(i * 8 + d.dpl()), d.raw(), d.dpl(), bit(d.longMode()), bit(d.defaultBig()), bit(d.granularity()),
                    hex(d.byteLimit()), shortType(d)));
        }
        ctx.diagram("Linux's 64-bit GDT, entries 1-6 (gdt_page) / Linux 的 GDT", rows);
        List<String> names2 = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            names2.add(i + " " + names[i]);
        }
        ctx.say("Entries: " + String.join(", ", names2) + ".");
        SegmentDescriptor kernelCs = SegmentDescriptor.decode(gdt.rawEntries().get(2));
        ctx.say(String.format(Locale.ROOT, "Take entry 2, __KERNEL_CS = 0x%016x. Its base is split over bits",
                        kernelCs.raw()),
                "16-39 and 56-63, its limit over bits 0-15 and 48-51 (a leftover of the 80286).",
                "Reassembled: base 0, limit 0xfffff with G = 1, counted in 4 KiB pages, so the byte",
                "limit is 0xfffff × 4096 + 0xfff = 0xffffffff. L = 1 makes it a 64-bit code",
                "segment; DPL 0, kernel only.");
        ctx.diagram("Decoded by SegmentDescriptor.decode / 逐字段解码",
                TextWrap.wrap(kernelCs.toString(), 84));
        ctx.say("");
        ctx.say(Tone.EMPHASIS, "Every Linux segment has base 0 and covers all 4 GiB: a \"flat\" model.");
        ctx.say("Linux uses segments only for what the CPU insists on: privilege levels (kernel 0,",
                "user 3) and the 64-bit/32-bit code switch. All real protection is done by paging.",
                "Linux 采用平坦模式：所有段基址为 0、界限 4 GiB，真正的保护交给分页。");
    }

    private void selectors(LessonContext ctx, GlobalDescriptorTable gdt) {
        ctx.step("Selectors and privilege", "选择子与特权级");
        ctx.say("A selector packs three fields: index (bits 15-3), TI (bit 2, GDT or LDT) and RPL",
                "(bits 1-0, the privilege it asks for). __USER_CS is 0x33:");
        SegmentSelector userCs = SegmentSelector.of(SegmentSelector.USER_CS);
        ctx.diagram("0x33 = 0000000000110 | 0 | 11 (binary)", List.of(
                String.format(Locale.ROOT, "index %d (bits 15-3), TI %d (GDT), RPL %d (bits 1-0)", userCs.index(),
                        userCs.ldt() ? 1 : 0, userCs.rpl()),
                "0x33 = 6 × 8 + 3: descriptor 6, byte offset 48 in the GDT, asked for at ring 3"));
        ctx.say("Loading a segment register is where segmentation still protects: user code (CPL 3)",
                "may not load the kernel's data segment, whose DPL is 0:");
        List<String> rows = new ArrayList<>();
        SegmentRegister ds = ProtectedMode.loadDataSegment(gdt, SegmentSelector.USER_DS, 3);
        rows.add(String.format(Locale.ROOT, "CPL 3: mov ds, 0x2b (__USER_DS, DPL %d)   -> loaded", ds.descriptor().dpl()));
        try {
            ProtectedMode.loadDataSegment(gdt, SegmentSelector.KERNEL_DS, 3);
            rows.add("CPL 3: mov ds, 0x18 -> loaded (unexpected)");
        } catch (GeneralProtectionFault gp) {
            rows.add(String.format(Locale.ROOT, "CPL 3: mov ds, 0x18 (__KERNEL_DS, DPL 0) -> #GP(%s)", hex(gp.errorCode())));
            rows.addAll(indent(TextWrap.wrap(gp.getMessage(), 80)));
        }
        ctx.diagram("A privilege check / 特权级检查", rows);
    }

    private void limitCheck(LessonContext ctx) {
        ctx.step("The limit check: #GP", "段界限检查：#GP");
        ctx.say("Each access is also checked against the limit. Linux's segments are 4 GiB, so to",
                "see the check fail we add a small segment of our own: base 1 MiB, limit 0xffff",
                "bytes (G = 0), writable data, in GDT entry 7 (selector 0x38).");
        long[] raw = new long[8];
        List<Long> linux = GlobalDescriptorTable.linux64().rawEntries();
        for (int i = 0; i < 7; i++) {
            raw[i] = linux.get(i);
        }
        SegmentDescriptor small = SegmentDescriptor.of(SMALL_FLAGS, SMALL_BASE, SMALL_LIMIT);
        raw[7] = small.raw();
        GlobalDescriptorTable gdt = new GlobalDescriptorTable(raw);
        SegmentRegister es = ProtectedMode.loadDataSegment(gdt, 0x38, 0);
        List<String> rows = new ArrayList<>();
        rows.add(String.format(Locale.ROOT, "GDT_ENTRY_INIT(%s, %s, %s) = 0x%016x", hex(SMALL_FLAGS), hex(SMALL_BASE),
                hex(SMALL_LIMIT), small.raw()));
        rows.addAll(access(es, 0x1234, 4, SegmentAccess.READ));
        rows.addAll(access(es, 0xfffc, 4, SegmentAccess.WRITE));
        rows.addAll(access(es, 0xfffe, 4, SegmentAccess.READ));
        ctx.diagram("es = 0x38: base 0x100000, limit 0xffff / 段界限", rows);
        ctx.say("The last read needs bytes 0xfffe..0x10001, and two of them lie past the limit: the",
                "CPU raises #GP before touching memory. (The kernel would print \"general protection",
                "fault\" and, for a user program, send SIGSEGV.) With Linux's flat segments this can",
                "never happen below 4 GiB, and in 64-bit mode the CPU skips the limit check for",
                "CS, DS, ES and SS altogether.",
                "访问越过段界限时 CPU 直接触发 #GP；Linux 的平坦段使这类检查形同虚设。");
    }

    private static List<String> access(SegmentRegister seg, long offset, int size, SegmentAccess access) {
        String what = String.format(Locale.ROOT, "%-5s %d bytes at es:%s", access.name().toLowerCase(Locale.ROOT), size,
                hex(offset));
        try {
            long linear = seg.linear(offset, size, access);
            return List.of(String.format(Locale.ROOT, "%-26s -> linear %s + %s = %s", what, hex(seg.descriptor().base()),
                    hex(offset), hex(linear)));
        } catch (GeneralProtectionFault gp) {
            List<String> lines = new ArrayList<>();
            lines.add(String.format(Locale.ROOT, "%-26s -> #GP(%s)", what,
                    gp.errorCode() == 0 ? "0" : hex(gp.errorCode())));
            lines.addAll(indent(TextWrap.wrap(gp.getMessage(), 80)));
            return lines;
        }
    }

    private void paging(LessonContext ctx, SimulatedRam ram) {
        ctx.step("Paging on: the last translation", "打开分页：最后一层翻译");
        ctx.say("Protected mode gives a linear address (base + offset; with Linux's flat segments",
                "the offset itself). Paging adds the second step, linear -> physical, through page",
                "tables. Before setting CR0.PG the kernel must build tables that map the code it is",
                "running, or the very next instruction fetch would fault. head_64.S maps the same",
                "physical memory twice, with 2 MiB pages:",
                "  identity:  linear = physical          (so execution continues after CR0.PG)",
                "  high:      linear = 0xffffffff80000000 + physical   (where the kernel is linked)",
                "打开分页前先建好页表：同一段物理内存映射两次，恒等映射保证开启分页后还能继续执行。");
        X86PageTable early = X86PageTable.builder(ram, new BumpPageTableAllocator(ram, 0x8000000L, 0x8100000L))
                .globalKernelPages(false).build();
        for (long pa = 0; pa < EARLY_SPAN; pa += 2L << 20) {
            early.map(pa, pa >>> 12, 2L << 20, Prot.KERNEL_RX.with(Prot.WRITE));
            early.map(START_KERNEL_MAP + pa, pa >>> 12, 2L << 20, Prot.KERNEL_RX.with(Prot.WRITE));
        }
        ctx.say(String.format(Locale.ROOT, "We map %d MiB both ways: %d 2 MiB pages each, %d table frames in all.",
                EARLY_SPAN >> 20, EARLY_SPAN >> 21, early.tableCount()));
        CpuState cpu = CpuState.plain(PagingMode.FOUR_LEVEL);
        PageWalker walker = new PageWalker(ram);
        long cr3 = early.cr3(0);
        long[] addresses = {0x1000123L, START_KERNEL_MAP + 0x1000123L};
        List<String> rows = new ArrayList<>();
        for (long va : addresses) {
            WalkTrace trace = walker.trace(cr3, va, Access.EXECUTE, cpu);
            rows.add(String.format(Locale.ROOT, "fetch at 0x%016x:", va));
            for (WalkStep s : trace.steps()) {
                rows.add(String.format(Locale.ROOT, "   %-5s[%3d] = 0x%016x", s.level().entryName(), s.index(), s.entry()));
            }
            rows.add(String.format(Locale.ROOT, "   => physical %s (%d table reads)", hex(trace.physicalAddress()),
                    trace.steps().size()));
        }
        ctx.diagram("The same instruction through both mappings / 两个映射，同一条指令", rows);
        ctx.say("");
        ctx.say(Tone.EMPHASIS, "Two linear addresses, one physical byte: 0x1000123, 16 MiB + 0x123 into the kernel.");
        ctx.say("Once the CPU jumps to the high address, the identity half is no longer needed and",
                "the kernel later drops it. The full chain of an x86-64 address is now:",
                "  logical (selector:offset) -> segmentation (base 0) -> linear -> paging -> physical");
    }

    private void road(LessonContext ctx) {
        ctx.step("The road, and the paging forms on it", "整条路线与各种分页模式");
        ctx.say("Linux walks the CPU through these modes in order (q12 lists the paging forms):");
        List<String> rows = new ArrayList<>();
        rows.add("mode                    addresses         translation                     pages");
        rows.add("real mode               20-bit, 1 MiB     seg × 16 + off (A20 gate)       -");
        rows.add("protected, no paging    32-bit, 4 GiB     base + off, limit, DPL          -");
        rows.add("+ 32-bit paging         32 -> 32 bit      2 levels  10|10|12              4K, 4M");
        rows.add("+ PAE paging            32 -> 52 bit      3 levels  2|9|9|12              4K, 2M");
        rows.add("long mode (4-level)     48 -> 52 bit      4 levels  9|9|9|9|12            4K, 2M, 1G");
        rows.add("long mode, LA57         57 -> 52 bit      5 levels  9|9|9|9|9|12          4K, 2M, 1G");
        ctx.diagram("x86 modes / x86 的各种模式", rows);
        ctx.say("Linux's x86-64 boot: setup code in real mode (detect memory, enable A20), then",
                "go_to_protected_mode() loads a small GDT and sets CR0.PE (arch/x86/boot/pm.c); the",
                "decompressor builds identity page tables, sets CR4.PAE, EFER.LME and CR0.PG: long",
                "mode; head_64.S switches to the kernel's own tables and jumps to the high address.",
                "(A 64-bit kernel booted by a UEFI loader starts directly in long mode.)",
                "启动路线：实模式 → 保护模式（CR0.PE）→ 建页表、开 PAE/LME/PG → 长模式。");
    }

    private void summary(LessonContext ctx) {
        ctx.step("What to remember", "要点");
        ctx.say("q09  Real mode: seg × 16 + off, 1 MiB, no protection, A20 wrap. Protected mode:",
                "     selectors index GDT descriptors (base, limit, G, DPL, type); loads are checked",
                "     for privilege and accesses for limit and type, #GP on failure. Linux makes all",
                "     segments flat (base 0, 4 GiB) and protects with paging instead.",
                "q12  32-bit paging 2 levels (4K/4M), PAE 3 (4K/2M), long mode 4 (4K/2M/1G), LA57 5;",
                "     head_64.S turns paging on with an identity map plus the high kernel map.",
                "q08  At boot the same 2 MiB pages are mapped twice: identity (virtual = physical),",
                "     so the instruction after CR0.PG still runs, and high, where the kernel lives.");
    }

    private static List<String> indent(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            out.add("   " + line);
        }
        return out;
    }

    private static String shortType(SegmentDescriptor d) {
        if (d.isCode()) {
            return d.longMode() ? "code, 64-bit" : "code, 32-bit";
        }
        return d.isWritable() ? "data, read/write" : "data, read-only";
    }

    private static int bit(boolean b) {
        return b ? 1 : 0;
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
