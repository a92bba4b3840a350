package io.pagelab.questions.q15;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import io.pagelab.questions.q15.DirectMapSplit.MapRange;
import io.pagelab.questions.q15.DirectMapSplit.Region;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q15 内核页表如何建立？ How are the kernel page tables built?
 *
 * <p>The machine is the QEMU 4 GiB guest (linux-reference.md §2.4 (a)); after boot its memblock
 * memory is [0x1000, 0x9f000), [0x100000, 0xbffe0000), [4 GiB, 5 GiB). Each expected split is worked
 * out by hand from arch/x86/mm/init.c: split_mem_range() (Linux 6.x) in the test's comment.
 */
@Grader(id = "q15")
@DisplayName("Q15 split_mem_range: the largest page sizes alignment allows")
class DirectMapSplitTest {
    private static final List<Region> QEMU4G = List.of(new Region(0x1000L, 0x9f000L),
            new Region(0x100000L, 0xbffe0000L), new Region(0x100000000L, 0x140000000L));

    private static List<String> lines(List<MapRange> ranges) {
        return ranges.stream().map(MapRange::line).collect(Collectors.toList());
    }

    @Test
    @Points(4)
    @Hint("Five pieces in this order: 4k head to the first 2 MiB boundary, 2M to the first 1 GiB "
            + "boundary, 1G for whole GiBs, 2M to end rounded down to 2 MiB, 4k tail.")
    void lowRamSplitsIntoFivePiecesWithGbpages() {
        // [1M, 0xbffe0000): 0xbffe0000 rounds down to 0xbfe00000 (2M) and 0x80000000 (1G)
        assertThat(lines(DirectMapSplit.split(0x100000L, 0xbffe0000L, true, QEMU4G))).containsExactly(
                " [mem 0x00100000-0x001fffff] page 4k",
                " [mem 0x00200000-0x3fffffff] page 2M",
                " [mem 0x40000000-0x7fffffff] page 1G",
                " [mem 0x80000000-0xbfdfffff] page 2M",
                " [mem 0xbfe00000-0xbffdffff] page 4k");
    }

    @Test
    @Points(3)
    @Hint("Without 1 GiB pages the whole-GiB piece uses 2M, and touching pieces of the same size "
            + "merge into one.")
    void withoutGbpagesTheMiddlePiecesMerge() {
        assertThat(lines(DirectMapSplit.split(0x100000L, 0xbffe0000L, false, QEMU4G))).containsExactly(
                " [mem 0x00100000-0x001fffff] page 4k",
                " [mem 0x00200000-0xbfdfffff] page 2M",
                " [mem 0xbfe00000-0xbffdffff] page 4k");
    }

    @Test
    @Points(3)
    @Hint("A 4k piece becomes 2M only if its whole 2 MiB block is inside ONE memory region: [0, 2M) "
            + "is not, because RAM starts at 0x1000.")
    void theIsaRangeStays4k() {
        assertThat(lines(DirectMapSplit.split(0, 0x100000L, true, QEMU4G)))
                .containsExactly(" [mem 0x00000000-0x000fffff] page 4k");
    }

    @Test
    @Points(3)
    @Hint("adjust_range_page_size_mask(): when the 2 MiB block around a 4k head is all RAM the head "
            + "gets 2M, and then merges with the next 2M piece.")
    void aHeadInsideRamIsPromotedAndMerged() {
        // head [1M, 2M): block [0, 2M) lies in [0, 1G): 2M; then merged with [2M, 4M)
        assertThat(DirectMapSplit.split(0x100000L, 0x400000L, false, List.of(new Region(0, 1L << 30))))
                .containsExactly(new MapRange(0x100000L, 0x400000L, "2M"));
    }

    @Test
    @Points(3)
    @Hint("A 2M piece becomes 1G when gbpages are on and its whole 1 GiB block is one memory region.")
    void aTwoMegabytePieceInsideAWholeRamGigabyteBecomes1g() {
        // [0x13fe00000, 5G) is a 2M piece; [4G, 5G) is one region
        assertThat(lines(DirectMapSplit.split(0x13fe00000L, 0x140000000L, true, QEMU4G)))
                .containsExactly(" [mem 0x13fe00000-0x13fffffff] page 1G");
        assertThat(lines(DirectMapSplit.split(0x13fe00000L, 0x140000000L, false, QEMU4G)))
                .containsExactly(" [mem 0x13fe00000-0x13fffffff] page 2M");
    }

    @Test
    @Points(3)
    @Hint("Empty pieces are skipped: a range starting 2 MiB-aligned has no head, and one ending "
            + "1 GiB-aligned no tail.")
    void alignedEndsProduceNoHeadOrTail() {
        // [0x200000, 0x300000): no head (aligned), no 2M piece (end rounds down to 0x200000), 4k tail
        assertThat(DirectMapSplit.split(0x200000L, 0x300000L, true, List.of(new Region(0x200000L, 0x300000L))))
                .containsExactly(new MapRange(0x200000L, 0x300000L, "4k"));
        // [1 GiB, 66 GiB) in one region: all 1G
        assertThat(DirectMapSplit.split(1L << 30, 66L << 30, true, List.of(new Region(0, 66L << 30))))
                .containsExactly(new MapRange(1L << 30, 66L << 30, "1G"));
    }

    @Test
    @Points(2)
    @Hint("A range with start >= end is a caller error: IllegalArgumentException.")
    void anEmptyRangeIsRefused() {
        assertThatThrownBy(() -> DirectMapSplit.split(0x200000L, 0x200000L, true, QEMU4G))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
