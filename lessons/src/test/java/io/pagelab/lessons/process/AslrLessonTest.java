package io.pagelab.lessons.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.lessons.LessonOutput;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the aslr lesson once and checks it against linux-reference.md §6.1-§6.4: the ASLR-off
 * addresses exactly, and for the seeded runs the ranges the formulas allow (28 bits of pages for
 * mmap_base and the PIE, 22 for the stack, a 1 GiB page-granular window for the heap).
 */
class AslrLessonTest {

    private static final long TASK_SIZE = 0x7ffffffff000L;
    private static String output;

    @BeforeAll
    static void runTheLesson() {
        output = LessonOutput.of(new AslrLesson());
    }

    @Test
    void withAslrOffTheLayoutIsTheOneGdbShows() {
        // §6.1 PIE 0x555555554000; §6.4 brk right after bss (0x5000 into the image);
        // §6.2 mmap_base = TASK_SIZE - 128 MiB = 0x7ffff7fff000; the stack top is STACK_TOP
        assertThat(output).contains("│ PIE base    0x555555554000 ")
                .contains("│ start_brk   0x555555559000 ")
                .contains("│ mmap_base   0x7ffff7fff000 ")
                .contains("│ stack top   0x7ffffffff000 ")
                .contains("mmap_base = 0x7ffff7fff000.");
    }

    @Test
    void theRandomizedGapIsRlimitPlusStackRangePlusGuard() {
        // 8 MiB + (0x3fffff << 12) + 1 MiB = 0x800000 + 0x3fffff000 + 0x100000 = 0x4008ff000;
        // PAGE_ALIGN(0x7ffffffff000 - 0x4008ff000) = 0x7ffbff700000
        assertThat(output).contains("ASLR on: gap = 0x4008ff000, so mmap_base = 0x7ffbff700000 - rnd");
    }

    @Test
    void everySeededMmapBaseIsTwentyEightBitsOfPagesBelowTheTop() {
        List<long[]> runs = rows("mmap_base (0x[0-9a-f]+)   rnd = (0x[0-9a-f]+) +=");
        assertThat(runs).hasSize(3);
        for (long[] r : runs) {
            assertThat(0x7ffbff700000L - r[0]).isEqualTo(r[1]);
            assertThat(r[1] & 0xfff).isZero();
            assertThat(r[1] >>> 12).isLessThan(1L << 28);
        }
        assertThat(runs.get(0)[0]).isNotEqualTo(runs.get(1)[0]);
    }

    @Test
    void everySeededStackTopIsTwentyTwoBitsOfPagesBelowStackTop() {
        List<long[]> runs = rows("stack top (0x[0-9a-f]+) = 0x7ffffffff000");
        assertThat(runs).hasSize(3);
        for (long[] r : runs) {
            long pages = (TASK_SIZE - r[0]) >>> 12;
            assertThat(r[0] & 0xfff).isZero();
            assertThat(pages).isBetween(0L, 0x3fffffL);
        }
    }

    @Test
    void thePieMovesByUnderOneTibAndTheHeapByAPageToOneGib() {
        List<long[]> runs = rows("seed \\d +(0x[0-9a-f]+) +\\+(0x[0-9a-f]+) +(0x[0-9a-f]+)");
        assertThat(runs).hasSize(3);
        for (long[] r : runs) {
            assertThat(r[0] - 0x555555554000L).isEqualTo(r[1]);
            assertThat(r[1]).isLessThan(1L << 40);
            // §6.4 (6.9+): randomize_page(PAGE_ALIGN(bss end) + PAGE_SIZE, SZ_1G)
            assertThat(r[2]).isBetween(0x1000L, (1L << 30) + 0x1000 - 1);
            assertThat(r[2] & 0xfff).isZero();
        }
        assertThat(output).contains("│ ASLR off  0x555555554000  +0x0            0x0\n");
    }

    @Test
    void theEntropyTableGivesBitsAndRanges() {
        assertThat(output).contains("(rnd & (2^28-1)) << 12 below TASK_SIZE-gap     28  1 TiB")
                .contains("(rnd & 0x3fffff) << 12 below STACK_TOP         22  16 GiB")
                .contains("randomize_page(bss end + 4 KiB, 1 GiB)         18  1 GiB");
    }

    private static List<long[]> rows(String regex) {
        Matcher m = Pattern.compile(regex).matcher(output);
        List<long[]> out = new ArrayList<>();
        while (m.find()) {
            long[] r = new long[m.groupCount()];
            for (int i = 0; i < r.length; i++) {
                r[i] = Long.parseUnsignedLong(m.group(i + 1).substring(2), 16);
            }
            out.add(r);
        }
        return out;
    }

    @Test
    void everyLineFitsNinetyColumns() {
        assertThat(LessonOutput.tooWide(output)).isEmpty();
    }

    @Test
    void runningTwiceGivesTheSameText() {
        assertThat(LessonOutput.of(new AslrLesson())).isEqualTo(output);
    }
}
