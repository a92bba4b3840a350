package io.pagelab.lessons.boot;

import io.pagelab.hardware.Machine;
import io.pagelab.hardware.firmware.Bios;
import io.pagelab.hardware.firmware.E820Entry;
import io.pagelab.hardware.firmware.E820Type;
import io.pagelab.kernel.boot.BootConfig;
import io.pagelab.kernel.boot.BootMemory;
import io.pagelab.kernel.boot.BootMemoryResult;
import io.pagelab.kernel.e820.E820Table;
import io.pagelab.kernel.e820.PciGap;
import io.pagelab.kernel.memblock.Memblock;
import io.pagelab.lessons.Lesson;
import io.pagelab.lessons.LessonContext;
import io.pagelab.lessons.Tone;
import io.pagelab.lessons.diagram.AddressSpaceBar;
import io.pagelab.lessons.diagram.AddressSpaceBar.Tick;
import io.pagelab.lessons.diagram.Region;
import io.pagelab.lessons.diagram.RegionKind;
import io.pagelab.lessons.diagram.SizeFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Lesson "e820": where the kernel's idea of physical memory comes from. A QEMU guest with 4 GiB
 * (the real table of linux-reference.md §2.4 (a)) is asked for its memory map through INT 0x15
 * E820, the table is sanitized and edited the way Linux 6.x's setup_arch() does
 * (arch/x86/kernel/e820.c), drawn to scale, handed to memblock, and the kernel's boot report
 * (zones, node ranges) is printed.
 *
 * <p>Interview questions: q01 (how the layout is learnt), q02 (when and by whom), q05 (how the
 * table is processed), q06 (is memory contiguous?), q07 (how the processed table is managed).
 */
public final class BootMemoryLesson implements Lesson {

    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;
    /** BIOS_BEGIN (arch/x86/include/asm/e820/types.h): the start of the legacy window. */
    private static final long BIOS_BEGIN = 0xa0000L;

    @Override
    public String id() {
        return "e820";
    }

    @Override
    public String titleZh() {
        return "内存从哪里来？e820 与 memblock";
    }

    @Override
    public String titleEn() {
        return "Where does memory come from? e820 and memblock";
    }

    @Override
    public List<String> questions() {
        return List.of("q01", "q02", "q05", "q06", "q07");
    }

    @Override
    public void run(LessonContext ctx) {
        ctx.banner(this);
        Machine machine = Machine.qemu4G();

        machine(ctx);
        BiosWalk walk = biosWalk(ctx, machine.bios());
        E820Table table = rawTable(ctx, walk.entries());
        sanitize(ctx, table);
        BootMemoryResult boot = BootMemory.boot(walk.entries(), BootConfig.defaults().withMemblockDebug(true));
        earlyEdits(ctx, boot);
        pictures(ctx, boot);
        memblock(ctx, boot);
        bootReport(ctx, boot);
        summary(ctx);
    }

    private void machine(LessonContext ctx) {
        ctx.step("The machine", "一台机器");
        ctx.say("We power on a simulated PC: a QEMU/KVM i440FX guest with 4 GiB of RAM. Its firmware",
                "table is not made up: it is the one a real Linux 6.13 guest printed at boot.",
                "",
                "The RAM chips do not announce themselves to the kernel. The firmware (BIOS or UEFI)",
                "sized the DIMMs at power-on and knows which addresses are RAM and which belong to",
                "devices. The kernel has to ask it. On a PC with a BIOS the question is INT 0x15 with",
                "AX=0xE820, hence the name \"e820\".",
                "这台机器的内存布局只有固件知道，内核必须通过 BIOS 的 INT 0x15 / E820 功能去问。");
    }

    private BiosWalk biosWalk(LessonContext ctx, Bios bios) {
        ctx.step("The BIOS walk: INT 0x15, AX=0xE820", "逐次调用 INT 0x15 E820");
        ctx.say("Who asks, and when (q02)? Before the kernel leaves real mode: the setup code's",
                "detect_memory() (arch/x86/boot/memory.c), or GRUB2, which probes the map itself and",
                "passes it in boot_params (the \"zero page\"). Either way the result is the same table.",
                "",
                "Each call returns ONE entry. The caller loads EAX=0xE820, EDX='SMAP' (0x534d4150),",
                "ECX=20 (buffer size) and EBX = the continuation value: 0 for the first call, then",
                "whatever the previous reply left in EBX. EBX=0 in a reply means \"that was the last\".",
                "每次调用只返回一条记录；EBX 是\"续传值\"，回到 0 表示表已结束。");
        BiosWalk walk = BiosWalk.run(bios);
        List<String> rows = new ArrayList<>();
        rows.add("call  EBX in  →  CF  EAX     EBX out  entry returned");
        for (BiosWalk.Step step : walk.steps()) {
            String entry = step.reply().entry()
                    .map(e -> String.format(Locale.ROOT, "[mem %#018x-%#018x] %s", e.addr(), e.lastByte(),
                            e.type().dmesgName()))
                    .orElse("(none)");
            rows.add(String.format(Locale.ROOT, "%4d  %#6x  →  %d   %-6s  %#6x   %s", step.number(), step.ebxIn(),
                    step.reply().carry() ? 1 : 0, step.reply().eax() == Bios.SMAP ? "'SMAP'"
                            : String.format(Locale.ROOT, "%#x", step.reply().eax()),
                    step.reply().ebx(), entry));
        }
        ctx.diagram("INT 0x15 E820, call by call / 逐次调用", rows);
        ctx.say("");
        ctx.say(Tone.EMPHASIS, walk.steps().size() + " calls, " + walk.entries().size() + " entries; "
                + walk.outcome() + ".");
        ctx.say("This BIOS uses the entry index as continuation value (as SeaBIOS does); others use",
                "any opaque number, so the caller must only echo it back.");
        return walk;
    }

    private E820Table rawTable(LessonContext ctx, List<E820Entry> entries) {
        ctx.step("The raw table in boot_params", "boot_params 中的原始表");
        ctx.say("The entries, in the order the BIOS gave them, are all the kernel knows about memory.",
                "Firmware tables may be unsorted, overlap, or hold empty entries: nothing is trusted yet.",
                "Total of the usable entries: " + usableSummary(entries) + ".");
        E820Table table = E820Table.of(entries);
        ctx.diagram("boot_params.e820_table (" + table.nrEntries() + " entries)", table.print("BIOS-e820"));
        return table;
    }

    private void sanitize(LessonContext ctx, E820Table table) {
        ctx.step("Sanitizing: e820__update_table()", "整理 e820 表");
        ctx.say("How is the probed table processed (q05)? e820__update_table() turns any firmware table",
                "into a clean one: it collects the start and end of every entry (\"change points\"),",
                "sorts them, and sweeps from low to high addresses. Where entries overlap, the higher",
                "type number wins (reserved=2 beats usable=1), neighbours of the same type merge, and",
                "empty entries vanish. Gaps stay gaps.",
                "按地址扫描所有\"变化点\"：重叠时类型号大的胜出，相邻同类型合并，空条目丢弃。");
        E820Table messy = E820Table.of(List.of(
                E820Entry.ofInclusive(0x0L, 0x9ffffL, E820Type.RAM),
                E820Entry.ofInclusive(0x9f000L, 0xfffffL, E820Type.RESERVED),
                E820Entry.ofInclusive(0x100000L, 0x7ffffffL, E820Type.RAM),
                E820Entry.ofInclusive(0x8000000L, 0x8ffffffL, E820Type.RAM),
                E820Entry.of(0x9000000L, 0, E820Type.RAM)));
        List<String> before = messy.print("input ");
        messy.update();
        List<String> picture = new ArrayList<>(before);
        picture.add("            ↓ e820__update_table()");
        picture.addAll(messy.print("output"));
        ctx.diagram("A messy table first (overlap, split RAM, an empty entry)", picture);
        ctx.say("The reserved range cut the first RAM entry short at 0x9efff, the two RAM entries at",
                "0x100000 and 0x8000000 touch and became one, and the empty entry is gone.");

        List<E820Entry> firmwareOrder = table.entries();
        table.update();
        boolean unchanged = firmwareOrder.equals(table.entries());
        ctx.say("");
        ctx.say(Tone.EMPHASIS, "Our QEMU table: " + firmwareOrder.size() + " entries in, " + table.nrEntries()
                + " out" + (unchanged ? " — it was already clean, nothing changed." : "."));
        ctx.say("Linux prints the table only after this step, so the \"BIOS-e820:\" lines of dmesg",
                "show the sanitized table, not the raw one.");
    }

    private void earlyEdits(LessonContext ctx, BootMemoryResult boot) {
        ctx.step("The kernel's own edits", "内核自己的修改");
        ctx.say("setup_arch() then distrusts two places the BIOS calls usable:",
                " - page 0 (0x0-0xfff), where the BIOS keeps its interrupt vectors and data: it becomes",
                "   reserved;",
                " - the legacy window 0xa0000-0xfffff (VGA memory, option ROMs, the BIOS itself): any",
                "   usable RAM claimed there is removed.",
                "Then it finds the end of RAM: last_pfn, in 4 KiB pages, once for all RAM (max_pfn) and",
                "once below 4 GiB (max_low_pfn).");
        ctx.kernelLog(reportLines(boot, line -> line.startsWith("e820: ") || line.startsWith("last_pfn")));
        ctx.say("");
        ctx.say(String.format(Locale.ROOT, "max_pfn 0x%x pages × 4 KiB = %s: RAM ends at 0x%x.", boot.maxPfn(),
                SizeFormat.human(boot.maxPfn() * E820Table.PAGE_SIZE), boot.maxPfn() * E820Table.PAGE_SIZE));
        ctx.diagram("The kernel's e820 table now (" + boot.e820().nrEntries() + " entries)", boot.e820().print("e820"));
    }

    private void pictures(LessonContext ctx, BootMemoryResult boot) {
        ctx.step("Is memory contiguous? The address space", "内存连续吗？地址空间");
        List<E820Entry> entries = boot.e820().entries();
        long top = 5 * GIB;
        ctx.say("No (q06). RAM is split by holes: addresses that no e820 entry describes. Devices answer",
                "there (PCI memory-mapped I/O, the local APIC, the BIOS flash chip), not RAM.",
                "不连续：物理地址空间里有\"空洞\"，那里是设备（PCI、APIC、BIOS 闪存）而不是内存。");
        List<Region> regions = AddressSpaceBar.regions(entries, 0, top);
        ctx.diagram("Legend / 图例", AddressSpaceBar.legend(regions, ctx::paint));

        List<String> overview = new ArrayList<>(AddressSpaceBar.linear(entries, 0, top, 64,
                List.of(new Tick(0, "0"), new Tick(GIB, "1G"), new Tick(2 * GIB, "2G"), new Tick(3 * GIB, "3G"),
                        new Tick(4 * GIB, "4G"), new Tick(5 * GIB, "5G")), ctx::paint));
        ctx.diagram("0 to 5 GiB, to scale: 1 character = 80 MiB (linear)", overview);
        ctx.say("The gap from 3 GiB to 4 GiB is the PCI hole: QEMU puts only 3 GiB of RAM below 4 GiB and",
                "places the remaining 1 GiB above it (0x100000000-0x13fffffff), so 32-bit devices keep room.",
                "The kernel finds it as the biggest gap below 4 GiB and tells the PCI code:");
        ctx.kernelLog(boot.pciGap().lines());
        ctx.say("At this scale the first MiB is a sliver of the first character; zoom in:");

        List<String> zoom = new ArrayList<>(AddressSpaceBar.linear(entries, 0, MIB, 64,
                List.of(new Tick(0, "0"), new Tick(0x40000, "256K"), new Tick(0x80000, "512K"),
                        new Tick(BIOS_BEGIN, "640K"), new Tick(0xc0000, "768K"), new Tick(MIB, "1M")), ctx::paint));
        ctx.diagram("The first MiB, to scale: 1 character = 16 KiB (linear)", zoom);
        ctx.say("640 KiB of low RAM, then the legacy hole 0xa0000-0xeffff (VGA memory and option ROMs),",
                "then the BIOS ROM at 0xf0000-0xfffff. This is the \"640K\" of old DOS.");

        PciGap gap = boot.pciGap();
        List<String> chart = AddressSpaceBar.logChart(entries, 0, 0x140000000L, region -> note(region, gap),
                ctx::paint);
        ctx.diagram("Every region, log-scaled: bar = 1 + log2(size in KiB), each extra █ doubles the size", chart);
        ctx.say("The log scale lets a 1 KiB BIOS data area and 3 GiB of RAM share one screen; read the",
                "size column for exact numbers. 对数刻度：每多一个字符，大小翻一倍。");
    }

    private static String note(Region region, PciGap gap) {
        if (region.kind() == RegionKind.HOLE) {
            if (region.start() == BIOS_BEGIN) {
                return "← legacy VGA/ROM window";
            }
            if (gap.found() && region.start() == gap.start()) {
                return "← PCI hole (device MMIO)";
            }
            return "";
        }
        if (region.start() == 0 && region.kind() == RegionKind.RESERVED) {
            return "← page 0, reserved by Linux";
        }
        if (region.start() == 0x9fc00L) {
            return "← EBDA (BIOS data)";
        }
        if (region.start() == 0xf0000L) {
            return "← BIOS ROM";
        }
        if (region.last() == 0xffffffffL) {
            return "← BIOS flash, reset vector";
        }
        return "";
    }

    private void memblock(LessonContext ctx, BootMemoryResult boot) {
        ctx.step("memblock: the boot-time allocator", "memblock：启动期的内存分配器");
        ctx.say("How is the processed table managed (q07)? e820__memblock_setup() copies every usable",
                "range into memblock.memory, trimmed to whole pages. Before that, early_reserve_memory()",
                "already put in memblock.reserved what must never be handed out: the first 64 KiB, the",
                "BIOS area below 1 MiB, and the kernel image itself (loaded at 16 MiB).",
                "memblock 有两张表：memory（有哪些内存）与 reserved（哪些已被占用）。",
                "With memblock=debug on the command line, the kernel prints both:");
        ctx.kernelLog(between(boot.report(), "MEMBLOCK configuration:", "Zone ranges:"));
        ctx.say("",
                "memory[0x0] starts at 0x1000 (page 0 is reserved now) and ends at 0x9efff: the last,",
                "partial page 0x9f000-0x9fbff is dropped because memblock only deals in whole pages.",
                "reserved[0x2] is the kernel: 0x2600000 bytes of image plus 0x9000 bytes of brk.");

        Memblock memblock = boot.memblock();
        long limit = memblock.currentLimit();
        long reservedBefore = memblock.reservedSize();
        long page = memblock.alloc(E820Table.PAGE_SIZE, E820Table.PAGE_SIZE);
        ctx.say("");
        ctx.say("Now an early allocation, memblock_phys_alloc(4096, 4096). memblock searches the free",
                "ranges (memory minus reserved) from the top, below the current limit:");
        ctx.say(Tone.EMPHASIS, String.format(Locale.ROOT, "current limit 0x%x → got page 0x%x; reserved grew by %s",
                limit, page, SizeFormat.human(memblock.reservedSize() - reservedBefore)));
        ctx.say("The page is now in memblock.reserved, so the buddy allocator, which later takes every",
                "page of memory that is not reserved, will never hand it out twice.");
    }

    private void bootReport(LessonContext ctx, BootMemoryResult boot) {
        ctx.step("Zones and the boot report", "内存区域与启动报告");
        ctx.say("Finally the kernel divides RAM into zones by address: DMA below 16 MiB (old ISA devices),",
                "DMA32 below 4 GiB (32-bit devices), Normal above. The same lines as a real boot:",
                "按地址把内存分成 DMA（16 MiB 以下）、DMA32（4 GiB 以下）和 Normal 三个区域。");
        ctx.kernelLog(between(boot.report(), "Zone ranges:", "[mem "));
        ctx.say("",
                "DMA starts at 0x1000 because page 0 is reserved; that is its \"1 pages in unavailable",
                "ranges\". The 97 pages are 0x9f000-0xfffff, the legacy hole below 1 MiB. The 32 pages",
                "are 0xbffe0000-0xbfffffff, the firmware's range at the top of low RAM: they lie below",
                "4 GiB but are counted under Normal, the zone whose walk fills that hole in the memmap.",
                String.format(Locale.ROOT, "Pages present in the zones: %,d (%s), the \"Total pages\" of a real boot.",
                        boot.zones().presentPages(), SizeFormat.human(boot.zones().presentPages() * E820Table.PAGE_SIZE)));
    }

    /** The report lines from the one starting with {@code from} up to (without) the next starting with {@code to}. */
    private static List<String> between(List<String> report, String from, String to) {
        List<String> lines = new ArrayList<>();
        boolean inside = false;
        for (String line : report) {
            if (inside && line.startsWith(to)) {
                break;
            }
            if (line.startsWith(from)) {
                inside = true;
            }
            if (inside) {
                lines.add(line.replace('\t', ' '));
            }
        }
        return lines;
    }

    private static List<String> reportLines(BootMemoryResult boot, Predicate<String> wanted) {
        List<String> lines = new ArrayList<>();
        for (String line : boot.report()) {
            if (wanted.test(line)) {
                lines.add(line);
            }
        }
        return lines;
    }

    private void summary(LessonContext ctx) {
        ctx.step("What to remember", "要点");
        ctx.say("q01  The firmware knows the layout; the kernel asks INT 0x15/E820, one entry per call,",
                "     chained by the EBX continuation value, until EBX is 0.",
                "q02  In real mode, before the kernel proper runs: setup's detect_memory() or GRUB2,",
                "     handing the table over in boot_params.",
                "q05  e820__update_table() sorts, resolves overlaps (higher type wins), merges, and",
                "     setup_arch() reserves page 0 and drops RAM from 0xa0000-0xfffff.",
                "q06  No: holes at 0xa0000-0xfffff, below 4 GiB for PCI, and wherever firmware says so.",
                "q07  memblock.memory gets the usable ranges; early allocations go to memblock.reserved.",
                "Try it on your own machine: sudo dmesg | grep BIOS-e820 | pagelab e820 -");
    }

    private static String usableSummary(List<E820Entry> entries) {
        long usable = 0;
        for (E820Entry entry : entries) {
            if (entry.type().equals(E820Type.RAM)) {
                usable += entry.size();
            }
        }
        return String.format(Locale.ROOT, "%,d bytes (%s)", usable, SizeFormat.human(usable));
    }
}
