package io.pagelab.userspace.cxx;

/**
 * {@code std::bad_array_new_length} (C++11): a {@code new T[n]} whose size, cookie included,
 * cannot be represented (a negative or overflowing count); g++ throws it before calling
 * {@code operator new[]} ({@code __cxa_throw_bad_array_new_length}).
 */
public final class BadArrayNewLength extends BadAlloc {
    private static final long serialVersionUID = 1L;

    public BadArrayNewLength(String detail) {
        super("std::bad_array_new_length", detail);
    }

    @Override
    public String what() {
        return "std::bad_array_new_length";
    }
}
