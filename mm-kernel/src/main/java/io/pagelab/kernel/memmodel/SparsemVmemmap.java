package io.pagelab.kernel.memmodel;

import io.pagelab.kernel.boot.SparseSections;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SPARSEMEM_VMEMMAP (include/asm-generic/memory_model.h: {@code __pfn_to_page} is
 * {@code vmemmap + pfn}; include/linux/mmzone.h: {@code pfn_valid}; Linux 6.13): one virtually
 * contiguous struct page array at {@code VMEMMAP_START} (Documentation/arch/x86/x86_64/mm.rst,
 * 4-level paging: 0xffffea0000000000), backed by real memory only for present 128 MiB sections
 * (SECTION_SIZE_BITS 27, PAGES_PER_SECTION 32768). Holes cost virtual space, not memory.
 *
 * <p>pagelab differs on purpose: no KASLR (the base is fixed); {@code pfn_valid} uses the early
 * sections of {@link SparseSections}, so the subsection map of hot-plugged memory is not modelled;
 * an invalid pfn throws instead of yielding an unbacked address.
 */
public final class SparsemVmemmap implements MemoryModel {
    private static final Logger LOG = LoggerFactory.getLogger(SparsemVmemmap.class);

    /** {@code VMEMMAP_START} with 4-level paging, no KASLR. */
    public static final long VMEMMAP_START = 0xffffea0000000000L;
    /** Bytes of vmemmap one section needs: 32768 * 64 = 2 MiB. */
    public static final long SECTION_MEMMAP_BYTES = SparseSections.PAGES_PER_SECTION * STRUCT_PAGE_SIZE;

    private final SparseSections sections;

    public SparsemVmemmap(SparseSections sections) {
        this.sections = Objects.requireNonNull(sections, "sections");
        LOG.debug("SPARSEMEM_VMEMMAP over {} present sections", sections.count());
    }

    @Override
    public boolean pfnValid(long pfn) {
        return sections.pfnValid(pfn);
    }

    @Override
    public long pfnToPage(long pfn) {
        if (!pfnValid(pfn)) {
            throw MemModelErrors.invalidPfn(name(), pfn, "its section " + (pfn >>> SparseSections.PFN_SECTION_SHIFT)
                    + " (pfn >> 15) must be present; present sections are " + sections);
        }
        return VMEMMAP_START + pfn * STRUCT_PAGE_SIZE;
    }

    @Override
    public long pageToPfn(long page) {
        long offset = page - VMEMMAP_START;
        long limit = SparseSections.NR_MEM_SECTIONS * SECTION_MEMMAP_BYTES;
        if (Long.compareUnsigned(offset, limit) >= 0 || offset % STRUCT_PAGE_SIZE != 0) {
            throw MemModelErrors.notAPage(name(), page, "it must be VMEMMAP_START ("
                    + MemModelErrors.hex(VMEMMAP_START) + ") + pfn * 64");
        }
        long pfn = offset / STRUCT_PAGE_SIZE;
        if (!pfnValid(pfn)) {
            throw MemModelErrors.notAPage(name(), page, "it would be pfn " + MemModelErrors.hex(pfn)
                    + " but section " + (pfn >>> SparseSections.PFN_SECTION_SHIFT) + " is not present (no memmap backs it)");
        }
        return pfn;
    }

    @Override
    public String name() {
        return "SPARSEMEM_VMEMMAP";
    }
}
