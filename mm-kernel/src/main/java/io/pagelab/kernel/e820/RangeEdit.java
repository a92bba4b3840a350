package io.pagelab.kernel.e820;

import java.util.Objects;

/**
 * What one {@code e820__range_update()} or {@code e820__range_remove()} call did: the
 * {@code KERN_DEBUG} line it printed and the number of bytes it really changed (the kernel's
 * {@code real_updated_size} / {@code real_removed_size} return value).
 *
 * @param line         the dmesg line, e.g. {@code e820: remove [mem 0x000a0000-0x000fffff] usable}
 * @param changedBytes bytes of entries that were retyped or removed (0 when nothing matched)
 */
public record RangeEdit(String line, long changedBytes) {
    public RangeEdit {
        Objects.requireNonNull(line, "line");
    }
}
