package io.pagelab.questions.q35;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import io.pagelab.questions.q35.Slabinfo.CacheStats;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q35 如何查看slab信息？ How do you look at slab information?
 *
 * <p>The expected text is a real /proc/slabinfo of a Linux 6.x machine with 4+ CPUs (reference
 * linux-reference.md §4.7), whose format is mm/slab_common.c: cache_show(). The stats fed in are
 * that sample's own numbers, turned back into what SLUB keeps: total_objects = num_objs, the
 * free objects on the node partial lists = num_objs - active_objs, order = log2(pagesperslab).
 */
@Grader(id = "q35")
@DisplayName("Q35 /proc/slabinfo version 2.1, byte for byte")
class SlabinfoTest {

    static final String HEADER = "slabinfo - version: 2.1\n"
            + "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit>"
            + " <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n";

    /** The real sample's cache lines (§4.7), in the kernel's order. */
    static final String[] SAMPLE_LINES = {
        "vmap_area         269734 270080     64   64    1 : tunables    0    0    0 : slabdata   4220   4220      0",
        "kmalloc-rcl-64    144459 156224     64   64    1 : tunables    0    0    0 : slabdata   2441   2441      0",
        "kmalloc-8k           160    160   8192    4    8 : tunables    0    0    0 : slabdata     40     40      0",
        "kmalloc-4k          3008   3008   4096    8    8 : tunables    0    0    0 : slabdata    376    376      0",
        "kmalloc-2k          1995   2032   2048   16    8 : tunables    0    0    0 : slabdata    127    127      0",
        "kmalloc-1k          4012   4176   1024   16    4 : tunables    0    0    0 : slabdata    261    261      0",
        "kmalloc-512         5468   5520    512   16    2 : tunables    0    0    0 : slabdata    345    345      0",
        "kmalloc-256         1616   1616    256   16    1 : tunables    0    0    0 : slabdata    101    101      0",
        "kmalloc-192         2888   3087    192   21    1 : tunables    0    0    0 : slabdata    147    147      0",
        "kmalloc-128         2619   3008    128   32    1 : tunables    0    0    0 : slabdata     94     94      0",
        "kmalloc-96          5443   6006     96   42    1 : tunables    0    0    0 : slabdata    143    143      0",
        "kmalloc-64         59418  59904     64   64    1 : tunables    0    0    0 : slabdata    936    936      0",
        "kmalloc-32         57216  57216     32  128    1 : tunables    0    0    0 : slabdata    447    447      0",
        "kmalloc-16         15616  15616     16  256    1 : tunables    0    0    0 : slabdata     61     61      0",
        "kmalloc-8          16384  16384      8  512    1 : tunables    0    0    0 : slabdata     32     32      0",
        "kmem_cache_node     3648   3648     64   64    1 : tunables    0    0    0 : slabdata     57     57      0",
        "kmem_cache          3068   3096    448   18    2 : tunables    0    0    0 : slabdata    172    172      0",
    };

    /**
     * The same caches as numbers: name, active_objs, num_objs, objsize, objperslab, pagesperslab,
     * num_slabs, copied from the sample lines above.
     */
    static final Object[][] SAMPLE_NUMBERS = {
        {"vmap_area", 269734, 270080, 64, 64, 1, 4220},
        {"kmalloc-rcl-64", 144459, 156224, 64, 64, 1, 2441},
        {"kmalloc-8k", 160, 160, 8192, 4, 8, 40},
        {"kmalloc-4k", 3008, 3008, 4096, 8, 8, 376},
        {"kmalloc-2k", 1995, 2032, 2048, 16, 8, 127},
        {"kmalloc-1k", 4012, 4176, 1024, 16, 4, 261},
        {"kmalloc-512", 5468, 5520, 512, 16, 2, 345},
        {"kmalloc-256", 1616, 1616, 256, 16, 1, 101},
        {"kmalloc-192", 2888, 3087, 192, 21, 1, 147},
        {"kmalloc-128", 2619, 3008, 128, 32, 1, 94},
        {"kmalloc-96", 5443, 6006, 96, 42, 1, 143},
        {"kmalloc-64", 59418, 59904, 64, 64, 1, 936},
        {"kmalloc-32", 57216, 57216, 32, 128, 1, 447},
        {"kmalloc-16", 15616, 15616, 16, 256, 1, 61},
        {"kmalloc-8", 16384, 16384, 8, 512, 1, 32},
        {"kmem_cache_node", 3648, 3648, 64, 64, 1, 57},
        {"kmem_cache", 3068, 3096, 448, 18, 2, 172},
    };

    /** SLUB's numbers for one sample row: free on partial = num - active, order = log2(pages). */
    static CacheStats stats(Object[] row) {
        int active = (Integer) row[1];
        int num = (Integer) row[2];
        int pages = (Integer) row[5];
        return new CacheStats((String) row[0], (Integer) row[3], Integer.numberOfTrailingZeros(pages), (Integer) row[4],
                (Integer) row[6], num, num - active);
    }

    @Test
    @Points(2)
    @Hint("print_slabinfo_header() writes two lines: the version line \"slabinfo - version: 2.1\" and "
            + "the '#' line naming every column, with its \" : tunables \" and \" : slabdata \" groups.")
    void theHeaderIsTheTwoLinesOfVersion21() {
        assertThat(Slabinfo.header()).as("/proc/slabinfo header").isEqualTo(HEADER);
        assertThat(Slabinfo.render(List.of())).as("/proc/slabinfo without caches").isEqualTo(HEADER);
    }

    @Test
    @Points(3)
    @Hint("cache_show(): \"%-17s %6lu %6lu %6u %4u %4d\", then \" : tunables %4u %4u %4u\" (all 0 "
            + "under SLUB), then \" : slabdata %6lu %6lu %6lu\". pagesperslab is 2^order.")
    void aFullCacheLineMatchesTheRealSample() {
        // kmalloc-8k: 40 slabs of order 3 (8 pages) with 4 objects each, 160 objects, none free
        CacheStats kmalloc8k = new CacheStats("kmalloc-8k", 8192, 3, 4, 40, 160, 0);

        assertThat(Slabinfo.line(kmalloc8k)).as("kmalloc-8k line").isEqualTo(SAMPLE_LINES[2]);
    }

    @Test
    @Points(3)
    @Hint("SLUB's get_slabinfo(): active_objs = num_objs minus the free objects on the node partial "
            + "lists. Every slab counts as active: active_slabs = num_slabs. sharedavail is 0.")
    void activeObjectsExcludeTheFreeObjectsOnTheNodePartialLists() {
        // kmalloc-192: 147 slabs * 21 objects = 3087; 199 free on the node partial lists -> 2888 active
        CacheStats kmalloc192 = new CacheStats("kmalloc-192", 192, 0, 21, 147, 3087, 199);

        assertThat(Slabinfo.line(kmalloc192)).as("kmalloc-192 line").isEqualTo(SAMPLE_LINES[8]);
    }

    @Test
    @Points(3)
    @Hint("The file is the header, then every cache's line followed by a newline, in the order given.")
    void theWholeSampleFileIsReproducedByteForByte() {
        List<CacheStats> caches = new ArrayList<>();
        for (Object[] row : SAMPLE_NUMBERS) {
            caches.add(stats(row));
        }
        StringBuilder expected = new StringBuilder(HEADER);
        for (String line : SAMPLE_LINES) {
            expected.append(line).append('\n');
        }

        assertThat(Slabinfo.render(caches)).as("the real 6.x /proc/slabinfo sample").isEqualTo(expected.toString());
    }

    @Test
    @Points(2)
    @Hint("The widths in the kernel's format are minimums: a name longer than 17 characters or a "
            + "count longer than 6 digits pushes the rest of the line to the right; nothing is cut.")
    void longNamesAndLargeCountsWidenTheLineInsteadOfBeingCut() {
        // the start of a real line (seed-digest A9: "nf_conntrack_expect      0      0    240   16    1"),
        // a 19-character name, here with SLUB's zero tunables
        CacheStats conntrack = new CacheStats("nf_conntrack_expect", 240, 0, 16, 0, 0, 0);
        assertThat(Slabinfo.line(conntrack)).as("line of a cache with a 19-character name")
                .isEqualTo("nf_conntrack_expect      0      0    240   16    1 : tunables    0    0    0"
                        + " : slabdata      0      0      0");

        // dentry: 58,789 slabs of 21 objects = 1,234,569, all in use: seven digits print in full
        CacheStats dentry = new CacheStats("dentry", 192, 0, 21, 58789, 1234569, 0);
        assertThat(Slabinfo.line(dentry)).as("line of a cache with a seven-digit object count")
                .isEqualTo("dentry            1234569 1234569    192   21    1 : tunables    0    0    0"
                        + " : slabdata  58789  58789      0");
    }
}
