package io.pagelab.hardware.mmu;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.hardware.ram.SimulatedRam;
import org.junit.jupiter.api.Test;

/** Entry bits and flag combinations of linux-reference.md §1.1 (pgtable_types.h), decoded by hand. */
class X86PageTableEntryTest {

    @Test
    void bitPositionsAreThoseOfPgtableTypes() {
        // §1.1: P 0, RW 1, USER 2, PWT 3, PCD 4, ACCESSED 5, DIRTY 6, PSE/PAT 7, GLOBAL 8, PAT_LARGE 12, NX 63
        assertThat(X86PageTableEntry.PRESENT).isEqualTo(0x1L);
        assertThat(X86PageTableEntry.RW).isEqualTo(0x2L);
        assertThat(X86PageTableEntry.USER).isEqualTo(0x4L);
        assertThat(X86PageTableEntry.PWT).isEqualTo(0x8L);
        assertThat(X86PageTableEntry.PCD).isEqualTo(0x10L);
        assertThat(X86PageTableEntry.ACCESSED).isEqualTo(0x20L);
        assertThat(X86PageTableEntry.DIRTY).isEqualTo(0x40L);
        assertThat(X86PageTableEntry.PSE).isEqualTo(0x80L);
        assertThat(X86PageTableEntry.GLOBAL).isEqualTo(0x100L);
        assertThat(X86PageTableEntry.PAT_LARGE).isEqualTo(0x1000L);
        assertThat(X86PageTableEntry.NX).isEqualTo(0x8000000000000000L);
        // protection key bits 59..62: 0xf << 59 = 0x7800000000000000
        assertThat(X86PageTableEntry.PKEY_MASK).isEqualTo(0x7800000000000000L);
    }

    @Test
    void frameMasksCoverBits51DownTo12_21_30() {
        // PTE_PFN_MASK with __PHYSICAL_MASK_SHIFT 52: bits 51..12 = 0x000ffffffffff000
        assertThat(X86PageTableEntry.PFN_MASK).isEqualTo(0x000ffffffffff000L);
        // 2 MiB: bits 51..21 = 0x000fffffffe00000 ; 1 GiB: bits 51..30 = 0x000fffffc0000000
        assertThat(X86PageTableEntry.PMD_PAGE_MASK).isEqualTo(0x000fffffffe00000L);
        assertThat(X86PageTableEntry.PUD_PAGE_MASK).isEqualTo(0x000fffffc0000000L);
    }

    @Test
    void linuxFlagCombinationsHaveTheirWellKnownValues() {
        // _PAGE_TABLE = P|RW|USER|A|D = 1+2+4+0x20+0x40 = 0x67; _KERNPG_TABLE drops USER: 0x63
        assertThat(X86PageTableEntry.PAGE_TABLE).isEqualTo(0x67L);
        assertThat(X86PageTableEntry.KERNPG_TABLE).isEqualTo(0x63L);
        // __PAGE_KERNEL = P|RW|D|A|G|NX = 0x163 | bit 63
        assertThat(X86PageTableEntry.PAGE_KERNEL).isEqualTo(0x8000000000000163L);
        // __PAGE_KERNEL_RX = P|D|A|G = 0x161 ; PAGE_NONE = PROTNONE|A = 0x120
        assertThat(X86PageTableEntry.PAGE_KERNEL_RX).isEqualTo(0x161L);
        assertThat(X86PageTableEntry.PAGE_NONE).isEqualTo(0x120L);
        // PAGE_READONLY = P|USER|A|NX = 0x25 | bit 63
        assertThat(X86PageTableEntry.PAGE_READONLY).isEqualTo(0x8000000000000025L);
    }

    @Test
    void aUserDataPteDecodesToItsFlagsAndFrame() {
        // 0x8000000012345067: NX (bit 63), frame bits 51..12 = 0x12345, low byte 0x67 = P RW U A D
        long pte = 0x8000000012345067L;
        assertThat(X86PageTableEntry.isPresent(pte)).isTrue();
        assertThat(X86PageTableEntry.pfn(pte, PagingLevel.PT)).isEqualTo(0x12345L);
        assertThat(X86PageTableEntry.describe(pte, PagingLevel.PT))
                .isEqualTo("PTE 0x8000000012345067: P R/W U/S A D NX -> 4K page at phys 0x12345000 (pfn 0x12345)");
    }

    @Test
    void aLargeKernelPdeMapsTwoMegabytesAndItsBit12IsPatNotAddress() {
        // __PAGE_KERNEL_LARGE_EXEC = P|RW|A|D|PSE|G = 0x1e3; frame 0x1000000 (16 MiB, CONFIG_PHYSICAL_START)
        long pde = 0x10001e3L;
        assertThat(X86PageTableEntry.isLeaf(pde, PagingLevel.PD)).isTrue();
        assertThat(X86PageTableEntry.address(pde, PagingLevel.PD)).isEqualTo(0x1000000L);
        assertThat(X86PageTableEntry.describe(pde, PagingLevel.PD))
                .isEqualTo("PDE 0x00000000010001e3: P R/W A D PS G -> 2M page at phys 0x1000000 (pfn 0x1000)");
        // with bit 12 set: the PAT bit of a large page, the address is still 0x1000000
        long withPat = pde | 0x1000L;
        assertThat(X86PageTableEntry.address(withPat, PagingLevel.PD)).isEqualTo(0x1000000L);
        assertThat(X86PageTableEntry.describe(withPat, PagingLevel.PD)).contains(" PAT ->");
    }

    @Test
    void aOneGigabytePdpteUsesBits51To30() {
        // 0x40000000 | P RW A D PS (0xe3): 1 GiB page at phys 1 GiB
        long pdpte = 0x400000e3L;
        assertThat(X86PageTableEntry.address(pdpte, PagingLevel.PDPT)).isEqualTo(0x40000000L);
        assertThat(X86PageTableEntry.describe(pdpte, PagingLevel.PDPT)).endsWith("-> 1G page at phys 0x40000000 (pfn 0x40000)");
    }

    @Test
    void aNonLeafEntryPointsToTheNextTable() {
        // PML4E 0x0000000000003067 = _PAGE_TABLE pointing at the PDPT in frame 3
        assertThat(X86PageTableEntry.describe(0x3067L, PagingLevel.PML4))
                .isEqualTo("PML4E 0x0000000000003067: P R/W U/S A D -> PDPT table at phys 0x3000 (pfn 0x3)");
        // bit 7 in a PTE is PAT, not PS: the entry is still a 4 KiB leaf
        assertThat(X86PageTableEntry.describe(0x50a5L, PagingLevel.PT)).contains(" PAT ");
    }

    @Test
    void protectionKeyIsReadFromBits59To62() {
        // key 3: 3 << 59 = 0x1800000000000000
        long pte = 0x9800000000001067L;
        assertThat(X86PageTableEntry.protectionKey(pte)).isEqualTo(3);
        assertThat(X86PageTableEntry.describe(pte, PagingLevel.PT)).contains("PKEY=3 NX");
    }

    @Test
    void aProtNoneEntryIsMappedButNotPresent() {
        // PAGE_NONE = PROTNONE|ACCESSED: P clear, bit 8 set; pte_present() is still true for it
        long pte = 0x7000L | X86PageTableEntry.PAGE_NONE;
        assertThat(X86PageTableEntry.isPresent(pte)).isFalse();
        assertThat(X86PageTableEntry.isMapped(pte)).isTrue();
        assertThat(X86PageTableEntry.describe(pte, PagingLevel.PT)).startsWith("PTE 0x0000000000007120: not-present A PROTNONE");
    }

    @Test
    void dumpTableListsTheRawEntriesStoredLittleEndianInRam() {
        SimulatedRam ram = SimulatedRam.of(SampleFirmware.qemu128M());
        long table = 0x100000L;
        ram.writeLong(table + 8 * 511, 0x3067L);
        // little-endian: the low byte 0x67 comes first in memory
        assertThat(ram.readByte(table + 8 * 511) & 0xff).isEqualTo(0x67);
        assertThat(ram.readByte(table + 8 * 511 + 1) & 0xff).isEqualTo(0x30);
        assertThat(X86PageTableEntry.dumpTable(ram, table, PagingLevel.PML4))
                .containsExactly("[511] PML4E 0x0000000000003067: P R/W U/S A D -> PDPT table at phys 0x3000 (pfn 0x3)");
    }
}
