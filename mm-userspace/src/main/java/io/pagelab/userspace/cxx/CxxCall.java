package io.pagelab.userspace.cxx;

/**
 * One step a new- or delete-expression performs, as {@link CxxHeap} logs it.
 *
 * @param kind    what happened
 * @param type    the type's name ("" for the raw operators)
 * @param address the address returned, freed, constructed at or destroyed at
 * @param amount  bytes for the operators; element count for constructors and destructors
 */
public record CxxCall(Kind kind, String type, long address, long amount) {
    /** The steps of new and delete expressions. */
    public enum Kind {
        /** {@code operator new(size_t)}. */
        OPERATOR_NEW,
        /** {@code operator new[](size_t)}. */
        OPERATOR_NEW_ARRAY,
        /** {@code operator delete(void*)}. */
        OPERATOR_DELETE,
        /** {@code operator delete[](void*)}. */
        OPERATOR_DELETE_ARRAY,
        /** The element count written into the array cookie. */
        COOKIE,
        /** {@code amount} objects begin their lifetime at {@code address} (their constructor runs, if they have one). */
        CONSTRUCT,
        /** Destructors run on {@code amount} objects from {@code address}, last to first. */
        DESTROY
    }

    @Override
    public String toString() {
        String at = "0x" + Long.toHexString(address);
        switch (kind) {
            case OPERATOR_NEW:
                return "operator new(" + amount + ") = " + at;
            case OPERATOR_NEW_ARRAY:
                return "operator new[](" + amount + ") = " + at;
            case OPERATOR_DELETE:
                return "operator delete(" + at + ")";
            case OPERATOR_DELETE_ARRAY:
                return "operator delete[](" + at + ")";
            case COOKIE:
                return "cookie at " + at + " = " + amount;
            case CONSTRUCT:
                return "construct " + amount + " x " + type + " at " + at;
            case DESTROY:
                return "destroy " + amount + " x " + type + " at " + at + " (~" + type + "(), last first)";
            default:
                throw new AssertionError(kind);
        }
    }
}
