package io.pagelab.hardware.arm64;

import io.pagelab.api.error.InvalidArgumentException;

/**
 * One lookup level of the arm64 stage-1 translation with the 4 KiB granule and 48-bit virtual
 * addresses: four levels, each a 4 KiB table of 512 eight-byte descriptors indexed by 9 bits of
 * the address (ARM DDI 0487, "Translation table walk", 4KB granule; Linux 6.x
 * arch/arm64/include/asm/pgtable-hwdef.h: ARM64_HW_PGTABLE_LEVEL_SHIFT(n) = 9 * (4 - n) + 3).
 *
 * <pre>
 *  level  Linux name (4 levels, p4d folded)  index bits  one descriptor maps
 *    0    pgd                                  47..39     512 GiB  (table only)
 *    1    pud                                  38..30       1 GiB  (a block when bits 1:0 = 01)
 *    2    pmd                                  29..21       2 MiB  (a block when bits 1:0 = 01)
 *    3    pte                                  20..12       4 KiB  (a page when bits 1:0 = 11)
 * </pre>
 */
public enum Arm64Level {
    /** Level 0, Linux's pgd: only table descriptors with the 4 KiB granule. */
    LEVEL0(39, "pgd"),
    /** Level 1, Linux's pud: a table, or a 1 GiB block. */
    LEVEL1(30, "pud"),
    /** Level 2, Linux's pmd: a table, or a 2 MiB block ("section map" in Linux's boot code). */
    LEVEL2(21, "pmd"),
    /** Level 3, Linux's pte: 4 KiB pages. */
    LEVEL3(12, "pte");

    /** Descriptors in one table: 512 (PTRS_PER_PTE). */
    public static final int ENTRIES = 512;
    /** Bits of the address each level resolves: 9 (PTDESC_TABLE_SHIFT = PAGE_SHIFT - 3). */
    public static final int INDEX_BITS = 9;

    private final int shift;
    private final String linuxName;

    Arm64Level(int shift, String linuxName) {
        this.shift = shift;
        this.linuxName = linuxName;
    }

    /** The level number the Arm ARM and the fault names use: 0..3. */
    public int number() {
        return ordinal();
    }

    /** Lowest address bit of this level's index (PGDIR_SHIFT 39, PUD_SHIFT 30, PMD_SHIFT 21, PAGE_SHIFT 12). */
    public int shift() {
        return shift;
    }

    /** Bytes of virtual address one descriptor covers: 512 GiB, 1 GiB, 2 MiB or 4 KiB. */
    public long entrySpan() {
        return 1L << shift;
    }

    /** Index of {@code va} in a table of this level: {@code (va >> shift) & 511}. */
    public int index(long va) {
        return (int) (va >>> shift) & (ENTRIES - 1);
    }

    /** True at levels 1 and 2, where a descriptor may map a block instead of a table. */
    public boolean canBlock() {
        return this == LEVEL1 || this == LEVEL2;
    }

    /** True at level 3, whose valid descriptors are always pages. */
    public boolean isLast() {
        return this == LEVEL3;
    }

    /** The level below this one; level 3 has none. */
    public Arm64Level next() {
        if (this == LEVEL3) {
            throw new IllegalStateException("level 3 is the last level: its descriptors map pages, not tables");
        }
        return values()[ordinal() + 1];
    }

    /** Linux's name for this level's entries: pgd, pud, pmd, pte. */
    public String linuxName() {
        return linuxName;
    }

    /** The level whose leaf descriptors map pages of this size: 4 KiB, 2 MiB or 1 GiB. */
    public static Arm64Level forPageSize(long pageSize) {
        if (pageSize == LEVEL3.entrySpan()) {
            return LEVEL3;
        }
        if (pageSize == LEVEL2.entrySpan()) {
            return LEVEL2;
        }
        if (pageSize == LEVEL1.entrySpan()) {
            return LEVEL1;
        }
        throw new InvalidArgumentException(String.format("page size %#x is not an arm64 4K-granule page or block"
                + " size: allowed are 0x1000 (4 KiB page), 0x200000 (2 MiB block), 0x40000000 (1 GiB block)", pageSize));
    }

    @Override
    public String toString() {
        return "level " + ordinal();
    }
}
