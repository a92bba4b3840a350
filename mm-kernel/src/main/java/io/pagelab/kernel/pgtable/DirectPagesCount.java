package io.pagelab.kernel.pgtable;

import java.util.ArrayList;
import java.util.List;

/**
 * How many direct-map entries of each page size the kernel has written:
 * {@code direct_pages_count[PG_LEVEL_NUM]} of arch/x86/mm/pat/set_memory.c (Linux 6.x), added to by
 * {@code update_page_count()} in arch/x86/mm/init_64.c, and shown as the last lines of
 * /proc/meminfo by {@code arch_report_meminfo()}:
 *
 * <pre>
 *  DirectMap4k:        3968 kB      count[PG_LEVEL_4K] &lt;&lt; 2
 *  DirectMap2M:     4190208 kB      count[PG_LEVEL_2M] &lt;&lt; 11
 *  DirectMap1G:     2097152 kB      count[PG_LEVEL_1G] &lt;&lt; 20   (only with gbpages)
 * </pre>
 *
 * The counts are of entries written, not of bytes of RAM: when the boot code passes over a large
 * page that an earlier step already wrote, phys_pmd_init() and phys_pud_init() count it again
 * ({@code if (!after_bootmem) pages++}), so the total can exceed the RAM mapped. Differs from
 * Linux: splits done later by change_page_attr() ({@code split_page_count()}) are not modelled.
 */
public final class DirectPagesCount {
    private final long[] count = new long[4];
    private final boolean gbpages;

    /**
     * @param gbpages {@code direct_gbpages}: the CPU has 1 GiB pages and the kernel uses them, which
     *     is also what makes the DirectMap1G line appear
     */
    public DirectPagesCount(boolean gbpages) {
        this.gbpages = gbpages;
    }

    /** {@code update_page_count(level, pages)}. */
    void update(int level, long pages) {
        count[level] += pages;
    }

    /** Entries written at {@code level}: {@link MapRange#PG_LEVEL_4K}, {@link MapRange#PG_LEVEL_2M} or {@link MapRange#PG_LEVEL_1G}. */
    public long pages(int level) {
        if (level < MapRange.PG_LEVEL_4K || level > MapRange.PG_LEVEL_1G) {
            throw new IllegalArgumentException("level " + level + " is not PG_LEVEL_4K (1), PG_LEVEL_2M (2) or PG_LEVEL_1G (3)");
        }
        return count[level];
    }

    /** DirectMap4k in kB. */
    public long directMap4kKb() {
        return count[MapRange.PG_LEVEL_4K] << 2;
    }

    /** DirectMap2M in kB. */
    public long directMap2mKb() {
        return count[MapRange.PG_LEVEL_2M] << 11;
    }

    /** DirectMap1G in kB. */
    public long directMap1gKb() {
        return count[MapRange.PG_LEVEL_1G] << 20;
    }

    /** Whether the DirectMap1G line is printed ({@code direct_gbpages}). */
    public boolean gbpages() {
        return gbpages;
    }

    /** The lines of {@code arch_report_meminfo()}, format {@code "DirectMap4k:    %8lu kB"}. */
    public List<String> meminfoLines() {
        List<String> lines = new ArrayList<>(3);
        lines.add(String.format("DirectMap4k:    %8d kB", directMap4kKb()));
        lines.add(String.format("DirectMap2M:    %8d kB", directMap2mKb()));
        if (gbpages) {
            lines.add(String.format("DirectMap1G:    %8d kB", directMap1gKb()));
        }
        return lines;
    }

    @Override
    public String toString() {
        return String.join(System.lineSeparator(), meminfoLines());
    }
}
