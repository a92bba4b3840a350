package io.pagelab.lessons.paging;

import static io.pagelab.lessons.paging.EntryBits.hex;

import io.pagelab.api.Prot;
import io.pagelab.hardware.Machine;
import io.pagelab.hardware.mmu.Access;
import io.pagelab.hardware.mmu.BumpPageTableAllocator;
import io.pagelab.hardware.mmu.CpuState;
import io.pagelab.hardware.mmu.Cr3;
import io.pagelab.hardware.mmu.Mmu;
import io.pagelab.hardware.mmu.X86PageTable;
import io.pagelab.hardware.ram.SimulatedRam;
import io.pagelab.hardware.tlb.Tlb;
import io.pagelab.hardware.tlb.TlbConfig;
import io.pagelab.hardware.tlb.TlbEntry;
import io.pagelab.hardware.tlb.TlbStats;
import io.pagelab.lessons.Lesson;
import io.pagelab.lessons.LessonContext;
import io.pagelab.lessons.Tone;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lesson "tlb": the translation lookaside buffer of one simulated CPU ({@link Mmu} with the
 * Skylake-shaped {@link TlbConfig#skylake()}) while two processes take turns on it. An access
 * pattern shows hits and misses; a CR3 switch without PCIDs drops every non-global entry (Intel
 * SDM vol. 3A §4.10.4), so each process starts cold again; with PCIDs and the no-flush bit, as
 * arch/x86/mm/tlb.c: switch_mm_irqs_off() and build_cr3_noflush() use them (Linux 6.x), the
 * entries survive; global kernel pages survive either way; and INVLPG drops one stale
 * translation after a PTE changed (flush_tlb_one_user()).
 *
 * <p>Interview question: q11 (what page mapping is for: the same virtual address leads to
 * different frames in two address spaces, the kernel's frames are shared by both).
 *
 * <p>Differs from Linux on purpose: the two processes get PCIDs 1 and 2 directly (Linux hands out
 * up to six ASIDs per CPU and uses PCID = ASID + 1, with a second PCID per ASID under PTI), and
 * the kernel pages stay global (with PTI Linux clears G on most kernel mappings).
 */
public final class TlbLesson implements Lesson {

    /** Where the processes' 16 pages start: the classic non-PIE load address. */
    static final long USER_BASE = 0x400000L;
    /** Pages the access pattern touches. */
    static final int USER_PAGES = 16;
    /** Reads per page: one per 64-byte cache line. */
    static final int READS_PER_PAGE = 64;
    /** Kernel text, where a syscall runs: __START_KERNEL_map + 16 MiB, physical 16 MiB. */
    static final long KERNEL_TEXT = 0xffffffff81000000L;
    static final int KERNEL_PAGES = 4;
    static final int FETCHES_PER_PAGE = 16;
    static final long A_FRAMES = 0x20000;
    static final long B_FRAMES = 0x30000;
    static final long KERNEL_FRAMES = 0x1000;
    /** The page the kernel moves in the INVLPG step, and its new frame. */
    static final long MOVED = USER_BASE + 3 * 4096L;
    static final long MOVED_TO = 0x2f000;

    private static final int PCID_A = 1;
    private static final int PCID_B = 2;

    @Override
    public String id() {
        return "tlb";
    }

    @Override
    public String titleZh() {
        return "TLB 与 PCID";
    }

    @Override
    public String titleEn() {
        return "The TLB, and why a CR3 switch hurts (PCID)";
    }

    @Override
    public List<String> questions() {
        return List.of("q11");
    }

    /** Counters of one phase. */
    private record Phase(String name, long accesses, long l1Hits, long l2Hits, long misses, long walks) {
    }

    @Override
    public void run(LessonContext ctx) {
        ctx.banner(this);
        SimulatedRam ram = Machine.qemu4G().ram();
        BumpPageTableAllocator pool = new BumpPageTableAllocator(ram, 0x8000000L, 0x8100000L);
        X86PageTable a = process(ram, pool, A_FRAMES);
        X86PageTable b = process(ram, pool, B_FRAMES);
        // PCIDs off first, as on a CPU without them (CR4.PCIDE = 0)
        CpuState cpu = CpuState.linux().withCr4(CpuState.CR4_PCIDE, false);
        Mmu mmu = new Mmu(ram, TlbConfig.skylake(), cpu);

        shape(ctx, mmu.tlb());
        coldStart(ctx, mmu, a);
        List<Phase> noPcid = switchesWithoutPcid(ctx, mmu, a, b);
        // Linux turns PCIDs on at boot: a second CPU, set up that way, runs the same processes
        Mmu withPcids = new Mmu(ram, TlbConfig.skylake(), CpuState.linux());
        List<Phase> withPcid = switchesWithPcid(ctx, withPcids, a, b);
        compare(ctx, noPcid, withPcid);
        isolation(ctx, a, b);
        invlpg(ctx, withPcids, a);
        summary(ctx);
    }

    /** A process: 16 user pages at 0x400000 on its own frames, and the kernel text shared by all. */
    private static X86PageTable process(SimulatedRam ram, BumpPageTableAllocator pool, long firstFrame) {
        X86PageTable table = X86PageTable.create(ram, pool);
        for (int i = 0; i < USER_PAGES; i++) {
            table.map(USER_BASE + i * 4096L, firstFrame + i, 4096, Prot.USER_RW);
        }
        for (int i = 0; i < KERNEL_PAGES; i++) {
            table.map(KERNEL_TEXT + i * 4096L, KERNEL_FRAMES + i, 4096, Prot.KERNEL_RX);
        }
        return table;
    }

    private void shape(LessonContext ctx, Tlb tlb) {
        ctx.step("What a TLB is", "TLB 是什么");
        ctx.say("The pagewalk lesson needed four memory reads to translate one address. Doing that",
                "for every load and store would make memory four or five times slower, so the CPU",
                "keeps recent translations in a small cache, the TLB (translation lookaside buffer):",
                "virtual page -> physical page plus the rights. A hit costs nothing extra; only a",
                "miss walks the tables.",
                "TLB 缓存\"虚拟页 -> 物理页\"的翻译结果；命中时无需查页表，未命中才走四级页表。");
        List<String> rows = new ArrayList<>();
        rows.add("level  holds        entries  ways  sets   set index");
        for (TlbConfig.Level level : tlb.config().levels()) {
            for (TlbConfig.Array array : level.arrays()) {
                rows.add(String.format(Locale.ROOT, "%-5s  %-11s  %7d  %4d  %4d   (va >> %d) mod %d", level.name(),
                        sizes(array.pageSizes()), array.entries(), array.ways(), array.sets(),
                        Long.numberOfTrailingZeros(array.pageSizes().get(0)), array.sets()));
            }
        }
        ctx.diagram("Our CPU's data TLBs (shaped like Intel Skylake's)", rows);
        ctx.say("A lookup checks the small, fast dTLB first, then the larger second-level STLB.",
                "Each array is set-associative: the low bits of the virtual page number choose one",
                "set, and only that set's ways are searched. Every entry is tagged with a PCID",
                "(more in step 4) and may be marked global.");
    }

    private void coldStart(LessonContext ctx, Mmu mmu, X86PageTable a) {
        ctx.step("A process runs: hits and misses", "进程运行：命中与未命中");
        ctx.say(String.format(Locale.ROOT, "Process A reads its %d pages at %s, one read per 64-byte line (%d reads a",
                        USER_PAGES, hex(USER_BASE), READS_PER_PAGE),
                String.format(Locale.ROOT, "page), then makes a system call: the kernel runs %d fetches in each of %d pages",
                        FETCHES_PER_PAGE, KERNEL_PAGES),
                "of its text at " + hex(KERNEL_TEXT) + ". CR3 is loaded with A's root first.");
        mmu.loadCr3(a.cr3(0));
        Phase phase = run(mmu, "A runs, TLB empty");
        ctx.diagram("Process A, cold start / 冷启动", table(List.of(phase)));
        ctx.say("");
        ctx.say(Tone.EMPHASIS, String.format(Locale.ROOT, "%d misses: the first touch of each of the %d pages.",
                phase.misses(), USER_PAGES + KERNEL_PAGES));
        ctx.say(Tone.EMPHASIS, String.format(Locale.ROOT, "Every other access hit: %s.", percent(phase)));
        ctx.say(String.format(Locale.ROOT, "Without a TLB the %d accesses would have cost %d table reads;"
                        + " with it, %d.", phase.accesses(), 4 * phase.accesses(), 4 * phase.walks()),
                "Programs touch the same pages again and again (locality), which is why a few dozen",
                "entries go a long way. 程序访问具有局部性，少量 TLB 项就能覆盖大部分访问。");
        ctx.diagram("dTLB 4K array, sets 0-3 of 16, after A ran", sets(mmu.tlb()));
        ctx.say("Kernel text pages carry G (global). The set of a page is (va >> 12) mod 16, so",
                hex(USER_BASE) + " and " + hex(KERNEL_TEXT) + " share set 0.");
    }

    private List<Phase> switchesWithoutPcid(LessonContext ctx, Mmu mmu, X86PageTable a, X86PageTable b) {
        ctx.step("Switching processes without PCIDs", "没有 PCID 时切换进程");
        ctx.say("The scheduler now switches to process B. Switching address spaces means loading",
                "CR3 with B's root. The TLB entries hold A's translations, which are wrong for B",
                "(B's 0x400000 is another frame), and without PCIDs the TLB cannot tell whose they",
                "are, so loading CR3 drops every entry... except the global ones.",
                "没有 PCID 时，写 CR3 会清空所有非全局 TLB 项；标记为 G 的内核页保留。");
        List<Phase> phases = new ArrayList<>();
        int before = mmu.tlb().size();
        mmu.loadCr3(b.cr3(0));
        int after = mmu.tlb().size();
        phases.add(run(mmu, "B runs after CR3 load"));
        mmu.loadCr3(a.cr3(0));
        phases.add(run(mmu, "A runs after CR3 load"));
        mmu.loadCr3(b.cr3(0));
        phases.add(run(mmu, "B runs after CR3 load"));
        ctx.say("", String.format(Locale.ROOT, "Entries in the TLB (both levels) before the CR3 load: %d; after: %d,"
                + " all global.", before, after));
        ctx.diagram("Three switches, no PCIDs / 无 PCID 的三次切换", table(phases));
        ctx.say("");
        ctx.say(Tone.EMPHASIS, String.format(Locale.ROOT,
                "After every switch: %d misses for the user pages, 0 for the kernel's global pages.",
                phases.get(0).misses()));
        ctx.say("Each process refills its working set after every switch, whether or not the other",
                "process touched those pages. With real working sets of hundreds of pages, and a",
                "page walk that misses the caches, this is a large part of a context switch's cost.");
        return phases;
    }

    private List<Phase> switchesWithPcid(LessonContext ctx, Mmu mmu, X86PageTable a, X86PageTable b) {
        ctx.step("PCIDs: tagged entries survive", "PCID：带标签的 TLB 项得以保留");
        ctx.say("With CR4.PCIDE = 1, the low 12 bits of CR3 are a process-context identifier, and",
                "every TLB entry remembers the PCID it was filled under. A lookup only matches",
                "entries of the current PCID (or global ones), so entries of several address",
                "spaces can live side by side. Writing CR3 with bit 63 set (\"no flush\") keeps them.",
                "Linux gives each recently used mm on a CPU its own ASID (PCID = ASID + 1, six per",
                "CPU) and switches with the no-flush bit when that ASID's entries are still current.",
                "PCID 给每个 TLB 项打上地址空间标签；切换时带上 NOFLUSH 位，旧的项不必清除。",
                "",
                "Linux sets CR4.PCIDE at boot, so we take a second CPU with PCIDs on (and an empty",
                "TLB), and give A PCID 1 and B PCID 2.");
        List<Phase> phases = new ArrayList<>();
        mmu.loadCr3(a.cr3(PCID_A));
        phases.add(run(mmu, "A, PCID 1, first time"));
        mmu.loadCr3(b.cr3(PCID_B));
        phases.add(run(mmu, "B, PCID 2, first time"));
        mmu.loadCr3(Cr3.noFlush(a.cr3(PCID_A)));
        phases.add(run(mmu, "A, PCID 1, no flush"));
        mmu.loadCr3(Cr3.noFlush(b.cr3(PCID_B)));
        phases.add(run(mmu, "B, PCID 2, no flush"));
        ctx.diagram("Four switches with PCIDs / 有 PCID 的四次切换", table(phases));
        ctx.say("The first visit of each process fills its entries (A's run also fills the kernel's",
                "global ones, which B then finds). From then on, switching back costs no miss:");
        ctx.diagram("dTLB 4K array, sets 0-3 of 16, with PCIDs", sets(mmu.tlb()));
        ctx.say("Set 0 holds A's 0x400000, B's 0x400000 and the global kernel page at once.");
        return phases;
    }

    private void compare(LessonContext ctx, List<Phase> noPcid, List<Phase> withPcid) {
        ctx.step("Global pages and the cost, side by side", "全局页与代价对比");
        long walksNo = noPcid.get(1).walks() + noPcid.get(2).walks();
        long walksYes = withPcid.get(2).walks() + withPcid.get(3).walks();
        ctx.say("The kernel half of every address space is the same, so its entries are marked G",
                "(global): they match every PCID and survive CR3 loads. Without G, every system",
                "call after a switch would miss on the kernel's own code too. The evidence is in",
                String.format(Locale.ROOT, "step 3: %d misses after each CR3 load, not %d; the %d kernel pages hit.",
                        noPcid.get(0).misses(), USER_PAGES + KERNEL_PAGES, KERNEL_PAGES),
                "内核空间在所有进程中相同，G 位让这些 TLB 项在切换 CR3 后依然有效。");
        List<String> rows = new ArrayList<>();
        rows.add("two switches back and forth     misses  page walks  table reads");
        rows.add(String.format(Locale.ROOT, "without PCIDs (CR3 load)        %6d  %10d  %11d", noPcid.get(1).misses()
                + noPcid.get(2).misses(), walksNo, 4 * walksNo));
        rows.add(String.format(Locale.ROOT, "with PCIDs and no-flush         %6d  %10d  %11d", withPcid.get(2).misses()
                + withPcid.get(3).misses(), walksYes, 4 * walksYes));
        ctx.diagram("The price of a switch / 切换的代价", rows);
        ctx.say("Since the Meltdown fix (page-table isolation, PTI) the kernel's mappings are removed",
                "from user mode and most lose G, and every system call switches CR3 twice: PCIDs are",
                "what keeps that affordable.");
    }

    private void isolation(LessonContext ctx, X86PageTable a, X86PageTable b) {
        ctx.step("Same address, different memory", "同一个地址，不同的内存");
        ctx.say("Why tag entries at all? Because the same virtual address means different memory in",
                "different processes (q11). That is the point of page mapping: each process gets its",
                "own view, and cannot even name another process's frames; the kernel's frames are",
                "shared by mapping them into every address space.",
                "页映射的意义：各进程地址空间相互隔离，内核页则映射到所有进程中共享。");
        List<String> rows = new ArrayList<>();
        rows.add("virtual address        process A        process B");
        for (long va : new long[] {USER_BASE, USER_BASE + 0x1234, KERNEL_TEXT}) {
            rows.add(String.format(Locale.ROOT, "%-21s  %-15s  %s", hex(va), hex(a.translate(va)), hex(b.translate(va))));
        }
        ctx.diagram("One address, two address spaces", rows);
    }

    private void invlpg(LessonContext ctx, Mmu mmu, X86PageTable a) {
        ctx.step("Changing one PTE: INVLPG", "修改一个 PTE 之后：INVLPG");
        mmu.loadCr3(Cr3.noFlush(a.cr3(PCID_A)));
        long oldPa = a.translate(MOVED);
        a.unmap(MOVED);
        a.map(MOVED, MOVED_TO, 4096, Prot.USER_RW);
        ctx.say("The TLB is not kept coherent with memory by hardware. Suppose the kernel moves",
                String.format(Locale.ROOT, "A's page %s from frame %s to %s (page migration does that)",
                        hex(MOVED), hex(oldPa), hex(MOVED_TO << 12)),
                "and rewrites the PTE in RAM. The page tables now name the new frame, but the TLB",
                "still holds the old translation:");
        long stale = mmu.translate(MOVED, Access.READ);
        mmu.tlb().resetCounters();
        mmu.invlpg(MOVED);
        long fresh = mmu.translate(MOVED, Access.READ);
        long neighbour = mmu.translate(MOVED + 4096, Access.READ);
        TlbStats stats = mmu.tlb().stats();
        List<String> rows = new ArrayList<>();
        rows.add(String.format(Locale.ROOT, "read %s before INVLPG   -> %s  (stale: the old frame!)", hex(MOVED),
                hex(stale)));
        rows.add(String.format(Locale.ROOT, "invlpg %s", hex(MOVED)));
        rows.add(String.format(Locale.ROOT, "read %s after INVLPG    -> %s  (a miss, a walk, the new frame)", hex(MOVED),
                hex(fresh)));
        rows.add(String.format(Locale.ROOT, "read %s                 -> %s  (untouched entry, a hit)", hex(MOVED + 4096),
                hex(neighbour)));
        ctx.diagram("One page flushed / 只刷新一页", rows);
        ctx.say("");
        ctx.say(Tone.EMPHASIS, String.format(Locale.ROOT, "After INVLPG: %d miss, %d hit. Only that page was forgotten.",
                stats.misses(), stats.lookups() - stats.misses()));
        ctx.say("Linux does this in flush_tlb_one_user() after changing a PTE. For a range of more",
                "than 33 pages (tlb_single_page_flush_ceiling) it flushes the whole PCID instead,",
                "and when other CPUs may cache the old entry it sends them an IPI to do the same",
                "(a \"TLB shootdown\").",
                "修改 PTE 后必须用 INVLPG 让旧翻译失效，否则 CPU 会继续访问旧的物理页。");
    }

    private void summary(LessonContext ctx) {
        ctx.step("What to remember", "要点");
        ctx.say("- The TLB caches translations; a miss costs a page walk (4 reads with 4-level",
                "  paging). Locality makes hit rates of 98% and more normal.",
                "- Without PCIDs, a CR3 load drops every non-global entry: each switch restarts cold.",
                "- PCIDs tag entries by address space; CR3 with the no-flush bit keeps them, so a",
                "  process returning to a CPU finds its translations still there.",
                "- Global (G) kernel pages survive CR3 loads: the kernel half is the same everywhere.",
                "- Changing a PTE is not enough: INVLPG (or a wider flush) must drop the old entry.",
                "q11  Page mapping isolates processes (the same address, different frames) and shares",
                "     what should be shared (the kernel's frames are mapped in every process).");
    }

    /** The access pattern: 16 user pages read line by line, then kernel text fetched in kernel mode. */
    private static Phase run(Mmu mmu, String name) {
        Tlb tlb = mmu.tlb();
        tlb.resetCounters();
        long walksBefore = mmu.walks();
        CpuState user = mmu.cpu().user();
        mmu.setCpu(user);
        for (int page = 0; page < USER_PAGES; page++) {
            for (int line = 0; line < READS_PER_PAGE; line++) {
                mmu.translate(USER_BASE + page * 4096L + line * 64L, Access.READ);
            }
        }
        mmu.setCpu(user.kernel());
        for (int page = 0; page < KERNEL_PAGES; page++) {
            for (int i = 0; i < FETCHES_PER_PAGE; i++) {
                mmu.translate(KERNEL_TEXT + page * 4096L + i * 16L, Access.EXECUTE);
            }
        }
        mmu.setCpu(user);
        TlbStats stats = tlb.stats();
        return new Phase(name, stats.lookups(), stats.hits().get(0), stats.hits().get(1), stats.misses(),
                mmu.walks() - walksBefore);
    }

    private static List<String> table(List<Phase> phases) {
        List<String> rows = new ArrayList<>();
        rows.add("phase                       accesses  dTLB hits  STLB hits  misses  walks");
        for (Phase p : phases) {
            rows.add(String.format(Locale.ROOT, "%-26s  %8d  %9d  %9d  %6d  %5d", p.name(), p.accesses(), p.l1Hits(),
                    p.l2Hits(), p.misses(), p.walks()));
        }
        return rows;
    }

    /** The first four sets of the dTLB's 4 KiB array, way by way, from the TLB's own entry list. */
    private static List<String> sets(Tlb tlb) {
        TlbConfig.Array array = tlb.config().levels().get(0).arrays().get(0);
        int sets = array.sets();
        List<List<String>> bySet = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            bySet.add(new ArrayList<>());
        }
        String l1 = tlb.config().levels().get(0).name();
        for (TlbEntry e : tlb.entries()) {
            if (!e.level().equals(l1) || e.pageSize() != 4096) {
                continue;
            }
            int set = (int) ((e.va() >>> 12) % sets);
            if (set < 4) {
                bySet.get(set).add(e.global() ? hex(e.va()) + " G" : hex(e.va()) + " pcid " + e.pcid());
            }
        }
        List<String> rows = new ArrayList<>();
        for (int set = 0; set < 4; set++) {
            List<String> ways = new ArrayList<>(bySet.get(set));
            while (ways.size() < array.ways()) {
                ways.add("-");
            }
            rows.add("set " + set + ": " + String.join(" | ", ways));
        }
        return rows;
    }

    private static String sizes(List<Long> pageSizes) {
        List<String> names = new ArrayList<>();
        for (long s : pageSizes) {
            names.add(s == 4096 ? "4K" : s == 2L << 20 ? "2M" : s == 1L << 30 ? "1G" : "4M");
        }
        return String.join("+", names) + " pages";
    }

    private static String percent(Phase p) {
        return String.format(Locale.ROOT, "hit rate %.1f%%", 100.0 * (p.accesses() - p.misses()) / p.accesses());
    }
}
