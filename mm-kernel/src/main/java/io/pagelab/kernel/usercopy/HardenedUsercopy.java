package io.pagelab.kernel.usercopy;

import io.pagelab.api.Pages;
import io.pagelab.api.error.BadAddressException;
import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.kernel.slub.KmemCacheLayout;
import io.pagelab.kernel.slub.Slab;
import io.pagelab.kernel.slub.SlabFlags;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CONFIG_HARDENED_USERCOPY: __check_object_size(ptr, n, to_user) from mm/usercopy.c and
 * __check_heap_object() from mm/slub.c (Linux 6.x), run on the kernel buffer of every
 * copy_to_user / copy_from_user whose size is not a compile-time constant.
 *
 * <pre>
 *  n == 0                                 -&gt; allowed
 *  ptr + (n - 1) wraps                    -&gt; "wrapped address" (offset 0, size ptr + n)
 *  ptr is NULL or ZERO_SIZE_PTR (&lt;= 16)   -&gt; "null address" (offset ptr, size n)
 *  touches the current task's stack:      inside one frame (or above the stack pointer when
 *                                         there are no frame pointers) -&gt; allowed, no more checks;
 *                                         otherwise "process stack"
 *  inside a slab page                     -&gt; offset = (ptr - slab_address) % s-&gt;size, minus the
 *                                         left red zone ("SLUB object in left red zone" inside it);
 *                                         must lie in [useroffset, useroffset + usersize): "SLUB object"
 *  inside a large (compound) page block   -&gt; must end inside it: "page alloc"
 *  overlaps [_stext, _etext) or its alias -&gt; "kernel text" / "linear kernel text"
 * </pre>
 *
 * A violation is thrown as a {@link BadAddressException} carrying the kernel's line
 * ({@link UsercopyViolation#message()}); the kernel prints it and calls BUG().
 *
 * <p>Differs from Linux on purpose: no kmap (x86-64 has no highmem) or vmalloc-area check, no
 * KFENCE objects, and the usercopy_fallback / WARN-only mode of older kernels is not modelled.
 */
public final class HardenedUsercopy {

    private static final Logger LOG = LoggerFactory.getLogger(HardenedUsercopy.class);

    /** ZERO_SIZE_PTR: what kmalloc(0) returns; ZERO_OR_NULL_PTR(x) is x &lt;= 16. */
    public static final long ZERO_SIZE_PTR = 16;

    /** Finds the slab holding an address, as virt_to_slab() does (SlubCache::virtToSlab fits). */
    @FunctionalInterface
    public interface SlabLookup {
        Optional<Slab> virtToSlab(long address);
    }

    private final KernelText text;
    private final TaskStack stack;
    private final SlabLookup slabs;
    private final TreeMap<Long, Long> largeFolios = new TreeMap<>();

    public HardenedUsercopy(KernelText text, TaskStack stack, SlabLookup slabs) {
        this.text = Objects.requireNonNull(text, "text");
        this.stack = Objects.requireNonNull(stack, "stack");
        this.slabs = Objects.requireNonNull(slabs, "slabs");
    }

    /** Registers a compound page block from the page allocator (e.g. kmalloc above 8 KiB). */
    public void addLargeFolio(long address, int order) {
        InvalidArgumentException.check(order >= 1 && order <= 10, "folio order %s is not allowed: 1..10", order);
        InvalidArgumentException.check((address & ((Pages.PAGE_SIZE << order) - 1)) == 0,
                "folio address %s is not aligned to its size (order %s)", address, order);
        largeFolios.put(address, Pages.PAGE_SIZE << order);
    }

    /** check_object_size(ptr, n, to_user): returns when allowed, throws the kernel's message otherwise. */
    public void checkObjectSize(long ptr, long n, boolean toUser) {
        Optional<UsercopyViolation> v = check(ptr, n, toUser);
        if (v.isPresent()) {
            LOG.error("{}", v.get().message());
            throw new BadAddressException(ptr, v.get().message());
        }
    }

    /** The same checks, returning the violation instead of throwing; {@code n} is unsigned. */
    public Optional<UsercopyViolation> check(long ptr, long n, boolean toUser) {
        if (n == 0) {
            return Optional.empty();
        }
        if (Long.compareUnsigned(ptr + (n - 1), ptr) < 0) {
            return abort("wrapped address", null, toUser, 0, ptr + n);
        }
        if (Long.compareUnsigned(ptr, ZERO_SIZE_PTR) <= 0) {
            return abort("null address", null, toUser, ptr, n);
        }
        switch (checkStackObject(ptr, n)) {
            case NOT_STACK:
                break;
            case GOOD_FRAME:
            case GOOD_STACK:
                return Optional.empty();
            default:
                return abort("process stack", null, toUser, stack.stackPointer() - ptr, n);
        }
        Optional<UsercopyViolation> heap = checkHeapObject(ptr, n, toUser);
        if (heap.isPresent()) {
            return heap;
        }
        return checkKernelTextObject(ptr, n, toUser);
    }

    enum StackVerdict { NOT_STACK, GOOD_FRAME, GOOD_STACK, BAD_STACK }

    private StackVerdict checkStackObject(long obj, long len) {
        long lo = stack.base();
        long hi = stack.end();
        if (Long.compareUnsigned(obj + len, lo) <= 0 || Long.compareUnsigned(hi, obj) <= 0) {
            return StackVerdict.NOT_STACK;
        }
        if (Long.compareUnsigned(obj, lo) < 0 || Long.compareUnsigned(hi, obj + len) < 0) {
            return StackVerdict.BAD_STACK; // partly on the stack
        }
        if (!stack.frames().isEmpty()) {
            return withinStackFrames(obj, len);
        }
        return Long.compareUnsigned(obj, stack.stackPointer()) < 0 ? StackVerdict.BAD_STACK : StackVerdict.GOOD_STACK;
    }

    /** arch_within_stack_frames() (arch/x86/include/asm/thread_info.h). */
    private StackVerdict withinStackFrames(long obj, long len) {
        long oldframe = stack.frames().get(0);
        for (int i = 1; i < stack.frames().size(); i++) {
            long frame = stack.frames().get(i);
            if (Long.compareUnsigned(frame, stack.base()) < 0 || Long.compareUnsigned(frame, stack.end()) >= 0) {
                break;
            }
            if (Long.compareUnsigned(obj + len, frame) <= 0) {
                return Long.compareUnsigned(obj, oldframe + 2 * 8) >= 0 ? StackVerdict.GOOD_FRAME : StackVerdict.BAD_STACK;
            }
            oldframe = frame;
        }
        return StackVerdict.BAD_STACK;
    }

    private Optional<UsercopyViolation> checkHeapObject(long ptr, long n, boolean toUser) {
        Optional<Slab> slab = slabs.virtToSlab(ptr);
        if (slab.isPresent()) {
            return checkSlubObject(ptr, n, slab.get(), toUser);
        }
        var folio = largeFolios.floorEntry(ptr);
        if (folio != null && Long.compareUnsigned(ptr - folio.getKey(), folio.getValue()) < 0) {
            long offset = ptr - folio.getKey();
            if (Long.compareUnsigned(n, folio.getValue() - offset) > 0) {
                return abort("page alloc", null, toUser, offset, n);
            }
        }
        return Optional.empty();
    }

    /** __check_heap_object() in mm/slub.c. */
    private static Optional<UsercopyViolation> checkSlubObject(long ptr, long n, Slab slab, boolean toUser) {
        KmemCacheLayout s = slab.cache().layout();
        if (Long.compareUnsigned(ptr, slab.address()) < 0) {
            return abort("SLUB object not in SLUB page?!", null, toUser, 0, n);
        }
        long offset = (ptr - slab.address()) % s.size();
        if (s.hasFlag(SlabFlags.SLAB_RED_ZONE)) {
            if (offset < s.redLeftPad()) {
                return abort("SLUB object in left red zone", s.name(), toUser, offset, n);
            }
            offset -= s.redLeftPad();
        }
        if (offset >= s.useroffset() && offset - s.useroffset() <= s.usersize()
                && Long.compareUnsigned(n, s.useroffset() - offset + s.usersize()) <= 0) {
            return Optional.empty();
        }
        return abort("SLUB object", s.name(), toUser, offset, n);
    }

    private Optional<UsercopyViolation> checkKernelTextObject(long ptr, long n, boolean toUser) {
        if (overlaps(ptr, n, text.stext(), text.etext())) {
            return abort("kernel text", null, toUser, ptr - text.stext(), n);
        }
        long lin = text.linearStext();
        if (lin != text.stext() && overlaps(ptr, n, lin, lin + text.size())) {
            return abort("linear kernel text", null, toUser, ptr - lin, n);
        }
        return Optional.empty();
    }

    private static boolean overlaps(long ptr, long n, long low, long high) {
        return !(Long.compareUnsigned(ptr, high) >= 0 || Long.compareUnsigned(ptr + n, low) <= 0);
    }

    private static Optional<UsercopyViolation> abort(String name, String detail, boolean toUser, long offset,
            long len) {
        return Optional.of(new UsercopyViolation(name, detail, toUser, offset, len));
    }
}
