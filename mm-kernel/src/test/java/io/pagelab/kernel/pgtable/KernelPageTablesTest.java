package io.pagelab.kernel.pgtable;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.api.PageMapping;
import io.pagelab.api.PageTable;
import io.pagelab.api.error.OutOfMemoryException;
import io.pagelab.api.error.PageFault;
import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.hardware.mmu.Access;
import io.pagelab.hardware.mmu.CpuState;
import io.pagelab.hardware.mmu.PageWalker;
import io.pagelab.hardware.mmu.PagingMode;
import io.pagelab.hardware.ram.SimulatedRam;
import io.pagelab.kernel.boot.BootMemory;
import io.pagelab.kernel.boot.BootMemoryResult;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * The boot page tables of the QEMU 4 GiB guest (linux-reference.md §2.4 (a)).
 *
 * <p>Hand computation of init_mem_mapping() (arch/x86/mm/init.c, init_64.c, Linux 6.x), memblock
 * memory [0x1000, 0x9f000), [0x100000, 0xbffe0000), [4G, 5G), max_pfn 0x140000:
 * <pre>
 *  1. init_memory_mapping(0, 1M): the ISA range, holes included: 256 x 4k         4k += 256
 *  2. memory_map_top_down(1M, 5G): the top free 2 MiB is [0x13fe00000, 5G)
 *     a. [0x13fe00000, 5G)   2M piece, promoted to 1G ([4G,5G) is one region)    1G += 1
 *        (no gbpages: 1 x 2M)                                                    2M += 1
 *        mapped 2 MiB &gt;= step 2 MiB: step = 2M &lt;&lt; 8 = 512 MiB
 *     b. [0x120000000, 0x13fe00000)  promoted to 1G: the 1G page exists, phys_pud_init keeps
 *        it and counts it again ("if (!after_bootmem) pages++")                 1G += 1
 *        (no gbpages: 255 x 2M)                                                  2M += 255
 *        mapped 512 MiB: step = 128 GiB &gt; 0x120000000, so the last step goes down to 1M
 *     c. [1M, 0x120000000) = RAM [1M, 0xbffe0000) and [4G, 0x120000000):
 *        [1M,2M) 4k 256 | [2M,1G) 511 x 2M | [1G,2G) 1G | [2G,0xbfe00000) 511 x 2M | [0xbfe00000,0xbffe0000) 480 x 4k
 *        (no gbpages: [2M, 0xbfe00000) is 1534 x 2M)
 *        [4G, 0x120000000) promoted to 1G: counted a third time                 1G += 1
 *        (no gbpages: 256 x 2M)
 *  gbpages:    4k 256+256+480 = 992 -&gt; 3968 kB; 2M 511+511 = 1022 -&gt; 2093056 kB; 1G 1+1+1+1 = 4 -&gt; 4194304 kB
 *  no gbpages: 4k 992 -&gt; 3968 kB; 2M 1+255+1534+256 = 2046 -&gt; 4190208 kB
 *              (3968 + 4190208 = 4194176 kB = 0xbffe0000 + 1 GiB: every byte of RAM once)
 * </pre>
 */
class KernelPageTablesTest {
    private static final long PAGE_OFFSET = 0xffff888000000000L;

    private static KernelPageTables qemu4G(boolean gbpages) {
        return KernelPageTables.boot(SampleFirmware.qemu4G(), KernelPageTablesConfig.defaults().withGbpages(gbpages));
    }

    @Test
    void directMapLinesWithGbpagesCountTheReused1gPageEveryTime() {
        assertThat(qemu4G(true).meminfoLines()).containsExactly(
                "DirectMap4k:        3968 kB",
                "DirectMap2M:     2093056 kB",
                "DirectMap1G:     4194304 kB");
    }

    @Test
    void directMapLinesWithoutGbpagesCoverRamExactlyOnceAndHaveNo1gLine() {
        assertThat(qemu4G(false).meminfoLines()).containsExactly(
                "DirectMap4k:        3968 kB",
                "DirectMap2M:     4190208 kB");
    }

    @Test
    void initMemoryMappingRunsTopDownAfterTheIsaRange() {
        assertThat(qemu4G(true).report()).containsExactly(
                "Using GB pages for direct mapping",
                "init_memory_mapping: [mem 0x00000000-0x000fffff]",
                " [mem 0x00000000-0x000fffff] page 4k",
                "init_memory_mapping: [mem 0x13fe00000-0x13fffffff]",
                " [mem 0x13fe00000-0x13fffffff] page 1G",
                "init_memory_mapping: [mem 0x120000000-0x13fdfffff]",
                " [mem 0x120000000-0x13fdfffff] page 1G",
                "init_memory_mapping: [mem 0x00100000-0xbffdffff]",
                " [mem 0x00100000-0x001fffff] page 4k",
                " [mem 0x00200000-0x3fffffff] page 2M",
                " [mem 0x40000000-0x7fffffff] page 1G",
                " [mem 0x80000000-0xbfdfffff] page 2M",
                " [mem 0xbfe00000-0xbffdffff] page 4k",
                "init_memory_mapping: [mem 0x100000000-0x11fffffff]",
                " [mem 0x100000000-0x11fffffff] page 1G");
    }

    @Test
    void everyRamByteIsReachableAtPageOffsetPlusItsPhysicalAddress() {
        KernelPageTables k = qemu4G(true);
        PageWalker walker = new PageWalker(k.memory());
        long cr3 = k.pageTable().root();
        // RAM, the 640K-1M legacy hole (the ISA range is mapped whole), both sides of the 1G page
        long[] pas = {0, 0x9fc00L, 0xa0000L, 0xfffffL, 0x1000000L, 0x3fffffffL, 0x40000000L, 0xbffdffffL,
            0x100000000L, 0x13fffffffL};
        for (long pa : pas) {
            assertThat(walker.translate(cr3, PAGE_OFFSET + pa, Access.READ, CpuState.linux()))
                    .as("__va(%#x) read through init_top_pgt", pa).isEqualTo(pa);
        }
    }

    @Test
    void holesAboveTheIsaRangeStayUnmapped() {
        PageTable pt = qemu4G(true).pageTable();
        // 0xbffe0000: reserved top of low RAM (the last page table ends at entry 479);
        // 0xc0000000: the PCI hole; 0x140000000: above max_pfn
        for (long pa : new long[] {0xbffe0000L, 0xc0000000L, 0xfffc0000L, 0x140000000L}) {
            assertThat(pt.translate(PAGE_OFFSET + pa)).as("__va(%#x)", pa).isEqualTo(PageTable.NOT_MAPPED);
        }
    }

    @Test
    void theDirectMapIsWritableButNeverExecutable() {
        KernelPageTables k = qemu4G(true);
        PageWalker walker = new PageWalker(k.memory());
        long cr3 = k.pageTable().root();
        walker.translate(cr3, PAGE_OFFSET + 0x2000000L, Access.WRITE, CpuState.linux());
        // PAGE_KERNEL has NX: a supervisor fetch faults with P and I/D (0x11)
        Throwable t = Assertions.catchThrowable(
                () -> walker.translate(cr3, PAGE_OFFSET + 0x2000000L, Access.EXECUTE, CpuState.linux()));
        assertThat(t).isInstanceOf(PageFault.class);
        assertThat(((PageFault) t).errorCode()).isEqualTo(0x11);
    }

    @Test
    void pageSizesFollowTheSplit() {
        PageTable pt = qemu4G(true).pageTable();
        assertThat(pt.lookup(PAGE_OFFSET + 0x150000L)).map(PageMapping::pageSize).hasValue(4096L);
        assertThat(pt.lookup(PAGE_OFFSET + 0x200000L)).map(PageMapping::pageSize).hasValue(1L << 21);
        assertThat(pt.lookup(PAGE_OFFSET + 0x40000000L)).map(PageMapping::pageSize).hasValue(1L << 30);
        assertThat(pt.lookup(PAGE_OFFSET + 0x100000000L)).map(PageMapping::pageSize).hasValue(1L << 30);
    }

    @Test
    void pageTablePagesComeFromPgtBufThenFromTheTopOfMappedRam() {
        // gbpages: ISA range PUD+PMD+PT from pgt_buf (3). The 1G pages need no table. Mapping
        // [1M, 0xbffe0000) overlaps pgt_buf (in the brk at 0x3600000), so can_use_brk_pgt is false and
        // the PMD for [2G,3G) and the PT for [0xbfe00000, ...) come from memblock, top-down inside the
        // mapped window [0x120000000, 5G): pages 0x13ffff000 and 0x13fffe000
        BootMemoryResult boot = BootMemory.boot(SampleFirmware.qemu4G());
        KernelPageTables k = KernelPageTables.boot(SimulatedRam.of(SampleFirmware.qemu4G()), boot,
                KernelImage.defaults(), KernelPageTablesConfig.defaults());
        assertThat(k.tablesFromPgtBuf()).isEqualTo(3);
        assertThat(k.tablesFromMemblock()).isEqualTo(2);
        assertThat(boot.memblock().isReserved(0x13ffff000L)).isTrue();
        assertThat(boot.memblock().isReserved(0x13fffe000L)).isTrue();
        assertThat(boot.memblock().isReserved(0x13fffd000L)).isFalse();
        // the 2 MiB probe at the top was given back
        assertThat(boot.memblock().isReserved(0x13fe00000L)).isFalse();
    }

    @Test
    void withoutGbpagesFourTablesComeFromPgtBufAndThreeFromMemblock() {
        // one more PMD (for [4G,5G), in step a, pgt_buf) and, in step c, PMDs for [1G,2G) and [2G,3G)
        // plus the tail PT from memblock
        KernelPageTables k = qemu4G(false);
        assertThat(k.tablesFromPgtBuf()).isEqualTo(4);
        assertThat(k.tablesFromMemblock()).isEqualTo(3);
    }

    @Test
    void fiveLevelPagingPutsTheDirectMapAtTheL5Base() {
        KernelPageTables k = KernelPageTables.boot(SampleFirmware.qemu4G(), KernelPageTablesConfig.fiveLevel());
        PageWalker walker = new PageWalker(k.memory());
        assertThat(k.pageTable().mode()).isEqualTo(PagingMode.FIVE_LEVEL);
        assertThat(walker.translate(k.pageTable().root(), 0xff11000000000000L + 0x12345678L, Access.READ,
                CpuState.linux(PagingMode.FIVE_LEVEL))).isEqualTo(0x12345678L);
        assertThat(k.meminfoLines()).as("the split does not depend on the paging mode")
                .isEqualTo(qemu4G(true).meminfoLines());
    }

    @Test
    void aRandomizedPageOffsetMovesTheDirectMap() {
        long base = 0xffff9a0000000000L; // 1 GiB aligned, as kernel_randomize_memory() makes it
        KernelPageTables k = KernelPageTables.boot(SampleFirmware.qemu4G(),
                KernelPageTablesConfig.defaults().withPageOffset(base));
        assertThat(k.pageTable().translate(base + 0x1000L)).isEqualTo(0x1000L);
        assertThat(k.pageTable().translate(PAGE_OFFSET + 0x1000L)).isEqualTo(PageTable.NOT_MAPPED);
    }

    @Test
    void theKernelHighMappingKeepsOnlyTheImage() {
        PageTable pt = qemu4G(true).pageTable();
        // KernelImage.defaults(): _text 0xffffffff81000000 at physical 16 MiB, _brk_end 0xffffffff83609000
        assertThat(pt.translate(0xffffffff81000000L)).isEqualTo(0x1000000L);
        assertThat(pt.translate(0xffffffff837fffffL)).as("roundup(_brk_end, 2M) - 1").isEqualTo(0x37fffffL);
        assertThat(pt.translate(0xffffffff80000000L)).as("below _text: cleanup_highmap() zeroed it")
                .isEqualTo(PageTable.NOT_MAPPED);
        assertThat(pt.translate(0xffffffff83800000L)).as("past the image").isEqualTo(PageTable.NOT_MAPPED);
        assertThat(pt.translate(0x1000000L)).as("no identity map in init_top_pgt").isEqualTo(PageTable.NOT_MAPPED);
    }

    @Test
    void aSmallGuestMapsItsTopPartialBlockWith4kPagesLast() {
        // QEMU 128 MiB (seed-digest App. D.1): memory [0x1000, 0x9f000), [0x100000, 0x7fe0000).
        // The top free 2 MiB-aligned block is [0x7c00000, 0x7e00000): real_end = 0x7e00000.
        // a. [0x7c00000, 0x7e00000): 1 x 2M; step becomes 512 MiB, more than what is left
        // b. [1M, 0x7c00000): head [1M, 2M) 256 x 4k, then 61 x 2M
        // c. real_end < map_end: [0x7e00000, 0x7fe0000) is all 4k tail: 480 x 4k
        // 4k = 256 (ISA) + 256 + 480 = 992 -> 3968 kB; 2M = 62 -> 126976 kB; sum 130944 kB = 0x7fe0000 bytes
        KernelPageTables k = KernelPageTables.boot(SampleFirmware.qemu128M(),
                KernelPageTablesConfig.defaults().withGbpages(false));
        assertThat(k.report()).containsExactly(
                "init_memory_mapping: [mem 0x00000000-0x000fffff]",
                " [mem 0x00000000-0x000fffff] page 4k",
                "init_memory_mapping: [mem 0x07c00000-0x07dfffff]",
                " [mem 0x07c00000-0x07dfffff] page 2M",
                "init_memory_mapping: [mem 0x00100000-0x07bfffff]",
                " [mem 0x00100000-0x001fffff] page 4k",
                " [mem 0x00200000-0x07bfffff] page 2M",
                "init_memory_mapping: [mem 0x07e00000-0x07fdffff]",
                " [mem 0x07e00000-0x07fdffff] page 4k");
        assertThat(k.meminfoLines()).containsExactly(
                "DirectMap4k:        3968 kB",
                "DirectMap2M:      126976 kB");
    }

    @Test
    void withoutPgtBufTheIsaRangeCannotGetItsTables() {
        // before memory_map_top_down() nothing is mapped, so memblock has no window to give pages from
        KernelPageTablesConfig noBuf = new KernelPageTablesConfig(PagingMode.FOUR_LEVEL, true, true,
                KernelPageTablesConfig.PAGE_OFFSET_BASE_L4, 0, 1L << 30);
        Throwable t = Assertions.catchThrowable(() -> KernelPageTables.boot(SampleFirmware.qemu4G(), noBuf));
        assertThat(t).isInstanceOf(OutOfMemoryException.class).hasMessageContaining("alloc_low_pages");
    }

    @Test
    void directPagesCountRefusesAnUnknownLevel() {
        Assertions.assertThatThrownBy(() -> qemu4G(true).directPages().pages(4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PG_LEVEL");
    }
}
