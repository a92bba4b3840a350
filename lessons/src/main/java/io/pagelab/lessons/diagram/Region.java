package io.pagelab.lessons.diagram;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Objects;

/**
 * A stretch {@code [start, end)} of physical address space and what it is; holes included.
 *
 * @param start first byte
 * @param end   one past the last byte
 * @param kind  what the stretch is
 */
public record Region(long start, long end, RegionKind kind) {

    public Region {
        Objects.requireNonNull(kind, "kind");
        checkArgument(Long.compareUnsigned(start, end) < 0,
                "region [%s, %s) is empty or reversed: start must be below end",
                AddressSpaceBar.hex(start), AddressSpaceBar.hex(end));
    }

    public long size() {
        return end - start;
    }

    /** The last byte, inclusive, as dmesg writes ranges. */
    public long last() {
        return end - 1;
    }

    /** How many bytes of {@code [from, to)} this region covers. */
    long overlap(long from, long to) {
        long lo = Math.max(start, from);
        long hi = Math.min(end, to);
        return hi > lo ? hi - lo : 0;
    }
}
