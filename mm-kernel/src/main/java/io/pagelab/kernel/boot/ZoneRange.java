package io.pagelab.kernel.boot;

import io.pagelab.kernel.printk.Vsprintf;
import java.util.Locale;

/**
 * The pfn range a zone may cover on any node, {@code arch_zone_lowest_possible_pfn[]} to
 * {@code arch_zone_highest_possible_pfn[]} as {@code free_area_init()} computes and prints them
 * (mm/mm_init.c, Linux 6.13).
 *
 * @param name     zone name as in {@code zone_names[]}: DMA, DMA32, Normal, Device
 * @param startPfn lowest possible pfn
 * @param endPfn   one past the highest possible pfn (equal to startPfn when empty)
 */
public record ZoneRange(String name, long startPfn, long endPfn) {
    public boolean empty() {
        return startPfn == endPfn;
    }

    /** {@code "  %-8s "} then {@code [mem %#018Lx-%#018Lx]} or {@code empty}. */
    public String line() {
        String head = String.format(Locale.ROOT, "  %-8s ", name);
        if (empty()) {
            return head + "empty";
        }
        return head + "[mem " + Vsprintf.hex18(startPfn << 12) + "-" + Vsprintf.hex18((endPfn << 12) - 1) + "]";
    }
}
