package io.pagelab.lessons.kernelmap;

import io.pagelab.api.error.BadAddressException;
import io.pagelab.hardware.Machine;
import io.pagelab.hardware.firmware.E820Entry;
import io.pagelab.kernel.kaslr.Kaslr;
import io.pagelab.kernel.kaslr.KaslrConfig;
import io.pagelab.kernel.kaslr.KaslrRequest;
import io.pagelab.kernel.kaslr.KaslrResult;
import io.pagelab.kernel.kaslr.LoadAddress;
import io.pagelab.kernel.kaslr.MemAvoid;
import io.pagelab.kernel.kaslr.MemVector;
import io.pagelab.kernel.kaslr.MemoryRandomization;
import io.pagelab.kernel.kaslr.PhysicalSlots;
import io.pagelab.kernel.kaslr.RandomSource;
import io.pagelab.kernel.kaslr.RandomizedBases;
import io.pagelab.kernel.kaslr.RandomizedRegion;
import io.pagelab.kernel.kaslr.SlotArea;
import io.pagelab.kernel.kaslr.SlotTable;
import io.pagelab.kernel.layout.KernelLayout64;
import io.pagelab.kernel.layout.MemoryRegion;
import io.pagelab.lessons.Lesson;
import io.pagelab.lessons.LessonContext;
import io.pagelab.lessons.Tone;
import io.pagelab.lessons.diagram.SizeFormat;
import io.pagelab.lessons.diagram.TextWrap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lesson "kernelmap": where the kernel lives in the x86-64 address space. The two canonical
 * halves, the kernel's memory map as Documentation/arch/x86/x86_64/mm.rst lays it out
 * ({@link KernelLayout64}, Linux 6.x), addresses classified into it, {@code __pa}/{@code __va}
 * for the direct map and the kernel text (arch/x86/mm/physaddr.c), {@code pfn_to_page} through
 * the vmemmap, 4- against 5-level paging; then the kernel's physical load address
 * (arch/x86/boot/compressed: LOAD_PHYSICAL_ADDR, choose_random_location()) and the randomized
 * bases of arch/x86/mm/kaslr.c: kernel_randomize_memory(), all from one seed so two runs agree.
 *
 * <p>Interview questions: q03 (where the kernel is loaded), q04 (how it hides its location),
 * q16 (kernel virtual and physical addresses), q19 (how kernel space is divided), q20 (the
 * 64-bit split), q21 (randomized allocation areas).
 *
 * <p>Differs from Linux on purpose: the boot loader's layout (where the compressed kernel, the
 * initrd and the command line sit) is a plausible one chosen for the lesson, not read from a real
 * boot; one seed drives the whole boot, where Linux draws fresh entropy for each use.
 */
public final class KernelMapLesson implements Lesson {

    private static final long MIB = 1L << 20;
    /** Bytes the decompressed kernel needs: the 0x2600000 of the e820 lesson's memblock line. */
    static final long KERNEL_SIZE = 0x2600000L;
    /** hdr.init_size: what the decompressor needs from its output address. */
    static final long INIT_SIZE = 0x3000000L;
    /** The compressed kernel (ZO) after head_64.S moved it to the end of its buffer. */
    static final long ZO_START = 0x3400000L;
    static final long INITRD = 0xbcc00000L;
    static final long INITRD_SIZE = 0x3000000L;
    static final String CMDLINE = "root=/dev/vda1 console=ttyS0";
    /** max_pfn of the 4 GiB QEMU guest: RAM ends at 0x140000000. */
    static final long MAX_PFN = 0x140000L;
    /** The seed of the lesson's boot, and a second one to compare. */
    static final long SEED = 42;
    static final long OTHER_SEED = 7;

    private static final long DIRECT = 0xffff888012345678L;
    private static final long TEXT = 0xffffffff81234567L;
    private static final long VMALLOC = 0xffffc90000123000L;

    @Override
    public String id() {
        return "kernelmap";
    }

    @Override
    public String titleZh() {
        return "内核住在哪里：x86-64 内存布局";
    }

    @Override
    public String titleEn() {
        return "Where the kernel lives: the x86-64 memory map";
    }

    @Override
    public List<String> questions() {
        return List.of("q03", "q04", "q16", "q19", "q20", "q21");
    }

    @Override
    public void run(LessonContext ctx) {
        ctx.banner(this);
        KernelLayout64 layout = KernelLayout64.level4();
        halves(ctx, layout);
        map(ctx, layout);
        classify(ctx, layout);
        paVa(ctx, layout);
        vmemmap(ctx, layout);
        fiveLevel(ctx, layout, KernelLayout64.level5());
        List<E820Entry> e820 = Machine.qemu4G().firmware().entries();
        loadAddress(ctx, e820);
        List<MemVector> avoid = kaslr(ctx, e820);
        randomizeMemory(ctx, e820, avoid);
        summary(ctx);
    }

    private void halves(LessonContext ctx, KernelLayout64 layout) {
        ctx.step("Two halves of 64 bits", "64 位地址空间的两半");
        ctx.say("A 64-bit register could name 16 EiB, but x86-64 with 4-level paging implements 48",
                "bits of virtual address: 256 TiB. Bits 63..48 must copy bit 47 (\"canonical\"), which",
                "splits the usable addresses into two halves at the two ends of the 64-bit range:",
                "4 级分页只实现 48 位虚拟地址（256 TiB），高 16 位必须复制第 47 位，于是分成上下两半。");
        List<String> rows = new ArrayList<>();
        rows.add("0xffffffffffffffff  ┐");
        rows.add("                    │ kernel half, 128 TiB: the same in every process");
        rows.add(hex16(-1L << 47) + "  ┘");
        rows.add("                      non-canonical: ~16 million TiB no one can use (#GP)");
        rows.add(hex16(layout.taskSizeMax() + 4095) + "  ┐");
        rows.add("                    │ user half, 128 TiB: different in every process");
        rows.add("0x0000000000000000  ┘");
        ctx.diagram("The 48-bit split (not to scale) / 48 位地址的划分", rows);
        ctx.say(String.format(Locale.ROOT, "TASK_SIZE_MAX = 2^47 - 4096 = %s: the last user page starts there.",
                        hex16(layout.taskSizeMax())),
                "(Some texts say \"46 bits, 256 TiB\": 46 bits is the physical limit of 4-level kernels,",
                "MAX_PHYSMEM_BITS, which gives 64 TiB of RAM; the 256 TiB come from 48 virtual bits.)");
    }

    private void map(LessonContext ctx, KernelLayout64 layout) {
        ctx.step("The map, as mm.rst draws it", "地址空间的划分（mm.rst）");
        ctx.say("Documentation/arch/x86/x86_64/mm.rst gives every range of the kernel half a job.",
                "Here are its rows: start, size and description (its Offset and End columns are left",
                "out to fit the screen; † marks the two gaps mm.rst does not list, which pagelab",
                "fills so that every address has a region):",
                "内核文档 mm.rst 给内核空间的每一段都规定了用途：");
        List<String> rows = new ArrayList<>();
        rows.add(String.format(Locale.ROOT, "%-16s  %8s  %s", "start", "size", "what"));
        for (MemoryRegion r : layout.regions()) {
            List<String> text = TextWrap.wrap(r.description() + (r.documented() ? "" : " †"), 56);
            rows.add(String.format(Locale.ROOT, "%016x  %8s  %s", r.start(), r.sizeText(), text.get(0)));
            for (String more : text.subList(1, text.size())) {
                rows.add(" ".repeat(28) + more);
            }
        }
        ctx.diagram("x86-64, 4-level paging, no KASLR / 4 级分页内存布局", rows);
        ctx.say("The big four: the direct map (64 TiB, all of physical memory at a fixed offset),",
                "vmalloc (32 TiB of virtually contiguous areas built from scattered pages), the",
                "vmemmap (the array of struct page, one per 4 KiB frame) and the kernel image at",
                "the top, in the last 2 GiB, where code can use 32-bit signed addresses.",
                "直接映射区、vmalloc 区、vmemmap（struct page 数组）和位于最高 2 GiB 的内核映像。");
    }

    private void classify(LessonContext ctx, KernelLayout64 layout) {
        ctx.step("Which region is this address in?", "这个地址属于哪个区域？");
        ctx.say("An address read in an oops or a /proc file says what it is by where it falls:");
        long[] samples = {0x00007ffd5e8a1c40L, 0x0000800000000000L, DIRECT, VMALLOC, 0xffffea000048d140L,
            0xfffffe0000001000L, TEXT, 0xffffffffc0a01000L, 0xffffffffff600000L};
        List<String> rows = new ArrayList<>();
        for (long va : samples) {
            MemoryRegion r = layout.classify(va);
            List<String> words = TextWrap.wrap(r.description(), 49);
            rows.add(String.format(Locale.ROOT, "%s  %-14s %s", hex16(va), r.kind(),
                    words.get(0) + (words.size() > 1 ? " …" : "")));
        }
        ctx.diagram("classify() / 地址归类", rows);
        ctx.say("The first is a typical stack address of a process; 0xffff888012345678 is the",
                "direct map's view of physical 0x12345678; 0xffffea... is a struct page;",
                "0xffffffff81... is kernel code, 0xffffffffc0... a module, and 0xffffffffff600000",
                "the legacy vsyscall page.");
    }

    private void paVa(LessonContext ctx, KernelLayout64 layout) {
        ctx.step("__pa and __va", "内核虚拟地址与物理地址");
        ctx.say("Two regions map physical memory by a fixed offset, so the kernel converts their",
                "addresses with a subtraction instead of a page walk (q16):",
                "  direct map:   __pa(va) = va - PAGE_OFFSET",
                "  kernel text:  __pa(va) = va - __START_KERNEL_map + phys_base",
                "  and back:     __va(pa) = pa + PAGE_OFFSET   (always into the direct map)",
                "with PAGE_OFFSET = 0xffff888000000000 and __START_KERNEL_map = 0xffffffff80000000.",
                "直接映射区与内核代码区都是\"固定偏移\"映射，换算只需一次减法。");
        List<String> rows = new ArrayList<>();
        rows.add(String.format(Locale.ROOT, "__pa(%s) = %s", hex16(DIRECT), hex(layout.pa(DIRECT))));
        rows.add(String.format(Locale.ROOT, "__va(%s) = %s", hex(0x12345678L), hex16(layout.va(0x12345678L))));
        rows.add(String.format(Locale.ROOT, "__pa(%s) = %s   (phys_base 0)", hex16(TEXT), hex(layout.pa(TEXT))));
        KernelLayout64 moved = layout.withPhysBase(0x4000000L);
        rows.add(String.format(Locale.ROOT, "__pa(%s) = %s   (phys_base 0x4000000)", hex16(TEXT),
                hex(moved.pa(TEXT))));
        ctx.diagram("Conversions / 换算", rows);
        ctx.say("phys_base is how far the kernel sits from where it was linked: 0 when it runs at",
                "16 MiB as built, 0x4000000 if a loader (or KASLR) put it 64 MiB higher.",
                "",
                "So the kernel's first page, physical 0x1000000, has two kernel addresses:",
                String.format(Locale.ROOT, "%s in the text mapping and %s in the direct map.",
                        hex(0xffffffff81000000L), hex(layout.va(0x1000000L))),
                "A vmalloc address has no such formula: its pages are scattered, only a walk finds them.");
        try {
            layout.pa(VMALLOC);
        } catch (BadAddressException e) {
            List<String> refusal = new ArrayList<>();
            for (String part : e.getMessage().split("; ")) {
                refusal.addAll(TextWrap.wrap(part, 84));
            }
            ctx.diagram("__pa(" + hex16(VMALLOC) + ") refused", refusal);
        }
    }

    private void vmemmap(LessonContext ctx, KernelLayout64 layout) {
        ctx.step("struct page through the vmemmap", "通过 vmemmap 找到 struct page");
        long pfn = 0x12345L;
        long page = layout.pfnToPage(pfn);
        ctx.say("Every 4 KiB frame has a 64-byte struct page describing it (its use, its refcount,",
                "its LRU links). They form one virtual array starting at vmemmap_base, so the struct",
                "page of a frame is found by arithmetic: vmemmap + pfn × 64.",
                "每个物理页有一个 64 字节的 struct page，按页帧号排成一个数组，起点是 vmemmap。");
        List<String> rows = new ArrayList<>();
        rows.add(String.format(Locale.ROOT, "pfn_to_page(%s)  = %s + %s × 64 = %s", hex(pfn), hex16(layout.vmemmap()),
                hex(pfn), hex16(page)));
        rows.add(String.format(Locale.ROOT, "page_to_pfn(%s)  = %s", hex16(page), hex(layout.pageToPfn(page))));
        rows.add(String.format(Locale.ROOT, "virt_to_page(%s) = pfn_to_page(__pa >> 12) = %s", hex16(DIRECT),
                hex16(layout.virtToPage(DIRECT))));
        rows.add(String.format(Locale.ROOT, "last frame of our 4 GiB guest: pfn_to_page(%s) = %s", hex(MAX_PFN - 1),
                hex16(layout.pfnToPage(MAX_PFN - 1))));
        ctx.diagram("The memmap / struct page 数组", rows);
        ctx.say("64 bytes per 4096 is 1/64 of RAM: 64 MiB of struct pages for every 4 GiB. (Texts",
                "that say \"about 40 bytes\" describe old or 32-bit kernels.)");
    }

    private void fiveLevel(LessonContext ctx, KernelLayout64 four, KernelLayout64 five) {
        ctx.step("5-level paging: 57 bits", "5 级分页：57 位地址");
        ctx.say("CPUs with LA57 add a fifth level: 9 more bits, 128 PiB of virtual space. The",
                "halves and the big regions move; the kernel image stays in the top 2 GiB:",
                "5 级分页多出 9 位地址；各大区域的起点随之改变，内核映像仍在最高 2 GiB。");
        List<String> rows = new ArrayList<>();
        rows.add("                     4-level               5-level");
        rows.add(row("virtual bits", Integer.toString(four.virtualAddressBits()),
                Integer.toString(five.virtualAddressBits())));
        rows.add(row("TASK_SIZE_MAX", hex16(four.taskSizeMax()), hex16(five.taskSizeMax())));
        rows.add(row("kernel half starts", hex16(-1L << 47), hex16(-1L << 56)));
        rows.add(row("PAGE_OFFSET", hex16(four.pageOffset()), hex16(five.pageOffset())));
        rows.add(row("VMALLOC_START", hex16(four.vmallocStart()), hex16(five.vmallocStart())));
        rows.add(row("vmemmap", hex16(four.vmemmap()), hex16(five.vmemmap())));
        rows.add(row("__START_KERNEL_map", hex16(KernelLayout64.START_KERNEL_MAP),
                hex16(KernelLayout64.START_KERNEL_MAP)));
        rows.add(row("MAX_PHYSMEM_BITS", four.maxPhysmemBits() + " (64 TiB of RAM)",
                five.maxPhysmemBits() + " (4 PiB)"));
        ctx.diagram("4-level and 5-level / 4 级与 5 级分页", rows);
        ctx.say("Even on a 5-level kernel, mmap() hands a process addresses below 2^47 unless it asks",
                "for a higher hint, so programs that keep tags in the top bits of pointers still work.");
    }

    private static String row(String name, String four, String five) {
        return String.format(Locale.ROOT, "%-19s  %-20s  %s", name, four, five);
    }

    private void loadAddress(LessonContext ctx, List<E820Entry> e820) {
        ctx.step("Where is the kernel loaded?", "内核被加载到哪里？");
        KaslrConfig config = KaslrConfig.defaults();
        long out = LoadAddress.decompressionAddress(0x100000L, config.physicalAlign(), true, config);
        ctx.say("Three things decide it (q03). The build fixes CONFIG_PHYSICAL_START = 16 MiB and",
                "CONFIG_PHYSICAL_ALIGN = 2 MiB; the setup header advertises them to the boot loader",
                "(pref_address, kernel_alignment). The loader puts the compressed kernel somewhere,",
                "classically at 1 MiB (code32_start 0x100000). Then the decompressor picks its output:",
                "the load address rounded up to the alignment, but never below LOAD_PHYSICAL_ADDR.",
                "由编译配置（16 MiB 起始、2 MiB 对齐）、引导程序的加载地址和可用内存共同决定。");
        List<String> rows = new ArrayList<>();
        rows.add(String.format(Locale.ROOT, "LOAD_PHYSICAL_ADDR = ALIGN(%s, %s) = %s", hex(config.physicalStart()),
                hex(config.physicalAlign()), hex(config.loadPhysicalAddr())));
        rows.add(String.format(Locale.ROOT, "loaded at 0x100000 -> ALIGN(0x100000, 2 MiB) = 0x200000, below it -> %s",
                hex(out)));
        E820Entry home = LoadAddress.usableEntryHolding(e820, out, KERNEL_SIZE).orElseThrow();
        rows.add(String.format(Locale.ROOT, "[%s, %s) fits in usable RAM [%s, %s)", hex(out), hex(out + KERNEL_SIZE),
                hex(home.addr()), hex(home.end())));
        rows.add(String.format(Locale.ROOT, "_text = __START_KERNEL_map + %s = %s", hex(out), hex(0xffffffff80000000L + out)));
        ctx.diagram("Without KASLR (nokaslr) / 不启用 KASLR", rows);
        ctx.say("So without KASLR every x86-64 kernel runs at physical 16 MiB, virtual",
                "0xffffffff81000000, and /proc/iomem shows \"Kernel code\" starting at 0x01000000.");
    }

    private List<MemVector> kaslr(LessonContext ctx, List<E820Entry> e820) {
        ctx.step("KASLR: hiding the kernel", "KASLR：隐藏内核的位置");
        ctx.say("A kernel at a known address makes exploits easy: the address of every function and",
                "variable is in System.map. With CONFIG_RANDOMIZE_BASE the decompressor moves the",
                "kernel (q04): choose_random_location() picks a random physical slot in usable RAM,",
                "and, independently, a random virtual offset, both in 2 MiB steps.",
                "KASLR 在解压时随机选择内核的物理地址和虚拟地址（2 MiB 对齐），且两者相互独立。",
                "",
                "First it lists what must not be overwritten (mem_avoid): the compressed kernel and",
                "the decompressor's buffer, the initrd, the command line and the zero page:");
        KaslrConfig config = KaslrConfig.defaults();
        List<MemVector> avoid = MemAvoid.init(ZO_START, config.loadPhysicalAddr(), INIT_SIZE, INITRD, INITRD_SIZE,
                0x20000L, CMDLINE, 0x10000L);
        List<String> rows = new ArrayList<>();
        for (MemVector v : avoid) {
            if (v.size() > 0) {
                rows.add(String.format(Locale.ROOT, "%-12s %-26s %s", v.name(),
                        "[" + hex(v.start()) + ", " + hex(v.end()) + ")", SizeFormat.human(v.size())));
            }
        }
        ctx.diagram("mem_avoid[] (a plausible GRUB boot of our 4 GiB guest)", rows);
        SlotTable slots = PhysicalSlots.scan(e820, config.loadPhysicalAddr(), KERNEL_SIZE, avoid, -1L, config);
        List<String> areas = new ArrayList<>();
        for (SlotArea a : slots.areas()) {
            areas.add(String.format(Locale.ROOT, "slots from %-12s %5d  (%s .. %s)", hex(a.addr()), a.num(), hex(a.addr()),
                    hex(a.addr() + (a.num() - 1) * config.physicalAlign())));
        }
        areas.add(String.format(Locale.ROOT, "total physical slots      %5d", slots.total()));
        long virtualSlots = Kaslr.virtualSlots(config.loadPhysicalAddr(), KERNEL_SIZE, config);
        areas.add(String.format(Locale.ROOT, "virtual slots             %5d  = (1024 - 16 - 38) MiB / 2 MiB + 1",
                virtualSlots));
        ctx.diagram("Candidate slots for a 38 MiB kernel / 候选位置", areas);
        ctx.say("Each usable range, cut around the avoided ones, gives (size - kernel) / 2 MiB + 1",
                "slots. The 36 MiB below the compressed kernel is too small for 38 MiB, so the first",
                "slot is above it; the RAM above 4 GiB counts too. The virtual offset can be any",
                "2 MiB step that keeps the image inside the 1 GiB kernel-image window.");

        List<String> boots = new ArrayList<>();
        boots.add("boot                physical     _text                phys_base");
        for (long seed : new long[] {SEED, SEED, OTHER_SEED}) {
            KaslrResult r = boot(e820, avoid, CMDLINE, seed).kaslr();
            boots.add(String.format(Locale.ROOT, "%-18s  %-11s  %s   %s", "seed " + seed, hex(r.physical()),
                    hex16(r.text()), hex(r.physBase())));
        }
        KaslrResult off = boot(e820, avoid, CMDLINE + " nokaslr", SEED).kaslr();
        boots.add(String.format(Locale.ROOT, "%-18s  %-11s  %s   %s", "nokaslr", hex(off.physical()), hex16(off.text()),
                hex(off.physBase())));
        ctx.diagram("Three boots and one without KASLR / 三次启动", boots);
        ctx.say("");
        ctx.say(Tone.EMPHASIS, "The same seed gives the same place; another seed, another place.");
        ctx.say("pagelab takes KASLR's randomness from a seed you choose (the real kernel mixes RDRAND,",
                "the TSC and a timer), so a boot can be repeated. _text = __START_KERNEL_map + the",
                "virtual offset, and phys_base = physical - virtual offset, so that",
                "__pa(_text) = _text - __START_KERNEL_map + phys_base is the physical address again.",
                "With nokaslr the decompressor says:");
        ctx.kernelLog(off.warnings());
        return avoid;
    }

    /** One boot: the kernel's place, then the region bases, all drawn from one seeded stream. */
    private static Boot boot(List<E820Entry> e820, List<MemVector> avoid, String cmdline, long seed) {
        RandomSource random = RandomSource.seeded(seed);
        KaslrResult kaslr = Kaslr.chooseRandomLocation(request(e820, cmdline, avoid), random);
        RandomizedBases bases = MemoryRandomization.randomize(4, MAX_PFN, kaslr.kaslrFlag(), false, random);
        return new Boot(kaslr, bases);
    }

    /** What one seeded boot chose. */
    private record Boot(KaslrResult kaslr, RandomizedBases bases) {
    }

    private static KaslrRequest request(List<E820Entry> e820, String cmdline, List<MemVector> avoid) {
        KaslrConfig config = KaslrConfig.defaults();
        return new KaslrRequest(e820, cmdline, config.loadPhysicalAddr(), KERNEL_SIZE, avoid, config);
    }

    private void randomizeMemory(LessonContext ctx, List<E820Entry> e820, List<MemVector> avoid) {
        ctx.step("Randomizing the big regions too", "大区域的基址也随机化");
        ctx.say("Knowing PAGE_OFFSET tells an attacker where any physical page is in the kernel. So",
                "at boot, kernel_randomize_memory() (CONFIG_RANDOMIZE_MEMORY) also moves the bases",
                "of the direct map, vmalloc and the vmemmap (q21). It keeps their order and shares",
                "the free room between them at random, in 1 GiB steps:",
                "内核还会随机化直接映射区、vmalloc 区和 vmemmap 的基址（保持顺序，1 GiB 对齐）。");
        RandomizedBases bases = boot(e820, avoid, CMDLINE, SEED).bases();
        List<String> sizes = new ArrayList<>();
        sizes.add(String.format(Locale.ROOT, "direct map  %2d TB = RAM up to max_pfn (5 GiB) in whole TB (1) + 10 TB",
                bases.regions().get(0).sizeTb()));
        sizes.add(String.format(Locale.ROOT, "vmalloc     %2d TB = VMALLOC_SIZE_TB", bases.regions().get(1).sizeTb()));
        sizes.add(String.format(Locale.ROOT, "vmemmap     %2d TB = 11 TB / 4 KiB × 64 bytes = 176 GiB, rounded up",
                bases.regions().get(2).sizeTb()));
        sizes.add(String.format(Locale.ROOT, "room to share: 0xfffffe0000000000 - 0xffff888000000000 - 44 TB = %.1f TB",
                bases.entropyBytes() / (double) KernelLayout64.TB));
        ctx.diagram("Region sizes (max_pfn " + hex(MAX_PFN) + ") / 区域大小", sizes);

        RandomizedBases fixed = boot(e820, avoid, CMDLINE + " nokaslr", SEED).bases();
        RandomizedBases other = boot(e820, avoid, CMDLINE, OTHER_SEED).bases();
        List<String> rows = new ArrayList<>();
        rows.add("                  nokaslr               seed " + SEED + "               seed " + OTHER_SEED);
        for (int i = 0; i < 3; i++) {
            rows.add(String.format(Locale.ROOT, "%-16s  %s    %s    %s", fixed.regions().get(i).name(),
                    hex16(fixed.regions().get(i).base()), hex16(bases.regions().get(i).base()),
                    hex16(other.regions().get(i).base())));
        }
        ctx.diagram("The three bases / 三个基址", rows);
        RandomizedRegion direct = bases.regions().get(0);
        KernelLayout64 randomized = bases.layout();
        ctx.say("");
        ctx.say(Tone.EMPHASIS, String.format(Locale.ROOT, "Seed %d: page_offset_base moved up by %s = %d GiB;",
                SEED, hex(direct.entropy()), direct.entropy() >> 30));
        ctx.say(Tone.EMPHASIS, String.format(Locale.ROOT, "__va(0x12345678) is now %s.",
                hex16(randomized.va(0x12345678L))));
        ctx.say("Every base is a multiple of 1 GiB and the order never changes. One seed drives the",
                "whole boot: two draws placed the kernel, then one draw per region, so running the",
                "lesson again gives the same bases. With nokaslr nothing moves.");
    }

    private void summary(LessonContext ctx) {
        ctx.step("What to remember", "要点");
        ctx.say("q03  Physical 16 MiB (CONFIG_PHYSICAL_START, 2 MiB aligned), virtual 0xffffffff81000000,",
                "     unless the loader or KASLR moves it; it must fit in usable RAM.",
                "q04  KASLR: a random 2 MiB slot in usable RAM avoiding initrd, cmdline and the",
                "     compressed kernel; an independent random virtual offset inside 1 GiB.",
                "q16  __pa = va - PAGE_OFFSET (direct map) or va - __START_KERNEL_map + phys_base",
                "     (kernel text); __va = pa + PAGE_OFFSET; struct page = vmemmap + pfn × 64.",
                "q19  Kernel half: direct map, vmalloc, vmemmap, KASAN, cpu_entry_area, EFI, kernel",
                "     text, modules, fixmap, vsyscall (mm.rst).",
                "q20  48 bits: two canonical 128 TiB halves; 57 bits with 5-level paging.",
                "q21  kernel_randomize_memory() moves page_offset_base, vmalloc_base and vmemmap_base",
                "     in 1 GiB steps, in order, inside [0xffff888000000000, 0xfffffe0000000000).");
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    private static String hex16(long v) {
        return String.format(Locale.ROOT, "0x%016x", v);
    }
}
