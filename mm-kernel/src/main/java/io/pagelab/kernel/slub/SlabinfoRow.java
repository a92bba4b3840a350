package io.pagelab.kernel.slub;

import io.pagelab.api.error.InvalidArgumentException;
import java.util.Objects;

/**
 * One cache's line of /proc/slabinfo: the numbers mm/slab_common.c: cache_show() prints from
 * struct slabinfo (filled by mm/slub.c: get_slabinfo(), Linux 6.x). SLUB has no tunables and no
 * shared arrays: limit, batchcount, sharedfactor and sharedavail are always 0, and active_slabs is
 * num_slabs.
 *
 * @param name the cache's name
 * @param activeObjs objects in use: num_objs minus the free objects on the node partial lists
 *     (objects on per-CPU slabs count as active)
 * @param numObjs objects in all slabs: num_slabs * objperslab
 * @param objsize s-&gt;size (the slot, metadata included)
 * @param objperslab objects per slab, oo_objects(s-&gt;oo)
 * @param pagesperslab 1 &lt;&lt; oo_order(s-&gt;oo)
 * @param numSlabs slabs of the cache on all nodes
 */
public record SlabinfoRow(String name, long activeObjs, long numObjs, int objsize, int objperslab, int pagesperslab,
        long numSlabs) {

    public SlabinfoRow {
        Objects.requireNonNull(name, "name");
        InvalidArgumentException.check(activeObjs >= 0 && activeObjs <= numObjs,
                "active_objs %s is not allowed: 0..num_objs %s", activeObjs, numObjs);
        InvalidArgumentException.check(objsize > 0 && objperslab > 0 && pagesperslab > 0 && numSlabs >= 0,
                "objsize %s, objperslab %s, pagesperslab %s must be positive", objsize, objperslab, pagesperslab);
    }

    /**
     * The row of a cache with this layout, {@code numSlabs} slabs (all at the preferred order) and
     * {@code freeOnPartial} free objects on the node partial lists.
     */
    public static SlabinfoRow of(KmemCacheLayout s, long numSlabs, long freeOnPartial) {
        long numObjs = numSlabs * s.objects();
        return new SlabinfoRow(s.name(), numObjs - freeOnPartial, numObjs, s.size(), s.objects(), s.pagesPerSlab(),
                numSlabs);
    }

    /** active_slabs: SLUB reports every slab as active. */
    public long activeSlabs() {
        return numSlabs;
    }

    /** The cache's memory in KiB (num_slabs * pagesperslab * 4), slabtop's CACHE SIZE. */
    public long cacheSizeKib() {
        return numSlabs * pagesperslab * 4;
    }
}
