package io.pagelab.kernel.memmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.error.BadAddressException;
import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.kernel.boot.BootMemory;
import io.pagelab.kernel.boot.BootMemoryResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hand computations on SampleFirmware.qemu4G(): RAM 0-0xbffdffff and 0x100000000-0x13fffffff, so
 * max_pfn 0x140000 and present 128 MiB sections 0-23 (0xbffdffff >> 27 = 23) and 32-39
 * (0x100000000 >> 27 = 32, 0x13fffffff >> 27 = 39). The PCI hole pfn 0xd0000 lies in section 26.
 */
class MemoryModelTest {
    private static final BootMemoryResult BOOT = BootMemory.boot(SampleFirmware.qemu4G());
    private static final long PCI_HOLE_PFN = 0xd0000L;

    private final SparsemVmemmap vmemmap = new SparsemVmemmap(BOOT.sections());
    private final Flatmem flatmem = Flatmem.of(BOOT);
    private final Sparsemem sparsemem = Sparsemem.of(BOOT);

    @Test
    void vmemmapPutsPfn4GiBAt64MiBAboveVmemmapStart() {
        // 0x100000 * 64 = 0x4000000 above VMEMMAP_START 0xffffea0000000000 (x86_64/mm.rst).
        assertThat(vmemmap.pfnToPage(0x100000L)).isEqualTo(0xffffea0004000000L);
        assertThat(vmemmap.pfnToPage(0)).isEqualTo(0xffffea0000000000L);
        // last usable low pfn 0xbffdf * 0x40 = 0x2fff7c0
        assertThat(vmemmap.pfnToPage(0xbffdfL)).isEqualTo(0xffffea0002fff7c0L);
    }

    @Test
    void aPciHolePfnIsInvalidUnderSparsememButValidUnderFlatmem() {
        assertThat(vmemmap.pfnValid(PCI_HOLE_PFN)).isFalse();
        assertThat(sparsemem.pfnValid(PCI_HOLE_PFN)).isFalse();
        // FLATMEM: 0xd0000 - 0 < max_mapnr 0x140000, so a struct page exists though no RAM does.
        assertThat(flatmem.pfnValid(PCI_HOLE_PFN)).isTrue();
    }

    @Test
    void flatmemWastesSixteenMiBOfStructPagesOnThePciHole() {
        // Sections 24-31 have no RAM: pfns 0xc0000..0xfffff = 0x40000 pages * 64 = 16 MiB of mem_map
        // that FLATMEM allocates anyway; its whole mem_map is 0x140000 * 64 = 80 MiB.
        assertThat(flatmem.memMapBytes()).isEqualTo(80L << 20);
        long holePages = 0x100000L - 0xc0000L;
        assertThat(holePages * MemoryModel.STRUCT_PAGE_SIZE).isEqualTo(16L << 20);
        assertThat(flatmem.pfnValid(0xc0000L) && flatmem.pfnValid(0xfffffL)).isTrue();
    }

    @Test
    void flatmemPlacesMemMapTopDownAndIndexesItByPfn() {
        // 0x140000000 - 80 MiB (0x5000000) = 0x13b000000, seen at PAGE_OFFSET 0xffff888000000000.
        assertThat(flatmem.memMap()).isEqualTo(0xffff88813b000000L);
        // 0xd0000 * 64 = 0x3400000
        assertThat(flatmem.pfnToPage(PCI_HOLE_PFN)).isEqualTo(0xffff88813e400000L);
        assertThat(flatmem.pfnToPage(0x100000L)).isEqualTo(0xffff88813f000000L);
    }

    @Test
    void sparsememStoresTheEncodedMemMapSoPfnToPageIsOneAdd() {
        // 32 sections * 2 MiB = 64 MiB below 0x140000000: first mem_map at 0xffff88813c000000.
        // Section 32 is the 25th present one: its mem_map is 0xffff88813c000000 + 24 * 0x200000
        // = 0xffff88813f000000; encoded = that - 0x100000 * 64 = 0xffff88813b000000, flags
        // PRESENT|HAS_MEM_MAP|EARLY = 0b1011.
        assertThat(sparsemem.sectionMemMapWord(32)).isEqualTo(0xffff88813b00000bL);
        assertThat(sparsemem.sectionMemMapStart(32)).isEqualTo(0xffff88813f000000L);
        assertThat(sparsemem.pfnToPage(0x100000L)).isEqualTo(0xffff88813f000000L);
        assertThat(sparsemem.pfnToPage(0x100001L)).isEqualTo(0xffff88813f000040L);
        assertThat(sparsemem.sectionMemMapWord(26)).isZero();
    }

    @Test
    void sparsememIndexesEachSectionsOwnMemMap() {
        // pfn 0x12345 is in section 2 (0x12345 >> 15); its mem_map is 0xffff88813c000000 + 2 * 2 MiB
        // = 0xffff88813c400000, plus (0x12345 - 0x10000) * 64 = 0x8d140.
        assertThat(sparsemem.pfnToPage(0x12345L)).isEqualTo(0xffff88813c48d140L);
        // The last pfn 0x13ffff ends the last mem_map, which ends at the top of RAM: 0x140000000 - 64.
        assertThat(sparsemem.pfnToPage(0x13ffffL)).isEqualTo(0xffff88813fffffc0L);
    }

    @Test
    void everyModelRoundTripsValidPfns() {
        long[] pfns = {0, 1, 0x9f, 0x12345, 0x7fff, 0x8000, 0xbffdf, 0x100000, 0x13ffff};
        for (MemoryModel m : List.of(vmemmap, flatmem, sparsemem)) {
            for (long pfn : pfns) {
                assertThat(m.pageToPfn(m.pfnToPage(pfn))).as("%s pfn 0x%x", m.name(), pfn).isEqualTo(pfn);
            }
        }
        assertThat(flatmem.pageToPfn(flatmem.pfnToPage(PCI_HOLE_PFN))).isEqualTo(PCI_HOLE_PFN);
    }

    @Test
    void aPfnOutsideTheModelIsRejectedNamingThePfnAndTheRule() {
        assertThatThrownBy(() -> vmemmap.pfnToPage(PCI_HOLE_PFN)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("0xd0000").hasMessageContaining("section 26");
        assertThatThrownBy(() -> sparsemem.pfnToPage(PCI_HOLE_PFN)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("0xd0000").hasMessageContaining("present");
        assertThatThrownBy(() -> flatmem.pfnToPage(0x140000L)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("0x140000").hasMessageContaining("max_mapnr");
        assertThat(flatmem.pfnValid(-1)).isFalse();
    }

    @Test
    void anAddressThatIsNotAStructPageIsRejected() {
        assertThatThrownBy(() -> vmemmap.pageToPfn(0xffffea0004000020L)).isInstanceOf(BadAddressException.class)
                .hasMessageContaining("0xffffea0004000020");
        // vmemmap of the PCI hole: 0xffffea0000000000 + 0xd0000 * 64, unbacked.
        assertThatThrownBy(() -> vmemmap.pageToPfn(0xffffea0003400000L)).isInstanceOf(BadAddressException.class)
                .hasMessageContaining("not present");
        assertThatThrownBy(() -> flatmem.pageToPfn(0xffff88813b000000L - 64)).isInstanceOf(BadAddressException.class);
        assertThatThrownBy(() -> sparsemem.pageToPfn(0xffff88813f000010L)).isInstanceOf(BadAddressException.class);
        assertThatThrownBy(() -> sparsemem.pageToPfn(0xffffea0004000000L)).isInstanceOf(BadAddressException.class);
    }

    @Test
    void modelsReportTheirKconfigNames() {
        assertThat(List.of(flatmem.name(), sparsemem.name(), vmemmap.name()))
                .containsExactly("FLATMEM", "SPARSEMEM", "SPARSEMEM_VMEMMAP");
    }
}
