package io.pagelab.questions.q23;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q23 Buddy管理算法所处的位置？在什么地方体现？ Where does the buddy algorithm live, and where
 * does it show?
 *
 * <p>Expected lines are real /proc/buddyinfo samples: seed digest App. A8 (32-bit host) and
 * linux-reference.md §3.8 (Dave Hansen's sample), whose format is mm/vmstat.c: frag_show_print().
 */
@Grader(id = "q23")
@DisplayName("Q23 free_area to a /proc/buddyinfo line")
class BuddyinfoLineTest {

    /** Puts each order's count on one migratetype list (column {@code mt} of 6). */
    private static long[][] onOneList(int mt, long... perOrder) {
        long[][] table = new long[perOrder.length][6];
        for (int order = 0; order < perOrder.length; order++) {
            table[order][mt] = perOrder[order];
        }
        return table;
    }

    @Test
    @Points(3)
    @Hint("Format: \"Node %d, zone %8s \" then \"%6d \" per order (11 orders) then a newline; the zone "
            + "name is right-aligned in 8 columns.")
    void theNormalZoneOfTheSeedsSampleIsReproducedByteForByte() {
        // seed digest App. A8, second line, verbatim (trailing space before the newline)
        assertThat(BuddyinfoLine.line(0, "Normal",
                onOneList(1, 149, 100, 52, 33, 23, 5, 32, 8, 12, 2, 59)))
                .as("/proc/buddyinfo line of zone Normal")
                .isEqualTo("Node 0, zone   Normal    149    100     52     33     23      5     32      8     12      2     59 \n");
    }

    @Test
    @Points(2)
    @Hint("Every number, including the last one, is followed by a space; the line ends with \" \\n\".")
    void theDmaLineKeepsItsTrailingSpaceAndZeroColumns() {
        // seed digest App. A8, first line, verbatim
        assertThat(BuddyinfoLine.line(0, "DMA", onOneList(0, 23, 15, 4, 5, 2, 3, 3, 2, 3, 1, 0)))
                .as("/proc/buddyinfo line of zone DMA")
                .isEqualTo("Node 0, zone      DMA     23     15      4      5      2      3      3      2      3      1      0 \n");
    }

    @Test
    @Points(3)
    @Hint("nr_free of an order counts the blocks on ALL migratetype lists of that order.")
    void eachColumnSumsTheFreeListsOfEveryMigratetype() {
        // linux-reference §3.8 pagetypeinfo sample, Node 0 zone Normal, per order
        // Unmovable / Movable / Reclaimable rows (HighAtomic, CMA, Isolate are all 0):
        long[][] lists = {
            {566, 214, 0, 0, 0, 0}, {14, 299, 9, 0, 0, 0}, {22, 120, 18, 0, 0, 0}, {7, 53, 11, 0, 0, 0},
            {8, 15, 6, 0, 0, 0}, {8, 10, 1, 0, 0, 0}, {9, 6, 0, 0, 0, 0}, {4, 6, 0, 0, 0, 0},
            {7, 1, 0, 0, 0, 0}, {0, 4, 0, 0, 0, 0}, {1, 1159, 0, 0, 0, 0}};
        // sums by hand: 780 322 160 71 29 19 15 10 8 4 1160
        assertThat(BuddyinfoLine.line(0, "Normal", lists)).as("buddyinfo line built from the pagetypeinfo rows")
                .isEqualTo("Node 0, zone   Normal    780    322    160     71     29     19     15     10      8      4   1160 \n");
    }

    @Test
    @Points(2)
    @Hint("%6d is a minimum width: a number with more digits is printed whole and pushes the line right.")
    void wideCountsAndOtherNodesArePrintedWhole() {
        // linux-reference §3.8, Dave Hansen's DMA32 line: five-digit counts fill the 6 columns
        assertThat(BuddyinfoLine.line(0, "DMA32", onOneList(1, 25450, 13645, 11665, 2994, 1242, 665, 234, 50, 12, 1, 1)))
                .as("Dave Hansen's DMA32 line")
                .isEqualTo("Node 0, zone    DMA32  25450  13645  11665   2994   1242    665    234     50     12      1      1 \n");
        // by hand: 1,234,567 order-0 blocks on node 1 need 7 digits; nothing is cut
        long[] counts = new long[11];
        counts[0] = 1_234_567;
        assertThat(BuddyinfoLine.line(1, "Movable", onOneList(1, counts))).as("a 7-digit count on node 1")
                .isEqualTo("Node 1, zone  Movable 1234567      0      0      0      0      0      0      0      0      0      0 \n");
    }

    @Test
    @Points(1)
    @Hint("A zone has exactly 11 orders (0..MAX_PAGE_ORDER=10): refuse any other table with "
            + "InvalidArgumentException.")
    void aTableWithoutElevenOrdersIsRefused() {
        assertThat(catchThrowable(() -> BuddyinfoLine.line(0, "Normal", new long[10][6])))
                .as("line() with 10 orders").isInstanceOf(InvalidArgumentException.class);
        assertThat(catchThrowable(() -> BuddyinfoLine.line(0, "Normal", new long[12][6])))
                .as("line() with 12 orders").isInstanceOf(InvalidArgumentException.class);
    }
}
