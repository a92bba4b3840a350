package io.pagelab.questions.q05;

import io.pagelab.exercise.Todo;
import io.pagelab.hardware.firmware.E820Entry;
import java.util.List;

/**
 * Q5 探知的e820表如何处理？ How is the probed e820 table processed?
 *
 * <p>The firmware's table is raw: entries may overlap, come in any order, have size zero, or split
 * one range into several adjacent pieces. Before using it, the kernel cleans it up with
 * {@code e820__update_table()} (arch/x86/kernel/e820.c), then prints it with
 * {@code e820__print_table()}: those are the "BIOS-e820:" lines at the top of every dmesg.
 * 固件给出的表可能重叠、乱序、含空项；内核先"消毒"再打印。
 *
 * <p>Your task: implement both methods.
 *
 * <p>{@link #sanitize}: think of the address line as a sweep from low to high.
 * <ul>
 *   <li>Every entry with a non-zero size gives two "change points": its start and its end.</li>
 *   <li>Sort them by address (unsigned). At the same address, put start points before end points,
 *       so that two touching entries never leave a one-address gap.</li>
 *   <li>Walk the points, keeping the set of entries that cover the current address. At each point
 *       the winning type is the highest type number in the set ({@link
 *       io.pagelab.hardware.firmware.E820Type#compareTo} compares unsigned), or "none" if the set is
 *       empty.</li>
 *   <li>When the winner changes, close the current output entry (drop it if its size is 0) and
 *       open a new one at this address (unless the new winner is "none": that is a gap).</li>
 *   <li>Types with {@link io.pagelab.hardware.firmware.E820Type#noMerge()} (PRAM, soft reserved)
 *       close and reopen at every point even when the winner stays the same.</li>
 *   <li>Like the kernel, give up and return the table unchanged when it has fewer than two
 *       entries, or when some entry's end wraps past 2^64.</li>
 * </ul>
 *
 * <p>{@link #print}: one line per entry, each ending in {@code '\n'}, in the kernel's format
 * {@code "%s: [mem %#018Lx-%#018Lx] "} followed by the type's name
 * ({@link io.pagelab.hardware.firmware.E820Type#dmesgName()}). The second address is the last
 * byte, {@code addr + size - 1}.
 *
 * <p>Run {@code ./pagelab grade q05} to check your work.
 */
public final class E820Sanitizer {

    private E820Sanitizer() {
    }

    /**
     * Returns the sanitized table: sorted, no overlaps, same-type neighbours merged, zero-size
     * entries dropped, gaps kept.
     *
     * @param table the raw firmware table, in firmware order
     */
    public static List<E820Entry> sanitize(List<E820Entry> table) {
        throw new Todo("q05/E820Sanitizer.java");
    }

    /**
     * Returns what {@code e820__print_table(who)} writes for this table, one line per entry, each
     * line ending in {@code '\n'}, for example
     * {@code BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable}.
     *
     * @param who the prefix: "BIOS-e820" for the firmware table, "modified" after an update
     * @param table the entries to print, in order
     */
    public static String print(String who, List<E820Entry> table) {
        throw new Todo("q05/E820Sanitizer.java");
    }
}
