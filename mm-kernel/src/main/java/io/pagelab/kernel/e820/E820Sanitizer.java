package io.pagelab.kernel.e820;

import io.pagelab.hardware.firmware.E820Type;
import io.pagelab.kernel.printk.Vsprintf;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The e820 sanitiser, {@code e820__update_table()} of arch/x86/kernel/e820.c (Linux 6.13), on the
 * three entry arrays of an {@link E820Table}.
 *
 * <pre>
 *  address         0123456789A
 *  input           1111111111       entry 0, usable
 *                      22           entry 1, reserved
 *                          333      entry 2, ACPI data
 *  change points   0: start #0, 4: start #1, 6: end #1, 8: start #2, 10: end #0, 11: end #2
 *  output          1111             [0, 4)  usable
 *                      22           [4, 6)  reserved   (2 beats 1)
 *                        11         [6, 8)  usable
 *                          333      [8, 11) ACPI data  (3 beats 1)
 * </pre>
 *
 * <p>The sweep keeps the list of entries overlapping the current address; the type there is the
 * highest of them, compared unsigned (so soft-reserved, 0xefffffff, beats every other type). A new
 * output entry starts whenever that type changes, and at every change point while it is one of the
 * {@code e820_nomerge()} types (PRAM, soft-reserved). Empty entries never reach the output.
 */
final class E820Sanitizer {
    private static final Logger LOG = LoggerFactory.getLogger(E820Sanitizer.class);

    private E820Sanitizer() {
    }

    /**
     * Sanitises {@code nr} entries in place.
     *
     * @return the new number of entries, or -1 (table untouched) for fewer than 2 entries or an entry
     *     wrapping past 2^64
     */
    static int sanitize(long[] entryAddr, long[] entrySize, int[] entryType, int nr, int maxEntries) {
        if (nr < 2) {
            LOG.debug("e820__update_table: {} entr{}, nothing to sanitise (returns -1)", nr, nr == 1 ? "y" : "ies");
            return -1;
        }
        for (int i = 0; i < nr; i++) {
            if (Long.compareUnsigned(entryAddr[i] + entrySize[i], entryAddr[i]) < 0) {
                LOG.debug("e820__update_table: entry {} [mem {}] size {} wraps past 2^64, table left as is (returns -1)",
                        i, Vsprintf.hex18(entryAddr[i]), Vsprintf.hex(entrySize[i]));
                return -1;
            }
        }

        // Change points: two per non-empty entry.
        long[] cpAddr = new long[2 * nr];
        int[] cpEntry = new int[2 * nr];
        int chgNr = 0;
        for (int i = 0; i < nr; i++) {
            if (entrySize[i] != 0) {
                cpAddr[chgNr] = entryAddr[i];
                cpEntry[chgNr++] = i;
                cpAddr[chgNr] = entryAddr[i] + entrySize[i];
                cpEntry[chgNr++] = i;
            }
        }
        Integer[] order = new Integer[chgNr];
        for (int k = 0; k < chgNr; k++) {
            order[k] = k;
        }
        // cpcompare(): by address (unsigned); at the same address a start sorts before an end.
        Arrays.sort(order, (a, b) -> {
            int byAddr = Long.compareUnsigned(cpAddr[a], cpAddr[b]);
            if (byAddr != 0) {
                return byAddr;
            }
            int aEnd = cpAddr[a] != entryAddr[cpEntry[a]] ? 1 : 0;
            int bEnd = cpAddr[b] != entryAddr[cpEntry[b]] ? 1 : 0;
            return aEnd - bEnd;
        });

        int[] overlap = new int[nr];
        int overlapEntries = 0;
        long[] newAddr = new long[maxEntries];
        long[] newSize = new long[maxEntries];
        int[] newType = new int[maxEntries];
        int newNr = 0;
        int lastType = 0;
        long lastAddr = 0;
        boolean debug = LOG.isDebugEnabled();

        for (int k = 0; k < chgNr; k++) {
            int cp = order[k];
            long at = cpAddr[cp];
            int e = cpEntry[cp];
            boolean isStart = at == entryAddr[e];
            if (isStart) {
                overlap[overlapEntries++] = e;
            } else {
                for (int i = 0; i < overlapEntries; i++) {
                    if (overlap[i] == e) {
                        overlap[i] = overlap[overlapEntries - 1];
                    }
                }
                overlapEntries--;
            }
            int currentType = 0;
            for (int i = 0; i < overlapEntries; i++) {
                if (Integer.compareUnsigned(entryType[overlap[i]], currentType) > 0) {
                    currentType = entryType[overlap[i]];
                }
            }
            if (debug) {
                LOG.debug("change point {} at {}: {} of entry {} ({}); entries overlapping here: {}, winning type {}",
                        k, Vsprintf.hex18(at), isStart ? "start" : "end", e, E820Type.of(entryType[e]),
                        overlapEntries, currentType == 0 ? "none" : E820Type.of(currentType).toString());
            }
            if (currentType != lastType || E820Type.of(currentType).noMerge()) {
                if (lastType != 0) {
                    newSize[newNr] = at - lastAddr;
                    if (newSize[newNr] != 0) {
                        if (debug) {
                            LOG.debug("  emit [mem {}-{}] {}", Vsprintf.hex18(newAddr[newNr]),
                                    Vsprintf.hex18(newAddr[newNr] + newSize[newNr] - 1), E820Type.of(newType[newNr]));
                        }
                        if (++newNr >= maxEntries) {
                            break;
                        }
                    }
                }
                if (currentType != 0) {
                    newAddr[newNr] = at;
                    newType[newNr] = currentType;
                    lastAddr = at;
                }
                lastType = currentType;
            }
        }

        System.arraycopy(newAddr, 0, entryAddr, 0, newNr);
        System.arraycopy(newSize, 0, entrySize, 0, newNr);
        System.arraycopy(newType, 0, entryType, 0, newNr);
        LOG.debug("e820__update_table: {} entries in, {} entries out", nr, newNr);
        return newNr;
    }
}
