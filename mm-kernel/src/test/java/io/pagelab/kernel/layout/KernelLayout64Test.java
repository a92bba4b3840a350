package io.pagelab.kernel.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.error.BadAddressException;
import io.pagelab.api.error.InvalidArgumentException;
import java.util.List;
import org.junit.jupiter.api.Test;

class KernelLayout64Test {

    private final KernelLayout64 l4 = KernelLayout64.level4();
    private final KernelLayout64 l5 = KernelLayout64.level5();

    @Test
    void documentedRowsPrintExactlyAsMmRstDoes() {
        // lines copied from linux-reference.md §1.4 (Documentation/arch/x86/x86_64/mm.rst)
        assertThat(l4.table()).contains(
                "   ffff888000000000 | -119.5  TB | ffffc87fffffffff |   64 TB | direct mapping of all physical memory (page_offset_base)\n",
                "   ffffc90000000000 |  -55    TB | ffffe8ffffffffff |   32 TB | vmalloc/ioremap space (vmalloc_base)\n",
                "   ffffffff80000000 |   -2    GB | ffffffff9fffffff |  512 MB | kernel text mapping, mapped to physical address 0\n",
                "      FIXADDR_START | ~-11    MB | ffffffffff5fffff | ~0.5 MB | kernel-internal fixmap range, variable size and offset\n");
        MemoryRegion direct = l4.classify(0xffff888000000000L);
        assertThat(direct.sizeText()).isEqualTo("64 TB");
        assertThat(direct.offsetText()).isEqualTo("-119.5  TB");
        assertThat(direct.documented()).isTrue();
    }

    @Test
    void continuationLinesJoinTheirRowsDescription() {
        assertThat(l4.classify(0x0000800000000000L).description()).isEqualTo(
                "... huge, almost 64 bits wide hole of non-canonical virtual memory addresses up to the -128 TB"
                        + " starting offset of kernel mappings.");
        assertThat(l4.classify(0xfffffc0000000000L).description()).isEqualTo("... unused hole vaddr_end for KASLR");
    }

    @Test
    void everyAddressFallsIntoExactlyOneRegion() {
        for (KernelLayout64 layout : List.of(l4, l5, l4.withKernelImageSize(KernelLayout64.KERNEL_IMAGE_SIZE_KASLR),
                randomized())) {
            List<MemoryRegion> regions = layout.regions();
            assertThat(regions.get(0).start()).isZero();
            assertThat(regions.get(regions.size() - 1).end()).isEqualTo(-1L);
            for (int i = 1; i < regions.size(); i++) {
                assertThat(regions.get(i).start()).as("row after %s", regions.get(i - 1))
                        .isEqualTo(regions.get(i - 1).end() + 1);
            }
        }
    }

    @Test
    void fourLevelAddressesLandInTheRowsOfTheTable() {
        // start addresses of the rows of mm.rst's 4-level table
        assertThat(l4.classify(0L).kind()).isEqualTo(RegionKind.USER);
        assertThat(l4.classify(0x00007fffffffffffL).kind()).isEqualTo(RegionKind.USER);
        assertThat(l4.classify(0x0000800000000000L).kind()).isEqualTo(RegionKind.NON_CANONICAL);
        assertThat(l4.classify(0xffff7fffffffffffL).kind()).isEqualTo(RegionKind.NON_CANONICAL);
        assertThat(l4.classify(0xffff800000000000L).kind()).isEqualTo(RegionKind.GUARD_HOLE);
        assertThat(l4.classify(0xffff880000001000L).kind()).isEqualTo(RegionKind.LDT_REMAP);
        assertThat(l4.classify(0xffff888000001000L).kind()).isEqualTo(RegionKind.DIRECT_MAP);
        assertThat(l4.classify(0xffffc88000000000L).kind()).isEqualTo(RegionKind.UNUSED_HOLE);
        assertThat(l4.classify(0xffffc90000000000L).kind()).isEqualTo(RegionKind.VMALLOC);
        assertThat(l4.classify(0xffffea0000000000L).kind()).isEqualTo(RegionKind.VMEMMAP);
        assertThat(l4.classify(0xffffec0000000000L).kind()).isEqualTo(RegionKind.KASAN_SHADOW);
        assertThat(l4.classify(0xfffffe0000000000L).kind()).isEqualTo(RegionKind.CPU_ENTRY_AREA);
        assertThat(l4.classify(0xffffff0000000000L).kind()).isEqualTo(RegionKind.ESPFIX_STACKS);
        assertThat(l4.classify(0xffffffef00000000L).kind()).isEqualTo(RegionKind.EFI);
        assertThat(l4.classify(0xffffffff81000000L).kind()).isEqualTo(RegionKind.KERNEL_TEXT);
        assertThat(l4.classify(0xffffffffa0000000L).kind()).isEqualTo(RegionKind.MODULES);
        assertThat(l4.classify(0xffffffffff5ff000L).kind()).isEqualTo(RegionKind.FIXMAP);
        assertThat(l4.classify(0xffffffffff600000L).kind()).isEqualTo(RegionKind.VSYSCALL);
        // mm.rst: "the STACKLEAK_POISON value in the last 2MB hole: ffffffffffff4111"
        assertThat(l4.classify(0xffffffffffff4111L).kind()).isEqualTo(RegionKind.UNUSED_HOLE);
    }

    @Test
    void rowsMmRstLeavesOutBecomeUndocumentedHoles() {
        // between MODULES_END 0xffffffffff000000 and FIXADDR_START (-11 MiB here), and above vsyscall
        MemoryRegion gap = l4.classify(0xffffffffff000000L);
        assertThat(gap.kind()).isEqualTo(RegionKind.UNUSED_HOLE);
        assertThat(gap.documented()).isFalse();
        assertThat(gap.end()).isEqualTo(0xffffffffff4fffffL);
        assertThat(l4.classify(0xffffffffff601000L).documented()).isFalse();
    }

    @Test
    void fiveLevelAddressesLandInTheRowsOfThe5LevelTable() {
        assertThat(l5.classify(0x00ffffffffffffffL).kind()).isEqualTo(RegionKind.USER);
        assertThat(l5.classify(0x0100000000000000L).kind()).isEqualTo(RegionKind.NON_CANONICAL);
        assertThat(l5.classify(0xff10000000000000L).kind()).isEqualTo(RegionKind.LDT_REMAP);
        assertThat(l5.classify(0xff11000000000000L).kind()).isEqualTo(RegionKind.DIRECT_MAP);
        assertThat(l5.classify(0xffa0000000000000L).kind()).isEqualTo(RegionKind.VMALLOC);
        assertThat(l5.classify(0xffd4000000000000L).kind()).isEqualTo(RegionKind.VMEMMAP);
        assertThat(l5.classify(0xffdf000000000000L).kind()).isEqualTo(RegionKind.KASAN_SHADOW);
        assertThat(l5.classify(0xffffffff81000000L).kind()).isEqualTo(RegionKind.KERNEL_TEXT);
        assertThat(l5.classify(0xffa0000000000000L).sizeText()).isEqualTo("12.5 PB");
    }

    @Test
    void theVmallocAreaSpans32TiBOn4LevelAnd12800TiBOn5Level() {
        // seed C.6: 0xffffe90000000000 - 0xffffc90000000000 = 32 TiB; VMALLOC_SIZE_TB_L5 = 12800
        assertThat(l4.vmallocEnd() - l4.vmallocStart() + 1).isEqualTo(32L << 40);
        assertThat(l4.vmallocEnd()).isEqualTo(0xffffe8ffffffffffL);
        assertThat(l5.vmallocEnd()).isEqualTo(0xffd1ffffffffffffL);
    }

    @Test
    void taskSizeMaxIsThePageBelowTheTopOfTheUserHalf() {
        // page_64_types.h: task_size_max() = (1 << __VIRTUAL_MASK_SHIFT) - PAGE_SIZE
        assertThat(l4.taskSizeMax()).isEqualTo(0x00007ffffffff000L);
        assertThat(l5.taskSizeMax()).isEqualTo(0x00fffffffffff000L);
    }

    @Test
    void paAndVaConvertThroughTheDirectMap() {
        assertThat(l4.pa(0xffff888000001000L)).isEqualTo(0x1000L);
        assertThat(l4.va(0x1000L)).isEqualTo(0xffff888000001000L);
        assertThat(l5.va(0x1000L)).isEqualTo(0xff11000000001000L);
        assertThat(l5.pa(0xff11000123456789L)).isEqualTo(0x123456789L);
    }

    @Test
    void kernelTextConvertsThroughStartKernelMapAndPhysBase() {
        // without KASLR _text = 0xffffffff81000000 sits at physical 16 MiB (phys_base 0)
        assertThat(l4.pa(0xffffffff81000000L)).isEqualTo(0x1000000L);
        // relocated by 0x3e000000: __pa = va - 0xffffffff80000000 + 0x3e000000 = 0x1000000 + 0x3e000000
        assertThat(l4.withPhysBase(0x3e000000L).pa(0xffffffff81000000L)).isEqualTo(0x3f000000L);
    }

    @Test
    void paRefusesAddressesOutsideBothMappingsNamingTheirRegion() {
        assertThatThrownBy(() -> l4.pa(0xffffc90000001000L))
                .isInstanceOfSatisfying(BadAddressException.class,
                        e -> assertThat(e.address()).isEqualTo(0xffffc90000001000L))
                .hasMessageContaining("vmalloc/ioremap space").hasMessageContaining("0xffff888000000000")
                .hasMessageContaining("0xffffffff80000000");
        assertThatThrownBy(() -> l4.pa(0xffffffffa0000000L)).hasMessageContaining("module mapping space");
        assertThatThrownBy(() -> l4.pa(0x400000L)).hasMessageContaining("user-space");
    }

    @Test
    void aOneGiBImageMovesTheModulesTo0xffffffffc0000000() {
        KernelLayout64 kaslr = l4.withKernelImageSize(KernelLayout64.KERNEL_IMAGE_SIZE_KASLR);
        assertThat(kaslr.modulesStart()).isEqualTo(0xffffffffc0000000L);
        assertThat(kaslr.classify(0xffffffffbfffffffL).kind()).isEqualTo(RegionKind.KERNEL_TEXT);
        assertThat(kaslr.classify(0xffffffffc0000000L).kind()).isEqualTo(RegionKind.MODULES);
        assertThat(kaslr.classify(0xffffffffc0000000L).sizeText()).isEqualTo("1008 MB");
        // with a 1 GiB image, 0xffffffffa0000000 is kernel text at offset 512 MiB
        assertThat(kaslr.pa(0xffffffffa0000000L)).isEqualTo(0x20000000L);
    }

    @Test
    void vaRefusesPhysicalAddressesBeyondMaxPhysmemBits() {
        assertThatThrownBy(() -> l4.va(1L << 46)).isInstanceOf(BadAddressException.class)
                .hasMessageContaining("MAX_PHYSMEM_BITS 46");
        assertThatThrownBy(() -> l4.va(-1L)).isInstanceOf(BadAddressException.class);
        // 5-level: the direct-map row is 32 PB, but physical addresses stop at 2^52
        assertThatThrownBy(() -> l5.pa(0xff11000000000000L + (1L << 52))).isInstanceOf(BadAddressException.class)
                .hasMessageContaining("MAX_PHYSMEM_BITS 52");
    }

    @Test
    void structPagesAre64BytesApartInTheVmemmap() {
        assertThat(l4.pfnToPage(0)).isEqualTo(0xffffea0000000000L);
        // 0x1000 * 64 = 0x40000
        assertThat(l4.pfnToPage(0x1000)).isEqualTo(0xffffea0000040000L);
        assertThat(l4.pageToPfn(0xffffea0000040000L)).isEqualTo(0x1000L);
        assertThat(l5.pfnToPage(1)).isEqualTo(0xffd4000000000040L);
        // virt_to_page(PAGE_OFFSET + 0x12345678): pfn 0x12345, 0x12345 * 0x40 = 0x48d140
        assertThat(l4.virtToPage(0xffff888012345678L)).isEqualTo(0xffffea000048d140L);
    }

    @Test
    void pageToPfnRefusesPointersOutsideTheVmemmapOrInsideAStructPage() {
        assertThatThrownBy(() -> l4.pageToPfn(0xffffea0000000020L)).isInstanceOf(BadAddressException.class)
                .hasMessageContaining("0x40");
        assertThatThrownBy(() -> l4.pageToPfn(0xffff888000000000L)).isInstanceOf(BadAddressException.class)
                .hasMessageContaining("vmemmap");
        assertThatThrownBy(() -> l4.pfnToPage(1L << 34)).isInstanceOf(BadAddressException.class);
    }

    @Test
    void randomizedBasesMoveTheThreeRegionsAndDropTheKasanRow() {
        KernelLayout64 r = randomized();
        // vmalloc_base 0xffffb2a680000000 was seen on a real system (linux-reference.md §11.2)
        assertThat(r.classify(0xffffb2a680000000L).kind()).isEqualTo(RegionKind.VMALLOC);
        assertThat(r.classify(0xffffb2a67fffffffL).kind()).isEqualTo(RegionKind.UNUSED_HOLE);
        assertThat(r.classify(0xffff888000000000L).kind()).as("the default base is now a hole")
                .isEqualTo(RegionKind.UNUSED_HOLE);
        assertThat(r.classify(0xffffec0000000000L).kind()).isEqualTo(RegionKind.UNUSED_HOLE);
        assertThat(r.pa(0xffff990000001000L)).isEqualTo(0x1000L);
        assertThat(r.va(0x1000L)).isEqualTo(0xffff990000001000L);
        assertThat(r.pfnToPage(1)).isEqualTo(0xffffd50000000040L);
        // direct map of 11 TB: its last physical address is 11 TB - 1
        assertThatThrownBy(() -> r.va(11L << 40)).isInstanceOf(BadAddressException.class);
        assertThat(r.classify(0xfffffe0000000000L).documented()).isTrue();
    }

    @Test
    void randomizedRegionsOutOfOrderAreRefused() {
        assertThatThrownBy(() -> l4.withRandomizedBases(0xffffb00000000000L, 11L << 40, 0xffff990000000000L,
                0xffffd50000000000L, 1L << 40))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("order");
        assertThatThrownBy(() -> l4.withKernelImageSize(1L << 29 | 1)).isInstanceOf(InvalidArgumentException.class);
    }

    /** page_offset_base 0xffff990000000000 (11 TB), vmalloc 0xffffb2a680000000, vmemmap 0xffffd50000000000 (1 TB). */
    private KernelLayout64 randomized() {
        return l4.withRandomizedBases(0xffff990000000000L, 11L << 40, 0xffffb2a680000000L, 0xffffd50000000000L,
                1L << 40);
    }
}
