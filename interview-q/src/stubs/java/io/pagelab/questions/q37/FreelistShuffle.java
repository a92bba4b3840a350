package io.pagelab.questions.q37;

import io.pagelab.exercise.Todo;
import java.util.function.IntUnaryOperator;

/**
 * Q37 SLUB分配如何防止被预判？ How does SLUB keep its allocations unpredictable?
 *
 * <p>Without help, a new slab hands out its objects in address order: object 0, 1, 2... An
 * attacker who can trigger allocations then knows which object lands next to which, and can place
 * a victim object right after one they can overflow. CONFIG_SLAB_FREELIST_RANDOM shuffles that
 * order. It costs little: one random permutation per cache, made once, and one random number per
 * new slab. 每个 cache 创建时生成一次随机排列（Fisher–Yates）；每个新 slab 从排列中随机的位置开始，
 * 循环读取，串起空闲链表。
 *
 * <p>Your task: implement both methods. Every random number comes from {@code below}: called with
 * a bound {@code n}, it returns a number in {@code [0, n)} (the kernel's get_random_u32_below).
 * Ask for exactly the numbers described, in that order: the grader scripts them.
 * <ul>
 *   <li>{@link #randomSeq} (mm/slab_common.c: freelist_randomize, then init_cache_random_seq in
 *       mm/slub.c): fill a list with 0, 1, ..., count - 1; then for i from count - 1 down to 1,
 *       swap list[i] with list[below(i + 1)]. Finally multiply every entry by the object size, so
 *       the list holds byte offsets. A cache whose slabs hold fewer than 2 objects gets no
 *       sequence: return an empty array and draw nothing.</li>
 *   <li>{@link #shuffleFreelist} (mm/slub.c: shuffle_freelist, next_freelist_entry): the order
 *       in which a new slab's objects are linked. Draw the start position
 *       {@code pos = below(randomSeq.length)}. Then, for each object, take {@code randomSeq[pos]},
 *       advance pos (back to 0 after the last entry), and skip offsets that do not fit this slab
 *       (offset &gt;= slabObjects * size: a slab made at the smaller fallback order has fewer objects
 *       than the sequence). The object's address is {@code start + offset}.
 *       When the cache has no sequence (fewer than 2 entries) or the slab has fewer than 2 objects,
 *       the kernel does not shuffle: return the objects in address order and draw nothing.</li>
 * </ul>
 *
 * <p>Run {@code ./pagelab grade q37} to check your work.
 */
public final class FreelistShuffle {

    private FreelistShuffle() {
    }

    /**
     * The cache's random_seq: a random permutation of the object indices, as byte offsets.
     *
     * @param count objects per slab at the cache's preferred order (oo_objects(s->oo))
     * @param size the object slot size, s->size
     * @param below the random source: below(n) is in [0, n)
     * @return count offsets, each a different multiple of size; empty when count &lt; 2
     */
    public static int[] randomSeq(int count, int size, IntUnaryOperator below) {
        throw new Todo("q37/FreelistShuffle.java");
    }

    /**
     * The addresses of a new slab's objects in the order its freelist links them.
     *
     * @param start the address of the slab's first object
     * @param randomSeq the cache's random_seq from {@link #randomSeq} (may be empty)
     * @param slabObjects how many objects this slab holds (slab->objects)
     * @param size the object slot size, s->size
     * @param below the random source for the start position
     * @return slabObjects addresses, the freelist's head first
     */
    public static long[] shuffleFreelist(long start, int[] randomSeq, int slabObjects, int size, IntUnaryOperator below) {
        throw new Todo("q37/FreelistShuffle.java");
    }
}
