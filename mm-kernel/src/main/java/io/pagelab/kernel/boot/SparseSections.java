package io.pagelab.kernel.boot;

import static com.google.common.base.Preconditions.checkArgument;

import io.pagelab.kernel.memblock.MemblockView;
import io.pagelab.kernel.memblock.PfnRange;
import java.util.BitSet;

/**
 * The SPARSEMEM sections present after {@code memblocks_present()} (mm/sparse.c, Linux 6.13): a
 * 128 MiB section (SECTION_SIZE_BITS 27 on x86-64, 32768 pages) is present when any page of
 * {@code memblock.memory} lies in it. Early sections have a full memmap, so
 * {@code pfn_valid(pfn)} is simply "the section of pfn is present".
 *
 * <p>Immutable; one bit per section number.
 */
public final class SparseSections {
    /** {@code SECTION_SIZE_BITS} on x86-64. */
    public static final int SECTION_SIZE_BITS = 27;
    /** {@code PFN_SECTION_SHIFT} = SECTION_SIZE_BITS - PAGE_SHIFT. */
    public static final int PFN_SECTION_SHIFT = SECTION_SIZE_BITS - 12;
    /** {@code PAGES_PER_SECTION} = 32768. */
    public static final long PAGES_PER_SECTION = 1L << PFN_SECTION_SHIFT;
    /** {@code NR_MEM_SECTIONS} for the largest MAX_PHYSMEM_BITS, 52 (a 46-bit kernel uses the first 2^19). */
    public static final long NR_MEM_SECTIONS = 1L << (52 - SECTION_SIZE_BITS);

    private final BitSet present;

    private SparseSections(BitSet present) {
        this.present = present;
    }

    /** {@code memblocks_present()}: marks the sections of every memory pfn range. */
    public static SparseSections of(MemblockView memblock) {
        BitSet bits = new BitSet();
        for (PfnRange r : memblock.memPfnRanges()) {
            long first = r.startPfn() >>> PFN_SECTION_SHIFT;
            long last = Math.min((r.endPfn() - 1) >>> PFN_SECTION_SHIFT, NR_MEM_SECTIONS - 1);
            if (first <= last) {
                bits.set((int) first, (int) last + 1);
            }
        }
        return new SparseSections(bits);
    }

    /** Is section {@code sectionNr} present? */
    public boolean present(long sectionNr) {
        checkArgument(sectionNr >= 0, "section number %s is negative", sectionNr);
        return sectionNr < NR_MEM_SECTIONS && present.get((int) sectionNr);
    }

    /** {@code pfn_valid(pfn)} for early sections. */
    public boolean pfnValid(long pfn) {
        return pfn >= 0 && present(pfn >>> PFN_SECTION_SHIFT);
    }

    /** How many pfns of {@code [startPfn, endPfn)} are valid (used for the unavailable-range count). */
    public long validPfns(long startPfn, long endPfn) {
        long count = 0;
        long pfn = startPfn;
        while (pfn < endPfn) {
            long sectionEnd = ((pfn >>> PFN_SECTION_SHIFT) + 1) << PFN_SECTION_SHIFT;
            long stop = Math.min(sectionEnd, endPfn);
            if (pfnValid(pfn)) {
                count += stop - pfn;
            }
            pfn = stop;
        }
        return count;
    }

    /** The present section numbers, ascending. */
    public long[] sectionNumbers() {
        return present.stream().asLongStream().toArray();
    }

    /** Number of present sections. */
    public int count() {
        return present.cardinality();
    }

    @Override
    public String toString() {
        return "SparseSections" + present;
    }
}
