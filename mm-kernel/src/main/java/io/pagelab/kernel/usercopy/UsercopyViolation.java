package io.pagelab.kernel.usercopy;

import java.util.Objects;

/**
 * What usercopy_abort() reports (mm/usercopy.c, Linux 6.x) before it calls BUG().
 *
 * @param name what kind of memory ("SLUB object", "kernel text", "process stack", "null address"...)
 * @param detail the cache name for slab objects, null otherwise
 * @param toUser true for copy_to_user (an exposure), false for copy_from_user (an overwrite)
 * @param offset where the copy starts inside that memory, printed unsigned
 * @param len the copy's length, printed unsigned
 */
public record UsercopyViolation(String name, String detail, boolean toUser, long offset, long len) {

    public UsercopyViolation {
        Objects.requireNonNull(name, "name");
    }

    /** The kernel's line, pr_fmt "usercopy: " included. */
    public String message() {
        return String.format("usercopy: Kernel memory %s attempt detected %s %s%s (offset %s, size %s)!",
                toUser ? "exposure" : "overwrite", toUser ? "from" : "to", name,
                detail == null ? "" : " '" + detail + "'", Long.toUnsignedString(offset), Long.toUnsignedString(len));
    }
}
