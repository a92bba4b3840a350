package io.pagelab.questions.q32;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import io.pagelab.questions.q32.PagetypeinfoFree.ZoneFreeLists;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q32 如何查看Buddy管理算法下的内存类型信息？ How can the buddy allocator's per-migrate-type
 * information be viewed?
 *
 * <p>Expected text is the real /proc/pagetypeinfo of linux-reference.md §3.8 (Linux 6.6-rc1, 16 GiB
 * VM), format of mm/vmstat.c: pagetypeinfo_showfree_print().
 */
@Grader(id = "q32")
@DisplayName("Q32 /proc/pagetypeinfo free-pages table")
class PagetypeinfoFreeTest {

    static final String HEADER = "Free pages count per migrate type at order"
            + "       0      1      2      3      4      5      6      7      8      9     10 \n";

    /** linux-reference §3.8, zone DMA rows, verbatim. */
    static final String DMA_ROWS = ""
            + "Node    0, zone      DMA, type    Unmovable      0      0      0      0      0      0      0      0      1      0      0 \n"
            + "Node    0, zone      DMA, type      Movable      0      0      0      0      0      0      0      0      0      1      3 \n"
            + "Node    0, zone      DMA, type  Reclaimable      0      0      0      0      0      0      0      0      0      0      0 \n"
            + "Node    0, zone      DMA, type   HighAtomic      0      0      0      0      0      0      0      0      0      0      0 \n"
            + "Node    0, zone      DMA, type          CMA      0      0      0      0      0      0      0      0      0      0      0 \n"
            + "Node    0, zone      DMA, type      Isolate      0      0      0      0      0      0      0      0      0      0      0 \n";

    /** linux-reference §3.8, zone Normal rows, verbatim. */
    static final String NORMAL_ROWS = ""
            + "Node    0, zone   Normal, type    Unmovable    566     14     22      7      8      8      9      4      7      0      1 \n"
            + "Node    0, zone   Normal, type      Movable    214    299    120     53     15     10      6      6      1      4   1159 \n"
            + "Node    0, zone   Normal, type  Reclaimable      0      9     18     11      6      1      0      0      0      0      0 \n"
            + "Node    0, zone   Normal, type   HighAtomic      0      0      0      0      0      0      0      0      0      0      0 \n"
            + "Node    0, zone   Normal, type          CMA      0      0      0      0      0      0      0      0      0      0      0 \n"
            + "Node    0, zone   Normal, type      Isolate      0      0      0      0      0      0      0      0      0      0      0 \n";

    static long[][] dmaCounts() {
        long[][] c = new long[6][11];
        c[0][8] = 1;
        c[1][9] = 1;
        c[1][10] = 3;
        return c;
    }

    static long[][] normalCounts() {
        return new long[][] {
            {566, 14, 22, 7, 8, 8, 9, 4, 7, 0, 1},
            {214, 299, 120, 53, 15, 10, 6, 6, 1, 4, 1159},
            {0, 9, 18, 11, 6, 1, 0, 0, 0, 0, 0},
            new long[11], new long[11], new long[11]};
    }

    @Test
    @Points(2)
    @Hint("The header's words are left-aligned in 43 columns (%-43s) and followed by one space; then "
            + "each order 0..10 as %6d plus a space.")
    void anEmptyZoneListPrintsOnlyTheHeader() {
        assertThat(PagetypeinfoFree.freeTable(List.of())).as("free table with no zone").isEqualTo(HEADER);
    }

    @Test
    @Points(3)
    @Hint("One row per migratetype in enum order (Unmovable, Movable, Reclaimable, HighAtomic, CMA, "
            + "Isolate): \"Node %4d, zone %8s, type %12s \" then %6d and a space per order.")
    void theDmaZoneOfTheRealSampleIsReproducedByteForByte() {
        assertThat(PagetypeinfoFree.freeTable(List.of(new ZoneFreeLists(0, "DMA", dmaCounts()))))
                .as("free table of zone DMA").isEqualTo(HEADER + DMA_ROWS);
    }

    @Test
    @Points(2)
    @Hint("Zones follow each other under a single header, in the order given.")
    void severalZonesShareOneHeader() {
        String table = PagetypeinfoFree.freeTable(List.of(
                new ZoneFreeLists(0, "DMA", dmaCounts()), new ZoneFreeLists(0, "Normal", normalCounts())));
        assertThat(table).as("free table of zones DMA and Normal").isEqualTo(HEADER + DMA_ROWS + NORMAL_ROWS);
    }

    @Test
    @Points(2)
    @Hint("The node id is right-aligned in 4 columns here (%4d), unlike buddyinfo's %d.")
    void theNodeIdIsPaddedToFourColumns() {
        // by hand: node 1 with the DMA counts -> "Node    1, zone      DMA, ..."
        String table = PagetypeinfoFree.freeTable(List.of(new ZoneFreeLists(1, "DMA", dmaCounts())));
        assertThat(table).as("free table of node 1 zone DMA")
                .isEqualTo(HEADER + DMA_ROWS.replace("Node    0,", "Node    1,"));
    }

    @Test
    @Points(1)
    @Hint("Every zone needs a name and 6 rows (migratetypes) of 11 counts (orders): refuse anything else "
            + "with InvalidArgumentException.")
    void aZoneWithoutSixMigratetypeRowsIsRefused() {
        assertThat(catchThrowable(() -> PagetypeinfoFree.freeTable(List.of(new ZoneFreeLists(0, "Normal", new long[3][11])))))
                .as("freeTable with 3 migratetype rows").isInstanceOf(InvalidArgumentException.class);
        assertThat(catchThrowable(() -> PagetypeinfoFree.freeTable(List.of(new ZoneFreeLists(0, "Normal", new long[6][10])))))
                .as("freeTable with 10 orders per row").isInstanceOf(InvalidArgumentException.class);
    }
}
