package io.pagelab.kernel.kaslr;

import io.pagelab.api.error.InvalidArgumentException;
import java.util.List;

/**
 * The candidate physical load addresses kaslr.c collected in {@code slot_areas[]}: at most
 * {@link #MAX_SLOT_AREA} areas, numbered one after the other. Slot {@code i} is found the way
 * {@code slots_fetch_random()} finds it: skip whole areas while {@code i} is larger than them.
 *
 * @param areas the areas in the order they were stored
 * @param align CONFIG_PHYSICAL_ALIGN, the distance between two slots of an area
 */
public record SlotTable(List<SlotArea> areas, long align) {
    /** MAX_SLOT_AREA: kaslr.c stops scanning memory once 100 areas are stored. */
    public static final int MAX_SLOT_AREA = 100;

    public SlotTable {
        areas = List.copyOf(areas);
    }

    /** slot_max: the number of slots in all areas. */
    public long total() {
        long total = 0;
        for (SlotArea a : areas) {
            total += a.num();
        }
        return total;
    }

    /**
     * The address of slot {@code index}, 0 &le; index &lt; total().
     *
     * @throws InvalidArgumentException for an index outside the table
     */
    public long address(long index) {
        if (index < 0 || index >= total()) {
            throw new InvalidArgumentException(String.format(
                    "slot %d does not exist: this table has %d slots, 0..%d", index, total(), total() - 1));
        }
        long slot = index;
        for (SlotArea a : areas) {
            if (slot >= a.num()) {
                slot -= a.num();
                continue;
            }
            return a.addr() + slot * align;
        }
        throw new AssertionError("slot " + index + " not found in " + areas);
    }
}
