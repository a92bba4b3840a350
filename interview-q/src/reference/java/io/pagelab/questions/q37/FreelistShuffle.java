package io.pagelab.questions.q37;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Objects;
import java.util.function.IntUnaryOperator;

/**
 * Q37 SLUB分配如何防止被预判？ How does SLUB keep its allocations unpredictable? (reference solution)
 *
 * <p>Models CONFIG_SLAB_FREELIST_RANDOM in Linux 6.x: mm/slab_common.c: freelist_randomize(),
 * cache_random_seq_create(), and mm/slub.c: init_cache_random_seq(), shuffle_freelist(),
 * next_freelist_entry().
 *
 * <pre>
 *  at cache creation:  random_seq = Fisher-Yates(0..n-1) * s->size      n = oo_objects(s->oo)
 *  for each new slab:  pos = get_random_u32_below(n)
 *                      freelist = start + random_seq[pos], random_seq[pos+1], ... (cyclic),
 *                      skipping offsets &gt;= slab->objects * s->size
 *
 *  n = 8, random_seq/size = [5 7 2 1 4 0 6 3], pos = 5:  objects 0 6 3 5 7 2 1 4
 * </pre>
 *
 * <p>Differs from Linux on purpose: the random numbers come from a function the caller supplies
 * (the kernel's CRNG cannot be seeded), and the result is the order of addresses rather than free
 * pointers written into the objects.
 */
public final class FreelistShuffle {

    private FreelistShuffle() {
    }

    /** init_cache_random_seq(): freelist_randomize() of count indices, then index * size. */
    public static int[] randomSeq(int count, int size, IntUnaryOperator below) {
        Objects.requireNonNull(below, "below");
        checkArgument(count >= 0 && size > 0, "count %s must be >= 0 and size %s > 0", count, size);
        if (count < 2) {
            return new int[0];
        }
        int[] list = new int[count];
        for (int i = 0; i < count; i++) {
            list[i] = i;
        }
        for (int i = count - 1; i > 0; i--) {
            int rand = below.applyAsInt(i + 1);
            checkArgument(rand >= 0 && rand <= i, "random draw %s is outside [0, %s)", rand, i + 1);
            int t = list[i];
            list[i] = list[rand];
            list[rand] = t;
        }
        for (int i = 0; i < count; i++) {
            list[i] *= size;
        }
        return list;
    }

    /** shuffle_freelist(): the slab's objects from a random start in random_seq, or linear. */
    public static long[] shuffleFreelist(long start, int[] randomSeq, int slabObjects, int size, IntUnaryOperator below) {
        Objects.requireNonNull(randomSeq, "randomSeq");
        Objects.requireNonNull(below, "below");
        checkArgument(slabObjects >= 1 && size > 0, "slabObjects %s and size %s must be positive", slabObjects, size);
        long[] order = new long[slabObjects];
        if (slabObjects < 2 || randomSeq.length < 2) {
            for (int i = 0; i < slabObjects; i++) {
                order[i] = start + (long) i * size;
            }
            return order;
        }
        checkArgument(slabObjects <= randomSeq.length, "a slab of %s objects cannot use a random_seq of %s",
                slabObjects, randomSeq.length);
        int pos = below.applyAsInt(randomSeq.length);
        long pageLimit = (long) slabObjects * size;
        for (int i = 0; i < slabObjects; i++) {
            long idx;
            do { // next_freelist_entry()
                idx = randomSeq[pos];
                pos = pos + 1 == randomSeq.length ? 0 : pos + 1;
            } while (idx >= pageLimit);
            order[i] = start + idx;
        }
        return order;
    }
}
