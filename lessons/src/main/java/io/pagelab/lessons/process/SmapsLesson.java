package io.pagelab.lessons.process;

import static io.pagelab.lessons.process.ProcessMachine.ANON;
import static io.pagelab.lessons.process.ProcessMachine.hex;
import static io.pagelab.lessons.process.ProcessMachine.pte;

import io.pagelab.api.AddressSpace;
import io.pagelab.api.Prot;
import io.pagelab.hardware.mmu.X86PageTableEntry;
import io.pagelab.kernel.mm.Kernel;
import io.pagelab.kernel.mm.MappedFile;
import io.pagelab.kernel.mm.Mm;
import io.pagelab.kernel.mm.ProcMaps;
import io.pagelab.kernel.mm.ProgramImage;
import io.pagelab.kernel.mm.Task;
import io.pagelab.kernel.mm.Vma;
import io.pagelab.kernel.procfs.MemSizeStats;
import io.pagelab.kernel.procfs.ProcPid;
import io.pagelab.kernel.procfs.Smaps;
import io.pagelab.kernel.procfs.SmapsOptions;
import io.pagelab.kernel.procfs.SmapsRollup;
import io.pagelab.lessons.Lesson;
import io.pagelab.lessons.LessonContext;
import io.pagelab.lessons.Tone;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lesson "smaps": how much memory does a process use, when its pages are shared? A parent and two
 * forked children share anonymous pages copy-on-write and the pages of a mapped file; each
 * process's RSS, PSS and USS are computed as fs/proc/task_mmu.c does for /proc/pid/smaps and
 * smaps_rollup (smaps_pte_entry, smaps_account: a page mapped by n processes is Shared and
 * charges PAGE_SIZE / n to Pss; a page mapped once is Private), walking each process's page table
 * and reading every page's mapcount. The text of smaps and smaps_rollup comes from
 * {@link Smaps} and {@link SmapsRollup} (Linux 6.18 format).
 *
 * <p>Interview questions: q57 (a process's real memory use), q58 (per-mapping detail: smaps),
 * q59 (the summary: smaps_rollup).
 *
 * <p>Differs from Linux on purpose: the accounting is {@link ProcPid#stats} per VMA, rendered
 * with {@link Smaps} so that one VMA can be shown alone; the options are those of the
 * captured Linux 6.18 machine (no ProtectionKey line) but with CONFIG_MEM_SOFT_DIRTY, as most
 * distribution kernels have it, because pagelab's mmap marks every new VMA VM_SOFTDIRTY.
 */
public final class SmapsLesson implements Lesson {

    private static final int ANON_PAGES = 8;
    private static final int FILE_PAGES = 4;

    @Override
    public String id() {
        return "smaps";
    }

    @Override
    public String titleZh() {
        return "读懂 smaps：RSS、PSS、USS";
    }

    @Override
    public String titleEn() {
        return "Reading smaps: RSS, PSS, USS";
    }

    @Override
    public List<String> questions() {
        return List.of("q57", "q58", "q59");
    }

    @Override
    public void run(LessonContext ctx) {
        ctx.banner(this);
        Kernel k = ProcessMachine.bootWithoutAslr();
        Task parent = k.exec(ProgramImage.hello());
        MappedFile lib = k.createFile("/usr/lib/libdemo.so", 4242, new byte[FILE_PAGES * 4096]);
        long a = parent.mm().mmap(0, ANON_PAGES * 4096L, Prot.USER_RW, ANON);
        long f = parent.mm().mmapFile(0, FILE_PAGES * 4096L, Prot.USER_R, AddressSpace.MAP_PRIVATE, lib, 0);
        for (int i = 0; i < ANON_PAGES; i++) {
            parent.mm().writeLong(a + i * 4096L, i);
        }
        for (int i = 0; i < FILE_PAGES; i++) {
            parent.mm().readLong(f + i * 4096L);
        }
        Task one = k.fork(parent);
        Task two = k.fork(parent);
        setup(ctx, parent, one, two, a, f);
        one.mm().writeLong(a, 100);
        one.mm().writeLong(a + 4096, 101);
        two.mm().writeLong(a, 200);
        for (int i = 0; i < FILE_PAGES; i++) {
            one.mm().readLong(f + i * 4096L);
        }
        two.mm().readLong(f);
        two.mm().readLong(f + 4096);
        List<Task> tasks = List.of(parent, one, two);
        mapcounts(ctx, k, tasks, a, f);
        numbers(ctx, k, tasks);
        smaps(ctx, k, parent, a);
        summary(ctx);
    }

    private void setup(LessonContext ctx, Task parent, Task one, Task two, long a, long f) {
        ctx.step("A parent and two children", "一个父进程和两个子进程");
        ctx.say("The parent maps 8 anonymous pages at " + hex(a) + " and writes them all, and maps",
                "4 pages of a library file at " + hex(f) + " (read-only) and reads them. Then it forks",
                "twice: children " + one.pid() + " and " + two.pid() + " share all 8 anonymous pages copy-on-write. The",
                "file pages are not copied at fork: a child faults them in from the page cache,",
                "the same frames, when it reads them. Then:",
                "  child " + one.pid() + " writes anonymous pages 0 and 1 (two copies) and reads all 4 file pages;",
                "  child " + two.pid() + " writes anonymous page 0 (one copy) and reads file pages 0 and 1.",
                "Who uses how much memory now?");
    }

    private void mapcounts(LessonContext ctx, Kernel k, List<Task> tasks, long a, long f) {
        ctx.step("Page by page: who maps what", "逐页看：谁映射了谁");
        List<String> rows = new ArrayList<>();
        StringBuilder head = new StringBuilder("page     ");
        for (Task t : tasks) {
            head.append(String.format(Locale.ROOT, " %-17s", t.toString()));
        }
        rows.add(head.toString().stripTrailing());
        for (int i = 0; i < ANON_PAGES + FILE_PAGES; i++) {
            long va = i < ANON_PAGES ? a + i * 4096L : f + (i - ANON_PAGES) * 4096L;
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-9s",
                    i < ANON_PAGES ? "anon " + i : "file " + (i - ANON_PAGES)));
            for (Task t : tasks) {
                long e = pte(t.mm(), va);
                String cell = "-";
                if ((e & X86PageTableEntry.PRESENT) != 0) {
                    long pfn = (e & X86PageTableEntry.PFN_MASK) >>> 12;
                    cell = String.format(Locale.ROOT, "%s ×%d", hex(pfn), k.buddy().memMap().mapcount(pfn));
                }
                row.append(String.format(Locale.ROOT, " %-17s", cell));
            }
            rows.add(row.toString().stripTrailing());
        }
        ctx.diagram("pfn ×mapcount in each process (- = not mapped) / 页帧与映射数", rows);
        ctx.say("",
                "×3: one frame seen by all three processes; ×1: a frame only one process maps (the",
                "parent's anon 0, since both children copied theirs, and the children's copies).");
    }

    /** The smaps accounting of every VMA of {@code mm} (or of one VMA when {@code only} is set). */
    static MemSizeStats account(Kernel k, Mm mm, Vma only) {
        MemSizeStats stats = new MemSizeStats();
        for (Vma v : mm.vmas()) {
            if (only == null || only.equals(v)) {
                stats.add(ProcPid.stats(mm, v));
            }
        }
        return stats;
    }

    private void numbers(LessonContext ctx, Kernel k, List<Task> tasks) {
        ctx.step("RSS, PSS, USS", "三种口径");
        ctx.say("Three ways to count a process's memory, all from that table:",
                "  RSS  every page it maps, in full. Shared pages are counted once per process.",
                "  PSS  a shared page is split evenly: a page mapped by n processes adds 4 KiB / n.",
                "  USS  only the pages no one else maps: what exiting would give back.");
        List<String> rows = new ArrayList<>();
        rows.add("process        RSS        PSS     USS   Pss line in smaps_rollup");
        double pssSum = 0;
        long rssSum = 0;
        for (Task t : tasks) {
            MemSizeStats s = account(k, t.mm(), null);
            double pss = s.pssFixedPoint() / (double) (1L << MemSizeStats.PSS_SHIFT) / 1024;
            long uss = (s.privateClean() + s.privateDirty()) >> 10;
            pssSum += pss;
            rssSum += s.resident() >> 10;
            rows.add(String.format(Locale.ROOT, "%-10s %4d KiB  %6.2f KiB  %2d KiB   Pss: %8d kB", t, s.resident() >> 10,
                    pss, uss, s.pssFixedPoint() >>> MemSizeStats.PSS_SHIFT >> 10));
        }
        rows.add(String.format(Locale.ROOT, "%-10s %4d KiB  %6.2f KiB", "sum", rssSum, pssSum));
        ctx.diagram("per process / 每个进程", rows);
        ctx.say("");
        ctx.say(Tone.EMPHASIS, String.format(Locale.ROOT, "Σ PSS = %.0f KiB = %d frames in use: 8 anonymous originals +"
                + " 3 copies + 4 file pages.", pssSum, Math.round(pssSum / 4)));
        ctx.say(String.format(Locale.ROOT, "Σ RSS = %d KiB counts the shared frames two or three times. So:", rssSum),
                "add PSS over processes to get the memory they use together; look at USS to know",
                "what killing one of them would free; RSS (top, ps) overstates anything shared.",
                "The parent's PSS by hand: anon 0 alone 4 + anon 1 with pid 3 (4/2) + anon 2..7 with",
                "both (6 × 4/3) + file 0, 1 with both (2 × 4/3) + file 2, 3 with pid 2 (2 × 4/2)",
                "= 4 + 2 + 8 + 2.67 + 4 = 20.67 KiB. The kernel keeps PSS in fixed point (12 extra",
                "bits) and rounds down only when it prints: \"Pss: 20 kB\".",
                "PSS 把共享页按映射进程数平摊；所有进程的 PSS 之和等于实际占用的物理内存。");
    }

    private void smaps(LessonContext ctx, Kernel k, Task parent, long a) {
        ctx.step("The same numbers in /proc/pid/smaps", "在 smaps 中看到它们");
        Mm mm = parent.mm();
        Vma anon = mm.vmaAt(a).orElseThrow();
        MemSizeStats s = account(k, mm, anon);
        String text = Smaps.render(ProcMaps.line(new Vma(anon.start(), anon.end(), anon.flags(), anon.pgoff(),
                anon.file(), mm.vmaName(anon))), anon, s, SmapsOptions.captured618().withMemSoftDirty(true));
        ctx.say("smaps prints one block per VMA: its maps line, then the counters. The parent's",
                "anonymous VMA (8 pages):");
        ctx.diagram("cat /proc/" + parent.pid() + "/smaps   (one VMA)", List.of(text.split("\n")));
        ctx.say("",
                "Rss 32 kB: all 8 pages. Shared_Dirty 28 kB: the 7 pages another process maps too;",
                "Private_Dirty 4 kB: anon page 0, the parent's alone. Dirty, because they were",
                "written (the PTE's D bit). USS = Private_Clean + Private_Dirty.",
                "Pss 13 kB, not 14? 4 + 4/2 + 6 × 4/3 is 14 exactly, but the kernel adds each page's",
                "share as (4096 << 12) / mapcount, an integer division: 4/3 KiB is rounded down by",
                "a third of a unit, six times, so the sum lands just under 14 KiB and the printing",
                "(which also rounds down) shows 13. smaps_rollup sums every VMA in one block (q59):");
        String rollup = ProcPid.smapsRollup(parent);
        List<String> lines = new ArrayList<>(List.of(rollup.split("\n")));
        ctx.diagram("cat /proc/" + parent.pid() + "/smaps_rollup   (first 10 lines)", lines.subList(0, 10));
        ctx.say("",
                "Pss 20 = Pss_Anon (13.99) + Pss_File (6.67) = 20.66, rounded down once: the rollup",
                "adds the fixed-point values first, so it is not the sum of the rounded per-VMA",
                "lines (13 + 6 = 19).",
                "smaps 按 VMA 列出 Rss/Pss/Shared/Private；smaps_rollup 是所有 VMA 的汇总。");
    }

    private void summary(LessonContext ctx) {
        ctx.step("What to remember", "要点");
        ctx.say("q57  /proc/<pid>/status (VmRSS = RssAnon + RssFile + RssShmem) gives RSS; for shared",
                "     memory use PSS (smem -k, or smaps_rollup) and USS (smem's USS column).",
                "q58  /proc/<pid>/smaps: per VMA, Size (virtual), Rss, Pss, Shared_/Private_ Clean",
                "     and Dirty, Anonymous, Swap, VmFlags. Shared = mapped by 2 or more processes.",
                "q59  /proc/<pid>/smaps_rollup: the same counters summed over all VMAs, plus Pss_Anon,",
                "     Pss_File and Pss_Shmem; cheaper to read than adding up smaps yourself.",
                "PSS = Σ over pages of 4 KiB / mapcount; Σ PSS over all processes = memory in use.",
                "Try it: grep -E '^(Rss|Pss|Private)' /proc/self/smaps_rollup");
    }
}
