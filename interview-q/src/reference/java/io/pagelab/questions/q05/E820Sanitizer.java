package io.pagelab.questions.q05;

import io.pagelab.hardware.firmware.E820Entry;
import io.pagelab.hardware.firmware.E820Type;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Q5 探知的e820表如何处理？ How is the probed e820 table processed? (reference solution)
 *
 * <p>Models arch/x86/kernel/e820.c (Linux 6.x): {@code e820__update_table()}, the sanitizer that
 * {@code e820__memory_setup()} runs on the firmware table, and {@code e820__print_table()}, which
 * writes the table to dmesg.
 *
 * <p>The sanitizer sweeps the address line from low to high. Every non-empty entry contributes two
 * change points, its start and its end. At each change point the set of entries covering the
 * address changes; the type of the new piece is the highest type in that set, compared as an
 * unsigned 32-bit number, or "nothing" when the set is empty. A new output entry starts whenever
 * that type changes, so adjacent pieces of the same type coalesce, except for the types
 * {@code e820_nomerge()} keeps apart (PRAM, soft reserved). Pieces of zero length are dropped.
 *
 * <pre>
 *   input         usable  [0 ........ 0x9ffff]
 *                 reserved          [0x9f000 ..... 0xfffff]
 *   change points 0 S        0x9f000 S  0xa0000 E  0x100000 E
 *   covering set  {usable}   {usable,reserved}  {reserved}  {}
 *   winner        usable     reserved           reserved    -
 *   output        usable [0-0x9efff]  reserved [0x9f000-0xfffff]
 * </pre>
 *
 * <p>Differs from Linux on purpose: the result is a new list rather than an in-place rewrite of a
 * fixed array, and there is no E820_MAX_ENTRIES cap on the output.
 */
public final class E820Sanitizer {

    private E820Sanitizer() {
    }

    /**
     * The sanitized table: sorted, without overlaps, same-type neighbours merged, zero-size
     * entries gone. As in the kernel, a table with fewer than two entries, or with an entry whose
     * end wraps past 2^64, is returned unchanged.
     */
    public static List<E820Entry> sanitize(List<E820Entry> table) {
        Objects.requireNonNull(table, "table");
        if (table.size() < 2) {
            return List.copyOf(table);
        }
        for (E820Entry e : table) {
            if (Long.compareUnsigned(e.addr() + e.size(), e.addr()) < 0) {
                return List.copyOf(table); // the kernel refuses to touch a table with a wrapping entry
            }
        }

        List<ChangePoint> points = new ArrayList<>();
        for (int i = 0; i < table.size(); i++) {
            E820Entry e = table.get(i);
            if (e.size() != 0) {
                points.add(new ChangePoint(e.addr(), i, true));
                points.add(new ChangePoint(e.addr() + e.size(), i, false));
            }
        }
        // by address; at one address, starts before ends, so touching entries never leave a gap
        points.sort(Comparator.comparing(ChangePoint::addr, Long::compareUnsigned)
                .thenComparing(p -> p.start() ? 0 : 1));

        List<Integer> covering = new ArrayList<>();
        List<E820Entry> result = new ArrayList<>();
        int lastType = 0; // 0 = no memory here
        long lastAddr = 0;
        for (ChangePoint p : points) {
            if (p.start()) {
                covering.add(p.entry());
            } else {
                covering.remove(Integer.valueOf(p.entry()));
            }
            int currentType = 0;
            for (int index : covering) {
                int type = table.get(index).type().code();
                if (Integer.compareUnsigned(type, currentType) > 0) {
                    currentType = type;
                }
            }
            if (currentType != lastType || E820Type.of(currentType).noMerge()) {
                if (lastType != 0 && p.addr() != lastAddr) {
                    result.add(E820Entry.of(lastAddr, p.addr() - lastAddr, E820Type.of(lastType)));
                }
                if (currentType != 0) {
                    lastAddr = p.addr();
                }
                lastType = currentType;
            }
        }
        return List.copyOf(result);
    }

    /**
     * The lines {@code e820__print_table(who)} writes, each ending in a newline:
     * {@code who: [mem 0x%016x-0x%016x] type}, with the inclusive end address.
     */
    public static String print(String who, List<E820Entry> table) {
        Objects.requireNonNull(who, "who");
        StringBuilder out = new StringBuilder();
        for (E820Entry e : table) {
            out.append(String.format("%s: [mem %#018x-%#018x] %s", who, e.addr(), e.lastByte(), e.type().dmesgName()))
                    .append('\n');
        }
        return out.toString();
    }

    /** A start or end of one input entry, identified by its index in the input. */
    private record ChangePoint(long addr, int entry, boolean start) {
    }
}
