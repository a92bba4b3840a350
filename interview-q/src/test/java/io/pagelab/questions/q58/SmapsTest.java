package io.pagelab.questions.q58;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import io.pagelab.questions.ProcSamples;
import io.pagelab.questions.q58.Smaps.Backing;
import io.pagelab.questions.q58.Smaps.MemSizeStats;
import io.pagelab.questions.q58.Smaps.Present;
import io.pagelab.questions.q58.Smaps.Pte;
import io.pagelab.questions.q58.Smaps.Swapped;
import io.pagelab.questions.q58.Smaps.Vma;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q58 如何查看进程内存片段映射详情？ How to view the detail of each mapping?
 *
 * <p>Expected values are the kernel's: fs/proc/task_mmu.c smaps_account() and __show_smap()
 * (linux-reference.md §6.7, Linux 6.x), the lecture notes' three-process PSS example (seed-digest
 * §3.1: PSS = 1/3 + 1/2 + 1 page, USS = the private page), and the real /proc/self/smaps of the
 * capture program in test resource q58/ (Linux 6.18, x86-64). The page states behind each captured
 * region are those pagelab_capture.c sets up; where the kernel did more than the program asked
 * (fault-around, fork not copying file ptes) the test says so.
 */
@Grader(id = "q58")
@DisplayName("Q58 /proc/pid/smaps: fixed-point PSS, shared/private, clean/dirty, the exact entry")
class SmapsTest {

    static final List<String> ANON_RW = List.of("rd", "wr", "mr", "mw", "me", "ac");

    static Present anon(int mapcount, boolean dirty) {
        return new Present(Backing.ANON, mapcount, dirty, true);
    }

    static Present file(int mapcount, boolean dirty) {
        return new Present(Backing.FILE, mapcount, dirty, true);
    }

    static Vma anonVma(long start, int pages, List<Pte> ptes, List<String> flags) {
        return new Vma(start, start + pages * 4096L, "rw-p", 0, 0, 0, 0, "", ptes, flags, false);
    }

    /** The given part of a captured region: its maps line, VmFlags and THPeligible, with our ptes. */
    static Vma captured(String region, List<Pte> ptes) {
        String entry = ProcSamples.smapsEntry(ProcSamples.start(region));
        String[] lines = entry.split("\n");
        String header = lines[0];
        String[] f = header.split(" +");
        String[] range = f[0].split("-");
        String[] dev = f[3].split(":");
        String name = header.length() > 73 ? header.substring(73) : "";
        List<String> flags = new ArrayList<>(Arrays.asList(lines[lines.length - 1].substring("VmFlags:".length())
                .trim().split(" +")));
        boolean thp = Arrays.stream(lines).anyMatch(l -> l.matches("THPeligible: +1"));
        return new Vma(Long.parseUnsignedLong(range[0], 16), Long.parseUnsignedLong(range[1], 16), f[1],
                Long.parseLong(f[2], 16), Integer.parseInt(dev[0], 16), Integer.parseInt(dev[1], 16),
                Long.parseLong(f[4]), name, ptes, flags, thp);
    }

    static String line(String entry, String label) {
        return Arrays.stream(entry.split("\n")).filter(l -> l.startsWith(label + ":")).findFirst()
                .orElseThrow(() -> new AssertionError("no " + label + " line in:\n" + entry));
    }

    @Test
    @Points(2)
    @Hint("PSS is kept in fixed point: bytes << 12. A page mapped once adds 4096 << 12 = 16777216; mapped by "
            + "N >= 2 processes it adds 16777216 / N with integer division (16777216 / 3 = 5592405). "
            + "A mapcount below 1 is a bad argument.")
    void eachPageAddsPageSizeShiftedLeft12DividedByItsMapcount() {
        assertThat(Smaps.pssDelta(1)).as("pssDelta(1) = 4096 << 12").isEqualTo(16_777_216L);
        assertThat(Smaps.pssDelta(2)).as("pssDelta(2)").isEqualTo(8_388_608L);
        assertThat(Smaps.pssDelta(3)).as("pssDelta(3): 16777216 / 3 truncated").isEqualTo(5_592_405L);
        assertThat(Smaps.pssDelta(7)).as("pssDelta(7): 16777216 / 7 truncated").isEqualTo(2_396_745L);
        assertThatThrownBy(() -> Smaps.pssDelta(0)).as("pssDelta(0)").isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    @Points(4)
    @Hint("The lecture notes' 3 processes: one page mapped by 3, one by 2, one private. Rss counts all 3 "
            + "pages; Pss adds 16777216/3 + 16777216/2 + 16777216 = 30758229 (about 7.3 KiB); pages mapped "
            + "twice or more are Shared_*, the page mapped once is Private_* (that is the USS).")
    void theLectureNotesThreeProcessExampleGivesRssPssAndUss() {
        Vma vma = anonVma(0x7f0000000000L, 3, List.of(anon(3, true), anon(2, true), anon(1, true)), ANON_RW);
        MemSizeStats s = Smaps.account(vma);
        assertThat(s.resident()).as("Rss bytes: 3 pages").isEqualTo(3 * 4096);
        assertThat(s.pss()).as("pss, fixed point: 5592405 + 8388608 + 16777216").isEqualTo(30_758_229L);
        assertThat(s.pssDirty()).as("pssDirty: every page is dirty").isEqualTo(30_758_229L);
        assertThat(s.sharedDirty()).as("Shared_Dirty bytes: the pages mapped 3 and 2 times").isEqualTo(8192);
        assertThat(s.privateDirty()).as("Private_Dirty bytes (the USS): the page mapped once").isEqualTo(4096);
        assertThat(s.sharedClean() + s.privateClean()).as("clean bytes").isZero();
        assertThat(s.anonymous()).as("Anonymous bytes").isEqualTo(3 * 4096);
        long uss = s.privateClean() + s.privateDirty();
        assertThat(s.resident() << Smaps.PSS_SHIFT).as("RSS >= PSS").isGreaterThanOrEqualTo(s.pss());
        assertThat(s.pss()).as("PSS >= USS").isGreaterThanOrEqualTo(uss << Smaps.PSS_SHIFT);
        // the same state, captured for real (region "cow": the two children each wrote some pages)
        String real = ProcSamples.smapsEntry(ProcSamples.start("cow"));
        String mine = Smaps.render(captured("cow", vma.ptes()));
        for (String label : List.of("Rss", "Pss", "Pss_Dirty", "Shared_Dirty", "Private_Dirty", "Anonymous")) {
            assertThat(line(mine, label)).as("%s line of the captured cow region", label).isEqualTo(line(real, label));
        }
    }

    @Test
    @Points(3)
    @Hint("Only the total is truncated: add each page's fixed-point share, then print pss >> 12 >> 10. Three "
            + "pages each mapped by 3 processes add 3 x 5592405 = 16777215, i.e. 4095 bytes: Linux prints "
            + "Pss 3 kB, not 4.")
    void pssIsPrintedFromTheFixedPointSumSoThreeThirdsOfAPageShowAs3kB() {
        // region "priv": pages 0..2 written before fork, inherited by both children: mapcount 3
        Vma vma = captured("priv", List.of(anon(3, true), anon(3, true), anon(3, true)));
        assertThat(Smaps.account(vma).pss()).as("pss of 3 pages each mapped 3 times").isEqualTo(16_777_215L);
        String real = ProcSamples.smapsEntry(ProcSamples.start("priv"));
        String mine = Smaps.render(vma);
        assertThat(line(mine, "Pss")).as("the real Pss line").isEqualTo(line(real, "Pss")).endsWith(" 3 kB");
        assertThat(line(mine, "Pss_Dirty")).as("the real Pss_Dirty line").isEqualTo(line(real, "Pss_Dirty"));
        assertThat(line(mine, "Shared_Dirty")).as("the real Shared_Dirty line").isEqualTo(line(real, "Shared_Dirty"));
    }

    @Test
    @Points(3)
    @Hint("Anonymous counts only anonymous pages: not file pages, not shmem (MAP_SHARED|MAP_ANONYMOUS is "
            + "shmem). Clean or dirty is the page's dirty flag; shared or private is mapcount >= 2 or not.")
    void cleanDirtySharedPrivateAndAnonymousFollowEachPage() {
        // region "cowf", a private writable file mapping: reading page 0 also mapped pages 2 and 3 (the
        // kernel's fault-around maps neighbours already in the page cache); writing page 1 made an anonymous copy
        Vma cowf = captured("cowf", List.of(file(1, false), anon(1, true), file(1, false), file(1, false)));
        MemSizeStats s = Smaps.account(cowf);
        assertThat(s.privateClean()).as("Private_Clean bytes of cowf: 3 file pages").isEqualTo(3 * 4096);
        assertThat(s.privateDirty()).as("Private_Dirty bytes of cowf: the anonymous copy").isEqualTo(4096);
        assertThat(s.anonymous()).as("Anonymous bytes of cowf").isEqualTo(4096);
        assertThat(s.pssDirty()).as("pssDirty of cowf").isEqualTo(16_777_216L);
        // region "shm": one shmem page written before fork; fork copies no pte of a shared mapping, so
        // the children never mapped it: mapcount 1, private dirty, and not anonymous
        Vma shm = captured("shm", List.of(new Present(Backing.SHMEM, 1, true, true)));
        assertThat(Smaps.account(shm).anonymous()).as("Anonymous bytes of a shmem page").isZero();
        assertThat(Smaps.account(shm).privateDirty()).as("Private_Dirty bytes of shm").isEqualTo(4096);
        // shared clean: a library page mapped by 5 processes
        Vma lib = anonVma(0x7f0000000000L, 2, List.of(file(5, false), file(1, false)), ANON_RW);
        assertThat(Smaps.account(lib).sharedClean()).as("Shared_Clean bytes: page mapped 5 times").isEqualTo(4096);
        assertThat(Smaps.account(lib).privateClean()).as("Private_Clean bytes: page mapped once").isEqualTo(4096);
        assertThat(Smaps.account(lib).anonymous()).as("Anonymous bytes of file pages").isZero();
    }

    @Test
    @Points(2)
    @Hint("A swap entry is not resident: it adds 4 KiB to Swap and (4096 << 12) / swapcount to SwapPss "
            + "(the whole page when the swap slot is used once), nothing to Rss.")
    void swapEntriesCountInSwapAndSwapPssButNotInRss() {
        Vma vma = anonVma(0x7f0000000000L, 4, List.of(new Swapped(1), new Swapped(3), anon(1, true)), ANON_RW);
        MemSizeStats s = Smaps.account(vma);
        assertThat(s.resident()).as("Rss bytes: only the present page").isEqualTo(4096);
        assertThat(s.swap()).as("Swap bytes: two swap entries").isEqualTo(8192);
        // 16777216 + 16777216 / 3 = 22369621 -> >> 12 = 5461 bytes -> 5 kB
        assertThat(s.swapPss()).as("swapPss, fixed point").isEqualTo(22_369_621L);
        String out = Smaps.render(vma);
        assertThat(line(out, "Swap")).as("Swap line").isEqualTo("Swap:                  8 kB");
        assertThat(line(out, "SwapPss")).as("SwapPss line").isEqualTo("SwapPss:               5 kB");
    }

    @Test
    @Points(2)
    @Hint("Locked is the PSS of a locked VMA (VmFlags has lo, VM_LOCKED), 0 otherwise.")
    void lockedIsThePssOfAnMlockedVma() {
        List<Pte> ptes = List.of(anon(2, true), anon(1, true));
        Vma locked = anonVma(0x7f0000000000L, 2, ptes, List.of("rd", "wr", "mr", "mw", "me", "lo", "ac"));
        // 8388608 + 16777216 = 25165824 -> 6144 bytes -> 6 kB
        assertThat(Smaps.account(locked).pssLocked()).as("pssLocked of an mlocked VMA").isEqualTo(25_165_824L);
        assertThat(line(Smaps.render(locked), "Locked")).as("Locked line").isEqualTo("Locked:                6 kB");
        Vma plain = anonVma(0x7f0000000000L, 2, ptes, ANON_RW);
        assertThat(Smaps.account(plain).pssLocked()).as("pssLocked without VM_LOCKED").isZero();
    }

    @Test
    @Points(4)
    @Hint("Print every field, in the kernel's order, even the zero ones: the label padded to 16 columns, "
            + "the kB value right-aligned in 8 columns, \" kB\". Private_Hugetlb's label is one wider, its "
            + "value 7 wide. Then THPeligible, then \"VmFlags: \" with a space after each flag.")
    void theEntryMatchesTheRealSmapsOfLinux6Line() {
        // each region's pages as pagelab_capture.c left them (see its comment):
        //   idle  never touched; file  4 clean file pages mapped once (fault-around; fork copies no
        //   file pte); the others as in the tests above
        assertThat(Smaps.render(captured("idle", List.of()))).as("smaps entry of the untouched region")
                .isEqualTo(ProcSamples.smapsEntry(ProcSamples.start("idle")));
        assertThat(Smaps.render(captured("file", List.of(file(1, false), file(1, false), file(1, false),
                file(1, false))))).as("smaps entry of the read-only file mapping")
                .isEqualTo(ProcSamples.smapsEntry(ProcSamples.start("file")));
        assertThat(Smaps.render(captured("cow", List.of(anon(3, true), anon(2, true), anon(1, true)))))
                .as("smaps entry of the copy-on-write region").isEqualTo(ProcSamples.smapsEntry(ProcSamples.start("cow")));
        assertThat(Smaps.render(captured("shm", List.of(new Present(Backing.SHMEM, 1, true, true)))))
                .as("smaps entry of the shared anonymous (shmem) region, named /dev/zero (deleted)")
                .isEqualTo(ProcSamples.smapsEntry(ProcSamples.start("shm")));
        assertThat(Smaps.render(captured("cowf", List.of(file(1, false), anon(1, true), file(1, false),
                file(1, false))))).as("smaps entry of the private writable file mapping")
                .isEqualTo(ProcSamples.smapsEntry(ProcSamples.start("cowf")));
    }

    @Test
    @Points(2)
    @Hint("The width 8 is a minimum: a 100 GiB mapping is 104857600 kB, nine digits, and the line just "
            + "gets longer. Rss and Pss are 0 when nothing is resident.")
    void valuesWiderThanEightColumnsPushTheLineLonger() {
        Vma huge = anonVma(0x7e0000000000L, 25 * 1024 * 1024, List.of(), ANON_RW);
        String out = Smaps.render(huge);
        assertThat(out).as("first lines of a 100 GiB untouched mapping").startsWith(
                "7e0000000000-7e1900000000 rw-p 00000000 00:00 0 \n"
                + "Size:           104857600 kB\n"
                + "KernelPageSize:        4 kB\n"
                + "MMUPageSize:           4 kB\n"
                + "Rss:                   0 kB\n"
                + "Pss:                   0 kB\n");
        assertThat(out).as("last lines").endsWith("Private_Hugetlb:       0 kB\n"
                + "Swap:                  0 kB\n"
                + "SwapPss:               0 kB\n"
                + "Locked:                0 kB\n"
                + "THPeligible:           0\n"
                + "VmFlags: rd wr mr mw me ac \n");
    }
}
