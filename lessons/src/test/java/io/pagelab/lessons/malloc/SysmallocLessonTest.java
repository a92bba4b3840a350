package io.pagelab.lessons.malloc;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.lessons.LessonOutput;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the sysmalloc lesson once and checks what it must show. sysmalloc, systrim and the
 * dynamic threshold: linux-reference.md §5.7-§5.8; request2size: §5.1; placement of an mmap
 * top-down below [vvar] at 0x7ffff7ff9000: §6.3 (as in BrkMmapLessonTest); start_brk
 * 0x555555559000. The arithmetic is in the comments.
 */
class SysmallocLessonTest {

    private static String output;

    @BeforeAll
    static void runTheLesson() {
        output = LessonOutput.of(new SysmallocLesson());
    }

    @Test
    void theFirstMallocGrowsTheHeapBy0x21000() {
        // 0x290 + 0x20000 + 0x20 = 0x202b0 -> 0x21000; 0x555555559000 + 0x21000
        assertThat(output).contains("brk(0) = 0x55555557a000: the heap grew by 0x21000.")
                .contains("555555559000-55555557a000 rw-p 00000000 00:00 0");
    }

    @Test
    void aSecondHundredKilobytesExtendsTheSameHeapVma() {
        // request2size(100000) = 0x186b0; top 0x21000 - 0x290 - 0x20 - 0x186b0 = 0x86a0;
        // 0x186b0 + 0x20000 + 0x20 - 0x86a0 = 0x30030 -> 0x31000; 0x55555557a000 + 0x31000
        assertThat(output).contains("left with 0x86a0, the break did not move (0x55555557a000).")
                .contains("0x186b0 + 0x20000 + 0x20 - 0x86a0 = 0x30030,")
                .contains("page-rounded 0x31000. brk(0) = 0x5555555ab000")
                .contains("555555559000-5555555ab000 rw-p 00000000 00:00 0                          [heap]");
    }

    @Test
    void twoHundredThousandBytesGetTheirOwnMappingBelowVvar() {
        // ALIGN_UP(200016 + 8, 4096) = 0x31000; 0x7ffff7ff9000 - 0x31000 = 0x7ffff7fc8000
        assertThat(output).contains("m1 = 0x7ffff7fc8010 = the mapping + 0x10")
                .contains("0x7ffff7fc8000:  0x0000000000000000  0x0000000000031002")
                .contains("  7ffff7fc8000-7ffff7ff9000 rw-p 00000000 00:00 0\n");
    }

    @Test
    void aRequestAtTheThresholdIsServedFromTopWhenTopIsBigEnough() {
        // request2size(131049) = 0x20000; top after b2 = 0x5555555ab000 - 0x55555558a010 = 0x20ff0
        assertThat(output).contains("but top has 0x20ff0:")
                .contains("c1 = malloc(131049) = 0x55555558a020   from the heap");
    }

    @Test
    void freeingAnMmappedChunkRaisesTheThresholds() {
        // chunksize 0x31000 > 0x20000 -> threshold 0x31000, trim 0x62000; then 0x4a000 / 0x94000
        assertThat(output).contains("mmap_threshold = 0x31000   trim_threshold = 0x62000")
                .contains("mmap_threshold = 0x4a000   trim_threshold = 0x94000");
    }

    @Test
    void belowTheRaisedThresholdTheSameRequestGrowsTheHeap() {
        // top 0xff0 at 0x5555555aa010; 0x30d50 + 0x20000 + 0x20 - 0xff0 = 0x4fd80 -> 0x50000
        assertThat(output).contains("m2 = 0x5555555aa020, brk 0x5555555ab000 → 0x5555555fb000.")
                // ALIGN_UP(300016 + 8, 4096) = 0x4a000; 0x7ffff7ff9000 - 0x4a000
                .contains("0x7ffff7faf010 in a mapping of 0x4a000 below [vvar]:");
    }

    @Test
    void freeDoesNotTrimBelowTheTrimThresholdButMallocTrimDoes() {
        // top 0x5555555fb000 - (0x5555555aa010 + 0x30d50) = 0x202a0; + 0x30d50 = 0x50ff0 < 0x94000.
        // systrim(0): ALIGN_DOWN(0x50ff0 - 0x21, 4096) = 0x50000; 0x5555555fb000 - 0x50000
        assertThat(output).contains("0x30d50 = 0x50ff0.")
                .contains("brk stays 0x5555555fb000.")
                .contains("released = page-rounded down = 0x50000")
                .contains("brk 0x5555555fb000 → 0x5555555ab000, top 0x5555555aa010 now 0xff0 bytes");
    }

    @Test
    void everyLineFitsNinetyColumns() {
        assertThat(LessonOutput.tooWide(output)).isEmpty();
    }

    @Test
    void runningTwiceGivesTheSameText() {
        assertThat(LessonOutput.of(new SysmallocLesson())).isEqualTo(output);
    }
}
