package io.pagelab.questions.q36;

import io.pagelab.exercise.Todo;
import java.util.List;
import java.util.function.LongUnaryOperator;

/**
 * Q36 如何防范slab空闲链表的攻击？ How is the slab freelist defended against attack?
 *
 * <p>A free SLUB object holds, at {@code s->offset} inside itself, the address of the next free
 * object: the freelist is threaded through the free objects. An attacker with a use-after-free or
 * a small overflow can overwrite that word with an address of their choice; the next allocations
 * would then hand out memory the attacker picked. With CONFIG_SLAB_FREELIST_HARDENED the kernel
 * never stores the raw pointer. It stores
 * <pre>
 *   stored = ptr ^ s->random ^ swab(ptr_addr)
 * </pre>
 * where {@code s->random} is a secret drawn once per cache, {@code ptr_addr} is the address the
 * word is stored at (object + s->offset, not the object itself), and {@code swab} reverses the 8
 * bytes of a 64-bit value. Reading the word back applies the same XORs. A forged raw address then
 * decodes to nonsense, and even the end of the list (NULL) is stored as a non-zero word.
 * 空闲对象里存放的"下一个空闲对象"指针被加密保存：与每个 cache 的随机数、以及该指针所在地址的字节反转值异或。
 * 攻击者写入的明文地址解码后变成无意义的值。
 *
 * <p>Your task: implement the four methods.
 * <ul>
 *   <li>{@link #swab}: the 64-bit byte swap, {@code 0x0102030405060708 -> 0x0807060504030201}.</li>
 *   <li>{@link #encode} (freelist_ptr_encode in mm/slub.c) and {@link #decode}
 *       (freelist_ptr_decode): the formula above.</li>
 *   <li>{@link #freelist}: follow a freelist the way get_freepointer() does, from its first free
 *       object. For each object, read the stored word at {@code object + offset} with
 *       {@code readWord}, decode it with that same address, and move on; the list ends when the
 *       decoded pointer is 0. Do not read beyond what you need: every read of an address that is not
 *       mapped fails, as it would in the kernel.</li>
 * </ul>
 *
 * <p>Run {@code ./pagelab grade q36} to check your work.
 */
public final class FreelistPointer {

    private FreelistPointer() {
    }

    /** swab(x): the 8 bytes of {@code x} in reverse order. */
    public static long swab(long x) {
        throw new Todo("q36/FreelistPointer.java");
    }

    /**
     * The word SLUB stores at {@code ptrAddr} to mean "the next free object is {@code ptr}".
     *
     * @param ptr the next free object, 0 at the end of the list
     * @param ptrAddr where the word is stored: object + s->offset
     * @param random the cache's secret, s->random
     */
    public static long encode(long ptr, long ptrAddr, long random) {
        throw new Todo("q36/FreelistPointer.java");
    }

    /**
     * The pointer that the word {@code stored}, found at {@code ptrAddr}, stands for.
     *
     * @param stored the word read from memory
     * @param ptrAddr where it was read: object + s->offset
     * @param random the cache's secret, s->random
     */
    public static long decode(long stored, long ptrAddr, long random) {
        throw new Todo("q36/FreelistPointer.java");
    }

    /**
     * The free objects of a freelist, in list order, starting with {@code head}.
     *
     * @param readWord reads the 64-bit word stored at an address
     * @param head the first free object, 0 for an empty list (not encoded: the head lives in a
     *     per-CPU or slab field, not inside an object)
     * @param offset s->offset: where inside each free object its link is stored
     * @param random the cache's secret, s->random
     * @return head, then each next object, up to (not including) the decoded 0
     */
    public static List<Long> freelist(LongUnaryOperator readWord, long head, int offset, long random) {
        throw new Todo("q36/FreelistPointer.java");
    }
}
