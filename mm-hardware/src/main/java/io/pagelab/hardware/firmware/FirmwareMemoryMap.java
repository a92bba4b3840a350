package io.pagelab.hardware.firmware;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import com.google.common.io.CharStreams;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The firmware memory map exactly as the BIOS reports it through INT 0x15, AX=0xE820: entries in
 * BIOS order, unsorted, possibly overlapping, possibly with zero sizes. Linux copies it into
 * {@code boot_params.e820_table} (arch/x86/boot/memory.c: detect_memory_e820(), Linux 6.x) and
 * prints it unchanged as the {@code BIOS-e820:} lines of dmesg (arch/x86/kernel/e820.c:
 * e820__print_table()) before sanitizing it.
 *
 * <p>{@link #parse(String)} reads those dmesg lines back, so a learner can paste the start of
 * their own {@code dmesg} and boot a simulated machine with their own firmware table:
 *
 * <pre>
 * [    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable
 *                            start              end (inclusive)     type as e820_print_type()
 * </pre>
 *
 * <p>Differs from Linux on purpose: no limit of 128 entries (E820_MAX_ENTRIES_ZEROPAGE); the
 * kernel side of pagelab enforces it where the boot code would.
 */
public final class FirmwareMemoryMap {
    static final String MARKER = "BIOS-e820:";
    static final String EXPECTED = "expected 'BIOS-e820: [mem 0xSTART-0xEND] TYPE'";

    private static final Pattern LINE = Pattern.compile(
            "BIOS-e820:\\s*\\[mem\\s+0x([0-9a-fA-F]+)-0x([0-9a-fA-F]+)\\]\\s+(\\S.*?)\\s*");

    private final ImmutableList<E820Entry> entries;

    private FirmwareMemoryMap(List<E820Entry> entries) {
        this.entries = ImmutableList.copyOf(entries);
    }

    /**
     * The map holding these entries in this order.
     *
     * @throws IllegalArgumentException if the list is empty (a firmware always reports something)
     * @throws NullPointerException naming the list or the null element
     */
    public static FirmwareMemoryMap of(List<E820Entry> entries) {
        Objects.requireNonNull(entries, "entries");
        for (int i = 0; i < entries.size(); i++) {
            Objects.requireNonNull(entries.get(i), "entry " + i);
        }
        checkArgument(!entries.isEmpty(), "a firmware memory map needs at least one e820 entry, got none");
        return new FirmwareMemoryMap(entries);
    }

    /** The map holding these entries in this order. */
    public static FirmwareMemoryMap of(E820Entry... entries) {
        return of(List.of(entries));
    }

    /**
     * Reads the {@code BIOS-e820:} lines of a dmesg (or journalctl) text, in order. Any prefix
     * before the marker is ignored (a {@code [    0.000000] } timestamp, a journal prefix), as are
     * all lines without the marker, so a whole dmesg can be fed. The type is read by
     * {@link E820Type#parse(String)}: a name as dmesg prints it or {@code type N}.
     *
     * @throws E820FormatException for a {@code BIOS-e820:} line that is malformed (with its line
     *     number), whose start is above its end, or whose type is unknown; or when the text holds no
     *     {@code BIOS-e820:} line at all
     */
    public static FirmwareMemoryMap parse(String text) {
        Objects.requireNonNull(text, "text");
        ImmutableList.Builder<E820Entry> entries = ImmutableList.builder();
        String[] lines = text.split("\\R", -1);
        int found = 0;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int at = line.indexOf(MARKER);
            if (at < 0) {
                continue;
            }
            entries.add(parseLine(i + 1, line.trim(), line.substring(at).trim()));
            found++;
        }
        if (found == 0) {
            throw new E820FormatException(0, "no 'BIOS-e820:' line found in " + lines.length
                    + " line(s) of text: " + EXPECTED + " lines such as"
                    + " 'BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable'");
        }
        return new FirmwareMemoryMap(entries.build());
    }

    /** {@link #parse(String)} over everything the reader yields; the reader is not closed. */
    public static FirmwareMemoryMap parse(Reader reader) {
        Objects.requireNonNull(reader, "reader");
        try {
            return parse(CharStreams.toString(reader));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the e820 text", e);
        }
    }

    /** {@link #parse(String)} over a UTF-8 file, such as a saved {@code dmesg} output. */
    public static FirmwareMemoryMap parse(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        return parse(Files.readString(file, StandardCharsets.UTF_8));
    }

    private static E820Entry parseLine(int lineNumber, String wholeLine, String fromMarker) {
        Matcher m = LINE.matcher(fromMarker);
        if (!m.matches()) {
            throw error(lineNumber, EXPECTED + ", got '" + wholeLine + "'");
        }
        long start = parseHex(lineNumber, wholeLine, "start", m.group(1));
        long end = parseHex(lineNumber, wholeLine, "end", m.group(2));
        if (Long.compareUnsigned(start, end) > 0) {
            throw error(lineNumber, "start 0x" + Long.toHexString(start) + " is above end 0x"
                    + Long.toHexString(end) + ": " + EXPECTED + " with START <= END (END is inclusive), got '"
                    + wholeLine + "'");
        }
        if (start == 0 && end == -1L) {
            throw error(lineNumber, "the range 0x0-0xffffffffffffffff covers 2^64 bytes, more than a 64-bit"
                    + " size can hold: " + EXPECTED + ", got '" + wholeLine + "'");
        }
        E820Type type;
        try {
            type = E820Type.parse(m.group(3));
        } catch (IllegalArgumentException e) {
            throw error(lineNumber, e.getMessage() + ": " + EXPECTED + ", got '" + wholeLine + "'");
        }
        return E820Entry.ofInclusive(start, end, type);
    }

    private static long parseHex(int lineNumber, String wholeLine, String what, String digits) {
        // Long.parseUnsignedLong rejects more than 64 bits, which is what we want.
        try {
            return Long.parseUnsignedLong(digits, 16);
        } catch (NumberFormatException e) {
            throw error(lineNumber, what + " 0x" + digits + " does not fit in 64 bits: " + EXPECTED
                    + " with at most 16 hex digits, got '" + wholeLine + "'");
        }
    }

    private static E820FormatException error(int lineNumber, String detail) {
        return new E820FormatException(lineNumber, "line " + lineNumber + ": " + detail);
    }

    /** The entries in BIOS order (immutable). */
    public List<E820Entry> entries() {
        return entries;
    }

    /** Number of entries. */
    public int size() {
        return entries.size();
    }

    /** The entry at this BIOS index. */
    public E820Entry entry(int index) {
        checkArgument(index >= 0 && index < entries.size(),
                "e820 entry index %s out of range: the map has entries 0..%s", index, entries.size() - 1);
        return entries.get(index);
    }

    /** The map as the dmesg lines {@code e820__print_table("BIOS-e820")} prints, one per entry. */
    public String toDmesg() {
        StringBuilder sb = new StringBuilder();
        for (E820Entry e : entries) {
            sb.append(String.format("BIOS-e820: [mem %#018x-%#018x] %s\n", e.addr(), e.lastByte(),
                    e.type().dmesgName()));
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FirmwareMemoryMap && ((FirmwareMemoryMap) o).entries.equals(entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return "FirmwareMemoryMap" + entries;
    }
}
