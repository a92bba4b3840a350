package io.pagelab.questions.q59;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import io.pagelab.questions.ProcSamples;
import io.pagelab.questions.q59.SmapsRollup.MemSizeStats;
import io.pagelab.questions.q59.SmapsRollup.VmaStats;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q59 如何查看进程内存映射汇总信息？ How to view a summary of all mappings?
 *
 * <p>Expected values are the kernel's: fs/proc/task_mmu.c show_smaps_rollup() and
 * __show_smap(rollup_mode) (linux-reference.md §6.8, Linux 6.x), and the real
 * /proc/self/smaps and smaps_rollup read back to back by the capture program in test resource q58/
 * (Linux 6.18, x86-64, its children stopped so that nothing changed between the two reads).
 */
@Grader(id = "q59")
@DisplayName("Q59 /proc/pid/smaps_rollup: one fixed-point sum, the [rollup] header, checked against Σ smaps")
class SmapsRollupTest {

    /** 3 anonymous pages each mapped by 3 processes: 3 x (16777216 / 3) = 16777215, printed as 3 kB. */
    static final long THREE_THIRDS = 16_777_215L;

    static MemSizeStats anonShared3() {
        return new MemSizeStats(12288, 0, 12288, 0, 0, 12288, 12288, 0, THREE_THIRDS, THREE_THIRDS, THREE_THIRDS,
                0, 0, 0, 0);
    }

    /** Σ smaps text, computed here independently: label to sum of the kB values. */
    static Map<String, Long> realSmapsTotals() {
        Map<String, Long> totals = new HashMap<>();
        for (String line : ProcSamples.text("smaps.txt").split("\n")) {
            String[] f = line.trim().split(" +");
            if (f.length == 3 && f[2].equals("kB")) {
                totals.merge(f[0].substring(0, f[0].length() - 1), Long.parseLong(f[1]), Long::sum);
            }
        }
        return totals;
    }

    /**
     * The real smaps entries as VMA statistics, the [vsyscall] gate area left out as the rollup
     * leaves it out (it is not in the mm's VMA tree). Only the kB values are known, so the PSS
     * fields are the printed kB in fixed point, and Pss_Anon/File/Shmem (not in smaps) are 0.
     */
    static List<VmaStats> realVmas() {
        List<VmaStats> vmas = new ArrayList<>();
        for (String entry : ProcSamples.smapsEntries()) {
            if (entry.split("\n")[0].endsWith("[vsyscall]")) {
                continue;
            }
            Map<String, Long> kb = new HashMap<>();
            for (String line : entry.split("\n")) {
                String[] f = line.trim().split(" +");
                if (f.length == 3 && f[2].equals("kB")) {
                    kb.put(f[0].substring(0, f[0].length() - 1), Long.parseLong(f[1]) << 10);
                }
            }
            String[] range = entry.substring(0, entry.indexOf(' ')).split("-");
            int s = SmapsRollup.PSS_SHIFT;
            vmas.add(new VmaStats(Long.parseUnsignedLong(range[0], 16), Long.parseUnsignedLong(range[1], 16),
                    new MemSizeStats(kb.get("Rss"), kb.get("Shared_Clean"), kb.get("Shared_Dirty"),
                            kb.get("Private_Clean"), kb.get("Private_Dirty"), kb.get("Referenced"), kb.get("Anonymous"),
                            kb.get("Swap"), kb.get("Pss") << s, kb.get("Pss_Dirty") << s, 0, 0, 0,
                            kb.get("SwapPss") << s, kb.get("Locked") << s)));
        }
        return vmas;
    }

    @Test
    @Points(3)
    @Hint("Add every field of every VMA's mem_size_stats into one: sizes in bytes, the PSS fields still in "
            + "fixed point (no shift while summing).")
    void sumAddsEveryFieldOfEveryVma() {
        MemSizeStats a = new MemSizeStats(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        MemSizeStats b = new MemSizeStats(100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100, 1200, 1300,
                1400, 1500);
        MemSizeStats sum = SmapsRollup.sum(List.of(new VmaStats(0x1000, 0x2000, a), new VmaStats(0x2000, 0x5000, b),
                new VmaStats(0x9000, 0xa000, MemSizeStats.EMPTY)));
        assertThat(sum).as("field by field sum of three VMAs").isEqualTo(new MemSizeStats(101, 202, 303, 404, 505,
                606, 707, 808, 909, 1010, 1111, 1212, 1313, 1414, 1515));
        assertThat(SmapsRollup.sum(List.of())).as("sum of no VMA").isEqualTo(MemSizeStats.EMPTY);
    }

    @Test
    @Points(4)
    @Hint("smaps prints each VMA's pss >> 12 >> 10 and loses up to 1 KiB per VMA; the rollup adds the "
            + "fixed-point values first and shifts once. Three VMAs of 16777215 (4095 bytes, 3 kB each in "
            + "smaps) add up to 50331645, that is 12287 bytes: Pss 11 kB, not 9.")
    void pssIsSummedInFixedPointAndShiftedOnlyOnce() {
        List<VmaStats> vmas = List.of(new VmaStats(0x7f0000000000L, 0x7f0000004000L, anonShared3()),
                new VmaStats(0x7f0000005000L, 0x7f0000009000L, anonShared3()),
                new VmaStats(0x7f000000a000L, 0x7f000000e000L, anonShared3()));
        assertThat(SmapsRollup.sum(vmas).pss()).as("fixed-point pss of the rollup").isEqualTo(3 * THREE_THIRDS);
        List<String> lines = Arrays.asList(SmapsRollup.render(vmas).split("\n"));
        assertThat(lines).as("PSS lines of the rollup").contains(
                "Rss:                  36 kB",
                "Pss:                  11 kB",
                "Pss_Dirty:            11 kB",
                "Pss_Anon:             11 kB",
                "Pss_File:              0 kB",
                "Pss_Shmem:             0 kB");
    }

    @Test
    @Points(3)
    @Hint("The header is a maps line: first VMA's start - last VMA's end, ---p, offset 00000000, device "
            + "00:00, inode 0, then spaces up to column 72 and one more, then [rollup]. With no VMA the range is "
            + "00000000-00000000.")
    void theHeaderSpansFromTheFirstVmaStartToTheLastVmaEnd() {
        List<VmaStats> two = List.of(new VmaStats(0x400000, 0x401000, MemSizeStats.EMPTY),
                new VmaStats(0x7ffd00000000L, 0x7ffd00021000L, MemSizeStats.EMPTY));
        assertThat(SmapsRollup.render(two).split("\n")[0]).as("header of a two-VMA process")
                .isEqualTo("00400000-7ffd00021000 ---p 00000000 00:00 0                              [rollup]");
        assertThat(SmapsRollup.render(List.of()).split("\n")[0]).as("header with no VMA at all")
                .isEqualTo("00000000-00000000 ---p 00000000 00:00 0                                  [rollup]");
        String realHeader = ProcSamples.text("smaps_rollup.txt").split("\n")[0];
        assertThat(SmapsRollup.render(realVmas()).split("\n")[0]).as("header of the real capture").isEqualTo(realHeader);
    }

    @Test
    @Points(4)
    @Hint("After the header: Rss, Pss, Pss_Dirty, Pss_Anon, Pss_File, Pss_Shmem, then the smaps lines from "
            + "Shared_Clean to Locked, formatted as in smaps. No Size, no THPeligible, no VmFlags.")
    void theRollupOfTheRealSmapsReproducesTheRealSmapsRollup() {
        // the PSS lines are left out: their fixed-point values are not in the smaps text
        String mine = SmapsRollup.render(realVmas());
        String real = ProcSamples.text("smaps_rollup.txt");
        List<String> myLines = Arrays.stream(mine.split("\n")).map(l -> l.startsWith("Pss") ? "Pss..." : l)
                .collect(Collectors.toList());
        List<String> realLines = Arrays.stream(real.split("\n")).map(l -> l.startsWith("Pss") ? "Pss..." : l)
                .collect(Collectors.toList());
        assertThat(myLines).as("every line but the PSS ones, in order").containsExactlyElementsOf(realLines);
        assertThat(mine).as("every line ends with a newline").endsWith(" kB\n");
    }

    @Test
    @Points(3)
    @Hint("For every line that ends in kB, add the number under its label (without the colon): what "
            + "awk '/kB$/ {sum[$1] += $2}' computes. Lines without kB (the maps line, THPeligible, VmFlags) "
            + "are not counted.")
    void sumSmapsAddsEveryKbFieldOfARealSmaps() {
        Map<String, Long> sums = SmapsRollup.sumSmapsKb(ProcSamples.text("smaps.txt"));
        Map<String, Long> expected = realSmapsTotals();
        assertThat(sums).as("Σ of each kB field of the real smaps").isEqualTo(expected);
        // the same totals seen from /proc/self/status of the same instant: VmRSS and RssAnon;
        // VmSize is Σ Size without the 4 KiB [vsyscall] page, which is not in the mm's VMAs
        String status = ProcSamples.text("status.txt");
        assertThat(sums.get("Rss")).as("Σ Rss = VmRSS").isEqualTo(statusKb(status, "VmRSS"));
        assertThat(sums.get("Anonymous")).as("Σ Anonymous = RssAnon").isEqualTo(statusKb(status, "RssAnon"));
        assertThat(sums.get("Size") - 4).as("Σ Size - [vsyscall] = VmSize").isEqualTo(statusKb(status, "VmSize"));
        assertThat(List.copyOf(sums.keySet()).subList(0, 4)).as("labels in the order they first appear")
                .containsExactly("Size", "KernelPageSize", "MMUPageSize", "Rss");
    }

    @Test
    @Points(4)
    @Hint("Compare each kB line of smaps_rollup with the smaps sum of the same label (skip labels smaps does not "
            + "have, such as Pss_Anon). On a real process every difference is 0 except Pss and Pss_Dirty, "
            + "where the rollup is a little larger: it truncates once, smaps once per VMA.")
    void rollupEqualsSigmaSmapsExceptThePssLinesWhichTruncateOnce() {
        String smaps = ProcSamples.text("smaps.txt");
        String rollup = ProcSamples.text("smaps_rollup.txt");
        Map<String, Long> diff = SmapsRollup.rollupMinusSmapsKb(smaps, rollup);
        Map<String, Long> totals = realSmapsTotals();
        int vmas = ProcSamples.smapsEntries().size();
        assertThat(diff.keySet()).as("labels compared, in the rollup's order").containsExactly("Rss", "Pss",
                "Pss_Dirty", "Shared_Clean", "Shared_Dirty", "Private_Clean", "Private_Dirty", "Referenced",
                "Anonymous", "KSM", "LazyFree", "AnonHugePages", "ShmemPmdMapped", "FilePmdMapped", "Shared_Hugetlb",
                "Private_Hugetlb", "Swap", "SwapPss", "Locked");
        for (Map.Entry<String, Long> d : diff.entrySet()) {
            long expected = statusOrRollupKb(rollup, d.getKey()) - totals.get(d.getKey());
            assertThat(d.getValue()).as("rollup - Σ smaps for %s", d.getKey()).isEqualTo(expected);
            if (d.getKey().startsWith("Pss")) {
                assertThat(d.getValue()).as("%s: the rollup loses less than 1 kB in all, smaps up to 1 kB per VMA",
                        d.getKey()).isBetween(0L, (long) vmas);
            } else {
                assertThat(d.getValue()).as("rollup - Σ smaps for %s", d.getKey()).isZero();
            }
        }
        assertThat(diff.get("Pss")).as("the real capture's Pss: rollup 1543 kB, Σ smaps 1535 kB").isEqualTo(8);
    }

    @Test
    @Points(1)
    @Hint("The VMAs come in address order, as the VMA tree gives them; refuse a list out of order or "
            + "overlapping (SmapsRollup.checkAscending is given).")
    void vmasOutOfOrderAreRefused() {
        List<VmaStats> backwards = List.of(new VmaStats(0x5000, 0x6000, MemSizeStats.EMPTY),
                new VmaStats(0x1000, 0x2000, MemSizeStats.EMPTY));
        assertThatThrownBy(() -> SmapsRollup.sum(backwards)).as("sum of VMAs out of order")
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> SmapsRollup.render(backwards)).as("render of VMAs out of order")
                .isInstanceOf(InvalidArgumentException.class);
    }

    static long statusKb(String text, String label) {
        return statusOrRollupKb(text, label);
    }

    /** The number of a "Label:  N kB" line (tab or spaces after the colon). */
    static long statusOrRollupKb(String text, String label) {
        for (String line : text.split("\n")) {
            if (line.startsWith(label + ":")) {
                return Long.parseLong(line.substring(label.length() + 1).trim().split(" +")[0]);
            }
        }
        throw new AssertionError("no " + label + " line in:\n" + text);
    }
}
