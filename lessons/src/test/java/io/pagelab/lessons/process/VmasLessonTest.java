package io.pagelab.lessons.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.lessons.LessonOutput;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the vmas lesson once and checks what it must show. Addresses come from
 * linux-reference.md §6.1-§6.3 (ELF_ET_DYN_BASE, mmap_base with ASLR off, top-down search) and
 * the maps format of §6.6; sizes are added up by hand in the comments.
 */
class VmasLessonTest {

    private static String output;

    @BeforeAll
    static void runTheLesson() {
        output = LessonOutput.of(new VmasLesson());
    }

    @Test
    void theProgramIsMappedAtTheSetarchRAddressesWithTheNameInColumn73() {
        // §6.1: PIE load bias 0x555555554000 with ASLR off; §6.6: name starts at column 73
        assertThat(output).contains("  555555555000-555555556000 r-xp 00001000 08:01 1234567"
                + "                    /usr/bin/hello\n");
        // §6.2: mmap_base = 0x7ffff7fff000; vvar (4 pages) + vdso (2 pages) just below it
        assertThat(output).contains("  7ffff7ffd000-7ffff7fff000 r-xp 00000000 00:00 0"
                + "                          [vdso]\n");
        // §6.4: the stack is 132 KiB = 0x21000 below 0x7ffffffff000
        assertThat(output).contains("  7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0"
                + "                          [stack]\n");
    }

    @Test
    void theToScaleBarPutsTheProgramAtTwoThirdsOfTheUserSpace() {
        // 0x555555554000 / 2 TiB per character = 42.67 -> character 42; the stack is in the last (63)
        assertThat(output).contains("│ " + "·".repeat(42) + "█" + "·".repeat(20) + "█\n");
        // 0x555555554000 bytes = 85.33 TiB; 0x7ffff7ff9000 - 0x555555559000 = 42.67 TiB
        assertThat(output).contains("000000000000-555555554000   ≈ 85.3 TiB (gap)")
                .contains("555555559000-7ffff7ff9000   ≈ 42.7 TiB (gap)");
        // VmSize: 4 + 4 + 4 + 8 (program) + 16 (vvar) + 8 (vdso) + 132 (stack) = 176 KiB
        assertThat(output).contains("use 176 KiB (VmSize)");
    }

    @Test
    void twoAnonymousMmapsGoRightBelowVvarAndMerge() {
        // §6.3 top-down: 0x7ffff7ff9000 - 0x3000, then 0x1000 below that; same flags -> one VMA
        assertThat(output).contains("mmap(NULL, 0x3000, ...) = 0x7ffff7ff6000   VMAs: 7 → 8")
                .contains("mmap(NULL, 0x1000, ...) = 0x7ffff7ff5000   VMAs: 8 → 8")
                .contains("  7ffff7ff5000-7ffff7ff9000 rw-p 00000000 00:00 0\n");
    }

    @Test
    void mprotectSplitsIntoThreeAndMunmapLeavesTwo() {
        assertThat(output).contains("  7ffff7ff5000-7ffff7ff6000 rw-p 00000000 00:00 0\n"
                + "  7ffff7ff6000-7ffff7ff7000 r--p 00000000 00:00 0\n"
                + "  7ffff7ff7000-7ffff7ff9000 rw-p 00000000 00:00 0\n");
        assertThat(output).contains("split at both ends of the range: VMAs 8 → 10")
                .contains("merge: VMAs 10 → 8")
                .contains("stays mapped: VMAs 8 → 9");
        assertThat(output).contains("  7ffff7ff5000-7ffff7ff6000 rw-p 00000000 00:00 0\n"
                + "  7ffff7ff7000-7ffff7ff9000 rw-p 00000000 00:00 0\n");
    }

    @Test
    void theSummaryCoversItsThreeQuestions() {
        assertThat(output).contains("q51 ").contains("q53 ").contains("q56 ");
    }

    @Test
    void everyLineFitsNinetyColumns() {
        assertThat(LessonOutput.tooWide(output)).isEmpty();
    }

    @Test
    void runningTwiceGivesTheSameText() {
        assertThat(LessonOutput.of(new VmasLesson())).isEqualTo(output);
    }
}
