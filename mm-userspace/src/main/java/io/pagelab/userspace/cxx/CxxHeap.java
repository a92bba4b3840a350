package io.pagelab.userspace.cxx;

import com.google.common.base.Preconditions;
import io.pagelab.api.AddressSpace;
import io.pagelab.userspace.malloclab.HeapAllocator;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * C++ {@code new} and {@code delete} over a malloc, as g++ and libstdc++ do them on x86-64:
 *
 * <ul>
 *   <li>{@code operator new(n)} (libsupc++ new_op.cc): {@code n == 0} becomes 1, then
 *       {@code malloc(n)}; while it returns null, call the new-handler if one is installed, else
 *       throw {@code std::bad_alloc}. {@code operator new[]} (new_opv.cc) calls
 *       {@code operator new}; {@code operator delete} / {@code delete[]} (del_op.cc, del_opv.cc)
 *       call {@code free}.</li>
 *   <li>{@code new T} = {@code operator new(sizeof(T))} + construct; {@code delete p} = destroy +
 *       {@code operator delete(p)}; deleting null does nothing.</li>
 *   <li>{@code new T[n]} asks {@code operator new[]} for {@code n * sizeof(T) + cookie} bytes. The
 *       array cookie (Itanium C++ ABI §2.7) holds {@code n} so that {@code delete[]} knows how many
 *       destructors to run: it is there only if T is not trivially destructible or its class has
 *       a sized usual {@code operator delete[]}; its size is {@code max(sizeof(size_t), alignof(T))};
 *       the count sits in the 8 bytes just before the first element.</li>
 *   <li>Placement {@code new (p) T} allocates nothing: it constructs at {@code p}.</li>
 * </ul>
 *
 * <pre>
 *  new WithDtor[10]   (sizeof 4, non-trivial destructor)       new int[10]
 *  operator new[](8 + 40)                                       operator new[](40)
 *  raw      raw+8                                               raw = the array
 *  [ 10  ][ e0 ][ e1 ] ... [ e9 ]                               [ e0 ][ e1 ] ... [ e9 ]
 *   cookie ^ the pointer new[] returns
 * </pre>
 *
 * <p>Mismatches behave as they do with glibc: {@code delete} on a cookie'd array frees
 * {@code raw + cookie}, a pointer malloc never returned (glibc aborts with "free(): invalid
 * pointer"; pagelab's allocators throw), after running one destructor. Every step is logged in
 * {@link #calls()}. Differs from libstdc++ on purpose: over-aligned types ({@code alignof > 16},
 * which need {@code operator new(size_t, align_val_t)}) are refused; constructors and destructors
 * are logged, not run (objects have no behaviour here).
 */
public final class CxxHeap {
    private static final Logger log = LoggerFactory.getLogger(CxxHeap.class);
    /** {@code sizeof(size_t)} on x86-64. */
    public static final long SIZEOF_SIZE_T = 8;
    /** {@code __STDCPP_DEFAULT_NEW_ALIGNMENT__} with g++ on x86-64 glibc. */
    public static final long DEFAULT_NEW_ALIGNMENT = 16;

    private final AddressSpace process;
    private final HeapAllocator malloc;
    private final List<CxxCall> calls = new ArrayList<>();
    private Runnable newHandler;

    /**
     * @param process the process whose memory holds the cookies
     * @param malloc  an allocator already initialised on {@code process}
     */
    public CxxHeap(AddressSpace process, HeapAllocator malloc) {
        this.process = Preconditions.checkNotNull(process, "process must not be null");
        this.malloc = Preconditions.checkNotNull(malloc, "malloc must not be null");
    }

    /** {@code std::set_new_handler}: called when malloc fails; null removes it. */
    public void setNewHandler(Runnable handler) {
        this.newHandler = handler;
    }

    /**
     * The array cookie of {@code new T[n]} (Itanium C++ ABI §2.7): 0 if T is trivially
     * destructible and has no sized usual {@code operator delete[]}, else
     * {@code max(sizeof(size_t), alignof(T))}.
     */
    public static long arrayCookieSize(CxxType t) {
        if (t.triviallyDestructible() && !t.sizedArrayDelete()) {
            return 0;
        }
        return Math.max(SIZEOF_SIZE_T, t.align());
    }

    /** {@code operator new(size)}: malloc, retried through the new-handler, else {@link BadAlloc}. */
    public long operatorNew(long size) {
        long p = allocate(size);
        calls.add(new CxxCall(CxxCall.Kind.OPERATOR_NEW, "", p, size));
        return p;
    }

    /** {@code operator new[](size)}: the same as {@code operator new} (new_opv.cc). */
    public long operatorNewArray(long size) {
        long p = allocate(size);
        calls.add(new CxxCall(CxxCall.Kind.OPERATOR_NEW_ARRAY, "", p, size));
        return p;
    }

    /** {@code operator delete(p)}: free. */
    public void operatorDelete(long p) {
        calls.add(new CxxCall(CxxCall.Kind.OPERATOR_DELETE, "", p, 0));
        malloc.free(p);
    }

    /** {@code operator delete[](p)}: free. */
    public void operatorDeleteArray(long p) {
        calls.add(new CxxCall(CxxCall.Kind.OPERATOR_DELETE_ARRAY, "", p, 0));
        malloc.free(p);
    }

    /** {@code new T}: {@code operator new(sizeof(T))}, then construct. */
    public long newObject(CxxType t) {
        checkAlignment(t);
        long p = operatorNew(t.size());
        calls.add(new CxxCall(CxxCall.Kind.CONSTRUCT, t.name(), p, 1));
        return p;
    }

    /** {@code delete p}: destroy (if T has a destructor), then {@code operator delete(p)}; null does nothing. */
    public void deleteObject(CxxType t, long p) {
        if (p == 0) {
            return;
        }
        if (!t.triviallyDestructible()) {
            calls.add(new CxxCall(CxxCall.Kind.DESTROY, t.name(), p, 1));
        }
        operatorDelete(p);
    }

    /**
     * {@code new T[n]}: {@code operator new[](n * sizeof(T) + cookie)}, the count into the cookie,
     * construct; returns the address of element 0.
     *
     * @throws BadArrayNewLength if {@code n} is negative or the size overflows
     * @throws BadAlloc if the memory cannot be had
     */
    public long newArray(CxxType t, long n) {
        checkAlignment(t);
        long cookie = arrayCookieSize(t);
        long bytes;
        try {
            if (n < 0) {
                throw new ArithmeticException("negative");
            }
            bytes = Math.addExact(Math.multiplyExact(n, t.size()), cookie);
        } catch (ArithmeticException e) {
            throw new BadArrayNewLength("new " + t.name() + "[" + n + "]: " + n + " elements of " + t.size()
                    + " bytes plus a " + cookie + "-byte cookie is not a valid size (0 to 2^63-1 bytes)");
        }
        long raw = operatorNewArray(bytes);
        long array = raw + cookie;
        if (cookie > 0) {
            process.writeLong(array - SIZEOF_SIZE_T, n);
            calls.add(new CxxCall(CxxCall.Kind.COOKIE, t.name(), array - SIZEOF_SIZE_T, n));
        }
        calls.add(new CxxCall(CxxCall.Kind.CONSTRUCT, t.name(), array, n));
        log.debug("new {}[{}]: operator new[]({}) = {}, cookie {}, array at {}", t.name(), n, bytes,
                hex(raw), cookie, hex(array));
        return array;
    }

    /**
     * {@code delete[] p}: read the count from the cookie (if T has one), destroy that many
     * elements, {@code operator delete[](p - cookie)}; null does nothing. Applied to a pointer that
     * {@code new T[]} did not return, it reads whatever word is there as the count, as the real
     * code does.
     */
    public void deleteArray(CxxType t, long p) {
        if (p == 0) {
            return;
        }
        long cookie = arrayCookieSize(t);
        if (cookie > 0 && !t.triviallyDestructible()) {
            long n = process.readLong(p - SIZEOF_SIZE_T);
            calls.add(new CxxCall(CxxCall.Kind.DESTROY, t.name(), p, n));
        }
        operatorDeleteArray(p - cookie);
    }

    /** {@code new (where) T}: constructs at {@code where}; no memory is allocated. */
    public long placementNew(CxxType t, long where) {
        Preconditions.checkArgument(where % t.align() == 0, "placement new of %s at 0x%s: the address must be "
                + "aligned to alignof(%s) = %s", t.name(), Long.toHexString(where), t.name(), t.align());
        calls.add(new CxxCall(CxxCall.Kind.CONSTRUCT, t.name(), where, 1));
        return where;
    }

    /** Every step performed so far, oldest first. */
    public List<CxxCall> calls() {
        return List.copyOf(calls);
    }

    private long allocate(long size) {
        long want = size == 0 ? 1 : size;
        while (true) {
            long p = malloc.malloc(want);
            if (p != 0) {
                return p;
            }
            if (newHandler == null) {
                throw new BadAlloc("operator new(" + size + "): malloc returned null and no new-handler is installed");
            }
            log.debug("operator new({}): malloc failed, calling the new-handler", size);
            newHandler.run();
        }
    }

    private static void checkAlignment(CxxType t) {
        Preconditions.checkArgument(t.align() <= DEFAULT_NEW_ALIGNMENT, "%s has alignof %s above "
                + "__STDCPP_DEFAULT_NEW_ALIGNMENT__ (%s): it needs operator new(size_t, align_val_t), which "
                + "pagelab does not model", t.name(), t.align(), DEFAULT_NEW_ALIGNMENT);
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
