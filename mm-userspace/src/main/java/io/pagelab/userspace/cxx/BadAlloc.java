package io.pagelab.userspace.cxx;

/**
 * {@code std::bad_alloc}: what {@code operator new} throws when malloc returns null and no
 * new-handler can help (libsupc++ new_op.cc). {@link #what()} is libstdc++'s string.
 */
public class BadAlloc extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadAlloc(String detail) {
        super("std::bad_alloc: " + detail);
    }

    BadAlloc(String what, String detail) {
        super(what + ": " + detail);
    }

    /** {@code std::bad_alloc::what()} in libstdc++. */
    public String what() {
        return "std::bad_alloc";
    }
}
