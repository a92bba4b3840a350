package io.pagelab.kernel.layout;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a memory-map table copied verbatim from Documentation/arch/x86/x86_64/mm.rst (Linux 6.x)
 * into {@link MemoryRegion}s. Rows are lines with five {@code |}-separated columns; a line with an
 * empty start column continues the previous row's description; a row without an end address
 * (the {@code -2048 MB} and {@code -16 MB} markers) only labels a boundary and is skipped.
 */
final class MmRstTable {
    private MmRstTable() {
    }

    /** The table text of a resource next to this class. */
    static String text(String resource) {
        try (InputStream in = MmRstTable.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource + " next to " + MmRstTable.class);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The regions of a table, in order.
     *
     * @param fixaddrStart the number to use for the symbolic {@code FIXADDR_START} row
     */
    static List<MemoryRegion> parse(String table, long fixaddrStart) {
        List<MemoryRegion> rows = new ArrayList<>();
        for (String line : table.split("\n")) {
            String[] f = line.split("\\|", -1);
            if (f.length != 5) {
                continue; // rules, header separators, section titles
            }
            String start = f[0].trim();
            if (start.startsWith("_") || start.startsWith("=")) {
                continue; // a rule under a row
            }
            String end = f[2].trim();
            String description = f[4].trim();
            if (start.isEmpty()) {
                if (!description.isEmpty() && !rows.isEmpty()) {
                    MemoryRegion last = rows.remove(rows.size() - 1);
                    rows.add(new MemoryRegion(last.kind(), last.start(), last.end(), last.startField(),
                            last.offsetField(), last.endField(), last.sizeField(),
                            last.description() + " " + description, true));
                }
                continue;
            }
            if (end.isEmpty() || start.startsWith("Start")) {
                continue;
            }
            long first = start.equals("FIXADDR_START") ? fixaddrStart : Long.parseUnsignedLong(start, 16);
            rows.add(new MemoryRegion(kindOf(description), first, Long.parseUnsignedLong(end, 16), f[0], f[1], f[2],
                    f[3], description, true));
        }
        return rows;
    }

    /** The kind of a row, from the words mm.rst describes it with. */
    static RegionKind kindOf(String description) {
        String d = description;
        if (d.startsWith("user-space virtual memory")) {
            return RegionKind.USER;
        } else if (d.contains("non-canonical")) {
            return RegionKind.NON_CANONICAL;
        } else if (d.contains("guard hole")) {
            return RegionKind.GUARD_HOLE;
        } else if (d.startsWith("LDT remap")) {
            return RegionKind.LDT_REMAP;
        } else if (d.startsWith("direct mapping")) {
            return RegionKind.DIRECT_MAP;
        } else if (d.contains("unused hole")) {
            return RegionKind.UNUSED_HOLE;
        } else if (d.startsWith("vmalloc/ioremap")) {
            return RegionKind.VMALLOC;
        } else if (d.startsWith("virtual memory map")) {
            return RegionKind.VMEMMAP;
        } else if (d.startsWith("KASAN shadow")) {
            return RegionKind.KASAN_SHADOW;
        } else if (d.startsWith("cpu_entry_area")) {
            return RegionKind.CPU_ENTRY_AREA;
        } else if (d.startsWith("%esp fixup")) {
            return RegionKind.ESPFIX_STACKS;
        } else if (d.startsWith("EFI region")) {
            return RegionKind.EFI;
        } else if (d.startsWith("kernel text mapping")) {
            return RegionKind.KERNEL_TEXT;
        } else if (d.startsWith("module mapping")) {
            return RegionKind.MODULES;
        } else if (d.startsWith("kernel-internal fixmap")) {
            return RegionKind.FIXMAP;
        } else if (d.startsWith("legacy vsyscall")) {
            return RegionKind.VSYSCALL;
        }
        throw new IllegalStateException("no region kind for mm.rst row \"" + description + "\"");
    }
}
