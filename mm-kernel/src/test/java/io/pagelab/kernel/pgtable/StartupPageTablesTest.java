package io.pagelab.kernel.pgtable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.PageMapping;
import io.pagelab.api.PageTable;
import io.pagelab.api.Prot;
import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.hardware.mmu.PagingLevel;
import io.pagelab.hardware.mmu.PagingMode;
import io.pagelab.hardware.mmu.X86PageTableEntry;
import io.pagelab.hardware.ram.SimulatedRam;
import org.junit.jupiter.api.Test;

/**
 * __startup_64() on KernelImage.defaults(): _text 0xffffffff81000000 loaded at physical 0x1000000
 * (load_delta 0), _end 0xffffffff8362c000, so the image spans 0x262c000 bytes: 20 PMDs (19.09
 * rounded up), level2_kernel_pgt entries 8 (0x1000000 &gt;&gt; 21) to 27 (0x362c000 &gt;&gt; 21).
 */
class StartupPageTablesTest {
    private static final long LARGE_EXEC = 0x1e3L; // __PAGE_KERNEL_LARGE_EXEC: P RW A D PS G

    private static StartupPageTables startup(KernelImage image) {
        return StartupPageTables.startup64(SimulatedRam.of(SampleFirmware.qemu4G()), image);
    }

    @Test
    void theIdentityMapCoversTheImageWith2mPagesWithoutTheGlobalBit() {
        StartupPageTables s = startup(KernelImage.defaults());
        PageTable early = s.earlyTopPgt();
        assertThat(early.translate(0x1000000L)).isEqualTo(0x1000000L);
        assertThat(early.translate(0x37fffffL)).as("last byte of the 20th PMD").isEqualTo(0x37fffffL);
        assertThat(early.translate(0x3800000L)).isEqualTo(PageTable.NOT_MAPPED);
        assertThat(early.translate(0xe00000L)).isEqualTo(PageTable.NOT_MAPPED);
        long pmd = s.earlyTopPgt().entry(0x1000000L, PagingLevel.PD);
        assertThat(pmd).as("pmd_entry = __PAGE_KERNEL_LARGE_EXEC & ~_PAGE_GLOBAL + physaddr").isEqualTo(0x10000e3L);
    }

    @Test
    void level2KernelPgtKeepsTheImageEntriesAndClearsPresentElsewhere() {
        StartupPageTables s = startup(KernelImage.defaults());
        assertThat(s.level2Entry(0)).as("entry 0: physical 0, P cleared").isEqualTo(LARGE_EXEC & ~1L);
        assertThat(s.level2Entry(7)).isEqualTo(7 * 0x200000L | LARGE_EXEC & ~1L);
        assertThat(s.level2Entry(8)).as("_text").isEqualTo(0x1000000L | LARGE_EXEC);
        assertThat(s.level2Entry(27)).as("pmd_index(_end)").isEqualTo(0x3600000L | LARGE_EXEC);
        assertThat(s.level2Entry(28)).isEqualTo(0x3800000L | LARGE_EXEC & ~1L);
        assertThat(s.level2Entry(511)).as("KERNEL_IMAGE_SIZE 1 GiB: 512 entries")
                .isEqualTo(511 * 0x200000L | LARGE_EXEC & ~1L);
    }

    @Test
    void theHighMappingIsWritableAndExecutableBeforeMarkRodataRo() {
        StartupPageTables s = startup(KernelImage.defaults());
        PageMapping m = s.earlyTopPgt().lookup(0xffffffff81234567L).orElseThrow();
        assertThat(m.pageSize()).isEqualTo(1L << 21);
        assertThat(m.pfn()).isEqualTo(0x1200L);
        assertThat(m.prot()).isEqualTo(Prot.of(Prot.READ | Prot.WRITE | Prot.EXEC));
    }

    @Test
    void aRelocatedImageHasItsEntriesMovedByLoadDelta() {
        // loaded at 64 MiB instead of 16 MiB: load_delta = 0x3000000
        StartupPageTables s = startup(KernelImage.defaults().loadedAt(0x4000000L));
        assertThat(s.level2Entry(8)).isEqualTo(0x4000000L | LARGE_EXEC);
        assertThat(s.earlyTopPgt().translate(0xffffffff81000000L)).isEqualTo(0x4000000L);
        assertThat(s.earlyTopPgt().translate(0x4000000L)).as("identity map at the new address").isEqualTo(0x4000000L);
        assertThat(s.earlyTopPgt().translate(0x1000000L)).isEqualTo(PageTable.NOT_MAPPED);
    }

    @Test
    void fiveLevelPagingAddsAP4dUnderEachPgdEntry() {
        StartupPageTables s = StartupPageTables.startup64(SimulatedRam.of(SampleFirmware.qemu4G()),
                KernelImage.defaults(), PagingMode.FIVE_LEVEL, StartupPageTables.KERNEL_IMAGE_SIZE);
        assertThat(s.earlyTopPgt().translate(0xffffffff81000000L)).isEqualTo(0x1000000L);
        assertThat(s.earlyTopPgt().translate(0x1000000L)).isEqualTo(0x1000000L);
        assertThat(X86PageTableEntry.isPresent(s.earlyTopPgt().entry(0x1000000L, PagingLevel.PML4))).isTrue();
    }

    @Test
    void cleanupHighmapZeroesEverythingOutsideTheImage() {
        KernelPageTables k = KernelPageTables.boot(SampleFirmware.qemu4G(), KernelPageTablesConfig.defaults());
        StartupPageTables s = k.startup();
        assertThat(s.level2Entry(7)).isZero();
        assertThat(s.level2Entry(8)).isEqualTo(0x1000000L | LARGE_EXEC);
        assertThat(s.level2Entry(27)).isEqualTo(0x3600000L | LARGE_EXEC);
        assertThat(s.level2Entry(28)).isZero();
        assertThat(s.earlyTopPgt().translate(0x1000000L)).as("reset_early_page_tables()")
                .isEqualTo(PageTable.NOT_MAPPED);
    }

    @Test
    void anImageNotAlignedTo2mIsRefused() {
        assertThatThrownBy(() -> KernelImage.defaults().loadedAt(0x1100000L))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 MiB");
    }
}
