package io.pagelab.questions.q14;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q14 面对NUMA等复杂内存环境如何处理？ How does the kernel cope with NUMA?
 *
 * <p>Constants from linux-reference.md §1.4 (vmemmap at 0xffffea0000000000, 1 TB; sizeof(struct
 * page) = 64) and seed digest erratum 36 (x86-64 sections are 2^27 = 128 MiB, 32768 pages); every
 * expected address is worked out by hand next to its case.
 */
@Grader(id = "q14")
@DisplayName("Q14 pfn_to_page under FLATMEM and SPARSEMEM_VMEMMAP")
class MemoryModelTest {

    @Test
    @Points(3)
    @Hint("With the vmemmap, pfn_to_page is vmemmap + pfn struct pages: multiply the pfn by 64 bytes "
            + "and add 0xffffea0000000000.")
    void vmemmapPfnToPageIsTheBasePlusSixtyFourBytesPerPfn() {
        assertThat(MemoryModel.vmemmapPfnToPage(0)).as("struct page of pfn 0")
                .isEqualTo(0xffffea0000000000L);
        // pfn 0x100000 (the page at 4 GiB): 0x100000 * 64 = 0x4000000 (64 MiB of struct pages per 4 GiB)
        assertThat(MemoryModel.vmemmapPfnToPage(0x100000L)).as("struct page of pfn 0x100000")
                .isEqualTo(0xffffea0004000000L);
        // pfn 0x1001: 0x1001 * 0x40 = 0x40040
        assertThat(MemoryModel.vmemmapPfnToPage(0x1001L)).as("struct page of pfn 0x1001")
                .isEqualTo(0xffffea0000040040L);
    }

    @Test
    @Points(2)
    @Hint("page_to_pfn is the reverse: (address - vmemmap) / 64.")
    void vmemmapPageToPfnUndoesPfnToPage() {
        // 0xffffea0004000040 - base = 0x4000040 = 64 * 0x100001
        assertThat(MemoryModel.vmemmapPageToPfn(0xffffea0004000040L)).as("pfn of struct page 0xffffea0004000040")
                .isEqualTo(0x100001L);
        for (long pfn : new long[] {0, 1, 4096, 0x7fff, 0x8000, 2_621_439}) {
            assertThat(MemoryModel.vmemmapPageToPfn(MemoryModel.vmemmapPfnToPage(pfn)))
                    .as("page_to_pfn(pfn_to_page(%d))", pfn).isEqualTo(pfn);
        }
    }

    @Test
    @Points(3)
    @Hint("On x86-64 a section is 128 MiB = 2^27 bytes = 2^15 pages: the section number is the pfn "
            + "shifted right by 15.")
    void sectionNumbersCountOneHundredTwentyEightMibSections() {
        assertThat(MemoryModel.sectionNr(0x7fffL)).as("section of pfn 0x7fff (last page below 128 MiB)").isZero();
        assertThat(MemoryModel.sectionNr(0x8000L)).as("section of pfn 0x8000 (128 MiB)").isEqualTo(1);
        // 4 GiB / 128 MiB = 32
        assertThat(MemoryModel.sectionNr(0x100000L)).as("section of pfn 0x100000 (4 GiB)").isEqualTo(32);
        // linux-reference §3.8 zoneinfo: Normal ends at pfn 1048576 + 1572864 = 2621440 (10 GiB);
        // its last pfn 2621439 lies in section 2621439 >> 15 = 79
        assertThat(MemoryModel.sectionNr(2_621_439L)).as("section of pfn 2621439").isEqualTo(79);
    }

    @Test
    @Points(2)
    @Hint("FLATMEM's mem_map starts with the struct page of ARCH_PFN_OFFSET, the first pfn of RAM, "
            + "not of pfn 0.")
    void flatmemIndexesMemMapFromArchPfnOffset() {
        long memMap = 0xffff888100000000L;
        // RAM starting at 2 GiB (ARCH_PFN_OFFSET 0x80000): pfn 0x80010 is entry 0x10, 0x10 * 64 = 0x400
        assertThat(MemoryModel.flatmemPfnToPage(memMap, 0x80000L, 0x80010L)).as("struct page of pfn 0x80010")
                .isEqualTo(0xffff888100000400L);
        // ARCH_PFN_OFFSET 0 (x86): entry = pfn; 0x1000 * 64 = 0x40000
        assertThat(MemoryModel.flatmemPfnToPage(memMap, 0, 0x1000L)).as("struct page of pfn 0x1000, offset 0")
                .isEqualTo(0xffff888100040000L);
    }

    @Test
    @Points(2)
    @Hint("The vmemmap is 1 TB: 2^34 pfns (MAX_PHYSMEM_BITS 46) of 64 bytes. The last pfn's struct page "
            + "is the last 64 bytes of the region; the pfn after it does not exist.")
    void theVmemmapEndsWithTheLastPfnOfFortySixBitPhysicalMemory() {
        // (2^34 - 1) * 64 = 2^40 - 64 = 0xffffffffc0 -> 0xffffea0000000000 + 0xffffffffc0
        assertThat(MemoryModel.vmemmapPfnToPage((1L << 34) - 1)).as("struct page of pfn 2^34 - 1")
                .isEqualTo(0xffffeaffffffffc0L);
        assertThat(catchThrowable(() -> MemoryModel.vmemmapPfnToPage(1L << 34)))
                .as("vmemmapPfnToPage(2^34)").isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    @Points(1)
    @Hint("Refuse what cannot be a struct page: an address not 64-byte aligned from vmemmap, an address "
            + "below it, or a FLATMEM pfn below ARCH_PFN_OFFSET.")
    void addressesThatAreNotStructPagesAreRefused() {
        assertThat(catchThrowable(() -> MemoryModel.vmemmapPageToPfn(0xffffea0000000020L)))
                .as("vmemmapPageToPfn(0xffffea0000000020), inside a struct page")
                .isInstanceOf(InvalidArgumentException.class);
        assertThat(catchThrowable(() -> MemoryModel.vmemmapPageToPfn(0xffff888000000000L)))
                .as("vmemmapPageToPfn(a direct-map address)").isInstanceOf(InvalidArgumentException.class);
        assertThat(catchThrowable(() -> MemoryModel.flatmemPfnToPage(0xffff888100000000L, 0x80000L, 0x7ffffL)))
                .as("flatmemPfnToPage below ARCH_PFN_OFFSET").isInstanceOf(InvalidArgumentException.class);
    }
}
