package io.pagelab.questions.q56;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import io.pagelab.questions.q56.ProcPidMaps.Area;
import io.pagelab.questions.q56.ProcPidMaps.MappedFile;
import io.pagelab.questions.q56.ProcPidMaps.MapsLine;
import io.pagelab.questions.q56.ProcPidMaps.MmLayout;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q56 如何查看进程内存映射信息？ How to view a process's mappings?
 *
 * <p>Expected lines are real output. {@code cat-self-maps-aslr-off.txt} (next to this class) is
 * {@code setarch x86_64 -R cat /proc/self/maps} captured on Linux 6.18 (glibc, x86-64), byte for byte,
 * including the trailing space of unnamed lines. The 32-bit lines are from the seed's i386 ptmalloc
 * example (seed digest Appendix A11). The format is fs/proc/task_mmu.c show_map_vma() (linux-reference
 * §6.6): width 25 + 6 * sizeof(void *) - 1, then one space, so names start at column 73 or 49.
 */
@Grader(id = "q56")
@DisplayName("Q56 /proc/pid/maps: render, name rules, parse")
class ProcPidMapsTest {

    /** The capture's heap is 555555560000-555555581000 (glibc's first 0x21000 sbrk). */
    static final MmLayout CAT_MM = new MmLayout(0x555555560000L, 0x555555581000L, 0x7fffffffe4b0L);
    static final MappedFile LIBC = new MappedFile("/usr/lib/x86_64-linux-gnu/libc.so.6", 0xfe, 0, 339380);
    static final int RW = ProcPidMaps.VM_READ | ProcPidMaps.VM_WRITE;

    static String capture() throws IOException {
        try (InputStream in = ProcPidMapsTest.class.getResourceAsStream("cat-self-maps-aslr-off.txt")) {
            assertThat(in).as("test resource cat-self-maps-aslr-off.txt").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    /** Rebuilds the area a parsed line came from (the test's own reading of the format). */
    static Area areaOf(MapsLine m) {
        int flags = (m.perms().charAt(0) == 'r' ? ProcPidMaps.VM_READ : 0)
                | (m.perms().charAt(1) == 'w' ? ProcPidMaps.VM_WRITE : 0)
                | (m.perms().charAt(2) == 'x' ? ProcPidMaps.VM_EXEC : 0)
                | (m.perms().charAt(3) == 's' ? ProcPidMaps.VM_MAYSHARE : 0);
        String name = m.pathname();
        if (name.startsWith("/")) {
            return new Area(m.start(), m.end(), flags, m.offset() >>> 12,
                    new MappedFile(name, m.major(), m.minor(), m.inode()), null, null);
        }
        boolean derived = name.isEmpty() || name.equals("[heap]") || name.equals("[stack]");
        return new Area(m.start(), m.end(), flags, m.start() >>> 12, null, derived ? null : name, null);
    }

    @Test
    @Points(2)
    @Hint("An anonymous area without a name prints offset 00000000, device 00:00 and inode 0, then the "
            + "space that always follows the inode, and the newline: no padding.")
    void anAnonymousUnnamedLineEndsWithInodeZeroAndASpace() {
        Area a = Area.anonymous(0x7ffff7d50000L, 0x7ffff7d72000L, RW);
        assertThat(ProcPidMaps.line(a, CAT_MM, 8)).as("line of an unnamed anonymous area")
                .isEqualTo("7ffff7d50000-7ffff7d72000 rw-p 00000000 00:00 0 \n");
    }

    @Test
    @Points(3)
    @Hint("The offset column is in bytes: pgoff << 12 (0x26 pages -> 00026000). Hex is lower case with at "
            + "least 8 digits (2 for the device numbers). Pad with spaces to 72 characters, add one space, "
            + "then the path: it starts at column 73.")
    void aFileLineShowsTheOffsetInBytesAndTheNameAtColumn73() {
        Area text = new Area(0x7ffff7dfb000L, 0x7ffff7f51000L, ProcPidMaps.VM_READ | ProcPidMaps.VM_EXEC, 0x26,
                LIBC, null, null);
        String line = ProcPidMaps.line(text, CAT_MM, 8);
        assertThat(line).as("libc's text line").isEqualTo("7ffff7dfb000-7ffff7f51000 r-xp 00026000 fe:00 339380"
                + "                     /usr/lib/x86_64-linux-gnu/libc.so.6\n");
        assertThat(line.indexOf('/')).as("column of the path").isEqualTo(73);
    }

    @Test
    @Points(2)
    @Hint("The fourth character is 's' when VM_MAYSHARE is set (a MAP_SHARED mapping, even of a file opened "
            + "read-only, which clears VM_SHARED but keeps VM_MAYSHARE), else 'p' for private.")
    void theFourthCharacterFollowsVmMayshare() {
        Area cache = new Area(0x7ffff7fb8000L, 0x7ffff7fbf000L, ProcPidMaps.VM_READ | ProcPidMaps.VM_MAYSHARE, 0,
                new MappedFile("/usr/lib/x86_64-linux-gnu/gconv/gconv-modules.cache", 0xfe, 0, 338846), null, null);
        assertThat(ProcPidMaps.line(cache, CAT_MM, 8)).as("gconv-modules.cache line").isEqualTo(
                "7ffff7fb8000-7ffff7fbf000 r--s 00000000 fe:00 338846                     "
                        + "/usr/lib/x86_64-linux-gnu/gconv/gconv-modules.cache\n");
        Area guard = Area.anonymous(0x7ffff7e00000L, 0x7ffff7e01000L, 0);
        assertThat(ProcPidMaps.line(guard, CAT_MM, 8)).as("PROT_NONE guard page line")
                .isEqualTo("7ffff7e00000-7ffff7e01000 ---p 00000000 00:00 0 \n");
    }

    @Test
    @Points(4)
    @Hint("get_vma_name order: file path, special name, [heap] (area overlaps [start_brk, brk)), [stack] "
            + "(area holds start_stack: only the main thread's stack), [anon:NAME], else no name.")
    void namesFollowGetVmaNameOrder() {
        Area heap = Area.anonymous(0x555555560000L, 0x555555581000L, RW);
        assertThat(ProcPidMaps.vmaName(heap, CAT_MM)).as("name of the brk area").isEqualTo("[heap]");
        // the break need not be page aligned: start_brk + 100 still makes the first page the heap
        assertThat(ProcPidMaps.vmaName(Area.anonymous(0x555555560000L, 0x555555561000L, RW),
                new MmLayout(0x555555560000L, 0x555555560064L, 0x7fffffffe4b0L))).as("one-page heap").isEqualTo("[heap]");
        Area stack = Area.anonymous(0x7ffffffde000L, 0x7ffffffff000L, RW | ProcPidMaps.VM_GROWSDOWN);
        assertThat(ProcPidMaps.vmaName(stack, CAT_MM)).as("name of the main stack").isEqualTo("[stack]");
        Area threadStack = Area.anonymous(0x7ffff75ff000L, 0x7ffff7dff000L, RW);
        assertThat(ProcPidMaps.vmaName(threadStack, CAT_MM)).as("name of a thread's stack").isNull();
        Area vdso = new Area(0x7ffff7fc8000L, 0x7ffff7fca000L, ProcPidMaps.VM_READ | ProcPidMaps.VM_EXEC,
                0x7ffff7fc8L, null, "[vdso]", null);
        assertThat(ProcPidMaps.vmaName(vdso, CAT_MM)).as("name of the vdso").isEqualTo("[vdso]");
        Area arena = new Area(0x7ffff0000000L, 0x7ffff0021000L, RW, 0x7ffff0000L, null, null, "glibc: malloc arena");
        assertThat(ProcPidMaps.vmaName(arena, CAT_MM)).as("name of a named anonymous area")
                .isEqualTo("[anon:glibc: malloc arena]");
        Area namedHeap = new Area(0x555555560000L, 0x555555581000L, RW, 0x555555560L, null, null, "x");
        assertThat(ProcPidMaps.vmaName(namedHeap, CAT_MM)).as("[heap] comes before [anon:...]").isEqualTo("[heap]");
        Area file = new Area(0x555555560000L, 0x555555561000L, RW, 0, LIBC, null, null);
        assertThat(ProcPidMaps.vmaName(file, CAT_MM)).as("a file in the heap range keeps its path")
                .isEqualTo(LIBC.path());
    }

    @Test
    @Points(3)
    @Hint("On 32-bit the width is 25 + 4 * 6 - 1 = 48, so names start at column 49. A header already longer "
            + "than the width gets no padding, only the one space.")
    void theNameColumnDependsOnThePointerSize() {
        MappedFile mthread = new MappedFile("/home/sploitfun/ptmalloc.ppt/mthread/mthread", 8, 1, 539625);
        MmLayout i386 = new MmLayout(0x0804b000L, 0x0806c000L, 0xbffff000L);
        // seed digest Appendix A11 (i386, no ASLR)
        assertThat(ProcPidMaps.line(new Area(0x08048000L, 0x08049000L, ProcPidMaps.VM_READ | ProcPidMaps.VM_EXEC, 0,
                mthread, null, null), i386, 4)).as("32-bit text line")
                .isEqualTo("08048000-08049000 r-xp 00000000 08:01 539625     /home/sploitfun/ptmalloc.ppt/mthread/mthread\n");
        assertThat(ProcPidMaps.line(new Area(0x0804a000L, 0x0804b000L, RW, 1, mthread, null, null), i386, 4))
                .as("32-bit data line")
                .isEqualTo("0804a000-0804b000 rw-p 00001000 08:01 539625     /home/sploitfun/ptmalloc.ppt/mthread/mthread\n");
        assertThat(ProcPidMaps.line(Area.anonymous(0x0804b000L, 0x0806c000L, RW), i386, 4)).as("32-bit heap line")
                .isEqualTo("0804b000-0806c000 rw-p 00000000 00:00 0          [heap]\n");
        // 49 characters before the name: longer than 48, so only the one space is added
        assertThat(ProcPidMaps.line(new Area(0x08048000L, 0x08049000L, ProcPidMaps.VM_READ, 0,
                new MappedFile("/bin/x", 8, 1, 1234567890L), null, null), i386, 4)).as("32-bit line with a long inode")
                .isEqualTo("08048000-08049000 r--p 00000000 08:01 1234567890  /bin/x\n");
        // 64-bit: the vsyscall page, addresses above 2^63
        Area vsyscall = new Area(0xffffffffff600000L, 0xffffffffff601000L, ProcPidMaps.VM_EXEC, 0xffffffffff600L,
                null, "[vsyscall]", null);
        assertThat(ProcPidMaps.line(vsyscall, CAT_MM, 8)).as("vsyscall line")
                .isEqualTo("ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]\n");
    }

    @Test
    @Points(3)
    @Hint("Split off start-end, perms, offset (hex), major:minor (hex), inode (decimal); the pathname is the "
            + "rest without the padding spaces, \"\" if nothing is left, and may contain spaces. Addresses can "
            + "exceed Long.MAX_VALUE: parse them unsigned.")
    void parseReadsEveryField() {
        assertThat(ProcPidMaps.parse("7ffff7dfb000-7ffff7f51000 r-xp 00026000 fe:00 339380                     "
                + "/usr/lib/x86_64-linux-gnu/libc.so.6\n")).as("parse of libc's text line").isEqualTo(new MapsLine(
                0x7ffff7dfb000L, 0x7ffff7f51000L, "r-xp", 0x26000, 0xfe, 0, 339380, LIBC.path()));
        assertThat(ProcPidMaps.parse("7ffff7d50000-7ffff7d72000 rw-p 00000000 00:00 0 \n"))
                .as("parse of an unnamed line").isEqualTo(new MapsLine(
                0x7ffff7d50000L, 0x7ffff7d72000L, "rw-p", 0, 0, 0, 0, ""));
        assertThat(ProcPidMaps.parse("ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]"))
                .as("parse of the vsyscall line").isEqualTo(new MapsLine(
                0xffffffffff600000L, 0xffffffffff601000L, "--xp", 0, 0, 0, 0, "[vsyscall]"));
        assertThat(ProcPidMaps.parse("7ffff7ff0000-7ffff7ff1000 rw-s 00000000 00:01 2049                       "
                + "/memfd:my buf (deleted)").pathname()).as("pathname with spaces").isEqualTo("/memfd:my buf (deleted)");
    }

    @Test
    @Points(2)
    @Hint("A line that does not have the shape start-end perms offset dev inode [name] is refused with "
            + "InvalidArgumentException, never an index or number-format error.")
    void parseRefusesLinesOfAnotherShape() {
        for (String bad : new String[] {"", "hello", "7ffff7d50000 7ffff7d72000 rw-p 00000000 00:00 0",
                "7ffff7d50000-7ffff7d72000 rw-q 00000000 00:00 0", "7ffff7d50000-7ffff7d72000 rw-p 00000000 00:00 x"}) {
            assertThat(catchThrowable(() -> ProcPidMaps.parse(bad))).as("parse of \"%s\"", bad)
                    .isInstanceOf(InvalidArgumentException.class);
        }
    }

    @Test
    @Points(4)
    @Hint("Parse every line of a real /proc/self/maps, rebuild its area, render it again: the bytes must be "
            + "identical, trailing space of unnamed lines included.")
    void aRealMapsFileRoundTripsByteForByte() throws IOException {
        String file = capture();
        List<String> lines = new ArrayList<>(List.of(file.split("(?<=\n)")));
        assertThat(lines).as("lines of the capture").hasSize(38);
        StringBuilder again = new StringBuilder();
        for (String l : lines) {
            again.append(ProcPidMaps.line(areaOf(ProcPidMaps.parse(l)), CAT_MM, 8));
        }
        assertThat(again.toString()).as("the capture parsed and rendered again").isEqualTo(file);
    }
}
