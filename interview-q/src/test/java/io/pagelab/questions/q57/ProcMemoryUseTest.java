package io.pagelab.questions.q57;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import io.pagelab.questions.ProcSamples;
import io.pagelab.questions.q57.ProcMemoryUse.Mm;
import io.pagelab.questions.q57.ProcMemoryUse.MmCounters;
import io.pagelab.questions.q57.ProcMemoryUse.Page;
import io.pagelab.questions.q57.ProcMemoryUse.Vma;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q57 如何查看进程内存占用实际情况？ How to view a process's real memory use?
 *
 * <p>Expected values are the kernel's: fs/proc/task_mmu.c show_numa_map() / gather_stats() and
 * task_mem() (linux-reference.md §6.9, Linux 6.x), and the real /proc/self/numa_maps, status and
 * stat of the capture program in test resource q58/ (Linux 6.18, x86-64, one NUMA node). The page
 * states behind each captured region are those pagelab_capture.c sets up; where the kernel did
 * more (fault-around, fork not copying file ptes) the test says so.
 */
@Grader(id = "q57")
@DisplayName("Q57 /proc/pid/numa_maps lines and the Vm*/Rss* lines of /proc/pid/status")
class ProcMemoryUseTest {

    static Page anon(int mapcount, boolean active) {
        return new Page(0, mapcount, true, true, active);
    }

    static Page cleanFile() {
        return new Page(0, 1, false, false, false);
    }

    static List<Page> times(int n, Page page) {
        return Collections.nCopies(n, page);
    }

    /** The smaps entry's maps line fields {start, end, name} of the VMA starting at {@code start}. */
    static String[] mapsLine(long start) {
        String header = ProcSamples.smapsEntry(start).split("\n")[0];
        String[] range = header.substring(0, header.indexOf(' ')).split("-");
        return new String[] {range[0], range[1], header.length() > 73 ? header.substring(73) : ""};
    }

    /** A captured VMA: its range and file from the real smaps, pages as the program left them. */
    static Vma real(long start, boolean isFile, List<Page> pages) {
        String[] m = mapsLine(start);
        return new Vma(Long.parseUnsignedLong(m[0], 16), Long.parseUnsignedLong(m[1], 16), isFile ? m[2] : "", "", pages);
    }

    static long statField(int field) {
        String stat = ProcSamples.text("stat.txt");
        String[] after = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return Long.parseLong(after[field - 3]); // field 3 (state) is the first after the name
    }

    static long[] named(String name) {
        for (String entry : ProcSamples.smapsEntries()) {
            String header = entry.split("\n")[0];
            if (header.endsWith(name)) {
                String[] range = header.substring(0, header.indexOf(' ')).split("-");
                return new long[] {Long.parseUnsignedLong(range[0], 16), Long.parseUnsignedLong(range[1], 16)};
            }
        }
        throw new AssertionError("no " + name + " in the captured smaps");
    }

    /** The capture's mm: heap bounds from its [heap] VMA, start_stack from /proc/self/stat field 28. */
    static Mm realMm(List<Vma> vmas) {
        long[] heap = named("[heap]");
        return new Mm(heap[0], heap[1], statField(28), "default", vmas);
    }

    static String realLine(long start) {
        return ProcSamples.numaMapsLine(start) + "\n";
    }

    @Test
    @Points(2)
    @Hint("With no resident page the line stops after the policy and the tag: \"<start> default\" for "
            + "anonymous memory, \"<start> default file=<path>\" for a file. The address is lower-case hex "
            + "without 0x.")
    void aVmaWithNoResidentPageShowsOnlyAddressPolicyAndTag() {
        Vma idle = real(ProcSamples.start("idle"), false, List.of());
        assertThat(ProcMemoryUse.numaMapsLine(realMm(List.of(idle)), idle)).as("numa_maps line of the untouched region")
                .isEqualTo(realLine(idle.start()));
        // a part of libc the program never touched: a file mapping with no resident page
        String libcPart = ProcSamples.smapsEntries().stream()
                .filter(e -> e.split("\n")[0].endsWith("libc.so.6") && e.contains("\nRss:                   0 kB\n"))
                .findFirst().orElseThrow(() -> new AssertionError("no untouched libc VMA in the capture"));
        Vma gap = real(Long.parseUnsignedLong(libcPart.substring(0, libcPart.indexOf('-')), 16), true, List.of());
        assertThat(ProcMemoryUse.numaMapsLine(realMm(List.of(gap)), gap)).as("numa_maps line of an untouched libc part")
                .isEqualTo(realLine(gap.start()));
    }

    @Test
    @Points(3)
    @Hint("anon= counts anonymous pages, dirty= dirty ones; mapped= (all resident pages) is printed only when "
            + "it differs from both anon and dirty; mapmax= is the highest mapcount when above 1; active= only "
            + "when some page is not active; then N0=, kernelpagesize_kB=4. Zero counts are not printed.")
    void residentPagesAreCountedAsLinuxCountsThem() {
        // priv: 3 anonymous dirty pages written before fork, so shared with both children (mapcount 3)
        Vma priv = real(ProcSamples.start("priv"), false, times(3, anon(3, false)));
        // cow: the same, then the children's writes left mapcounts 3, 2 and 1
        Vma cow = real(ProcSamples.start("cow"), false, List.of(anon(3, false), anon(2, false), anon(1, false)));
        // file: 2 pages read, but fault-around mapped all 4 cached pages; fork copied no pte of it
        Vma file = real(ProcSamples.start("file"), true, times(4, cleanFile()));
        // cowf: 3 clean file pages (fault-around) and the anonymous copy of the page written
        Vma cowf = real(ProcSamples.start("cowf"), true, List.of(cleanFile(), anon(1, false), cleanFile(), cleanFile()));
        Mm mm = realMm(List.of(priv, cow, file, cowf));
        for (Vma vma : mm.vmas()) {
            assertThat(ProcMemoryUse.numaMapsLine(mm, vma)).as("numa_maps line of the VMA at %x", vma.start())
                    .isEqualTo(realLine(vma.start()));
        }
    }

    @Test
    @Points(2)
    @Hint("file= prints the path as seq_path(\"\\n\\t= \") does: a space, tab, newline or '=' becomes a "
            + "backslash and three octal digits (space is \\040, '=' is \\075). A shared anonymous mapping is "
            + "shmem and shows as /dev/zero\\040(deleted); its page is dirty but not anonymous.")
    void pathsAreEscapedAsSeqPathEscapesThem() {
        // shm: MAP_SHARED|MAP_ANONYMOUS, page 0 written; fork copies no pte of a shared mapping
        Vma shm = real(ProcSamples.start("shm"), true, List.of(new Page(0, 1, false, true, false)));
        assertThat(shm.file()).as("the shmem VMA's file name in smaps").isEqualTo("/dev/zero (deleted)");
        assertThat(ProcMemoryUse.numaMapsLine(realMm(List.of(shm)), shm)).as("numa_maps line of the shmem region")
                .isEqualTo(realLine(shm.start()));
        Vma odd = new Vma(0x7f0000000000L, 0x7f0000001000L, "/tmp/a=b\tc", "", List.of());
        assertThat(ProcMemoryUse.numaMapsLine(new Mm(0, 0, 0, "default", List.of(odd)), odd))
                .as("line of a file whose name holds '=' and a tab").isEqualTo("7f0000000000 default file=/tmp/a\\075b\\011c\n");
    }

    @Test
    @Points(2)
    @Hint("heap: an anonymous VMA with vm_start < brk and vm_end > start_brk. stack: one with vm_start <= "
            + "start_stack <= vm_end. A file mapping gets file= and never heap or stack.")
    void heapAndStackTagsGoOnTheRightVmas() {
        long[] heapRange = named("[heap]");
        long[] stackRange = named("[stack]");
        // heap: malloc(1000) wrote one byte before fork: 1 dirty anonymous page mapped by 3
        Vma heap = new Vma(heapRange[0], heapRange[1], "", "", List.of(anon(3, false)));
        // stack: 20 resident pages, one of them on the active list, some still shared with the children
        List<Page> stackPages = new ArrayList<>(times(18, anon(1, false)));
        stackPages.add(anon(3, false));
        stackPages.add(anon(1, true));
        Vma stack = new Vma(stackRange[0], stackRange[1], "", "", stackPages);
        Mm mm = realMm(List.of(heap, stack));
        assertThat(ProcMemoryUse.numaMapsLine(mm, heap)).as("numa_maps line of [heap]").isEqualTo(realLine(heap.start()));
        assertThat(ProcMemoryUse.numaMapsLine(mm, stack)).as("numa_maps line of [stack]").isEqualTo(realLine(stack.start()));
        // a VMA ending exactly where the heap starts is not the heap (6.7+ bounds)
        Vma below = new Vma(heapRange[0] - 0x2000, heapRange[0], "", "", List.of());
        assertThat(ProcMemoryUse.numaMapsLine(mm, below)).as("line of the VMA just below start_brk")
                .isEqualTo(String.format("%x default\n", below.start()));
        Vma fileOnHeap = new Vma(heapRange[0], heapRange[1], "/tmp/x", "", List.of());
        assertThat(ProcMemoryUse.numaMapsLine(mm, fileOnHeap)).as("a file mapping over the heap range")
                .isEqualTo(String.format("%x default file=/tmp/x\n", heapRange[0]));
    }

    @Test
    @Points(3)
    @Hint("The VMA's own policy wins over the task's. Print N<node>=<pages> for every node that holds pages, "
            + "in ascending node order, and no entry for an empty node.")
    void policiesAndNodesFollowTheVmaAndItsPages() {
        // interleave over nodes 0 and 1: 4 pages alternate 0, 1, 0, 1 (hand model, a 2-node machine)
        List<Page> interleaved = List.of(new Page(0, 1, true, true, true), new Page(1, 1, true, true, true),
                new Page(0, 1, true, true, true), new Page(1, 1, true, true, true));
        Vma vma = new Vma(0x7f0000000000L, 0x7f0000004000L, "", "interleave:0-1", interleaved);
        Mm mm = new Mm(0x555555559000L, 0x55555557a000L, 0x7ffffffde000L, "prefer:1", List.of(vma));
        assertThat(ProcMemoryUse.numaMapsLine(mm, vma)).as("interleaved VMA, all pages active")
                .isEqualTo("7f0000000000 interleave:0-1 anon=4 dirty=4 N0=2 N1=2 kernelpagesize_kB=4\n");
        List<Page> scattered = List.of(new Page(2, 1, false, false, true), new Page(0, 4, false, false, false),
                new Page(2, 2, false, false, true), new Page(2, 1, false, false, true));
        Vma lib = new Vma(0x7f0000010000L, 0x7f0000014000L, "/usr/lib/libm.so.6", "", scattered);
        Mm mm2 = new Mm(0x555555559000L, 0x55555557a000L, 0x7ffffffde000L, "prefer:1", List.of(lib));
        assertThat(ProcMemoryUse.numaMapsLine(mm2, lib)).as("file VMA with the task's policy, pages on nodes 2 and 0")
                .isEqualTo("7f0000010000 prefer:1 file=/usr/lib/libm.so.6 mapped=4 mapmax=4 active=3 N0=1 N2=3 "
                        + "kernelpagesize_kB=4\n");
    }

    @Test
    @Points(2)
    @Hint("numa_maps is the lines of every VMA in address order, one line each, nothing else.")
    void numaMapsHasOneLinePerVmaInOrder() {
        Vma text = new Vma(0x400000, 0x401000, "/bin/true", "", List.of(new Page(0, 5, false, false, true)));
        Vma heap = new Vma(0x600000, 0x621000, "", "", List.of());
        Vma stack = new Vma(0x7ffffffde000L, 0x7ffffffff000L, "", "", List.of(anon(1, true)));
        Mm mm = new Mm(0x600000, 0x621000, 0x7fffffffe000L, "default", List.of(text, heap, stack));
        assertThat(ProcMemoryUse.numaMaps(mm)).as("numa_maps of a three-VMA process").isEqualTo(
                "00400000 default file=/bin/true mapped=1 mapmax=5 N0=1 kernelpagesize_kB=4\n"
                + "00600000 default heap\n"
                + "7ffffffde000 default stack anon=1 dirty=1 N0=1 kernelpagesize_kB=4\n");
    }

    @Test
    @Points(4)
    @Hint("Each line is \"Label:\", a tab, the kB value right-aligned in 8 columns, \" kB\". Page counts "
            + "become kB times 4. VmExe = PAGE_ALIGN(end_code) - (start_code & ~4095), VmLib = exec_vm pages "
            + "in kB minus VmExe. HugetlbPages closes the list.")
    void statusLinesMatchTheRealStatusOfTheCapture() {
        String status = ProcSamples.text("status.txt");
        // the mm counters behind the capture: the kB of each line / 4, start_code and end_code from
        // /proc/self/stat fields 26 and 27, exec_vm = (VmExe + VmLib) / 4
        MmCounters c = new MmCounters(kb(status, "VmSize") / 4, kb(status, "VmPeak") / 4, kb(status, "VmLck") / 4,
                kb(status, "VmPin") / 4, kb(status, "RssAnon") / 4, kb(status, "RssFile") / 4,
                kb(status, "RssShmem") / 4, kb(status, "VmHWM") / 4, kb(status, "VmData") / 4, kb(status, "VmStk") / 4,
                (kb(status, "VmExe") + kb(status, "VmLib")) / 4, statField(26), statField(27),
                kb(status, "VmPTE") * 1024, kb(status, "VmSwap") / 4, kb(status, "HugetlbPages") / 4);
        String expected = Arrays.stream(status.split("\n"))
                .filter(l -> l.startsWith("Vm") || l.startsWith("Rss") || l.startsWith("HugetlbPages"))
                .map(l -> l + "\n").collect(Collectors.joining());
        assertThat(ProcMemoryUse.statusMemoryLines(Optional.of(c))).as("Vm*/Rss* lines of the real status")
                .isEqualTo(expected);
    }

    @Test
    @Points(3)
    @Hint("VmRSS = RssAnon + RssFile + RssShmem. VmHWM and VmPeak are maxima: hiwater_rss and hiwater_vm are "
            + "only recorded when the value goes down, so the current value may be higher. VmExe is at most "
            + "exec_vm. A kernel thread (no mm) has no Vm lines at all.")
    void statusFollowsTheKernelsRules() {
        // rss = 100 + 50 + 10 = 160 pages = 640 kB, above the recorded hiwater_rss of 120 pages
        MmCounters c = new MmCounters(1000, 900, 0, 0, 100, 50, 10, 120, 300, 33, 2, 0x400000, 0x402345,
                8192, 0, 0);
        List<String> lines = Arrays.asList(ProcMemoryUse.statusMemoryLines(Optional.of(c)).split("\n"));
        assertThat(lines).as("status lines").contains("VmPeak:\t    4000 kB", "VmSize:\t    4000 kB",
                "VmHWM:\t     640 kB", "VmRSS:\t     640 kB", "RssAnon:\t     400 kB", "RssFile:\t     200 kB",
                "RssShmem:\t      40 kB", "VmData:\t    1200 kB", "VmStk:\t     132 kB", "VmPTE:\t       8 kB");
        // text = PAGE_ALIGN(0x402345) - 0x400000 = 0x3000 = 12 kB, but exec_vm is only 2 pages (8 kB)
        assertThat(lines).as("VmExe capped by exec_vm, nothing left for VmLib").contains("VmExe:\t       8 kB",
                "VmLib:\t       0 kB");
        assertThat(lines).as("line count: VmPeak .. VmSwap and HugetlbPages").hasSize(16);
        assertThat(ProcMemoryUse.statusMemoryLines(Optional.empty())).as("status memory lines of a kernel thread")
                .isEmpty();
    }

    static long kb(String status, String label) {
        for (String line : status.split("\n")) {
            if (line.startsWith(label + ":")) {
                return Long.parseLong(line.substring(label.length() + 1).trim().split(" +")[0]);
            }
        }
        throw new AssertionError("no " + label + " line in the captured status");
    }
}
