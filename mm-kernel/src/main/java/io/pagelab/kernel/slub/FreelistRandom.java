package io.pagelab.kernel.slub;

import io.pagelab.api.error.InvalidArgumentException;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.IntUnaryOperator;

/**
 * CONFIG_SLAB_FREELIST_RANDOM: the order in which a new slab hands out its objects, as Linux 6.x
 * computes it in mm/slab_common.c: freelist_randomize() / cache_random_seq_create() and mm/slub.c:
 * init_cache_random_seq(), shuffle_freelist(), next_freelist_entry().
 *
 * <pre>
 *  at cache creation, once:  random_seq = Fisher-Yates permutation of 0..n-1, times s-&gt;size
 *                            (n = objects per slab at the preferred order)
 *  for every new slab:       pos = get_random_u32_below(n)
 *                            freelist = random_seq[pos], random_seq[pos+1], ... wrapping to 0,
 *                            skipping offsets &gt;= slab-&gt;objects * size (a smaller fallback slab)
 *
 *  n = 8, random_seq = [5 2 7 0 3 6 1 4] * size, pos = 6:  objects 1 4 5 2 7 0 3 6
 * </pre>
 *
 * So every slab of a cache follows the same cyclic order from a different starting point: an
 * attacker cannot predict which object a heap spray lands next to, without a permutation per slab.
 * Slabs with fewer than 2 objects, and caches made before the random pool is ready, keep the
 * linear order obj0 -&gt; obj1 -&gt; ... (shuffle_freelist() returns false).
 */
public final class FreelistRandom {
    private FreelistRandom() {
    }

    /**
     * freelist_randomize(): 0..count-1 shuffled by Fisher-Yates from the top down:
     * for i = count-1 .. 1, swap list[i] with list[get_random_u32_below(i + 1)].
     */
    public static int[] freelistRandomize(int count, KernelRandom rng) {
        Objects.requireNonNull(rng, "rng");
        return freelistRandomize(count, rng::getRandomU32Below);
    }

    /**
     * freelist_randomize() with the random numbers supplied by {@code below}, which maps a bound
     * {@code ceil} to a value in [0, ceil) (get_random_u32_below): lets a test or an exercise
     * script the draws.
     */
    public static int[] freelistRandomize(int count, IntUnaryOperator below) {
        Objects.requireNonNull(below, "below");
        InvalidArgumentException.check(count >= 0 && count <= SlabSizing.MAX_OBJS_PER_PAGE,
                "freelist of %s objects is not allowed: 0..%s", count, SlabSizing.MAX_OBJS_PER_PAGE);
        int[] list = new int[count];
        for (int i = 0; i < count; i++) {
            list[i] = i;
        }
        for (int i = count - 1; i > 0; i--) {
            int rand = below.applyAsInt(i + 1);
            InvalidArgumentException.check(rand >= 0 && rand <= i,
                    "random draw %s is outside [0, %s): get_random_u32_below must stay below its bound", rand, i + 1);
            int t = list[i];
            list[i] = list[rand];
            list[rand] = t;
        }
        return list;
    }

    /**
     * init_cache_random_seq(): the cache's random_seq, object indices turned into byte offsets
     * (index * s-&gt;size). Empty when the cache's slabs hold fewer than 2 objects (no shuffling).
     */
    public static int[] initCacheRandomSeq(KmemCacheLayout s, KernelRandom rng) {
        int count = s.objects();
        if (count < 2) {
            return new int[0];
        }
        int[] seq = freelistRandomize(count, rng);
        for (int i = 0; i < count; i++) {
            seq[i] *= s.size();
        }
        return seq;
    }

    /**
     * The freelist order shuffle_freelist() builds for one slab: byte offsets (from the first
     * object, i.e. after the left red zone) read cyclically from random_seq[startPos], skipping
     * offsets beyond this slab's objects.
     *
     * @param randomSeq the cache's random_seq (byte offsets), at least 2 entries
     * @param slabObjects slab-&gt;objects (fewer than random_seq's length for a fallback-order slab)
     * @param size s-&gt;size
     * @param startPos the random start, 0 .. randomSeq.length - 1
     * @return slabObjects byte offsets, each multiple of size exactly once
     */
    public static long[] shuffledOffsets(int[] randomSeq, int slabObjects, int size, int startPos) {
        InvalidArgumentException.check(randomSeq.length >= 2, "random_seq of %s entries cannot shuffle: need 2 or more",
                randomSeq.length);
        InvalidArgumentException.check(startPos >= 0 && startPos < randomSeq.length,
                "start position %s is outside random_seq: 0..%s", startPos, randomSeq.length - 1);
        InvalidArgumentException.check(slabObjects >= 1 && slabObjects <= randomSeq.length,
                "a slab of %s objects cannot use a random_seq of %s", slabObjects, randomSeq.length);
        long pageLimit = (long) slabObjects * size;
        int[] pos = {startPos};
        long[] order = new long[slabObjects];
        for (int i = 0; i < slabObjects; i++) {
            order[i] = nextFreelistEntry(randomSeq, pos, pageLimit);
        }
        return order;
    }

    /**
     * next_freelist_entry(): the next offset below pageLimit, advancing pos[0] cyclically.
     */
    static long nextFreelistEntry(int[] randomSeq, int[] pos, long pageLimit) {
        long idx;
        do {
            idx = randomSeq[pos[0]];
            pos[0] = pos[0] + 1 == randomSeq.length ? 0 : pos[0] + 1;
        } while (idx >= pageLimit);
        return idx;
    }

    /** The permutation as object indices (offsets / size), for printing and lessons. */
    public static int[] indices(int[] randomSeq, int size) {
        return Arrays.stream(randomSeq).map(off -> off / size).toArray();
    }
}
