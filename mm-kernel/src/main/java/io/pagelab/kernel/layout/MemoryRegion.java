package io.pagelab.kernel.layout;

import java.util.Objects;

/**
 * One row of a kernel memory map: a range of virtual addresses and what it is for, with the
 * columns as Documentation/arch/x86/x86_64/mm.rst prints them.
 *
 * <p>The {@code *Field} strings are the raw text between the table's {@code |} separators, so
 * {@link #row()} gives back the document's line character for character. Rows pagelab had to
 * derive (gaps mm.rst leaves out, regions moved by KASLR, the 32-bit map) have {@code documented}
 * false and fields formatted the same way.
 *
 * @param kind what the range is used for
 * @param start first address
 * @param end last address (inclusive, as the document prints it; compare unsigned)
 * @param startField the "Start addr" column, raw
 * @param offsetField the "Offset" column, raw
 * @param endField the "End addr" column, raw
 * @param sizeField the "Size" column, raw
 * @param description the "VM area description", continuation lines joined by one space
 * @param documented true when the row is verbatim from mm.rst
 */
public record MemoryRegion(RegionKind kind, long start, long end, String startField, String offsetField,
                           String endField, String sizeField, String description, boolean documented) {

    public MemoryRegion {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(startField, "startField");
        Objects.requireNonNull(offsetField, "offsetField");
        Objects.requireNonNull(endField, "endField");
        Objects.requireNonNull(sizeField, "sizeField");
        Objects.requireNonNull(description, "description");
        if (Long.compareUnsigned(start, end) > 0) {
            throw new IllegalArgumentException(String.format("region %s starts at %#x after its end %#x",
                    description, start, end));
        }
    }

    /**
     * A derived row: fields formatted like mm.rst's (start and end in 16 hex digits, the offset
     * from the top of the address space and the size in the largest unit that fits).
     */
    static MemoryRegion derived(RegionKind kind, long start, long end, String description) {
        return new MemoryRegion(kind, start, end, String.format("%19s ", String.format("%016x", start)),
                String.format(" %-10s ", SizeText.offset(start)), String.format(" %16s ", String.format("%016x", end)),
                String.format(" %7s ", SizeText.size(end - start + 1)), description, false);
    }

    /** True when {@code va} lies in {@code [start, end]} (unsigned). */
    public boolean contains(long va) {
        return Long.compareUnsigned(va, start) >= 0 && Long.compareUnsigned(va, end) <= 0;
    }

    /** Bytes covered, {@code end - start + 1}, unsigned (0 stands for the whole 2^64, never a row). */
    public long size() {
        return end - start + 1;
    }

    /** The "Start addr" column, trimmed: {@code ffff888000000000} or {@code FIXADDR_START}. */
    public String startText() {
        return startField.trim();
    }

    /** The "Offset" column, trimmed: {@code -119.5  TB}. */
    public String offsetText() {
        return offsetField.trim();
    }

    /** The "End addr" column, trimmed. */
    public String endText() {
        return endField.trim();
    }

    /** The "Size" column, trimmed: {@code 64 TB}, {@code ~0.5 MB}. */
    public String sizeText() {
        return sizeField.trim();
    }

    /** The row's first line as the table prints it. */
    public String row() {
        return startField + "|" + offsetField + "|" + endField + "|" + sizeField + "| " + description;
    }

    @Override
    public String toString() {
        return String.format("%016x-%016x %s (%s)", start, end, description, kind);
    }
}
