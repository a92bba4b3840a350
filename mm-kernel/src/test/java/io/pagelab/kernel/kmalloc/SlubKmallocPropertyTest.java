package io.pagelab.kernel.kmalloc;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.api.Gfp;
import io.pagelab.kernel.slub.KmemCacheArgs;
import io.pagelab.kernel.slub.SlabinfoRow;
import io.pagelab.kernel.slub.SlubCache;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random alloc/free sequences over kmalloc (slab sizes and large blocks, two families) and two
 * kmem_cache_create() caches, on several CPUs. Checked as it runs: no live object overlaps
 * another (address ranges kept in a sorted map); at checkpoints: every cache's slabinfo counts
 * agree with what is live; at the end: after freeing everything and shrinking, every slab page is
 * back in the buddy allocator.
 */
class SlubKmallocPropertyTest {
    private static final int OPS = 12_000;

    private record Live(long size, SlubCache cache) {
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 20240601, 0x5eed})
    void randomAllocFreeNeverHandsOutAnObjectTwiceAndGivesEveryPageBack(long seed) {
        KernelHeap h = KernelHeap.boot(seed);
        long freeBefore = h.buddy.freePageCount();
        SlubCache dentry = h.slabs.create(KmemCacheArgs.of("dentry", 192, 8, 0, false));
        SlubCache inode = h.slabs.create(KmemCacheArgs.of("inode_cache", 600, 8, 0, false));
        SplittableRandom rnd = new SplittableRandom(seed);
        TreeMap<Long, Live> live = new TreeMap<>();
        List<Long> order = new ArrayList<>();
        for (int op = 0; op < OPS; op++) {
            boolean alloc = order.isEmpty() || rnd.nextInt(100) < (op < OPS / 2 ? 60 : 40);
            if (alloc) {
                allocOne(h, rnd, dentry, inode, live, order, seed, op);
            } else {
                int i = rnd.nextInt(order.size());
                long p = order.get(i);
                order.set(i, order.get(order.size() - 1));
                order.remove(order.size() - 1);
                Live l = live.remove(p);
                if (l.cache() == dentry || l.cache() == inode) {
                    h.slabs.kmemCacheFree(l.cache(), p);
                } else {
                    h.kmalloc.kfree(p);
                }
            }
            if (rnd.nextInt(16) == 0) {
                for (SlubCache c : h.slabs.caches()) {
                    c.setCpu(rnd.nextInt(4));
                }
            }
            if (op % 2000 == 1999) {
                checkSlabinfo(h, live, seed, op);
            }
        }
        checkSlabinfo(h, live, seed, OPS);
        for (long p : order) {
            Live l = live.remove(p);
            if (l.cache() == dentry || l.cache() == inode) {
                h.slabs.kmemCacheFree(l.cache(), p);
            } else {
                h.kmalloc.kfree(p);
            }
        }
        h.slabs.shrinkAll();
        assertThat(h.slabs.slabPages()).as("seed %s: slab pages left after shrink", seed).isZero();
        assertThat(h.kmalloc.largeAllocations()).as("seed %s: large kmallocs left", seed).isZero();
        assertThat(h.buddy.freePageCount()).as("seed %s: every page back in the buddy allocator", seed)
                .isEqualTo(freeBefore);
    }

    private static void allocOne(KernelHeap h, SplittableRandom rnd, SlubCache dentry, SlubCache inode,
            TreeMap<Long, Live> live, List<Long> order, long seed, int op) {
        int kind = rnd.nextInt(20);
        long p;
        long size;
        SlubCache cache;
        if (kind == 0) {
            p = dentry.alloc(Gfp.GFP_KERNEL);
            size = dentry.kmemCache().layout().size();
            cache = dentry;
        } else if (kind == 1) {
            p = inode.alloc(Gfp.GFP_KERNEL);
            size = inode.kmemCache().layout().size();
            cache = inode;
        } else {
            long request;
            if (kind == 2) {
                request = 8193 + rnd.nextInt(60_000); // large: order 2..4 pages
            } else if (kind < 12) {
                request = 1 + rnd.nextInt(256);
            } else {
                request = 1 + rnd.nextInt(8192);
            }
            int gfp = kind == 3 ? Gfp.GFP_KERNEL | Gfp.__GFP_RECLAIMABLE : Gfp.GFP_KERNEL;
            p = h.kmalloc.kmalloc(request, gfp);
            size = h.kmalloc.ksize(p);
            assertThat(size).as("seed %s op %s: ksize(kmalloc(%s)) covers the request", seed, op, request)
                    .isGreaterThanOrEqualTo(request);
            cache = h.slabs.virtToCache(p).orElse(null);
        }
        Map.Entry<Long, Live> below = live.floorEntry(p + size - 1);
        if (below != null) {
            assertThat(below.getKey() + below.getValue().size()).as(
                    "seed %s op %s: [%s, +%s) overlaps the live object at %s (+%s)", seed, op, Long.toHexString(p),
                    size, Long.toHexString(below.getKey()), below.getValue().size()).isLessThanOrEqualTo(p);
        }
        live.put(p, new Live(size, cache));
        order.add(p);
    }

    private static void checkSlabinfo(KernelHeap h, TreeMap<Long, Live> live, long seed, int op) {
        for (SlubCache c : h.slabs.caches()) {
            long inUse = live.values().stream().filter(l -> l.cache() == c).count();
            SlabinfoRow r = c.slabinfo();
            assertThat(c.activeObjects()).as("seed %s op %s: %s objects in use", seed, op, c.name()).isEqualTo(inUse);
            assertThat(r.numObjs()).as("seed %s op %s: %s num_objs = num_slabs x objperslab", seed, op, c.name())
                    .isEqualTo(r.numSlabs() * r.objperslab());
            assertThat(r.activeObjs()).as("seed %s op %s: %s active_objs bounds", seed, op, c.name())
                    .isBetween(inUse, r.numObjs());
        }
    }
}
