package io.pagelab.lessons.buddy;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.lessons.LessonOutput;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Runs the watermarks lesson; expected values are derived by hand in the comments. */
class WatermarksLessonTest {

    private static String output;

    @BeforeAll
    static void runTheLesson() {
        output = LessonOutput.of(new WatermarksLesson());
    }

    @Test
    void minFreeKbytesIsTheIntegerSquareRootOfSixteenTimesLowmem() {
        // 128 MiB: DMA 3,840 + DMA32 18,903 managed = 22,743 pages = 90,972 kB (the boot line's
        // "90972K available"); 90,972 * 16 = 1,455,552; 1206^2 = 1,454,436 <= it < 1207^2 = 1,456,849
        assertThat(output).contains("128 MiB         22,743     90,972    1,455,552     1,206  1,206");
        // 4 GiB: 3,840 + 772,567 + 262,144 = 1,038,551 pages = 4,154,204 kB; * 16 = 66,467,264;
        // 8152^2 = 66,455,104 <= it < 8153^2 = 66,471,409
        assertThat(output).contains("4 GiB        1,038,551  4,154,204   66,467,264     8,152  8,152");
    }

    @Test
    void perZoneMarksFollowTheSetupFormula() {
        // 128 MiB DMA32: pages_min 1206 / 4 = 301; 301 * 18903 / 22743 = 250.18 -> 250;
        // gap max(250 / 4 = 62, 18903 * 10 / 10000 = 18) = 62: low 312, high 374
        assertThat(output).contains("128 MiB  DMA32      18,903     250      62     18     62    312    374");
        // 4 GiB DMA32: 2038 * 772567 / 1038551 = 1516.0 -> 1516; gap max(379, 772) = 772
        assertThat(output).contains("4 GiB    DMA32     772,567   1,516     379    772    772  2,288  3,060");
    }

    @Test
    void dmaProtectsItselfAgainstDma32Requests() {
        // DMA32 managed 18,903 / sysctl_lowmem_reserve_ratio[DMA] 256 = 73.8 -> 73
        assertThat(output).contains("DMA     protection: (0, 73, 73, 73, 73)");
    }

    @Test
    void theWatermarkTestIsStrictAndAtomicRequestsGoLower() {
        // free must be > mark; atomic: 250 - 125 = 125, 125 - 125 / 4 (31) = 94
        assertThat(output).contains("       313   ok                   ok                   ok")
                .contains("       312   no                   ok                   ok")
                .contains("       250   no                   no                   ok")
                .contains("        94   no                   no                   no");
    }

    @Test
    void fillingTheMachineStopsAtTheLowThenTheMinMarksPlusProtection() {
        // DMA32 18,903 free down to low 312: 18,591 pages; DMA down to 62 + 73 = 135;
        // slow path: DMA32 to min 250, DMA to 50 + 73 = 123
        assertThat(output).contains("     1 - 18,591    DMA32   fast (low ok)           312     3,840        0")
                .contains("DMA     fast (low ok)           312       135")
                .contains("DMA32   kswapd woken            250       135")
                .contains("DMA     kswapd woken            250       123")
                .contains("page allocation failure: order:0");
    }

    @Test
    void everyLineFitsNinetyColumns() {
        assertThat(LessonOutput.tooWide(output)).isEmpty();
    }

    @Test
    void runningTwiceGivesTheSameText() {
        assertThat(LessonOutput.of(new WatermarksLesson())).isEqualTo(output);
    }
}
