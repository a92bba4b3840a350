package io.pagelab.kernel.memmodel;

import static com.google.common.base.Preconditions.checkArgument;

import io.pagelab.kernel.boot.BootMemoryResult;
import io.pagelab.kernel.boot.SparseSections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Classic SPARSEMEM without vmemmap (include/asm-generic/memory_model.h: {@code __pfn_to_page},
 * {@code __page_to_pfn}; mm/sparse.c: {@code sparse_encode_mem_map}, {@code sparse_init_one_section};
 * include/linux/mmzone.h: {@code __section_mem_map_addr}, Linux 6.13). Each present 128 MiB section
 * has its own 2 MiB mem_map. {@code mem_section[nr].section_mem_map} stores the encoded value
 * {@code mem_map - section_nr_to_pfn(nr)} (struct page pointer arithmetic, so minus
 * {@code start_pfn * 64} bytes) with flag bits in the low bits; then
 * {@code pfn_to_page(pfn) = __section_mem_map_addr(section) + pfn} is a single add.
 *
 * <p>Flags kept in the low bits: {@link #SECTION_MARKED_PRESENT}, {@link #SECTION_HAS_MEM_MAP},
 * {@link #SECTION_IS_EARLY}; {@link #SECTION_MAP_MASK} clears the five flag bits of a kernel with
 * CONFIG_ZONE_DEVICE (SECTION_MAP_LAST_BIT 5).
 *
 * <p>pagelab differs on purpose: x86-64 always builds SPARSEMEM_VMEMMAP; this model is applied to
 * an x86-64 boot to show the older scheme. The per-section mem_maps are placed by a documented
 * rule instead of sparse_buffer: consecutive 2 MiB blocks, ascending section order, starting at a
 * given direct-map address ({@link #of(BootMemoryResult)}: the top of RAM, as top-down memblock
 * would). Linux's {@code page_to_pfn} finds the section from bits in {@code page->flags}; pagelab
 * has no page flags here and searches the sections' mem_maps instead. SECTION_IS_ONLINE is not set.
 */
public final class Sparsemem implements MemoryModel {
    private static final Logger LOG = LoggerFactory.getLogger(Sparsemem.class);

    /** {@code SECTION_MARKED_PRESENT}: bit 0. */
    public static final long SECTION_MARKED_PRESENT = 1L << 0;
    /** {@code SECTION_HAS_MEM_MAP}: bit 1. */
    public static final long SECTION_HAS_MEM_MAP = 1L << 1;
    /** {@code SECTION_IS_EARLY}: bit 3 (bit 2 is SECTION_IS_ONLINE). */
    public static final long SECTION_IS_EARLY = 1L << 3;
    /** {@code SECTION_MAP_MASK} = ~((1 << SECTION_MAP_LAST_BIT) - 1), SECTION_MAP_LAST_BIT 5. */
    public static final long SECTION_MAP_MASK = ~((1L << 5) - 1);
    /** Bytes of one section's mem_map: 32768 * 64 = 2 MiB. */
    public static final long SECTION_MEMMAP_BYTES = SparseSections.PAGES_PER_SECTION * STRUCT_PAGE_SIZE;

    private final SparseSections sections;
    private final Map<Long, Long> sectionMemMap = new TreeMap<>();

    /**
     * @param sections the present sections
     * @param firstMemMap virtual address of the first present section's mem_map; the others follow
     *     at 2 MiB steps in ascending section order. Must be 2 MiB aligned so the flag bits are free.
     */
    public Sparsemem(SparseSections sections, long firstMemMap) {
        this.sections = Objects.requireNonNull(sections, "sections");
        checkArgument(firstMemMap % SECTION_MEMMAP_BYTES == 0, "first mem_map 0x%s must be 2 MiB aligned",
                Long.toHexString(firstMemMap));
        long memMap = firstMemMap;
        for (long nr : sections.sectionNumbers()) {
            long startPfn = nr << SparseSections.PFN_SECTION_SHIFT;
            long encoded = memMap - startPfn * STRUCT_PAGE_SIZE; // sparse_encode_mem_map()
            sectionMemMap.put(nr, encoded | SECTION_MARKED_PRESENT | SECTION_HAS_MEM_MAP | SECTION_IS_EARLY);
            memMap += SECTION_MEMMAP_BYTES;
        }
        LOG.debug("SPARSEMEM: {} section mem_maps from 0x{}", sectionMemMap.size(), Long.toHexString(firstMemMap));
    }

    /** Classic SPARSEMEM over a booted machine, mem_maps in the last {@code count * 2 MiB} below max_pfn. */
    public static Sparsemem of(BootMemoryResult boot) {
        Objects.requireNonNull(boot, "boot");
        long top = boot.maxPfn() << 12;
        long first = Flatmem.PAGE_OFFSET + top - boot.sections().count() * SECTION_MEMMAP_BYTES;
        return new Sparsemem(boot.sections(), first);
    }

    /** {@code mem_section[nr].section_mem_map}: encoded mem_map plus flags, 0 for an absent section. */
    public long sectionMemMapWord(long sectionNr) {
        return sectionMemMap.getOrDefault(sectionNr, 0L);
    }

    /** {@code __section_mem_map_addr()}: the word with the flag bits masked off. */
    public long sectionMemMapAddr(long sectionNr) {
        return sectionMemMapWord(sectionNr) & SECTION_MAP_MASK;
    }

    /** The real start of section {@code sectionNr}'s mem_map (the struct page of its first pfn). */
    public long sectionMemMapStart(long sectionNr) {
        if (!sectionMemMap.containsKey(sectionNr)) {
            throw new io.pagelab.api.error.InvalidArgumentException("SPARSEMEM: section " + sectionNr
                    + " is not present; present sections are " + sections);
        }
        return sectionMemMapAddr(sectionNr) + (sectionNr << SparseSections.PFN_SECTION_SHIFT) * STRUCT_PAGE_SIZE;
    }

    @Override
    public boolean pfnValid(long pfn) {
        return sections.pfnValid(pfn);
    }

    @Override
    public long pfnToPage(long pfn) {
        if (!pfnValid(pfn)) {
            throw MemModelErrors.invalidPfn(name(), pfn, "its section " + (pfn >>> SparseSections.PFN_SECTION_SHIFT)
                    + " (pfn >> 15) must be present with a mem_map; present sections are " + sections);
        }
        return sectionMemMapAddr(pfn >>> SparseSections.PFN_SECTION_SHIFT) + pfn * STRUCT_PAGE_SIZE;
    }

    @Override
    public long pageToPfn(long page) {
        for (long nr : sectionMemMap.keySet()) {
            long start = sectionMemMapStart(nr);
            long offset = page - start;
            if (Long.compareUnsigned(offset, SECTION_MEMMAP_BYTES) < 0) {
                if (offset % STRUCT_PAGE_SIZE != 0) {
                    break;
                }
                return (page - sectionMemMapAddr(nr)) / STRUCT_PAGE_SIZE; // page - __section_mem_map_addr()
            }
        }
        throw MemModelErrors.notAPage(name(), page,
                "it must be 64-byte aligned inside the 2 MiB mem_map of a present section");
    }

    @Override
    public String name() {
        return "SPARSEMEM";
    }
}
