package io.pagelab.kernel.slub;

/**
 * How SLUB stores a free pointer inside a free object, as Linux 6.5+ mm/slub.c:
 * freelist_ptr_encode() / freelist_ptr_decode() do it. With CONFIG_SLAB_FREELIST_HARDENED the
 * stored word is
 *
 * <pre>
 *  stored = ptr ^ s-&gt;random ^ swab(ptr_addr)
 *
 *  ptr       the next free object (0 = end of the list)
 *  s-&gt;random a per-cache secret, get_random_long() at cache creation
 *  ptr_addr  where the word is stored: object + s-&gt;offset
 *  swab      64-bit byte swap (__swab64): the address's varying low bytes land in the high bytes
 * </pre>
 *
 * An attacker who overwrites a free object with a raw address gets, after decoding, an address
 * XORed with a secret: almost surely non-canonical, so the next allocation faults instead of
 * handing out the attacker's target. Because ptr_addr takes part, the same pointer stored in two
 * places looks different, and even NULL is stored as a non-zero word.
 *
 * <p>History (seed-digest Appendix E erratum 4): 4.14 to 5.6 used {@code ptr ^ random ^ ptr_addr};
 * the byte swap came in 5.7; the source material's "swap(&amp;ptr)" is a misreading. Without
 * hardening the word is the pointer itself.
 */
public final class FreelistCodec {
    private final boolean hardened;
    private final long random;

    private FreelistCodec(boolean hardened, long random) {
        this.hardened = hardened;
        this.random = random;
    }

    /** CONFIG_SLAB_FREELIST_HARDENED with this per-cache secret (s-&gt;random). */
    public static FreelistCodec hardened(long random) {
        return new FreelistCodec(true, random);
    }

    /** Without CONFIG_SLAB_FREELIST_HARDENED: the pointer is stored as it is. */
    public static FreelistCodec plain() {
        return new FreelistCodec(false, 0);
    }

    /** swab(x): the 64-bit byte swap, 0x0102030405060708 -&gt; 0x0807060504030201. */
    public static long swab(long x) {
        return Long.reverseBytes(x);
    }

    /** True with CONFIG_SLAB_FREELIST_HARDENED. */
    public boolean isHardened() {
        return hardened;
    }

    /** s-&gt;random (0 when not hardened). */
    public long random() {
        return random;
    }

    /** freelist_ptr_encode(): the word stored at {@code ptrAddr} for the pointer {@code ptr}. */
    public long encode(long ptr, long ptrAddr) {
        return hardened ? ptr ^ random ^ swab(ptrAddr) : ptr;
    }

    /** freelist_ptr_decode(): the pointer a word {@code stored} at {@code ptrAddr} stands for. */
    public long decode(long stored, long ptrAddr) {
        return hardened ? stored ^ random ^ swab(ptrAddr) : stored;
    }

    @Override
    public String toString() {
        return hardened ? String.format("FreelistCodec(hardened, random %#018x)", random) : "FreelistCodec(plain)";
    }
}
