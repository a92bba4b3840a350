package io.pagelab.lessons.buddy;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.lessons.LessonOutput;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the buddy lesson and checks what it must show. The pfns are worked out by hand from the
 * 128 MiB machine: the kernel image is loaded at 16 MiB (pfn 0x1000) and is 0x2600000 bytes plus
 * 0x9000 of brk, so it ends at 0x1000000 + 0x2609000 = 0x3609000, pfn 0x3609. memblock_free_all()
 * frees from pfn 0x3609 in the largest aligned blocks: 0x3609 (order 0, odd), 0x360a (order 1),
 * 0x360c (order 2), 0x3610 (order 4, since 0x3610 is 16-aligned but not 32-aligned), 0x3620 (order 5).
 */
class BuddyLessonTest {

    private static String output;

    @BeforeAll
    static void runTheLesson() {
        output = LessonOutput.of(new BuddyLesson());
    }

    @Test
    void theSmallBlocksAfterTheKernelImageAreExactFits() {
        assertThat(output).contains("a = alloc order 0 → pfn 0x3609-0x3609 (4 KiB), head of free_area[0]")
                .contains("b = alloc order 1 → pfn 0x360a-0x360b (8 KiB), head of free_area[1]")
                .contains("c = alloc order 2 → pfn 0x360c-0x360f (16 KiB), head of free_area[2]");
    }

    @Test
    void anOrderZeroRequestSplitsTheOrderFourBlockKeepingTheLowerHalves() {
        // 0x3610 (16 pages): upper halves 0x3610+8, +4, +2, +1 go to orders 3, 2, 1, 0
        assertThat(output).contains("order 4 0x3610-0x361f → keep 0x3610-0x3617, free 0x3618 at order 3  ✓")
                .contains("order 1 0x3610-0x3611 → keep 0x3610-0x3610, free 0x3611 at order 0  ✓")
                .contains("0x3611 (order 0), 0x3612 (order 1), 0x3614 (order 2), 0x3618 (order 3)");
    }

    @Test
    void freeingMergesUpToOrderFourAndStopsAtTheKernelImage() {
        // 0x3610 ^ 0x10 = 0x3600, a page of the kernel image (below 0x3609): no merge at order 4
        assertThat(output).contains("   0   0x3610  0x3610 ^ 0x1   = 0x3611     yes → merge into 0x3610, order 1")
                .contains("   3   0x3610  0x3610 ^ 0x8   = 0x3618     yes → merge into 0x3610, order 4")
                .contains("   4   0x3610  0x3610 ^ 0x10  = 0x3600     no: in use")
                .contains("→ an order-4 block at 0x3610 goes on free_area[4]");
    }

    @Test
    void aBlockWhoseParentsBuddyIsFreeGoesToTheTail() {
        // 0x3609: parent 0x3608 (order 1), its buddy 0x360a is b, allocated → head.
        // 0x3610: parent 0x3610, its buddy 0x3612 is the free order-1 block left by the split → tail.
        assertThat(output).contains("free 0x3609: buddy 0x3608 in use; parent 0x3608's buddy 0x360a not free → HEAD")
                .contains("free 0x3610: buddy 0x3611 in use; parent 0x3610's buddy 0x3612 free → TAIL")
                .contains("free_area[0] now, head first: 0x3609, 0x3610")
                .contains("takes the head: 0x3609");
    }

    @Test
    void freeingEverythingRestoresTheBootBuddyinfo() {
        // DMA32 at boot: orders 0,1,2 one block each (0x3609, 0x360a, 0x360c), none of order 3
        assertThat(output).contains("Node 0, zone    DMA32    1    1    1    0    1")
                .contains("Node 0, zone    DMA32    0    0    0    0    1")
                .contains("Identical to the boot state");
    }

    @Test
    void everyLineFitsNinetyColumns() {
        assertThat(LessonOutput.tooWide(output)).isEmpty();
    }

    @Test
    void runningTwiceGivesTheSameText() {
        assertThat(LessonOutput.of(new BuddyLesson())).isEqualTo(output);
    }
}
