package io.pagelab.lessons.diagram;

import static com.google.common.base.Preconditions.checkArgument;

import io.pagelab.hardware.firmware.E820Entry;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Text pictures of the physical address space described by a sanitized e820 table.
 *
 * <p>Two scales, because one picture cannot show both a 1 KiB BIOS area and 3 GiB of RAM:
 * <ul>
 *   <li>{@link #linear}: a horizontal bar where every character stands for the same number of
 *       bytes (to scale). A character shows the kind that covers most of its bytes, so ranges
 *       much smaller than a character disappear; draw a second, zoomed bar for them.</li>
 *   <li>{@link #logChart}: one row per region, holes included, with a bar whose length is
 *       {@code 1 + log2(size in KiB)}: every extra character doubles the size, so 1 KiB and
 *       3 GiB both fit on one screen.</li>
 * </ul>
 * <pre>
 *  ██████████████████████████████████████·············▒█████████████
 *  ^           ^           ^           ^           ^           ^
 *  0           1 GiB       2 GiB       3 GiB       4 GiB       5 GiB
 * </pre>
 */
public final class AddressSpaceBar {

    /** A labelled address under a linear bar. */
    public record Tick(long address, String label) {
    }

    private AddressSpaceBar() {
    }

    /**
     * The regions of {@code [from, to)}: every entry of the table clipped to the window, with
     * {@link RegionKind#HOLE} regions filling the gaps between them.
     *
     * @param table a sanitized table: sorted by address, entries not overlapping
     * @throws IllegalArgumentException if the table is not sorted or has overlaps (sanitize it
     *                                  first), or the window is empty
     */
    public static List<Region> regions(List<E820Entry> table, long from, long to) {
        checkArgument(from >= 0 && from < to, "window [%s, %s) must be non-empty and start at 0 or above",
                hex(from), hex(to));
        List<Region> regions = new ArrayList<>();
        long cursor = from;
        long previousEnd = Long.MIN_VALUE;
        for (E820Entry entry : table) {
            if (entry.size() == 0) {
                continue;
            }
            checkArgument(entry.addr() >= 0 && entry.addr() < entry.end(),
                    "entry at %s size %s wraps or lies above 2^63: sanitize the table first",
                    hex(entry.addr()), hex(entry.size()));
            checkArgument(entry.addr() >= previousEnd,
                    "entry at %s overlaps or precedes the previous one (ends at %s): the table must be"
                            + " sanitized (sorted, no overlaps)", hex(entry.addr()), hex(previousEnd));
            previousEnd = entry.end();
            long start = Math.max(entry.addr(), from);
            long end = Math.min(entry.end(), to);
            if (start >= end) {
                continue;
            }
            if (start > cursor) {
                regions.add(new Region(cursor, start, RegionKind.HOLE));
            }
            RegionKind kind = RegionKind.of(entry.type());
            Region last = regions.isEmpty() ? null : regions.get(regions.size() - 1);
            if (last != null && last.kind() == kind && last.end() == start) {
                regions.set(regions.size() - 1, new Region(last.start(), end, kind));
            } else {
                regions.add(new Region(start, end, kind));
            }
            cursor = end;
        }
        if (cursor < to) {
            regions.add(new Region(cursor, to, RegionKind.HOLE));
        }
        return regions;
    }

    /**
     * A to-scale bar of {@code [from, to)}, {@code width} characters wide, with tick marks and
     * labels under it.
     *
     * @return three lines: the bar, the tick marks, the labels (labels that would overlap the
     *         previous one are left out)
     */
    public static List<String> linear(List<E820Entry> table, long from, long to, int width,
                                      List<Tick> ticks, Painter painter) {
        checkArgument(width >= 8 && width <= 200, "width %s must be between 8 and 200 characters", width);
        List<Region> regions = regions(table, from, to);
        long span = to - from;
        StringBuilder bar = new StringBuilder();
        RegionKind run = null;
        StringBuilder runText = new StringBuilder();
        for (int cell = 0; cell < width; cell++) {
            long cellFrom = from + offset(span, cell, width);
            long cellTo = from + offset(span, cell + 1, width);
            RegionKind kind = dominant(regions, cellFrom, cellTo);
            if (kind != run && run != null) {
                bar.append(painter.paint(run.tone(), runText.toString()));
                runText.setLength(0);
            }
            run = kind;
            runText.append(kind.glyph());
        }
        bar.append(painter.paint(run.tone(), runText.toString()));

        StringBuilder marks = new StringBuilder();
        StringBuilder labels = new StringBuilder();
        for (Tick tick : ticks) {
            checkArgument(tick.address() >= from && tick.address() <= to,
                    "tick %s lies outside the window [%s, %s]", hex(tick.address()), hex(from), hex(to));
            int column = (int) Math.min(width, Math.round((tick.address() - from) / (double) span * width));
            pad(marks, column);
            if (marks.length() == column) {
                marks.append('^');
            }
            if (labels.length() <= column - (labels.length() == 0 ? 0 : 1)) {
                pad(labels, column);
                labels.append(tick.label());
            }
        }
        return List.of(bar.toString(), marks.toString(), labels.toString());
    }

    /**
     * One row per region of {@code [from, to)}, holes included: range, kind, size and a
     * log-scaled bar ({@code 1 + floor(log2(size in KiB))} characters, at least one), then the
     * note {@code notes} gives for the region (empty for none).
     */
    public static List<String> logChart(List<E820Entry> table, long from, long to,
                                        Function<Region, String> notes, Painter painter) {
        List<Region> regions = regions(table, from, to);
        int digits = Math.max(8, Long.toHexString(to - 1).length());
        String addressFormat = "%#0" + (digits + 2) + "x";
        List<String> rows = new ArrayList<>();
        for (Region region : regions) {
            String range = String.format(Locale.ROOT, addressFormat + "-" + addressFormat,
                    region.start(), region.last());
            String name = region.kind() == RegionKind.HOLE ? "(hole)" : kindName(region.kind());
            String bar = String.valueOf(region.kind().glyph()).repeat(logLength(region.size()));
            String note = notes.apply(region);
            rows.add(String.format(Locale.ROOT, "%s  %-9s %12s  %s%s", range, name,
                    SizeFormat.human(region.size()), painter.paint(region.kind().tone(), bar),
                    note.isEmpty() ? "" : "  " + note));
        }
        return rows;
    }

    /** Length of a log-scaled bar: 1 + floor(log2(size / 1 KiB)), at least 1. */
    public static int logLength(long bytes) {
        long kib = bytes >>> 10;
        return kib <= 1 ? 1 : 1 + (63 - Long.numberOfLeadingZeros(kib));
    }

    /** Legend lines for the kinds that appear in {@code regions}; usable, reserved and hole always. */
    public static List<String> legend(List<Region> regions, Painter painter) {
        Set<RegionKind> kinds = EnumSet.of(RegionKind.USABLE, RegionKind.RESERVED, RegionKind.HOLE);
        for (Region region : regions) {
            kinds.add(region.kind());
        }
        List<String> lines = new ArrayList<>();
        for (RegionKind kind : kinds) {
            lines.add(painter.paint(kind.tone(), String.valueOf(kind.glyph())) + " " + kind.legend());
        }
        return lines;
    }

    private static String kindName(RegionKind kind) {
        switch (kind) {
            case USABLE:
                return "usable";
            case RESERVED:
                return "reserved";
            case ACPI:
                return "ACPI data";
            case NVS:
                return "ACPI NVS";
            case UNUSABLE:
                return "unusable";
            case PERSISTENT:
                return "persistent";
            case SOFT_RESERVED:
                return "soft rsvd";
            default:
                return "other";
        }
    }

    /** {@code span * cell / width} without overflow for any 63-bit span. */
    private static long offset(long span, int cell, int width) {
        return (span / width) * cell + (span % width) * cell / width;
    }

    private static RegionKind dominant(List<Region> regions, long from, long to) {
        RegionKind best = RegionKind.HOLE;
        long bestBytes = 0;
        for (Region region : regions) {
            long bytes = region.overlap(from, to);
            // a tie goes to memory over a hole: it is what the reader is looking for
            if (bytes > bestBytes || (bytes > 0 && bytes == bestBytes && best == RegionKind.HOLE)) {
                best = region.kind();
                bestBytes = bytes;
            }
        }
        return best;
    }

    static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }

    private static void pad(StringBuilder line, int column) {
        while (line.length() < column) {
            line.append(' ');
        }
    }
}
