package io.pagelab.lessons.buddy;

import static io.pagelab.lessons.buddy.FreeBlocks.hex;

import io.pagelab.api.Gfp;
import io.pagelab.hardware.Machine;
import io.pagelab.kernel.boot.BootMemory;
import io.pagelab.kernel.boot.BootMemoryResult;
import io.pagelab.kernel.boot.SparseSections;
import io.pagelab.kernel.buddy.BuddyAllocator;
import io.pagelab.kernel.buddy.MmCoreInit;
import io.pagelab.kernel.buddy.Zone;
import io.pagelab.kernel.layout.KernelLayout64;
import io.pagelab.kernel.page.FrameState;
import io.pagelab.kernel.page.MemMap;
import io.pagelab.kernel.page.MemMapFootprint;
import io.pagelab.kernel.zone.ZoneType;
import io.pagelab.lessons.Lesson;
import io.pagelab.lessons.LessonContext;
import io.pagelab.lessons.Tone;
import io.pagelab.lessons.diagram.SizeFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lesson "vmemmap": how Linux describes every physical page frame. The 4 GiB QEMU guest is booted;
 * its node, zones and SPARSEMEM sections are shown (mm/sparse.c), a pfn is turned into the
 * address of its 64-byte struct page in the vmemmap at 0xffffea0000000000 and back
 * (include/asm-generic/memory_model.h: __pfn_to_page / __page_to_pfn with SPARSEMEM_VMEMMAP,
 * Linux 6.x, arch/x86 4-level layout of Documentation/arch/x86/x86_64/mm.rst), and the cost of
 * the memmap is compared with what pagelab keeps per frame instead.
 *
 * <p>Interview questions: q14 (how the kernel keeps track of physical pages: node, zone, page),
 * q18 (how a pfn and its struct page are converted into each other).
 *
 * <p>Differs from Linux on purpose: pagelab stores the fields of struct page as per-section
 * arrays (struct of arrays), not as 64-byte structs at the vmemmap addresses; the addresses
 * shown are the ones Linux would use.
 */
public final class VmemmapLesson implements Lesson {

    @Override
    public String id() {
        return "vmemmap";
    }

    @Override
    public String titleZh() {
        return "struct page 与 vmemmap";
    }

    @Override
    public String titleEn() {
        return "struct page and the vmemmap";
    }

    @Override
    public List<String> questions() {
        return List.of("q14", "q18");
    }

    @Override
    public void run(LessonContext ctx) {
        ctx.banner(this);
        BootMemoryResult boot = BootMemory.boot(Machine.qemu4G().firmware());
        BuddyAllocator buddy = MmCoreInit.init(boot).allocator();
        KernelLayout64 layout = KernelLayout64.level4();

        hierarchy(ctx, buddy);
        sections(ctx, boot.sections());
        pfnToPage(ctx, layout, buddy);
        cost(ctx, boot, buddy);
        summary(ctx);
    }

    private void hierarchy(LessonContext ctx, BuddyAllocator buddy) {
        ctx.step("Node, zone, page", "节点、区域、页");
        ctx.say("Linux describes physical memory in three levels. A NODE (pg_data_t) is memory close to",
                "one group of CPUs; a PC has one. Each node is cut into ZONES by address (struct zone),",
                "and every 4 KiB frame of a zone has a PAGE descriptor, struct page, 64 bytes.",
                "三层结构：节点 pg_data_t → 区域 struct zone → 每个物理页一个 struct page（64 字节）。",
                "Our 4 GiB QEMU guest:");
        List<String> rows = new ArrayList<>();
        rows.add("node 0");
        for (Zone z : buddy.zones()) {
            if (!z.populated()) {
                continue;
            }
            rows.add(String.format(Locale.ROOT, " └ zone %-7s pfn %-9s-%-9s  spanned %,9d  present %,9d",
                    z.name(), hex(z.startPfn()), hex(z.endPfn() - 1), z.spannedPages(), z.presentPages()));
        }
        rows.add("     └ one struct page per pfn, present or not, inside each present section");
        ctx.diagram("pg_data_t → struct zone → struct page", rows);
        Zone dma32 = buddy.zone(0, ZoneType.DMA32);
        ctx.say("spanned counts every pfn from the zone's first to its last; present only the RAM.",
                String.format(Locale.ROOT, "DMA32 runs to 4 GiB and so spans the PCI hole: %,d - %,d = %,d pfns of it",
                        dma32.spannedPages(), dma32.presentPages(), dma32.spannedPages() - dma32.presentPages()),
                "are not RAM. Nothing is wasted on them, thanks to the sections of the next step.");
    }

    private void sections(LessonContext ctx, SparseSections sections) {
        ctx.step("SPARSEMEM: 128 MiB sections", "以 128 MiB 为一节");
        ctx.say(String.format(Locale.ROOT, "Physical memory has holes, so Linux cuts the address space into sections of 2^%d",
                        SparseSections.SECTION_SIZE_BITS),
                String.format(Locale.ROOT, "bytes (128 MiB, %,d pages) and gives a memmap only to sections that hold RAM.",
                        SparseSections.PAGES_PER_SECTION),
                "section number = pfn >> 15. One character per section, 0 to 5 GiB (█ present):",
                "按 128 MiB 分节，只有含内存的节才有 struct page 数组。");
        StringBuilder bar = new StringBuilder();
        for (long s = 0; s < 40; s++) {
            bar.append(sections.present(s) ? '█' : '·');
        }
        long[] numbers = sections.sectionNumbers();
        ctx.diagram(String.format(Locale.ROOT, "%d present sections of %d shown", sections.count(), 40), List.of(
                "section 0       8       16      24      32      40",
                "        " + bar,
                "        0 GiB   1 GiB   2 GiB   3 GiB   4 GiB   5 GiB",
                "present: " + ranges(numbers)));
        ctx.say("Sections 24-31 are the PCI hole (3-4 GiB): no RAM, so no struct page is spent there.");
    }

    private static String ranges(long[] numbers) {
        List<String> parts = new ArrayList<>();
        int i = 0;
        while (i < numbers.length) {
            int j = i;
            while (j + 1 < numbers.length && numbers[j + 1] == numbers[j] + 1) {
                j++;
            }
            parts.add(numbers[i] == numbers[j] ? Long.toString(numbers[i]) : numbers[i] + "-" + numbers[j]);
            i = j + 1;
        }
        return String.join(", ", parts);
    }

    private void pfnToPage(LessonContext ctx, KernelLayout64 layout, BuddyAllocator buddy) {
        ctx.step("pfn_to_page() through the vmemmap", "通过 vmemmap 换算");
        ctx.say("With SPARSEMEM_VMEMMAP (the x86-64 default) all struct pages sit in one virtual array",
                String.format(Locale.ROOT, "starting at vmemmap = %s, one 64-byte entry per pfn. The entries", hex(layout.vmemmap())),
                "of absent sections are simply not mapped. So the conversions are one multiply:",
                "  pfn_to_page(pfn) = vmemmap + pfn * 64      page_to_pfn(page) = (page - vmemmap) / 64",
                "所有 struct page 组成一个虚拟数组，下标就是页帧号。");
        long pfn = buddy.allocPages(0, Gfp.GFP_KERNEL);
        long page = layout.pfnToPage(pfn);
        long pa = pfn << KernelLayout64.PAGE_SHIFT;
        long va = layout.va(pa);
        List<String> rows = new ArrayList<>();
        rows.add(String.format(Locale.ROOT, "alloc_pages(GFP_KERNEL, 0)  → pfn %s", hex(pfn)));
        rows.add(String.format(Locale.ROOT, "physical address            = pfn << 12         = %s", hex(pa)));
        rows.add(String.format(Locale.ROOT, "page_address() (direct map) = %s + pa = %s", hex(layout.pageOffset()), hex(va)));
        rows.add(String.format(Locale.ROOT, "pfn_to_page(%s)       = %s + %s * 64", hex(pfn), hex(layout.vmemmap()),
                hex(pfn)));
        rows.add(String.format(Locale.ROOT, "                            = %s", hex(page)));
        rows.add(String.format(Locale.ROOT, "page_to_pfn(%s) = %s", hex(page), hex(layout.pageToPfn(page))));
        rows.add(String.format(Locale.ROOT, "virt_to_page(%s) = %s", hex(va), hex(layout.virtToPage(va))));
        ctx.diagram("One page, four names / 一页的四个名字", rows);
        MemMap memMap = buddy.memMap();
        ctx.say("What the struct page of that frame records (pagelab's copy of the fields):");
        ctx.diagram("struct page of pfn " + hex(pfn), List.of(
                "state     " + FrameState.describe(memMap.state(pfn)),
                "_refcount " + memMap.refcount(pfn),
                "flags     " + hex(memMap.flags(pfn)),
                "node " + memMap.nid(pfn) + ", zone " + buddy.zoneOf(pfn).name() + " (from the pfn)",
                "pageblock " + io.pagelab.kernel.zone.MigrateType.nameOf(memMap.pageblockMigratetype(pfn))));
        ctx.say("Linux keeps the node and zone numbers in the top bits of page->flags, so page_zone()",
                "needs no search; pagelab finds them from the pfn instead.");
    }

    private void cost(LessonContext ctx, BootMemoryResult boot, BuddyAllocator buddy) {
        ctx.step("What the memmap costs", "memmap 的开销");
        MemMapFootprint f = buddy.footprint();
        long frames = f.frames();
        long linux = frames * KernelLayout64.STRUCT_PAGE_SIZE;
        ctx.say(String.format(Locale.ROOT, "%d present sections × %,d frames = %,d struct pages. At 64 bytes each, Linux",
                        boot.sections().count(), SparseSections.PAGES_PER_SECTION, frames),
                String.format(Locale.ROOT, "spends %s on the memmap: 64 / 4096 = 1.5625%% of RAM, always.", SizeFormat.human(linux)),
                "pagelab keeps only the fields it models, as one array per field and section:",
                "Linux 每页 64 字节（内存的 1.56%）；pagelab 只保存模拟用到的字段。");
        List<String> rows = new ArrayList<>();
        rows.add("field                                           bytes  per frame");
        rows.add(row("buddy: state, free-list links, pageblock", f.buddyBytes(), frames));
        rows.add(row("_refcount", f.refcountBytes(), frames));
        rows.add(row("flags", f.flagsBytes(), frames));
        rows.add(row("_mapcount (created on first use)", f.mapcountBytes(), frames));
        rows.add(row("pagelab total", f.totalBytes(), frames));
        rows.add(row("Linux struct page", linux, frames));
        ctx.diagram("Memmap of the 4 GiB guest / 4 GiB 机器的 memmap", rows);
        ctx.say("");
        ctx.say(Tone.EMPHASIS, String.format(Locale.ROOT, "%.2f bytes per frame instead of 64: %.1f times smaller.",
                f.totalBytesPerFrame(), 64 / f.totalBytesPerFrame()));
        ctx.say("The free-list links need one slot per PAIR of frames: two buddies can never both head",
                "a free block (they would have merged), which halves the biggest array.");
    }

    private static String row(String what, long bytes, long frames) {
        return String.format(Locale.ROOT, "%-40s %,12d  %8.2f", what, bytes, (double) bytes / frames);
    }

    private void summary(LessonContext ctx) {
        ctx.step("What to remember", "要点");
        ctx.say("q14  Physical memory is node (pg_data_t) → zone (struct zone, by address range) →",
                "     one 64-byte struct page per frame; SPARSEMEM gives a memmap only to 128 MiB",
                "     sections that hold RAM.",
                "q18  pfn_to_page(pfn) = vmemmap + pfn * sizeof(struct page), with vmemmap at",
                "     0xffffea0000000000 on x86-64 4-level; page_to_pfn is the inverse, and",
                "     virt_to_page(va) = pfn_to_page(__pa(va) >> 12).",
                "With KASLR (CONFIG_RANDOMIZE_MEMORY) the base is moved at boot; 0xffffea0000000000",
                "is the default that mm.rst documents.");
    }
}
