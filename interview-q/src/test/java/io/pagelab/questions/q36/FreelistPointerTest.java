package io.pagelab.questions.q36;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongUnaryOperator;
import org.assertj.core.presentation.Representation;
import org.assertj.core.presentation.StandardRepresentation;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q36 如何防范slab空闲链表的攻击？ How is the slab freelist defended against attack?
 *
 * <p>The rule is mm/slub.c (Linux 6.5+): freelist_ptr_encode() stores
 * {@code ptr ^ s->random ^ swab(ptr_addr)} (reference linux-reference.md §4.4). The scene: a
 * kmalloc-64 slab at 0xffff888004a1c000 in the direct map, free pointer at s->offset = 32
 * (ALIGN_DOWN(64 / 2, 8), §4.2), and a cache secret s->random = 0x9e3779b97f4a7c15. Every expected
 * word is XORed out by hand below, byte by byte.
 */
@Grader(id = "q36")
@DisplayName("Q36 hardened freelist pointers: encode, decode, walk")
class FreelistPointerTest {

    static final long RANDOM = 0x9e3779b97f4a7c15L;
    static final int OFFSET = 32;
    static final long OBJ0 = 0xffff888004a1c000L;
    static final long OBJ1 = 0xffff888004a1c040L;
    static final long OBJ2 = 0xffff888004a1c080L;

    // Hand computation for the three-object list OBJ0 -> OBJ1 -> OBJ2 -> NULL:
    //   OBJ0's link lives at 0xffff888004a1c020; swab = 0x20c0a1048088ffff
    //     RANDOM ^ swab = 0x9e3779b97f4a7c15 ^ 0x20c0a1048088ffff = 0xbef7d8bdffc283ea
    //     ^ OBJ1 0xffff888004a1c040                                = 0x4108503dfb6343aa
    //   OBJ1's link lives at 0xffff888004a1c060; swab = 0x60c0a1048088ffff
    //     RANDOM ^ swab = 0xfef7d8bdffc283ea; ^ OBJ2 0xffff888004a1c080 = 0x0108503dfb63436a
    //   OBJ2's link lives at 0xffff888004a1c0a0; swab = 0xa0c0a1048088ffff
    //     RANDOM ^ swab = 0x3ef7d8bdffc283ea; ^ NULL = 0x3ef7d8bdffc283ea
    static final long STORED_AT_OBJ0 = 0x4108503dfb6343aaL;
    static final long STORED_AT_OBJ1 = 0x0108503dfb63436aL;
    static final long STORED_AT_OBJ2 = 0x3ef7d8bdffc283eaL;

    /** Failure messages show addresses and stored words in hex, as the kernel prints them. */
    static final Representation HEX = new StandardRepresentation() {
        @Override
        protected String toStringOf(Long value) {
            return String.format("%#018x", value);
        }
    };

    /** Simulated memory: reading an address nobody wrote faults as the kernel would. */
    static LongUnaryOperator memory(Map<Long, Long> words) {
        return addr -> {
            Long word = words.get(addr);
            if (word == null) {
                throw new IllegalStateException(String.format("BUG: unable to handle page fault for address: %016x", addr));
            }
            return word;
        };
    }

    static Map<Long, Long> threeObjectSlab() {
        Map<Long, Long> words = new HashMap<>();
        words.put(OBJ0 + OFFSET, STORED_AT_OBJ0);
        words.put(OBJ1 + OFFSET, STORED_AT_OBJ1);
        words.put(OBJ2 + OFFSET, STORED_AT_OBJ2);
        return words;
    }

    @Test
    @Points(2)
    @Hint("swab is the 64-bit byte swap (__swab64): the lowest byte becomes the highest. Long has a "
            + "method for it, or shift and mask 8 bits at a time.")
    void swabReversesTheEightBytes() {
        assertThat(FreelistPointer.swab(0x0102030405060708L)).withRepresentation(HEX).as("swab(0x0102030405060708)")
                .isEqualTo(0x0807060504030201L);
        // the storage address of OBJ0's link: bytes ff ff 88 80 04 a1 c0 20 read backwards
        assertThat(FreelistPointer.swab(0xffff888004a1c020L)).withRepresentation(HEX).as("swab(0xffff888004a1c020)")
                .isEqualTo(0x20c0a1048088ffffL);
        assertThat(FreelistPointer.swab(0x80L)).withRepresentation(HEX).as("swab(0x80): the sign bit is not smeared")
                .isEqualTo(0x8000000000000000L);
    }

    @Test
    @Points(3)
    @Hint("encode = ptr ^ s->random ^ swab(ptr_addr), where ptr_addr is the address the word is "
            + "stored at (object + s->offset), not the object and not the pointer itself.")
    void encodeGivesTheHandComputedStoredWords() {
        assertThat(FreelistPointer.encode(OBJ1, OBJ0 + OFFSET, RANDOM)).withRepresentation(HEX)
                .as("word stored in OBJ0 for next = OBJ1 (worked out by hand in the grader)")
                .isEqualTo(STORED_AT_OBJ0);
        assertThat(FreelistPointer.encode(OBJ2, OBJ1 + OFFSET, RANDOM)).withRepresentation(HEX)
                .as("word stored in OBJ1 for next = OBJ2")
                .isEqualTo(STORED_AT_OBJ1);
    }

    @Test
    @Points(2)
    @Hint("XOR is its own inverse: applying s->random and swab(ptr_addr) again gives the pointer back.")
    void decodeUndoesEncodeForAnyPointerAddressAndSecret() {
        long seed = 36;
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < 2000; i++) {
            long ptr = rng.nextLong();
            long ptrAddr = rng.nextLong();
            long random = rng.nextLong();
            long stored = FreelistPointer.encode(ptr, ptrAddr, random);
            assertThat(FreelistPointer.decode(stored, ptrAddr, random)).withRepresentation(HEX)
                    .as("decode(encode(%#x)) at %#x with random %#x (seed %d, draw %d)", ptr, ptrAddr, random, seed, i)
                    .isEqualTo(ptr);
            if (random != FreelistPointer.swab(ptrAddr)) {
                assertThat(stored).withRepresentation(HEX)
                        .as("stored word of %#x must not be the raw pointer (seed %d, draw %d)", ptr, seed, i)
                        .isNotEqualTo(ptr);
            }
        }
        assertThat(FreelistPointer.decode(STORED_AT_OBJ1, OBJ1 + OFFSET, RANDOM)).withRepresentation(HEX)
                .as("decode of OBJ1's word")
                .isEqualTo(OBJ2);
    }

    @Test
    @Points(2)
    @Hint("The end of the list is NULL, but what is stored is 0 ^ s->random ^ swab(ptr_addr): not 0. "
            + "Only the decoded pointer is 0.")
    void nullIsStoredAsANonZeroWordAndDecodesBackToNull() {
        // OBJ2's link at 0xffff888004a1c0a0: 0 ^ 0x9e3779b97f4a7c15 ^ 0xa0c0a1048088ffff
        assertThat(FreelistPointer.encode(0, OBJ2 + OFFSET, RANDOM)).withRepresentation(HEX)
                .as("stored word for NULL in OBJ2")
                .isEqualTo(STORED_AT_OBJ2);
        assertThat(FreelistPointer.decode(STORED_AT_OBJ2, OBJ2 + OFFSET, RANDOM)).withRepresentation(HEX)
                .as("decoded end of list")
                .isZero();
    }

    @Test
    @Points(2)
    @Hint("Both the secret and the storage address enter the word: the same pointer looks different "
            + "in another slot or in another cache.")
    void theSamePointerIsStoredDifferentlyInAnotherSlotOrCache() {
        // OBJ1 stored in OBJ2's slot: 0xffff888004a1c040 ^ 0x9e3779b97f4a7c15 ^ 0xa0c0a1048088ffff
        assertThat(FreelistPointer.encode(OBJ1, OBJ2 + OFFSET, RANDOM)).withRepresentation(HEX)
                .as("OBJ1 stored in OBJ2's slot")
                .isEqualTo(0xc108503dfb6343aaL);
        // another cache with s->random = 0x0123456789abcdef:
        // 0xffff888004a1c040 ^ 0x0123456789abcdef ^ 0x20c0a1048088ffff = 0xde1c6ce30d82f250
        assertThat(FreelistPointer.encode(OBJ1, OBJ0 + OFFSET, 0x0123456789abcdefL)).withRepresentation(HEX)
                .as("OBJ1 stored in OBJ0's slot by a cache with another secret")
                .isEqualTo(0xde1c6ce30d82f250L);
    }

    @Test
    @Points(3)
    @Hint("Walk like get_freepointer(): read the word at object + s->offset, decode it with that same "
            + "address, and stop when the DECODED pointer is 0, not when the stored word is 0.")
    void walkingTheFreelistDecodesEachLinkAndStopsAtTheEncodedNull() {
        assertThat(FreelistPointer.freelist(memory(threeObjectSlab()), OBJ0, OFFSET, RANDOM)).withRepresentation(HEX)
                .as("free objects of the three-object list from OBJ0")
                .containsExactly(OBJ0, OBJ1, OBJ2);
        assertThat(FreelistPointer.freelist(memory(threeObjectSlab()), OBJ1, OFFSET, RANDOM)).withRepresentation(HEX)
                .as("free objects from OBJ1")
                .containsExactly(OBJ1, OBJ2);
        assertThat(FreelistPointer.freelist(memory(Map.of()), 0, OFFSET, RANDOM)).withRepresentation(HEX)
                .as("an empty freelist (head 0) reads no memory")
                .isEmpty();
    }

    @Test
    @Points(3)
    @Hint("An attacker writes a raw address over a free pointer. Decoding XORs it with the secret "
            + "and the swapped storage address: what comes out is not the attacker's target.")
    void aForgedRawPointerDecodesToANonCanonicalAddress() {
        long target = 0xffff888004a1d000L; // where the attacker wants the next allocation
        // decode: 0xffff888004a1d000 ^ 0xbef7d8bdffc283ea (RANDOM ^ swab of OBJ0's link address)
        long garbage = FreelistPointer.decode(target, OBJ0 + OFFSET, RANDOM);

        assertThat(garbage).withRepresentation(HEX)
                .as("what the forged word in OBJ0 decodes to").isEqualTo(0x4108503dfb6353eaL);
        // x86-64 canonical: bits 63..47 all equal; 0x4108... has them mixed, so using it faults
        long top = garbage >> 47;
        assertThat(top == 0 || top == -1).as("%#x is canonical", garbage).isFalse();
    }

    @Test
    @Points(3)
    @Hint("With a forged word in OBJ0, the walk's next object is the decoded nonsense; reading its "
            + "link faults instead of handing out the attacker's target.")
    void walkingPastAForgedPointerFaultsInsteadOfReachingTheTarget() {
        Map<Long, Long> words = threeObjectSlab();
        words.put(OBJ0 + OFFSET, 0xffff888004a1d000L); // overwritten with a raw address

        Throwable fault = catchThrowable(() -> FreelistPointer.freelist(memory(words), OBJ0, OFFSET, RANDOM));

        // the garbage object 0x4108503dfb6353ea has its link at +0x20 = 0x4108503dfb63540a
        assertThat(fault).as("walking a freelist whose first link was forged")
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("4108503dfb63540a");
    }
}
