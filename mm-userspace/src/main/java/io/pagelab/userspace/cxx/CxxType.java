package io.pagelab.userspace.cxx;

import com.google.common.base.Preconditions;

/**
 * What a new-expression needs to know about a C++ type: {@code sizeof}, {@code alignof}, whether
 * its destructor is trivial, and whether its class declares a two-argument (sized) usual
 * {@code operator delete[](void*, size_t)}. The last two decide the array cookie (Itanium C++ ABI
 * §2.7, see {@link CxxHeap#arrayCookieSize}).
 *
 * @param name                   the type's name, for the call log
 * @param size                   {@code sizeof(T)}: at least 1, a multiple of {@code align}
 * @param align                  {@code alignof(T)}: a power of two
 * @param triviallyDestructible  {@code std::is_trivially_destructible_v<T>}
 * @param sizedArrayDelete       the class's usual {@code operator delete[]} takes the size too
 */
public record CxxType(String name, long size, long align, boolean triviallyDestructible, boolean sizedArrayDelete) {
    public CxxType {
        Preconditions.checkArgument(name != null && !name.isBlank(), "a C++ type needs a name, got %s", name);
        Preconditions.checkArgument(align > 0 && Long.bitCount(align) == 1,
                "alignof(%s) = %s must be a power of two", name, align);
        Preconditions.checkArgument(size >= 1 && size % align == 0,
                "sizeof(%s) = %s must be at least 1 and a multiple of alignof = %s", name, size, align);
    }

    /** A type with a trivial destructor ({@code int}, a plain struct, a class with only a constructor). */
    public static CxxType trivial(String name, long size, long align) {
        return new CxxType(name, size, align, true, false);
    }

    /** A type with a user-provided (non-trivial) destructor. */
    public static CxxType withDestructor(String name, long size, long align) {
        return new CxxType(name, size, align, false, false);
    }

    /** {@code int} on x86-64: 4 bytes, aligned to 4. */
    public static final CxxType INT = trivial("int", 4, 4);
}
