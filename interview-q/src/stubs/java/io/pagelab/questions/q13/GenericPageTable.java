package io.pagelab.questions.q13;

import io.pagelab.api.PhysicalMemory;
import io.pagelab.exercise.Todo;
import io.pagelab.hardware.mmu.PageTableAllocator;

/**
 * Q13 内核如何处理多样式的页映射？ How does the kernel handle the different paging forms?
 *
 * <p>Linux's memory-management code always walks five levels: pgd, p4d, pud, pmd, pte
 * (include/linux/pgtable.h). An architecture with fewer hardware levels folds the missing ones
 * (include/asm-generic/pgtable-nop4d.h, -nopud.h, -nopmd.h): a folded level has one entry, and
 * that entry IS the entry of the level above, so {@code p4d_offset(pgd, va)} simply returns
 * {@code (p4d_t *)pgd}. The same walk then works on i386 (2 real levels), PAE (3), x86-64 (4, p4d
 * folded) and x86-64 with LA57 (5) without an #ifdef.
 * 内核统一用 pgd/p4d/pud/pmd/pte 五级遍历；硬件没有的级被“折叠”：只有一项，且就是上一级的那一项，pXd_offset 直接返回传入的指针。
 *
 * <pre>
 *  pgd_offset(va) -&gt; p4d_offset -&gt; pud_offset -&gt; pmd_offset -&gt; pte_offset
 *  real level:   table = readEntry(parent) &amp; ~0xfff; return table + index(va) * entryBytes
 *  folded level: return parent                        (no table, no memory read)
 * </pre>
 *
 * Entries here are simple: a table or page address with {@link #PRESENT_RW} (bits 0 and 1, as on
 * x86). An entry is empty when it is 0.
 *
 * <p>Your task: implement the four offset functions, {@link #map} and {@link #lookup}, once, for
 * every {@link Geometry}:
 * <ul>
 *   <li>{@code p4dOffset}, {@code pudOffset}, {@code pmdOffset}, {@code pteOffset}: the physical
 *       address of the entry of that level for {@code va}, given the physical address of the entry
 *       above (which must be present if the level is real: throw {@link IllegalStateException}
 *       otherwise).</li>
 *   <li>{@link #map}: walk down from the PGD; whenever a REAL level's parent entry is empty,
 *       allocate its table with {@link #newTable()} and write {@code table | PRESENT_RW} into the
 *       parent entry. Folded levels allocate nothing. Write {@code pfn << 12 | PRESENT_RW} into the
 *       pte entry.</li>
 *   <li>{@link #lookup}: the pfn mapped at {@code va} (the leaf's bits 12 and up), or
 *       {@link #NOT_MAPPED} when an entry on the way is empty. No large pages.</li>
 * </ul>
 *
 * <p>Run {@code ./pagelab grade q13} to check your work.
 */
public final class GenericPageTable {
    /** The five levels of Linux's generic page table (given complete, no need to edit). */
    public enum Level {
        PGD, P4D, PUD, PMD, PTE
    }

    /**
     * An architecture's page-table shape: for each level the lowest address bit of its index
     * ({@code PGDIR_SHIFT}, {@code P4D_SHIFT}, {@code PUD_SHIFT}, {@code PMD_SHIFT}, {@code PAGE_SHIFT})
     * and its number of entries ({@code PTRS_PER_*}); a level with 1 entry is folded. Given
     * complete, no need to edit.
     *
     * @param name for messages
     * @param shifts index shift per level, PGD first
     * @param ptrs entries per table per level, PGD first (1 = folded)
     * @param entryBytes 4 (32-bit paging) or 8
     */
    public record Geometry(String name, int[] shifts, int[] ptrs, int entryBytes) {
        /** i386 without PAE (pgtable-2level_types.h): PGD 10 bits at 22, PTE 10 bits at 12; P4D, PUD, PMD folded. */
        public static final Geometry X86_32 = new Geometry("x86-32", new int[] {22, 22, 22, 22, 12},
                new int[] {1024, 1, 1, 1, 1024}, 4);
        /** i386 with PAE (pgtable-3level_types.h): PGD 2 bits at 30, PMD 9 at 21, PTE 9 at 12; P4D, PUD folded. */
        public static final Geometry X86_PAE = new Geometry("x86-PAE", new int[] {30, 30, 30, 21, 12},
                new int[] {4, 1, 1, 512, 512}, 8);
        /** x86-64 4-level (pgtable_64_types.h): P4D folded into the PGD. */
        public static final Geometry X86_64_4LEVEL = new Geometry("x86-64 4-level", new int[] {39, 39, 30, 21, 12},
                new int[] {512, 1, 512, 512, 512}, 8);
        /** x86-64 5-level (LA57): every level real. */
        public static final Geometry X86_64_5LEVEL = new Geometry("x86-64 5-level", new int[] {48, 39, 30, 21, 12},
                new int[] {512, 512, 512, 512, 512}, 8);

        public int shift(Level level) {
            return shifts[level.ordinal()];
        }

        public int ptrs(Level level) {
            return ptrs[level.ordinal()];
        }

        /** True when the level has one entry: it is the entry of the level above. */
        public boolean folded(Level level) {
            return ptrs(level) == 1;
        }

        /** {@code pXd_index(va)}: {@code (va >> shift) & (ptrs - 1)}. */
        public int index(Level level, long va) {
            return (int) ((va >>> shift(level)) & (ptrs(level) - 1));
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Entry bits written for tables and pages: present and writable. */
    public static final long PRESENT_RW = 0x3;
    /** Returned by {@link #lookup} for an address without a page. */
    public static final long NOT_MAPPED = -1L;

    private final PhysicalMemory memory;
    private final PageTableAllocator allocator;
    private final Geometry geometry;
    private final long pgd;

    /** A table with an empty PGD taken from {@code allocator} (given complete). */
    public GenericPageTable(PhysicalMemory memory, PageTableAllocator allocator, Geometry geometry) {
        this.memory = memory;
        this.allocator = allocator;
        this.geometry = geometry;
        this.pgd = newTable();
    }

    /** Physical address of the PGD: what CR3 holds (given complete). */
    public long pgd() {
        return pgd;
    }

    public Geometry geometry() {
        return geometry;
    }

    /** {@code pgd_offset(mm, va)}: the PGD entry of {@code va} (given complete). */
    public long pgdOffset(long va) {
        return pgd + (long) geometry.index(Level.PGD, va) * geometry.entryBytes();
    }

    /** The entry at physical address {@code entryPa}, 4 or 8 bytes (given complete). */
    public long readEntry(long entryPa) {
        return geometry.entryBytes() == 4 ? Integer.toUnsignedLong(memory.readInt(entryPa)) : memory.readLong(entryPa);
    }

    /** Writes the entry at {@code entryPa} (given complete). */
    public void writeEntry(long entryPa, long value) {
        if (geometry.entryBytes() == 4) {
            memory.writeInt(entryPa, (int) value);
        } else {
            memory.writeLong(entryPa, value);
        }
    }

    /** A zeroed page from the allocator, as pXd_alloc() gets one (given complete). */
    public long newTable() {
        long pa = allocator.allocPageTable() << 12;
        memory.fill(pa, 4096, 0);
        return pa;
    }

    /** {@code p4d_offset(pgd, va)}. */
    public long p4dOffset(long pgdEntry, long va) {
        throw new Todo("q13/GenericPageTable.java");
    }

    /** {@code pud_offset(p4d, va)}. */
    public long pudOffset(long p4dEntry, long va) {
        throw new Todo("q13/GenericPageTable.java");
    }

    /** {@code pmd_offset(pud, va)}. */
    public long pmdOffset(long pudEntry, long va) {
        throw new Todo("q13/GenericPageTable.java");
    }

    /** {@code pte_offset_kernel(pmd, va)}. */
    public long pteOffset(long pmdEntry, long va) {
        throw new Todo("q13/GenericPageTable.java");
    }

    /** Maps the 4 KiB page at {@code va} to frame {@code pfn}, allocating the missing tables. */
    public void map(long va, long pfn) {
        throw new Todo("q13/GenericPageTable.java");
    }

    /** The pfn mapped at {@code va}, or {@link #NOT_MAPPED}. */
    public long lookup(long va) {
        throw new Todo("q13/GenericPageTable.java");
    }
}
