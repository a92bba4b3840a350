package io.pagelab.questions.q46;

import io.pagelab.exercise.Todo;
import java.util.function.LongFunction;

/**
 * Q46 内核如何防范信息外泄？ How does the kernel prevent information leaks?
 *
 * <p>copy_to_user(to, from, n) copies n kernel bytes out to user space; a wrong n (a length taken
 * from the user, an off-by-one) would leak the neighbouring kernel memory, and the same bug in
 * copy_from_user would let the user overwrite it. With CONFIG_HARDENED_USERCOPY the kernel checks
 * the kernel-side buffer first (mm/usercopy.c: __check_object_size, mm/slub.c: __check_heap_object):
 * <pre>
 *  n == 0                                   allowed (nothing is copied)
 *  ptr + (n - 1) wraps past 2^64            "wrapped address"  offset 0,   size ptr + n (wrapped)
 *  ptr &lt;= 16 (NULL or ZERO_SIZE_PTR)        "null address"     offset ptr, size n
 *  ptr inside a SLUB slab:
 *     offset = (ptr - slab_address) % s-&gt;size
 *     if the cache has red zones: offset &lt; red_left_pad -&gt; "SLUB object in left red zone" 's-&gt;name'
 *                                 else offset -= red_left_pad
 *     allowed iff offset &gt;= useroffset and offset - useroffset &lt;= usersize
 *                 and n &lt;= useroffset - offset + usersize
 *     otherwise                             "SLUB object" 's-&gt;name'   offset, size n
 *  the copy overlaps [_stext, _etext)       "kernel text"      offset ptr - _stext, size n
 * </pre>
 * kmalloc caches open the whole object (useroffset 0, usersize = object size); other caches name
 * a window with kmem_cache_create_usercopy(). A refused copy is reported as
 * <pre>
 *  usercopy: Kernel memory exposure attempt detected from SLUB object 'kmalloc-64' (offset 60, size 8)!
 *  usercopy: Kernel memory overwrite attempt detected to kernel text (offset 256, size 16)!
 * </pre>
 * ("exposure ... from" for copy_to_user, "overwrite ... to" for copy_from_user; the quoted cache
 * name only when there is one; offset and size printed as unsigned numbers) and the kernel BUG()s.
 * 拷贝到用户态/从用户态拷贝前，内核检查内核侧缓冲区：不能回绕、不能是空指针、必须落在一个slab对象的usercopy区域内、不能碰内核代码段。
 *
 * <p>Run {@code ./pagelab grade q46} to check your work.
 */
public final class UsercopyCheck {

    /** ZERO_SIZE_PTR: what kmalloc(0) returns. */
    public static final long ZERO_SIZE_PTR = 16;

    /**
     * The parts of struct kmem_cache the check reads.
     *
     * @param name s-&gt;name
     * @param size s-&gt;size: one slot, objects follow each other every size bytes from the slab start
     * @param redZone whether the cache has SLAB_RED_ZONE
     * @param redLeftPad s-&gt;red_left_pad: the left red zone at the start of every slot
     * @param useroffset start of the usercopy window inside the object
     * @param usersize length of the window
     */
    public record SlabCache(String name, int size, boolean redZone, int redLeftPad, int useroffset, int usersize) {
    }

    /** A slab: slab_address(slab) and its cache. */
    public record SlabPage(long address, SlabCache cache) {
    }

    /** usercopy_abort(): the copy was refused; the message is the kernel's line. */
    public static final class UsercopyAbort extends RuntimeException {
        public UsercopyAbort(String message) {
            super(message);
        }
    }

    private UsercopyCheck() {
    }

    /**
     * The line usercopy_abort() prints, with its "usercopy: " prefix.
     *
     * @param name the kind of memory ("SLUB object", "kernel text", "null address", ...)
     * @param detail the cache name, or null
     */
    public static String message(String name, String detail, boolean toUser, long offset, long len) {
        throw new Todo("q46/UsercopyCheck.java");
    }

    /**
     * check_object_size(ptr, n, to_user): returns when the copy is allowed, throws
     * {@link UsercopyAbort} with the kernel's message otherwise. {@code n} is unsigned.
     *
     * @param virtToSlab the slab holding an address, or null when it is not slab memory
     * @param stext _stext
     * @param etext _etext
     */
    public static void checkObjectSize(long ptr, long n, boolean toUser, LongFunction<SlabPage> virtToSlab,
            long stext, long etext) {
        throw new Todo("q46/UsercopyCheck.java");
    }
}
