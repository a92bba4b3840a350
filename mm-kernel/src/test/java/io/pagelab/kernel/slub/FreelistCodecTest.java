package io.pagelab.kernel.slub;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FreelistCodecTest {
    private static final long RANDOM = 0x0123456789abcdefL;
    // object 0xffff888000001000 of a kmalloc-64 cache: the free pointer is stored at offset 32
    private static final long PTR_ADDR = 0xffff888000001020L;
    private static final long NEXT = 0xffff888000001040L;

    @Test
    void swabReversesTheEightBytes() {
        assertThat(FreelistCodec.swab(0x0102030405060708L)).isEqualTo(0x0807060504030201L);
        // ff ff 88 80 00 00 10 20 -> 20 10 00 00 80 88 ff ff
        assertThat(FreelistCodec.swab(PTR_ADDR)).isEqualTo(0x201000008088ffffL);
    }

    @Test
    void hardenedEncodingIsPtrXorRandomXorSwabOfTheAddress() {
        // linux-reference.md §4.4: ptr ^ s->random ^ swab(ptr_addr), by hand:
        // 0xffff888000001040 ^ 0x0123456789abcdef ^ 0x201000008088ffff = 0xdecccde709232250
        FreelistCodec codec = FreelistCodec.hardened(RANDOM);
        assertThat(codec.encode(NEXT, PTR_ADDR)).isEqualTo(0xdecccde709232250L);
        assertThat(codec.decode(0xdecccde709232250L, PTR_ADDR)).isEqualTo(NEXT);
    }

    @Test
    void theEndOfTheListIsStoredAsANonZeroWord() {
        // NULL -> s->random ^ swab(ptr_addr) = 0x0123456789abcdef ^ 0x201000008088ffff
        FreelistCodec codec = FreelistCodec.hardened(RANDOM);
        assertThat(codec.encode(0, PTR_ADDR)).isEqualTo(0x2133456709233210L).isNotZero();
    }

    @Test
    void theSamePointerLooksDifferentAtAnotherAddressOrInAnotherCache() {
        FreelistCodec a = FreelistCodec.hardened(RANDOM);
        FreelistCodec b = FreelistCodec.hardened(RANDOM + 1);
        assertThat(a.encode(NEXT, PTR_ADDR)).isNotEqualTo(a.encode(NEXT, PTR_ADDR + 64));
        assertThat(a.encode(NEXT, PTR_ADDR)).isNotEqualTo(b.encode(NEXT, PTR_ADDR));
    }

    @Test
    void withoutHardeningThePointerIsStoredInClear() {
        FreelistCodec plain = FreelistCodec.plain();
        assertThat(plain.encode(NEXT, PTR_ADDR)).isEqualTo(NEXT);
        assertThat(plain.decode(NEXT, PTR_ADDR)).isEqualTo(NEXT);
        assertThat(plain.encode(0, PTR_ADDR)).isZero();
    }

    @Test
    void decodeUndoesEncodeForRandomPointersAddressesAndSecrets() {
        for (long seed = 1; seed <= 20; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            FreelistCodec codec = FreelistCodec.hardened(r.nextLong());
            for (int i = 0; i < 500; i++) {
                long ptr = r.nextLong();
                long addr = r.nextLong();
                long stored = codec.encode(ptr, addr);
                assertThat(codec.decode(stored, addr)).as("seed %d, ptr %x at %x", seed, ptr, addr).isEqualTo(ptr);
            }
        }
    }

    @Test
    void aRawAddressWrittenByAnAttackerDecodesToANonCanonicalAddress() {
        // The attacker overwrites the stored word with a raw kernel address; decoding XORs it with
        // random ^ swab(addr) = 0x2133456709233210 -> 0xdecccde709232210 ^ ... : bits 63..47 are not all equal
        FreelistCodec codec = FreelistCodec.hardened(RANDOM);
        long target = 0xffff888000002000L;
        long decoded = codec.decode(target, PTR_ADDR);
        assertThat(decoded).isEqualTo(target ^ 0x2133456709233210L);
        long top = decoded >> 47;
        assertThat(top).as("canonical addresses have bits 63..47 all 0 or all 1").isNotIn(0L, -1L);
    }
}
