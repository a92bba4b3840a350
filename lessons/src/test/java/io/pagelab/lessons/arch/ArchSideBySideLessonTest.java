package io.pagelab.lessons.arch;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.lessons.Lesson;
import io.pagelab.lessons.LessonContext;
import io.pagelab.lessons.Lessons;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the "arch" lesson once, without colour, and checks the numbers it must show. Every
 * expected value is worked out by hand in the comment above it, from the bit layouts of
 * linux-reference.md §1 (x86-64), arch/arm64/include/asm/pgtable-hwdef.h and pgtable-prot.h
 * (arm64) and arch/riscv/include/asm/pgtable-bits.h (RISC-V). The program: text 0x400000 →
 * pfn 0x12345 r-x user, data 0x601000 → pfn 0x23456 rw- user, kernel page PAGE_OFFSET +
 * 0x2000000 → pfn 0x2000 rw- kernel; table frames from 0x100000 up.
 */
class ArchSideBySideLessonTest {

    private static String output;
    /** The output with every run of spaces squeezed to one, so table checks ignore column widths. */
    private static String squeezed;

    @BeforeAll
    static void runTheLesson() {
        output = run();
        squeezed = output.replaceAll(" +", " ");
    }

    private static String run() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new ArchSideBySideLesson().run(LessonContext.plain(new PrintStream(bytes, true, StandardCharsets.UTF_8)));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theLessonIsRegisteredUnderItsId() {
        assertThat(Lessons.find("arch")).map(Lesson::questions).contains(List.of("q12", "q13"));
    }

    @Test
    void theInterfaceGivesTheSameAnswersOnAllThreeMachines() {
        // lookup of 0x601a38 finds the data page: pfn 0x23456, rw- user ("rw-u");
        // translate: (0x23456 << 12) | 0xa38 = 0x23456a38
        assertThat(squeezed).contains("lookup(0x601a38) rw-u pfn 0x23456 rw-u pfn 0x23456 rw-u pfn 0x23456")
                .contains("translate(0x601a38) 0x23456a38 0x23456a38 0x23456a38")
                .contains("lookup(0x400000) r-xu pfn 0x12345 r-xu pfn 0x12345 r-xu pfn 0x12345")
                .contains("lookup(kernel page) rw-k pfn 0x2000 rw-k pfn 0x2000 rw-k pfn 0x2000");
    }

    @Test
    void theTableCountsShowOneRootOnX86TwoOnArm64AndOneLevelLessOnSv39() {
        // x86-64: PML4 + PDPT + PD + two PTs (0x400000 is PD index 2, 0x601000 PD index 3)
        //         + PDPT, PD, PT for the kernel page = 1 + 4 + 3 = 8
        // arm64:  two level 0 roots (TTBR0, TTBR1) + L1, L2, two L3 + L1, L2, L3 = 2 + 4 + 3 = 9
        // Sv39:   root + L1 + two L0 (VPN[1] 2 and 3) + L1, L0 for the kernel page = 1 + 3 + 2 = 6
        assertThat(squeezed).contains("page-table pages 8 9 6");
    }

    @Test
    void theUserAddressSplitsTheSameWayBelowTheTopLevel() {
        // 0x601a38: bits 47..39 = 0, 38..30 = 0, 29..21 = 0x601a38 >> 21 = 3,
        // 20..12 = 0x601 & 0x1ff = 1, offset 0xa38; Sv39 has no level above bit 38
        assertThat(squeezed).contains("x86-64 0x0000000000601a38 PML4 0 PDPT 0 PD 3 PT 1 0xa38")
                .contains("arm64 0x0000000000601a38 L0 0 L1 0 L2 3 L3 1 0xa38")
                .contains("Sv39 0x0000000000601a38 (sign) VPN[2] 0 VPN[1] 3 VPN[0] 1 0xa38");
    }

    @Test
    void theKernelPageLandsInEachArchitecturesUpperHalf() {
        // x86: 0xffff888002000000 bits 47..39 = 0x888002000000 >> 39 = 0x111 = 273; PD = 0x2000000 >> 21 = 16
        // arm64: 0xffff000002000000 bits 47..39 = 0 (of the TTBR1 tree); L2 = 16
        // Sv39: 0xffffffd602000000 bits 38..30 = (0xd602000000 >> 30) & 511 = 0x358 & 0x1ff = 344
        assertThat(squeezed).contains("x86-64 0xffff888002000000 PML4 273 PDPT 0 PD 16 PT 0 0x000")
                .contains("arm64 0xffff000002000000 L0 0 L1 0 L2 16 L3 0 0x000")
                .contains("Sv39 0xffffffd602000000 (sign) VPN[2] 344 VPN[1] 16 VPN[0] 0 0x000");
    }

    @Test
    void theRawLeavesAreTheFrameOredWithEachArchitecturesBits() {
        // x86 text: 0x12345000 | P 0x1 | U/S 0x4 = ...005 (executable: no NX)
        // x86 data: 0x23456000 | P | R/W 0x2 | U/S = ...007, | NX bit 63
        // x86 kernel: 0x2000000 | P | R/W | G 0x100 | NX = 0x8000000002000103 (A, D left clear by pagelab)
        // arm64 text: PAGE_READONLY_EXEC = 0x0020000000000fc3 (PXN | nG | AF | SH | AP=11 | page)
        // arm64 data: PAGE_SHARED = 0x0068000000000fc3 (+ UXN bit 54, DBM bit 51)
        // arm64 kernel: PAGE_KERNEL = 0x0068000000000703 (PXN | UXN | DBM | AF | SH | page)
        // Sv39: pfn << 10 | flags: 0x12345 << 10 = 0x48d1400 | V R X U A (0x5b);
        //       0x23456 << 10 = 0x8d15800 | V R W U A (0x57); 0x2000 << 10 = 0x800000 | PAGE_KERNEL 0xe7
        assertThat(squeezed).contains("text r-x user 0x0000000012345005 0x0020000012345fc3 0x00000000048d145b")
                .contains("data rw- user 0x8000000023456007 0x0068000023456fc3 0x0000000008d15857")
                .contains("kernel rw- kernel 0x8000000002000103 0x0068000002000703 0x00000000008000e7");
    }

    @Test
    void theBitTableReadsTheDataPageQuestionByQuestion() {
        // from the data entries above: x86 0x...007, arm64 0x0068...fc3, Sv39 0x8d15857
        assertThat(squeezed).contains("present/valid P(0)=1 valid(0)=1 V(0)=1")
                .contains("user may access U/S(2)=1 AP[1](6)=1 U(4)=1")
                .contains("writable R/W(1)=1 AP[2](7)=1 read-only W(2)=1")
                .contains("DBM(51)=1 Linux: PTE_WRITE")
                .contains("execute NX(63)=1 no-exec UXN(54)=1 PXN(53)=1 X(3)=0")
                .contains("accessed A(5)=0 AF(10)=1 A(6)=1")
                .contains("dirty D(6)=0 AP[2]=1: clean D(7)=0")
                .contains("frame number 0x23456 0x23456 0x23456");
    }

    @Test
    void oneStoreSetsDirtyInThreeDifferentWays() {
        // x86: the CPU sets A (0x20) and D (0x40): 0x07 -> 0x67
        // arm64 with TCR_EL1.HD: AP[2] (0x80) cleared through DBM: 0xfc3 -> 0xf43
        // Sv39 with Svadu: A already set, D (0x80) set: 0x57 -> 0xd7
        assertThat(squeezed).contains("x86-64 0x8000000023456007 → 0x8000000023456067 CPU set A and D")
                .contains("arm64 0x0068000023456fc3 → 0x0068000023456f43 CPU cleared AP[2] (hardware dirty)")
                .contains("Sv39 0x0000000008d15857 → 0x0000000008d158d7 hart set D (Svadu)");
    }

    @Test
    void theRegistersPointAtTheTopTablesWithTheContextTag() {
        // first pool frame 0x100000 is each machine's first root; arm64's second root (TTBR1) is 0x101000
        // CR3 = 0x100000 | PCID 1; TTBR0 = 1 << 48 | 0x100000;
        // satp = MODE 8 << 60 | ASID 1 << 44 | PPN 0x100 = 0x8000100000000100
        assertThat(squeezed).contains("CR3 0x0000000000100001")
                .contains("TTBR0_EL1 0x0001000000100000")
                .contains("TTBR1_EL1 0x0000000000101000")
                .contains("satp 0x8000100000000100");
        // the user entries sit at index 0 everywhere; the kernel's at PML4 273 and VPN[2] 344 (upper half)
        assertThat(squeezed).contains("[273] 0x").contains("[344] 0x").contains("kernel half")
                .contains("PXNTable").contains("UXNTable");
    }

    @Test
    void aUserWriteToTextIsReportedInEachArchitecturesRegisters() {
        // x86: present (P 1) + write (W 2) + user (U 4) = 0x7 (linux-reference.md §1.3: COW-style 0x7)
        // arm64: EC 0x24 << 26 = 0x90000000 | IL 0x2000000 | WnR 0x40 | FSC 0x0f (level 3 permission) = 0x9200004f
        // RISC-V: store/AMO page fault = scause 15
        assertThat(squeezed).contains("CR2 = 0x400000 error code 0x0007 = P W U")
                .contains("ESR_EL1 = 0x9200004f")
                .contains("EC 0x24: DABT (lower EL), WnR = 1, FSC 0x0f: level 3 permission fault")
                .contains("store/AMO page fault stval = 0x400000 scause = 15")
                .contains("segfault at 400000 ... error 7");
    }

    @Test
    void aKernelNullDereferencePrintsEachKernelsOops() {
        // x86 show_fault_oops() (linux-reference.md §14.4): supervisor read, not present = error code 0
        assertThat(output).contains("dmesg│ BUG: kernel NULL pointer dereference, address: 0000000000000000")
                .contains("dmesg│ #PF: supervisor read access in kernel mode")
                .contains("dmesg│ #PF: error_code(0x0000) - not-present page");
        // arm64: the walk TTBR0 L0[0] -> L1[0] -> L2[0] finds L2[0] empty (the program uses L2 2 and 3):
        // EC 0x25 << 26 = 0x94000000 | IL 0x2000000 | FSC 0x06 (level 2 translation) = 0x96000006
        assertThat(output).contains("Unable to handle kernel NULL pointer dereference at virtual address")
                .contains("ESR = 0x0000000096000006")
                .contains("FSC = 0x06: level 2 translation fault");
        // RISC-V: S-mode touching a user-half address with SUM clear; load page fault = cause 13 = 0xd
        assertThat(output).contains("Unable to handle kernel access to user memory without uaccess routines")
                .contains("badaddr: 0000000000000000 cause: 000000000000000d");
        // all three stopped at Linux's pmd: x86 PD, arm64 level 2, Sv39 level 1
        assertThat(squeezed).contains("x86 at PDE[0], arm64 at level 2 index 0, Sv39 at level 1")
                .contains("which Linux calls the pmd on all three");
    }

    @Test
    void theFoldingTableGivesEachModesSplitAndLinuxLevels() {
        // 32-bit: 1024-entry tables = 10 bits; PAE: 4-entry PDPT = 2 bits, then 9 + 9; 64-bit: 9 per level
        assertThat(squeezed).contains("x86 32-bit 10/10/12 PD · · · PT")
                .contains("x86 PAE 2/9/9/12 PDPT · · PD PT")
                .contains("x86-64 4-level 9/9/9/9/12 PML4 · PDPT PD PT")
                .contains("x86-64 5-level 9/9/9/9/9/12 PML5 PML4 PDPT PD PT")
                .contains("arm64 4K, 48-bit 9/9/9/9/12 L0 · L1 L2 L3")
                .contains("RISC-V Sv39 9/9/9/12 L2 · · L1 L0");
    }

    @Test
    void aTwoMibPageEndsTheWalkAtThePmdOnAllThree() {
        // map(0x800000, pfn 0x40000, 2 MiB, rw- user): index 4 at the pmd level (0x800000 >> 21 = 4)
        // x86 PDE: 0x40000000 | P | R/W | U/S | PS 0x80 | NX = 0x8000000040000087
        // arm64 block: PAGE_SHARED bits with type 01 instead of 11: 0x0068000040000fc1
        // Sv39: 0x40000 << 10 = 0x10000000 | 0x57 = 0x10000057
        assertThat(squeezed).contains("x86-64 PD[4] 0x8000000040000087 PS(7)=1")
                .contains("arm64 L2[4] 0x0068000040000fc1 bits 1:0 = 01")
                .contains("Sv39 L1[4] 0x0000000010000057 R W X = 1 1 0");
        // 0x8abcde = 0x800000 + 0xabcde -> 0x40000000 + 0xabcde
        assertThat(squeezed).contains("translate(0x8abcde) = 0x400abcde / 0x400abcde / 0x400abcde");
    }

    @Test
    void theSummaryCoversBothQuestions() {
        assertThat(output).contains("q12 ").contains("q13 ");
    }

    @Test
    void everyLineFitsInNinetyColumns() {
        // a CJK character takes two columns on a terminal
        List<String> tooWide = output.lines().filter(line -> columns(line) > 90).collect(Collectors.toList());

        assertThat(tooWide).as("lines wider than 90 columns").isEmpty();
    }

    @Test
    void runningTwiceGivesTheSameText() {
        assertThat(run()).isEqualTo(output);
    }

    private static int columns(String line) {
        return line.codePoints().map(cp -> isWide(cp) ? 2 : 1).sum();
    }

    private static boolean isWide(int cp) {
        Character.UnicodeBlock block = Character.UnicodeBlock.of(cp);
        return block == Character.UnicodeBlock.CJK_UNIFIED_IDEOGRAPHS
                || block == Character.UnicodeBlock.CJK_SYMBOLS_AND_PUNCTUATION
                || block == Character.UnicodeBlock.HALFWIDTH_AND_FULLWIDTH_FORMS;
    }
}
