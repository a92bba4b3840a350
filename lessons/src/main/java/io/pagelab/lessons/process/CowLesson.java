package io.pagelab.lessons.process;

import static io.pagelab.lessons.process.ProcessMachine.ANON;
import static io.pagelab.lessons.process.ProcessMachine.hex;
import static io.pagelab.lessons.process.ProcessMachine.pte;

import io.pagelab.api.Prot;
import io.pagelab.hardware.mmu.X86PageTableEntry;
import io.pagelab.kernel.mm.Kernel;
import io.pagelab.kernel.mm.ProgramImage;
import io.pagelab.kernel.mm.Task;
import io.pagelab.lessons.Lesson;
import io.pagelab.lessons.LessonContext;
import io.pagelab.lessons.Tone;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lesson "cow": fork() copies page tables, not pages. Every private writable page ends up
 * write-protected in parent and child with its mapcount and reference count raised
 * (kernel/fork.c: dup_mmap, mm/memory.c: copy_present_pte); the first write copies
 * (do_wp_page: wp_page_copy) unless the writer is the only one left (wp_can_reuse_anon_folio:
 * reference count 1, Linux 5.19+); exit gives everything back. The reverse map (mm/rmap.c:
 * rmap_walk_anon) lists who maps each page.
 *
 * <p>Interview question: q11 (what page mapping is for: isolation and sharing).
 *
 * <p>Differs from Linux on purpose: the free-page counts are the simulated buddy allocator's, and
 * the child's page-table pages are only those its present pages need (Linux also allocates them
 * at fork for the ranges it copies).
 */
public final class CowLesson implements Lesson {

    private static final int PAGES = 4;

    @Override
    public String id() {
        return "cow";
    }

    @Override
    public String titleZh() {
        return "fork 与写时复制";
    }

    @Override
    public String titleEn() {
        return "fork and copy-on-write";
    }

    @Override
    public List<String> questions() {
        return List.of("q11");
    }

    @Override
    public void run(LessonContext ctx) {
        ctx.banner(this);
        Kernel k = ProcessMachine.bootWithoutAslr();
        Task parent = k.exec(ProgramImage.hello());
        long a = parent.mm().mmap(0, PAGES * 4096L, Prot.USER_RW, ANON);
        for (int i = 0; i < PAGES; i++) {
            parent.mm().writeLong(a + i * 4096L, 1000 + i);
        }
        ctx.step("Before fork: four private pages", "fork 之前：四个私有页");
        ctx.say("The parent (pid " + parent.pid() + ") mmap'd 16 KiB at " + hex(a) + " and wrote one number",
                "into each page, so it owns four anonymous pages, writable, mapped once:");
        ctx.diagram("the parent's four pages / 父进程的四个页", table(k, List.of(parent), a));
        long free0 = k.buddy().freePageCount();
        ctx.say("", "Free pages in the buddy allocator: " + free0 + ".");

        Task child = k.fork(parent);
        long free1 = k.buddy().freePageCount();
        ctx.step("fork(): shared, write-protected", "fork：共享且写保护");
        ctx.say("fork() copies the VMAs and the page-table entries, not the pages (copy_page_range).",
                "For a private writable mapping it clears R/W in BOTH page tables and counts one",
                "more mapping of the page: mapcount and refcount go from 1 to 2.");
        ctx.diagram("parent " + parent.pid() + " and child " + child.pid() + " / 父子进程",
                table(k, List.of(parent, child), a));
        ctx.say("", "The reverse map (rmap) of a page lists every (process, address) that maps it:",
                "  rmap(pfn " + hex(pfn(parent, a)) + ") = " + rmap(k, pfn(parent, a)),
                String.format(Locale.ROOT, "Free pages: %d → %d. The fork cost %d pages: the child's own page",
                        free0, free1, free0 - free1),
                "tables (the top-level PGD, then one PUD, PMD and PTE page for this range). The data",
                "itself cost nothing.",
                "fork 只复制页表，父子都把 PTE 设为只读，页的 mapcount 和引用计数加一。");

        ctx.step("The child writes page 0: a copy", "子进程写第 0 页：复制");
        long shared = pfn(parent, a);
        child.mm().writeLong(a, 2000);
        ctx.say("The child stores 2000 at " + hex(a) + ". Its PTE is read-only, so the CPU faults;",
                "do_wp_page() finds the page mapped twice (refcount 2): it may not write in place.",
                "wp_page_copy(): a new page, a copy of the 4 KiB, the child's PTE now points to it,",
                "writable; the old page loses one mapping.");
        ctx.diagram("after the child's write / 子进程写之后", table(k, List.of(parent, child), a).subList(0, 3));
        ctx.say("", "  rmap(pfn " + hex(shared) + ") = " + rmap(k, shared),
                String.format(Locale.ROOT, "  parent reads %d, child reads %d. Free pages: %d (one page copied).",
                        parent.mm().readLong(a), child.mm().readLong(a), k.buddy().freePageCount()));

        ctx.step("The parent writes page 0: reuse", "父进程写第 0 页：复用");
        long beforeFree = k.buddy().freePageCount();
        parent.mm().writeLong(a, 3000);
        ctx.say("The parent's PTE for page 0 is still read-only, so its write faults too. But now the",
                "page has one reference left, the parent's own: do_wp_page() simply turns the PTE",
                "writable again (wp_page_reuse). No copy, no new page:");
        ctx.diagram("page 0 after the parent's write / 父进程写之后",
                table(k, List.of(parent, child), a).subList(0, 3));
        ctx.say("", String.format(Locale.ROOT, "  free pages %d → %d; parent pfn still %s.", beforeFree,
                k.buddy().freePageCount(), hex(pfn(parent, a))),
                "Pages 1 to 3 are still shared: a write by either process would copy them.",
                "只剩一个映射者时，写时不复制，直接把 PTE 改回可写。");

        ctx.step("exit(): everything comes back", "子进程退出：全部归还");
        parent.mm().writeLong(a + 4096, 3001);
        long beforeExit = k.buddy().freePageCount();
        ctx.say("The parent also writes page 1 (a copy: the child still maps the old one). Then the",
                "child exits: exit_mmap() drops every mapping of the child, frees its copy of page 0,",
                "the old page 1 that only it still mapped, and its page tables. Pages 2 and 3 drop",
                "back to one mapping, still write-protected in the parent until its next write.");
        k.exit(child);
        ctx.diagram("the parent alone / 只剩父进程", table(k, List.of(parent), a));
        long free2 = k.buddy().freePageCount();
        ctx.say("");
        ctx.say(Tone.EMPHASIS, String.format(Locale.ROOT, "Free pages: %d before exit, %d after, %d before"
                + " fork: %s.", beforeExit, free2, free0, free2 == free0 ? "all back" : "NOT all back"));
        ctx.say("The parent still owns four pages (0, 2, 3 the originals, 1 a copy); the old page 1",
                "went back when the child, its last mapper, exited.");
        summary(ctx);
    }

    private static long pfn(Task t, long va) {
        return (pte(t.mm(), va) & X86PageTableEntry.PFN_MASK) >>> 12;
    }

    /** One row per page and process: pfn, R/W, mapcount, refcount, value. */
    private static List<String> table(Kernel k, List<Task> tasks, long a) {
        List<String> rows = new ArrayList<>();
        rows.add("page  process    pfn       R/W  mapcount  refcount  value");
        for (int i = 0; i < PAGES; i++) {
            for (Task t : tasks) {
                long va = a + i * 4096L;
                long e = pte(t.mm(), va);
                long pfn = (e & X86PageTableEntry.PFN_MASK) >>> 12;
                rows.add(String.format(Locale.ROOT, "%-5s %-10s %-9s %-4d %-9d %-9d %d",
                        t == tasks.get(0) ? String.valueOf(i) : "",
                        t.comm() + "[" + t.pid() + "]", hex(pfn), (e & X86PageTableEntry.RW) != 0 ? 1 : 0,
                        k.buddy().memMap().mapcount(pfn), k.buddy().pageRefCount(pfn), valueAt(t, va)));
            }
        }
        return rows;
    }

    /** The value the process reads at {@code va} (its pages are present: no fault). */
    private static long valueAt(Task t, long va) {
        return t.mm().readLong(va);
    }

    private static String rmap(Kernel k, long pfn) {
        List<String> out = new ArrayList<>();
        for (Kernel.Mapper m : k.rmap(pfn)) {
            out.add(m.task() + " at " + hex(m.address()));
        }
        return "[" + String.join(", ", out) + "]";
    }

    private void summary(LessonContext ctx) {
        ctx.step("What to remember", "要点");
        ctx.say("q11  Page mapping gives isolation and sharing at once: after fork() parent and child",
                "     see the same frames through their own page tables, write-protected; the first",
                "     write by either one copies that page only (copy-on-write), and a page with one",
                "     mapper left is reused without a copy. fork() is cheap because it copies page",
                "     tables, not memory; exec() right after fork() (the shell's pattern) copies",
                "     almost nothing.",
                "The reverse map answers \"who maps this frame?\": reclaim, migration and KSM need it.",
                "Try it: watch the 'Private_Dirty' and 'Shared_Dirty' of /proc/<pid>/smaps before",
                "and after fork (lesson smaps).");
    }
}
