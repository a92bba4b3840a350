package io.pagelab.kernel.e820;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkElementIndex;
import static java.util.Objects.requireNonNull;

import io.pagelab.hardware.firmware.E820Entry;
import io.pagelab.hardware.firmware.E820Type;
import io.pagelab.hardware.firmware.FirmwareMemoryMap;
import io.pagelab.kernel.printk.Vsprintf;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel's e820 table ({@code struct e820_table}) and the functions of
 * arch/x86/kernel/e820.c (Linux 6.13) that edit and print it.
 *
 * <pre>
 *  struct e820_table {                 here: three primitive arrays, index 0..nr-1
 *      __u32 nr_entries;                 nr
 *      struct e820_entry entries[E820_MAX_ENTRIES];
 *  };                                   entryAddr[i] entrySize[i] entryType[i]
 * </pre>
 *
 * <p>The table is a plain array: {@link #add} appends without looking (entries may overlap, be
 * empty or out of order), {@link #rangeUpdate} and {@link #rangeRemove} split and trim entries and
 * append the pieces, and only {@link #update()} ({@code e820__update_table}) sorts, resolves
 * overlaps (the higher type number wins, compared unsigned), merges neighbours of the same type
 * (except the {@code e820_nomerge()} types PRAM and soft-reserved) and drops empty entries. Every
 * address is an unsigned 64-bit number.
 *
 * <p>Turn on DEBUG for the logger {@code io.pagelab.kernel.e820} to watch the sanitiser process each
 * change point.
 *
 * <p>Differs from Linux on purpose:
 * <ul>
 *   <li>{@link #update()} with fewer than two entries returns {@code false} ("did nothing"), as the
 *       6.x kernels up to at least 6.13 do ({@code return -1}). A 2025 patch proposes returning 0;
 *       either way the table is left unchanged.</li>
 *   <li>{@code BUG_ON(old_type == new_type)} in {@code __e820__range_update} becomes an
 *       {@link IllegalArgumentException}.</li>
 *   <li>{@link #rangeRemove} works on this table; the kernel's works on the global
 *       {@code e820_table} only.</li>
 * </ul>
 */
public final class E820Table {
    private static final Logger LOG = LoggerFactory.getLogger(E820Table.class);

    /** Entries that fit in the zero page ({@code boot_params.e820_table}). */
    public static final int E820_MAX_ENTRIES_ZEROPAGE = 128;
    /** {@code MAX_NUMNODES} of a distro kernel built with CONFIG_NODES_SHIFT=10. */
    public static final int DEFAULT_MAX_NUMNODES = 1 << 10;
    /** {@code E820_MAX_ENTRIES} = 128 + 3 * MAX_NUMNODES (with CONFIG_EFI and NUMA). */
    public static final int E820_MAX_ENTRIES = E820_MAX_ENTRIES_ZEROPAGE + 3 * DEFAULT_MAX_NUMNODES;

    public static final int PAGE_SHIFT = 12;
    public static final long PAGE_SIZE = 1L << PAGE_SHIFT;
    /** {@code MAX_ARCH_PFN} = MAXMEM &gt;&gt; PAGE_SHIFT with 46-bit MAX_PHYSMEM_BITS (4-level paging). */
    public static final long MAX_ARCH_PFN = 1L << (46 - PAGE_SHIFT);
    /** {@code MAX_GAP_END}: the PCI gap is searched below 4 GiB. */
    public static final long MAX_GAP_END = 1L << 32;
    /** The smallest gap {@code e820__setup_pci_gap()} accepts: 4 MiB. */
    public static final long MIN_PCI_GAP = 0x400000L;
    /** {@code ULLONG_MAX}. */
    private static final long ULLONG_MAX = -1L;

    private final int maxEntries;
    private final long[] entryAddr;
    private final long[] entrySize;
    private final int[] entryType;
    private int nr;

    /** An empty table holding up to {@link #E820_MAX_ENTRIES} entries. */
    public E820Table() {
        this(E820_MAX_ENTRIES);
    }

    /**
     * An empty table holding up to {@code maxEntries} entries ({@code ARRAY_SIZE(table->entries)}).
     *
     * @throws IllegalArgumentException if {@code maxEntries} is not in 1..65536
     */
    public E820Table(int maxEntries) {
        checkArgument(maxEntries >= 1 && maxEntries <= 65536,
                "e820 table capacity %s outside 1..65536 (the kernel uses E820_MAX_ENTRIES = %s)",
                maxEntries, E820_MAX_ENTRIES);
        this.maxEntries = maxEntries;
        this.entryAddr = new long[maxEntries];
        this.entrySize = new long[maxEntries];
        this.entryType = new int[maxEntries];
    }

    /** A table of the default capacity holding the firmware's entries in BIOS order (not sanitised). */
    public static E820Table of(FirmwareMemoryMap firmware) {
        requireNonNull(firmware, "firmware");
        return of(firmware.entries());
    }

    /** A table of the default capacity holding {@code entries} as given (not sanitised). */
    public static E820Table of(List<E820Entry> entries) {
        return of(E820_MAX_ENTRIES, entries);
    }

    /**
     * A table of capacity {@code maxEntries} holding {@code entries} in order, unsanitised, the way
     * {@code __append_e820_table()} copies the boot_params entries (entries past the capacity are
     * ignored with the kernel's "too many entries" error).
     */
    public static E820Table of(int maxEntries, List<E820Entry> entries) {
        requireNonNull(entries, "entries");
        E820Table table = new E820Table(maxEntries);
        for (E820Entry e : entries) {
            requireNonNull(e, "entry in the e820 list");
            table.add(e.addr(), e.size(), e.type());
        }
        return table;
    }

    /** An independent copy (same capacity and entries). */
    public E820Table copy() {
        E820Table t = new E820Table(maxEntries);
        System.arraycopy(entryAddr, 0, t.entryAddr, 0, nr);
        System.arraycopy(entrySize, 0, t.entrySize, 0, nr);
        System.arraycopy(entryType, 0, t.entryType, 0, nr);
        t.nr = nr;
        return t;
    }

    // ------------------------------------------------------------------ queries

    /** {@code nr_entries}. */
    public int nrEntries() {
        return nr;
    }

    /** {@code ARRAY_SIZE(entries)}. */
    public int maxEntries() {
        return maxEntries;
    }

    /** Entry {@code i}, 0 &lt;= i &lt; {@link #nrEntries()}. */
    public E820Entry entry(int i) {
        checkElementIndex(i, nr, "e820 entry index");
        return new E820Entry(entryAddr[i], entrySize[i], E820Type.of(entryType[i]));
    }

    /** A snapshot of the entries in table order. */
    public List<E820Entry> entries() {
        List<E820Entry> list = new ArrayList<>(nr);
        for (int i = 0; i < nr; i++) {
            list.add(new E820Entry(entryAddr[i], entrySize[i], E820Type.of(entryType[i])));
        }
        return Collections.unmodifiableList(list);
    }

    /** Sum of the sizes of the entries of {@code type} (meaningful on a sanitised table). */
    public long totalBytes(E820Type type) {
        requireNonNull(type, "type");
        long total = 0;
        for (int i = 0; i < nr; i++) {
            if (entryType[i] == type.code()) {
                total += entrySize[i];
            }
        }
        return total;
    }

    /**
     * {@code e820__mapped_any()}: does any entry of {@code type} (any type when null) overlap
     * {@code [start, end)}?
     */
    public boolean mappedAny(long start, long end, E820Type type) {
        for (int i = 0; i < nr; i++) {
            if (type != null && entryType[i] != type.code()) {
                continue;
            }
            if (uge(entryAddr[i], end) || ule(entryAddr[i] + entrySize[i], start)) {
                continue;
            }
            return true;
        }
        return false;
    }

    /**
     * {@code e820__mapped_all()}: is all of {@code [start, end)} covered by entries of {@code type}
     * (any type when null)? Like the kernel, only correct on a sorted, sanitised table.
     */
    public boolean mappedAll(long start, long end, E820Type type) {
        for (int i = 0; i < nr; i++) {
            if (type != null && entryType[i] != type.code()) {
                continue;
            }
            long a = entryAddr[i];
            long e = a + entrySize[i];
            if (uge(a, end) || ule(e, start)) {
                continue;
            }
            if (ule(a, start)) {
                start = e;
            }
            if (uge(start, end)) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ edits

    /**
     * {@code __e820__range_add()}: appends {@code [start, start + size)} of {@code type} at the end of
     * the table, without sorting or merging. A full table ignores the range and logs the kernel's
     * {@code too many entries; ignoring [mem %#010llx-%#010llx]} error.
     *
     * @return false when the table was full and the range was ignored
     */
    public boolean add(long start, long size, E820Type type) {
        requireNonNull(type, "type");
        if (nr >= maxEntries) {
            LOG.error("too many entries; ignoring [mem {}-{}]", Vsprintf.hex10(start), Vsprintf.hex10(start + size - 1));
            return false;
        }
        entryAddr[nr] = start;
        entrySize[nr] = size;
        entryType[nr] = type.code();
        nr++;
        return true;
    }

    /** Empties the table ({@code nr_entries = 0}, as {@code memmap=exactmap} does). */
    public void clear() {
        nr = 0;
    }

    /**
     * {@code e820__update_table()}: sanitises the table in place. Builds a list of change points
     * (the start and the end of every non-empty entry), sorts them by address with starts before
     * ends at equal addresses, and sweeps them keeping the set of entries that overlap the current
     * address; the resulting type there is the highest (unsigned) type in the set, 0 meaning "no
     * entry". A new entry starts whenever that type changes, or at every change point while the type
     * is one {@link E820Type#noMerge()} keeps apart. Entries of size 0 are never emitted.
     *
     * @return true when the table was rewritten; false ("-1" in the kernel) when it had fewer than
     *     two entries or an entry wraps past 2^64, in which case nothing changed
     */
    public boolean update() {
        int newNr = E820Sanitizer.sanitize(entryAddr, entrySize, entryType, nr, maxEntries);
        if (newNr < 0) {
            return false;
        }
        nr = newNr;
        return true;
    }

    /**
     * {@code __e820__range_update()}: gives the part of every {@code oldType} entry that lies in
     * {@code [start, start + size)} the type {@code newType}. An entry fully inside is retyped in
     * place; an entry that contains the whole range is cut into head (kept), middle (appended, new
     * type) and tail (appended, old type); a partial overlap appends the overlapping piece with the
     * new type and trims the original. The table is not re-sorted: call {@link #update()} after.
     * A size reaching past 2^64 is clamped to {@code ULLONG_MAX - start}, as in the kernel.
     *
     * @return the {@code e820: update [mem %#010Lx-%#010Lx] old ==> new} line and the bytes retyped
     * @throws IllegalArgumentException if the two types are equal (the kernel BUG()s)
     */
    public RangeEdit rangeUpdate(long start, long size, E820Type oldType, E820Type newType) {
        requireNonNull(oldType, "oldType");
        requireNonNull(newType, "newType");
        checkArgument(!oldType.equals(newType),
                "e820__range_update from %s to the same type %s: old and new type must differ", oldType, newType);
        if (Long.compareUnsigned(size, ULLONG_MAX - start) > 0) {
            size = ULLONG_MAX - start;
        }
        long end = start + size;
        String line = "e820: update [mem " + Vsprintf.hex10(start) + "-" + Vsprintf.hex10(end - 1) + "] "
                + oldType.dmesgName() + " ==> " + newType.dmesgName();
        LOG.debug("{}", line);

        long realUpdated = 0;
        for (int i = 0; i < nr; i++) { // nr grows while we append: the kernel's loop sees new entries too
            if (entryType[i] != oldType.code()) {
                continue;
            }
            long entryEnd = entryAddr[i] + entrySize[i];
            if (uge(entryAddr[i], start) && ule(entryEnd, end)) {
                entryType[i] = newType.code();
                realUpdated += entrySize[i];
                continue;
            }
            if (ult(entryAddr[i], start) && ugt(entryEnd, end)) {
                add(start, size, newType);
                add(end, entryEnd - end, E820Type.of(entryType[i]));
                entrySize[i] = start - entryAddr[i];
                realUpdated += size;
                continue;
            }
            long finalStart = umax(start, entryAddr[i]);
            long finalEnd = umin(end, entryEnd);
            if (uge(finalStart, finalEnd)) {
                continue;
            }
            add(finalStart, finalEnd - finalStart, newType);
            realUpdated += finalEnd - finalStart;
            entrySize[i] -= finalEnd - finalStart;
            if (ult(entryAddr[i], finalStart)) {
                continue;
            }
            entryAddr[i] = finalEnd;
        }
        return new RangeEdit(line, realUpdated);
    }

    /**
     * {@code e820__range_remove()}: cuts {@code [start, start + size)} out of every entry (of
     * {@code oldType} only when {@code checkType}). A fully covered entry is zeroed (address, size
     * and type 0) and disappears at the next {@link #update()}; an entry containing the range is
     * split, its tail appended; partial overlaps are trimmed.
     *
     * @param oldType   the type to remove; ignored (may be null) when {@code checkType} is false
     * @return the {@code e820: remove [mem %#010Lx-%#010Lx] type} line (without a type, but with the
     *     kernel's trailing space, when {@code checkType} is false) and the bytes removed
     */
    public RangeEdit rangeRemove(long start, long size, E820Type oldType, boolean checkType) {
        if (checkType) {
            requireNonNull(oldType, "oldType (required when checkType is true)");
        }
        if (Long.compareUnsigned(size, ULLONG_MAX - start) > 0) {
            size = ULLONG_MAX - start;
        }
        long end = start + size;
        String line = "e820: remove [mem " + Vsprintf.hex10(start) + "-" + Vsprintf.hex10(end - 1) + "] "
                + (checkType ? oldType.dmesgName() : "");
        LOG.debug("{}", line);

        long realRemoved = 0;
        for (int i = 0; i < nr; i++) {
            if (checkType && entryType[i] != oldType.code()) {
                continue;
            }
            long entryEnd = entryAddr[i] + entrySize[i];
            if (uge(entryAddr[i], start) && ule(entryEnd, end)) {
                realRemoved += entrySize[i];
                entryAddr[i] = 0;
                entrySize[i] = 0;
                entryType[i] = 0;
                continue;
            }
            if (ult(entryAddr[i], start) && ugt(entryEnd, end)) {
                add(end, entryEnd - end, E820Type.of(entryType[i]));
                entrySize[i] = start - entryAddr[i];
                realRemoved += size;
                continue;
            }
            long finalStart = umax(start, entryAddr[i]);
            long finalEnd = umin(end, entryEnd);
            if (uge(finalStart, finalEnd)) {
                continue;
            }
            realRemoved += finalEnd - finalStart;
            entrySize[i] -= finalEnd - finalStart;
            if (ult(entryAddr[i], finalStart)) {
                continue;
            }
            entryAddr[i] = finalEnd;
        }
        return new RangeEdit(line, realRemoved);
    }

    // ------------------------------------------------------------------ printing

    /**
     * {@code e820__print_table(who)}: one line per entry,
     * {@code who: [mem %#018Lx-%#018Lx] type} with an inclusive end address.
     */
    public List<String> print(String who) {
        requireNonNull(who, "who");
        List<String> lines = new ArrayList<>(nr);
        for (int i = 0; i < nr; i++) {
            lines.add(who + ": [mem " + Vsprintf.hex18(entryAddr[i]) + "-" + Vsprintf.hex18(entryAddr[i] + entrySize[i] - 1)
                    + "] " + E820Type.of(entryType[i]).dmesgName());
        }
        return lines;
    }

    @Override
    public String toString() {
        return String.join("\n", print("e820"));
    }

    // ------------------------------------------------------------------ end of RAM, PCI gap

    /** {@code e820__end_of_ram_pfn()}: the end pfn of usable/ACPI memory, capped at MAX_ARCH_PFN. */
    public LastPfn endOfRamPfn() {
        return endOfRamPfn(MAX_ARCH_PFN);
    }

    /**
     * {@code e820__end_of_ram_pfn()} for a kernel whose {@code MAX_ARCH_PFN} differs, e.g.
     * {@code 1L << (52 - 12)} = 0x10000000000 for 52 physical address bits (5-level paging kernels).
     */
    public LastPfn endOfRamPfn(long maxArchPfn) {
        checkArgument(maxArchPfn > 0, "max_arch_pfn %s must be positive", maxArchPfn);
        return endRamPfn(maxArchPfn, maxArchPfn);
    }

    /** {@code e820__end_of_low_ram_pfn()}: the same below 4 GiB (limit pfn 0x100000). */
    public LastPfn endOfLowRamPfn() {
        return endOfLowRamPfn(MAX_ARCH_PFN);
    }

    /** {@code e820__end_of_low_ram_pfn()} with another {@code MAX_ARCH_PFN} (printed in its line). */
    public LastPfn endOfLowRamPfn(long maxArchPfn) {
        checkArgument(maxArchPfn > 0, "max_arch_pfn %s must be positive", maxArchPfn);
        return endRamPfn(1L << (32 - PAGE_SHIFT), maxArchPfn);
    }

    /**
     * {@code e820__end_ram_pfn(limit_pfn)}: walks the entries of type RAM (1) or ACPI (3) in table
     * order, keeping the highest {@code (addr + size) >> PAGE_SHIFT}; an entry that crosses the limit
     * makes the result the limit and stops the walk. Partial pages at the end are dropped.
     */
    private LastPfn endRamPfn(long limitPfn, long maxArchPfn) {
        long lastPfn = 0;
        for (int i = 0; i < nr; i++) {
            if (entryType[i] != E820Type.RAM.code() && entryType[i] != E820Type.ACPI.code()) {
                continue;
            }
            long startPfn = entryAddr[i] >>> PAGE_SHIFT;
            long endPfn = (entryAddr[i] + entrySize[i]) >>> PAGE_SHIFT;
            if (uge(startPfn, limitPfn)) {
                continue;
            }
            if (ugt(endPfn, limitPfn)) {
                lastPfn = limitPfn;
                break;
            }
            if (ugt(endPfn, lastPfn)) {
                lastPfn = endPfn;
            }
        }
        if (ugt(lastPfn, maxArchPfn)) {
            lastPfn = maxArchPfn;
        }
        LastPfn result = new LastPfn(lastPfn, maxArchPfn);
        LOG.debug("{}", result.line());
        return result;
    }

    /**
     * {@code e820_search_gap()}: the biggest hole below 4 GiB of at least {@code minSize} bytes.
     * Entries are scanned from the last to the first, tracking the lowest start seen so far
     * ({@code last}); the hole between an entry's end and {@code last} replaces the best one when it
     * is at least as big ({@code >=}), so of two equal holes the lower one wins.
     */
    public Optional<PciGap> searchGap(long minSize) {
        long last = MAX_GAP_END;
        long gapStart = 0;
        long gapSize = minSize;
        boolean found = false;
        for (int i = nr - 1; i >= 0; i--) {
            long start = entryAddr[i];
            long end = start + entrySize[i];
            if (ugt(last, end)) {
                long gap = last - end;
                if (uge(gap, gapSize)) {
                    gapSize = gap;
                    gapStart = end;
                    found = true;
                }
            }
            if (ult(start, last)) {
                last = start;
            }
        }
        return found ? Optional.of(new PciGap(gapStart, gapSize, true)) : Optional.empty();
    }

    /**
     * {@code e820__setup_pci_gap()}: the 4 MiB-or-bigger gap of {@link #searchGap}, or on x86-64 the
     * fallback {@code (max_pfn << PAGE_SHIFT) + 1 MiB} with size 4 MiB and two error lines.
     *
     * @param maxPfn the kernel's {@code max_pfn}, used only for the fallback
     */
    public PciGap setupPciGap(long maxPfn) {
        PciGap gap = searchGap(MIN_PCI_GAP)
                .orElseGet(() -> new PciGap((maxPfn << PAGE_SHIFT) + 1024 * 1024, MIN_PCI_GAP, false));
        LOG.debug("{}", gap.line());
        return gap;
    }

    // ------------------------------------------------------------------ unsigned helpers

    static boolean ult(long a, long b) {
        return Long.compareUnsigned(a, b) < 0;
    }

    static boolean ule(long a, long b) {
        return Long.compareUnsigned(a, b) <= 0;
    }

    static boolean ugt(long a, long b) {
        return Long.compareUnsigned(a, b) > 0;
    }

    static boolean uge(long a, long b) {
        return Long.compareUnsigned(a, b) >= 0;
    }

    static long umax(long a, long b) {
        return uge(a, b) ? a : b;
    }

    static long umin(long a, long b) {
        return ule(a, b) ? a : b;
    }
}
