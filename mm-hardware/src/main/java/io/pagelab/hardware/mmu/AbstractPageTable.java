package io.pagelab.hardware.mmu;

import io.pagelab.api.PageMapping;
import io.pagelab.api.PageTable;
import io.pagelab.api.PhysicalMemory;
import io.pagelab.api.Prot;
import io.pagelab.api.error.BadAddressException;
import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.api.error.OutOfMemoryException;
import java.util.Objects;
import java.util.Optional;

/**
 * What every radix page-table tree in physical memory does the same way, whatever its entry
 * format: table frames come from a {@link PageTableAllocator} and are counted (the PageTables:
 * line of /proc/meminfo), the tables a new mapping needs are allocated before anything is written
 * (as mm/memory.c: __pte_alloc() and friends fail without side effects, Linux 6.x), map()'s
 * arguments are checked in one order, and unmap, translate and lookup are a leaf walk plus the
 * architecture's entry codec, as mm/pagewalk.c separates the generic walk from the arch's
 * pgd/pud/pmd/pte accessors.
 *
 * <p>A subclass ({@link X86PageTable}, {@link LegacyPageTable}, the arm64 and RISC-V tables) keeps
 * its own walk ({@link #findLeaf}) and entry decoding ({@link #leafPfn}, {@link #leafSpan},
 * {@link #leafProt}) and every message that names its hardware; this class holds no architecture
 * words. Differs from Linux on purpose: Linux has no such class, each arch fills in macros. Not
 * thread-safe.
 */
public abstract class AbstractPageTable implements PageTable {
    /** Every table here is one 4 KiB frame (the PAE PDPT too: see {@link LegacyPageTable}). */
    private static final long TABLE_BYTES = 4096;

    protected final PhysicalMemory memory;
    private final PageTableAllocator allocator;
    private int tables;

    protected AbstractPageTable(PhysicalMemory memory, PageTableAllocator allocator) {
        this.memory = Objects.requireNonNull(memory, "memory");
        this.allocator = Objects.requireNonNull(allocator, "allocator");
    }

    /** Table frames in use, the root(s) included (the PageTables: line of /proc/meminfo counts these). */
    public int tableCount() {
        return tables;
    }

    // ---- the architecture's walk and entry codec ----

    /**
     * Entry address of the leaf mapping {@code va}, or {@link #NOT_MAPPED} (also for an address the
     * architecture cannot map); remembers the leaf's level for {@link #leafSpan} and {@link #leafPfn}.
     */
    protected abstract long findLeaf(long va);

    /** Bytes mapped by the leaf {@link #findLeaf} found last. */
    protected abstract long leafSpan();

    /** The frame number held by {@code entry}, the leaf {@link #findLeaf} found last. */
    protected abstract long leafPfn(long entry);

    /** The rights the leaf {@code entry} grants. */
    protected abstract Prot leafProt(long entry);

    /** Reads the entry at physical address {@code pa} (8 bytes unless the format says otherwise). */
    protected long readEntry(long pa) {
        return memory.readLong(pa);
    }

    /** Writes the entry at physical address {@code pa} (8 bytes unless the format says otherwise). */
    protected void writeEntry(long pa, long entry) {
        memory.writeLong(pa, entry);
    }

    /** Called after {@link #unmap} cleared {@code entry}; a subclass may log it. */
    protected void unmapped(long va, long entry, long pfn) {
        // nothing by default
    }

    // ---- map()'s argument checks, in the order every table applies them ----

    /** True for 4 KiB, 2 MiB and 1 GiB pages, the sizes of 4-level x86-64, arm64 (4 KiB granule) and RISC-V. */
    @Override
    public boolean supportsPageSize(long pageSize) {
        return pageSize == 4096L || pageSize == 1L << 21 || pageSize == 1L << 30;
    }

    /** The exception for a page size {@link #supportsPageSize} refuses, naming the sizes allowed. */
    protected abstract InvalidArgumentException unsupportedPageSize(long pageSize);

    /** Throws {@link BadAddressException} when the architecture cannot map {@code va}. */
    protected abstract void checkVirtual(long va);

    /** Physical-address bits: a frame must end at or below 2^bits. */
    protected abstract int physicalAddressBits();

    /** The exception for a frame that does not end below pfn {@code limitPfn}. */
    protected abstract BadAddressException frameOutOfRange(long pfn, long pageSize, long limitPfn);

    /**
     * Checks map()'s arguments, changing nothing: prot not null, a supported page size, a mappable
     * and aligned virtual address, a frame inside the physical-address space and aligned.
     */
    protected final void checkMapArguments(long va, long pfn, long pageSize, Prot prot) {
        Objects.requireNonNull(prot, "prot");
        if (!supportsPageSize(pageSize)) {
            throw unsupportedPageSize(pageSize);
        }
        checkVirtual(va);
        if ((va & (pageSize - 1)) != 0) {
            throw BadAddressException.misaligned("virtual address", va, pageSize);
        }
        long limitPfn = 1L << (physicalAddressBits() - 12);
        if (pfn < 0 || pfn >= limitPfn || pfn + (pageSize >>> 12) > limitPfn) {
            throw frameOutOfRange(pfn, pageSize, limitPfn);
        }
        long pa = pfn << 12;
        if ((pa & (pageSize - 1)) != 0) {
            throw BadAddressException.misaligned("physical address", pa, pageSize);
        }
    }

    // ---- the generic operations ----

    @Override
    public final long unmap(long va) {
        long entryPa = findLeaf(va);
        if (entryPa == NOT_MAPPED) {
            return NOT_MAPPED;
        }
        long e = readEntry(entryPa);
        writeEntry(entryPa, 0);
        long pfn = leafPfn(e);
        unmapped(va, e, pfn);
        return pfn;
    }

    @Override
    public final long translate(long va) {
        long entryPa = findLeaf(va);
        if (entryPa == NOT_MAPPED) {
            return NOT_MAPPED;
        }
        return (leafPfn(readEntry(entryPa)) << 12) | (va & (leafSpan() - 1));
    }

    @Override
    public final Optional<PageMapping> lookup(long va) {
        long entryPa = findLeaf(va);
        if (entryPa == NOT_MAPPED) {
            return Optional.empty();
        }
        long e = readEntry(entryPa);
        long span = leafSpan();
        return Optional.of(new PageMapping(va & -span, leafPfn(e), span, leafProt(e)));
    }

    /**
     * The leaf entry address of the page {@link #protect} changes: {@code prot} must not be null and a
     * page must be mapped at {@code va}, else the message of {@link PageTable#protect}.
     */
    protected final long leafToProtect(long va, Prot prot) {
        Objects.requireNonNull(prot, "prot");
        long entryPa = findLeaf(va);
        if (entryPa == NOT_MAPPED) {
            throw new InvalidArgumentException(String.format(
                    "cannot change the protection at %#x: no page is mapped there (map it first)", va));
        }
        return entryPa;
    }

    // ---- table frames ----

    /** A zeroed table frame from the allocator; its physical address. */
    protected final long newTable() {
        long pa = allocator.allocPageTable() << 12;
        memory.fill(pa, TABLE_BYTES, 0);
        tables++;
        return pa;
    }

    /** Gives the table at physical address {@code pa} back to the allocator. */
    protected final void freeTable(long pa) {
        allocator.freePageTable(pa >>> 12);
        tables--;
    }

    /**
     * {@code count} zeroed tables, all or none: when the allocator runs out, those already taken
     * are given back and the {@link OutOfMemoryException} propagates, so that map() changes nothing.
     */
    protected final long[] newTables(int count) {
        long[] fresh = new long[Math.max(count, 0)];
        for (int i = 0; i < fresh.length; i++) {
            try {
                fresh[i] = newTable();
            } catch (OutOfMemoryException oom) {
                for (int j = 0; j < i; j++) {
                    freeTable(fresh[j]);
                }
                throw oom;
            }
        }
        return fresh;
    }

    protected static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
