package io.pagelab.questions.q36;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongUnaryOperator;

/**
 * Q36 如何防范slab空闲链表的攻击？ How is the slab freelist defended against attack? (reference solution)
 *
 * <p>Models mm/slub.c (Linux 6.5+) with CONFIG_SLAB_FREELIST_HARDENED: freelist_ptr_encode(),
 * freelist_ptr_decode() and the walk get_freepointer() makes, one object at a time.
 *
 * <pre>
 *   kmalloc-64, s->offset = 32 (the middle of the object)
 *
 *   object  0xffff888004a1c000 +0x20: stored word  = next ^ s->random ^ swab(0xffff888004a1c020)
 *   object  0xffff888004a1c040 +0x20: stored word  = next ^ s->random ^ swab(0xffff888004a1c060)
 *   object  0xffff888004a1c080 +0x20: stored word  =  0   ^ s->random ^ swab(0xffff888004a1c0a0)
 * </pre>
 *
 * swab() moves the low bytes of the storage address (the ones that differ between objects) into
 * the high bytes, where a pointer's canonical bits are; so a forged raw pointer decodes to an
 * address with scrambled high bits, which faults when used. Before Linux 5.7 the formula was
 * {@code ptr ^ s->random ^ ptr_addr}, without the byte swap (seed-digest Appendix E, erratum 4).
 *
 * <p>Differs from Linux on purpose: memory is reached through a function rather than by
 * dereferencing, and KASAN tag resetting is left out (no tags here).
 */
public final class FreelistPointer {

    private FreelistPointer() {
    }

    /** swab(x): the 8 bytes of {@code x} in reverse order. */
    public static long swab(long x) {
        long swapped = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            swapped = (swapped << 8) | ((x >>> (8 * i)) & 0xff);
        }
        return swapped;
    }

    /** freelist_ptr_encode(): the word stored at {@code ptrAddr} for the next pointer {@code ptr}. */
    public static long encode(long ptr, long ptrAddr, long random) {
        return ptr ^ random ^ swab(ptrAddr);
    }

    /** freelist_ptr_decode(): the next pointer the word {@code stored} at {@code ptrAddr} stands for. */
    public static long decode(long stored, long ptrAddr, long random) {
        return stored ^ random ^ swab(ptrAddr);
    }

    /** The free objects from {@code head} on, following get_freepointer() until it yields 0. */
    public static List<Long> freelist(LongUnaryOperator readWord, long head, int offset, long random) {
        Objects.requireNonNull(readWord, "readWord");
        List<Long> objects = new ArrayList<>();
        long object = head;
        while (object != 0) {
            objects.add(object);
            long ptrAddr = object + offset;
            object = decode(readWord.applyAsLong(ptrAddr), ptrAddr, random);
        }
        return objects;
    }
}
