package io.pagelab.questions.q12;

import io.pagelab.exercise.Todo;

/**
 * Q12 x86支持的映射模式都有哪些形式？如何分级的？ Which paging modes does x86 support, and how are
 * they levelled?
 *
 * <p>A linear address is cut into table indices and a page offset. How many pieces, and how wide,
 * depends on the paging mode (Intel SDM vol. 3A ch. 4; Linux: arch/x86/include/asm/pgtable-2level_types.h,
 * pgtable-3level_types.h, pgtable_64_types.h):
 *
 * <pre>
 *  LEGACY32  32-bit paging     | dir 10 | table 10 | offset 12 |          4-byte entries, 1024 per table
 *  PAE       32-bit with PAE   | 2 | dir 9 | table 9 | offset 12 |        8-byte entries (PDPT: 4 entries)
 *  FOUR_LEVEL   x86-64         | 9 | 9 | 9 | 9 | offset 12 |              bits 47..0
 *  FIVE_LEVEL   x86-64 + LA57  | 9 | 9 | 9 | 9 | 9 | offset 12 |          bits 56..0
 * </pre>
 *
 * A large page ends the walk early and the bits of the skipped levels join the offset: a PSE
 * page of 32-bit paging is 4 MiB (22 offset bits), a PAE large page is 2 MiB, x86-64 has 2 MiB
 * and 1 GiB pages. 页大小决定级数：4 KiB 页在 32 位下两级、PAE 三级、x86-64 四级（LA57 五级）；大页提前结束查表，被跳过的级的位并入页内偏移。
 *
 * <p>Your task: implement both methods.
 * <ul>
 *   <li>{@link #indices}: the table indices of {@code va} for a 4 KiB page, top level first
 *       (LEGACY32: 2 of them, PAE: 3, FOUR_LEVEL: 4, FIVE_LEVEL: 5). The split is pure bit
 *       arithmetic: do not check that an x86-64 address is canonical. The 32-bit modes accept only
 *       addresses below 2^32: otherwise throw {@link IllegalArgumentException} naming the address.</li>
 *   <li>{@link #offsetBits}: how many low bits of the address are the offset inside the page when
 *       the walk stops after reading {@code levelsRead} entries: all levels read means a 4 KiB page;
 *       one level fewer is the first large page size of the mode, and so on. A walk that stops
 *       where the mode has no page size (a PML4 entry cannot map a page; 32-bit paging has no
 *       PDPT) is an {@link IllegalArgumentException}.</li>
 * </ul>
 *
 * <p>Do not call io.pagelab.hardware.mmu.LinearAddress: it is the library's own copy of this code.
 *
 * <p>Run {@code ./pagelab grade q12} to check your work.
 */
public final class PagingIndices {

    /** The four paging modes (given complete, no need to edit). */
    public enum Mode {
        /** 32-bit paging, CR4.PAE = 0: 10/10/12. */
        LEGACY32,
        /** 32-bit paging with PAE: 2/9/9/12. */
        PAE,
        /** IA-32e 4-level paging: 9/9/9/9/12. */
        FOUR_LEVEL,
        /** IA-32e 5-level paging (CR4.LA57): 9/9/9/9/9/12. */
        FIVE_LEVEL
    }

    private PagingIndices() {
    }

    /**
     * The table indices of {@code va}, top level first.
     *
     * @param va the linear address
     * @param mode the paging mode
     * @return one index per level the walk of a 4 KiB page reads
     */
    public static int[] indices(long va, Mode mode) {
        throw new Todo("q12/PagingIndices.java");
    }

    /**
     * Offset bits of the page the walk reaches after reading {@code levelsRead} entries.
     *
     * @param mode the paging mode
     * @param levelsRead entries read, including the leaf
     * @return 12 for a 4 KiB page, 21 for 2 MiB, 22 for 4 MiB, 30 for 1 GiB
     */
    public static int offsetBits(Mode mode, int levelsRead) {
        throw new Todo("q12/PagingIndices.java");
    }
}
