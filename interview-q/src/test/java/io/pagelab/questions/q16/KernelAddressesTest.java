package io.pagelab.questions.q16;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.error.BadAddressException;
import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q16 内核态进程虚拟地址与物理内存的映射关系？ Kernel virtual addresses and physical memory?
 *
 * <p>Bases from Documentation/arch/x86/x86_64/mm.rst and page_64_types.h (linux-reference.md §1.4):
 * PAGE_OFFSET 0xffff888000000000, vmemmap 0xffffea0000000000, __START_KERNEL_map 0xffffffff80000000;
 * randomized bases are 1 GiB-aligned values like those of arch/x86/mm/kaslr.c.
 */
@Grader(id = "q16")
@DisplayName("Q16 __pa/__va for the direct map and kernel text, pfn_to_page through the vmemmap")
class KernelAddressesTest {

    private static final long PAGE_OFFSET = 0xffff888000000000L;
    private static final long VMEMMAP = 0xffffea0000000000L;

    @Test
    @Points(3)
    @Hint("In the direct map __pa(va) = va - PAGE_OFFSET and __va(pa) = pa + PAGE_OFFSET.")
    void theDirectMapIsPhysicalMemoryShiftedByPageOffset() {
        assertThat(KernelAddresses.pa(0xffff888000001000L, PAGE_OFFSET, 0)).as("__pa(PAGE_OFFSET + 0x1000)")
                .isEqualTo(0x1000L);
        assertThat(KernelAddresses.va(0x1000L, PAGE_OFFSET)).as("__va(0x1000)").isEqualTo(0xffff888000001000L);
        // the last byte of 64 TiB: 0xffff888000000000 + 0x3fffffffffff = 0xffffc87fffffffff (mm.rst)
        assertThat(KernelAddresses.pa(0xffffc87fffffffffL, PAGE_OFFSET, 0)).as("end of the direct map")
                .isEqualTo((1L << 46) - 1);
    }

    @Test
    @Points(3)
    @Hint("Test the kernel text mapping first: __START_KERNEL_map <= va < __START_KERNEL_map + 1 GiB gives "
            + "va - __START_KERNEL_map + phys_base.")
    void kernelTextIsMappedAtStartKernelMapPlusPhysBase() {
        // without KASLR _text = 0xffffffff81000000 is loaded at 16 MiB: phys_base 0
        assertThat(KernelAddresses.pa(0xffffffff81000000L, PAGE_OFFSET, 0)).as("__pa(_text), phys_base 0")
                .isEqualTo(0x1000000L);
        // kernel moved 0x3e000000 up: __pa = 0x1000000 + 0x3e000000
        assertThat(KernelAddresses.pa(0xffffffff81000000L, PAGE_OFFSET, 0x3e000000L)).as("phys_base 0x3e000000")
                .isEqualTo(0x3f000000L);
        // KASLR: text at 0xffffffff8d800000 (offset 0xd800000), physical 0x1a00000: phys_base = 0x1a00000 -
        // 0xd800000 wraps below zero, and __pa still gives 0x1a00000
        assertThat(KernelAddresses.pa(0xffffffff8d800000L, PAGE_OFFSET, 0x1a00000L - 0xd800000L))
                .as("negative phys_base").isEqualTo(0x1a00000L);
    }

    @Test
    @Points(3)
    @Hint("Addresses in neither mapping (vmalloc, modules above __START_KERNEL_map + 1 GiB, user space) must "
            + "throw BadAddressException; compare with Long.compareUnsigned.")
    void paRefusesEverythingElse() {
        assertThatThrownBy(() -> KernelAddresses.pa(0xffffc90000001000L, PAGE_OFFSET, 0)).as("vmalloc address")
                .isInstanceOfSatisfying(BadAddressException.class,
                        e -> assertThat(e.address()).isEqualTo(0xffffc90000001000L));
        assertThatThrownBy(() -> KernelAddresses.pa(0xffffffffc0001000L, PAGE_OFFSET, 0)).as("module address")
                .isInstanceOf(BadAddressException.class);
        assertThatThrownBy(() -> KernelAddresses.pa(0x00007f0000001000L, PAGE_OFFSET, 0)).as("user address")
                .isInstanceOf(BadAddressException.class);
        assertThatThrownBy(() -> KernelAddresses.pa(0xffff880000001000L, PAGE_OFFSET, 0))
                .as("the LDT remap just below PAGE_OFFSET").isInstanceOf(BadAddressException.class);
    }

    @Test
    @Points(2)
    @Hint("PAGE_OFFSET is a parameter: with memory KASLR it is page_offset_base, somewhere else.")
    void aRandomizedPageOffsetMovesTheDirectMap() {
        long base = 0xffff9d4c40000000L;
        assertThat(KernelAddresses.pa(base + 0x12345678L, base, 0)).as("__pa with page_offset_base %#x", base)
                .isEqualTo(0x12345678L);
        assertThat(KernelAddresses.va(0x12345678L, base)).as("__va with page_offset_base %#x", base)
                .isEqualTo(0xffff9d4c52345678L);
        assertThatThrownBy(() -> KernelAddresses.pa(PAGE_OFFSET, base, 0)).as("the old base is outside now")
                .isInstanceOf(BadAddressException.class);
    }

    @Test
    @Points(2)
    @Hint("__va of a physical address below 0 or at/above 2^46 has no direct-map address.")
    void vaRefusesImpossiblePhysicalAddresses() {
        assertThatThrownBy(() -> KernelAddresses.va(1L << 46, PAGE_OFFSET)).as("2^46")
                .isInstanceOf(BadAddressException.class);
        assertThatThrownBy(() -> KernelAddresses.va(-4096, PAGE_OFFSET)).as("negative")
                .isInstanceOf(BadAddressException.class);
    }

    @Test
    @Points(3)
    @Hint("struct page is 64 bytes: pfn_to_page(pfn) = vmemmap + pfn * 64, and back with / 64.")
    void structPagesFollowEachOther64BytesApart() {
        assertThat(KernelAddresses.pfnToPage(0, VMEMMAP)).as("pfn 0").isEqualTo(0xffffea0000000000L);
        // 0x1000 * 64 = 0x40000
        assertThat(KernelAddresses.pfnToPage(0x1000, VMEMMAP)).as("pfn 0x1000").isEqualTo(0xffffea0000040000L);
        assertThat(KernelAddresses.pageToPfn(0xffffea0000040000L, VMEMMAP)).as("page_to_pfn").isEqualTo(0x1000L);
        // a randomized vmemmap_base
        assertThat(KernelAddresses.pfnToPage(3, 0xffffd50000000000L)).as("pfn 3 in a moved vmemmap")
                .isEqualTo(0xffffd500000000c0L);
    }

    @Test
    @Points(2)
    @Hint("page_to_pfn: the pointer must be inside the vmemmap array (2^34 pages * 64 bytes from vmemmap) and "
            + "a multiple of 64 from its start.")
    void pageToPfnRefusesPointersThatAreNotStructPages() {
        assertThatThrownBy(() -> KernelAddresses.pageToPfn(0xffffea0000000020L, VMEMMAP)).as("inside a struct page")
                .isInstanceOf(BadAddressException.class);
        assertThatThrownBy(() -> KernelAddresses.pageToPfn(PAGE_OFFSET, VMEMMAP)).as("a direct-map address")
                .isInstanceOf(BadAddressException.class);
        assertThatThrownBy(() -> KernelAddresses.pfnToPage(1L << 34, VMEMMAP)).as("pfn 2^34")
                .isInstanceOf(BadAddressException.class);
    }

    @Test
    @Points(2)
    @Hint("virt_to_page(va) = pfn_to_page(__pa(va) >> PAGE_SHIFT): reuse your two functions.")
    void virtToPageGoesThroughThePhysicalAddress() {
        // PAGE_OFFSET + 0x12345678 -> pfn 0x12345 -> 0x12345 * 0x40 = 0x48d140
        assertThat(KernelAddresses.virtToPage(0xffff888012345678L, PAGE_OFFSET, 0, VMEMMAP)).as("direct map")
                .isEqualTo(0xffffea000048d140L);
        // _text at 16 MiB: pfn 0x1000 -> 0x40000
        assertThat(KernelAddresses.virtToPage(0xffffffff81000000L, PAGE_OFFSET, 0, VMEMMAP)).as("kernel text")
                .isEqualTo(0xffffea0000040000L);
    }
}
