package io.pagelab.questions.q35;

import io.pagelab.exercise.Todo;
import java.util.List;

/**
 * Q35 如何查看slab信息？ How do you look at slab information?
 *
 * <p>{@code cat /proc/slabinfo} (as root) lists every slab cache, one line each; {@code slabtop}
 * reads the same file and sorts it. The file starts with two header lines, then one line per
 * cache, written by mm/slab_common.c: print_slabinfo_header() and cache_show() (format version
 * 2.1, unchanged since Linux 2.6). The columns were made for the old SLAB allocator: SLUB has no
 * per-CPU arrays to tune, so it always prints zeros for the tunables and for sharedavail, and
 * counts every slab as active. /proc/slabinfo 每行一个缓存：活跃对象数、总对象数、对象大小、
 * 每个 slab 的对象数与页数；SLUB 的 tunables 恒为 0。
 *
 * <p>Your task: render the file byte for byte, from the numbers SLUB keeps (mm/slub.c:
 * get_slabinfo(), Linux 6.x).
 * <ul>
 *   <li>{@link #header}: the two header lines, exactly as the kernel writes them (look at a real
 *       /proc/slabinfo, or at print_slabinfo_header()), each ending in {@code '\n'}.</li>
 *   <li>{@link #line}: one cache. The columns, in order: name, active_objs, num_objs, objsize,
 *       objperslab, pagesperslab, then {@code " : tunables "} limit batchcount sharedfactor, then
 *       {@code " : slabdata "} active_slabs num_slabs sharedavail. The kernel's formats are
 *       {@code "%-17s %6lu %6lu %6u %4u %4d"}, {@code " : tunables %4u %4u %4u"} and
 *       {@code " : slabdata %6lu %6lu %6lu"}: minimum widths, never truncated. Work out each
 *       number from {@link CacheStats}: which objects SLUB counts as active, how many pages a
 *       slab of the cache's order has, what the tunables are.</li>
 *   <li>{@link #render}: the whole file: the header, then each cache's line followed by
 *       {@code '\n'}, in the order given.</li>
 * </ul>
 *
 * <p>Run {@code ./pagelab grade q35} to check your work.
 */
public final class Slabinfo {

    private Slabinfo() {
    }

    /**
     * What SLUB knows about one cache (given complete, no need to edit).
     *
     * @param name the cache's name
     * @param size s->size: the bytes one object takes in the slab, metadata and alignment included
     * @param order the slab order, oo_order(s->oo): a slab is 2^order pages
     * @param objects objects per slab, oo_objects(s->oo)
     * @param nrSlabs slabs of this cache on all nodes (kmem_cache_node nr_slabs)
     * @param totalObjects objects in all those slabs, free or not (kmem_cache_node total_objects)
     * @param partialFree free objects in the slabs on the node partial lists
     *     (count_partial(n, count_free)); free objects on per-CPU slabs are not counted here
     */
    public record CacheStats(String name, int size, int order, int objects, long nrSlabs, long totalObjects,
            long partialFree) {
    }

    /** The two header lines of /proc/slabinfo version 2.1, each ending in a newline. */
    public static String header() {
        throw new Todo("q35/Slabinfo.java");
    }

    /** The cache's line, without the newline. */
    public static String line(CacheStats cache) {
        throw new Todo("q35/Slabinfo.java");
    }

    /** The whole file: header, then one line per cache, each ending in a newline. */
    public static String render(List<CacheStats> caches) {
        throw new Todo("q35/Slabinfo.java");
    }
}
