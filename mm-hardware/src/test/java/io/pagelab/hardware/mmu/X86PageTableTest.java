package io.pagelab.hardware.mmu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.PageMapping;
import io.pagelab.api.Prot;
import io.pagelab.api.error.BadAddressException;
import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.api.error.OutOfMemoryException;
import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.hardware.ram.SimulatedRam;
import org.junit.jupiter.api.Test;

/**
 * What X86PageTable writes into RAM, entry by entry. Table frames come from a pool starting at
 * 0x1000000, handed out in order: the root is 0x1000000, the next tables 0x1001000, 0x1002000...
 */
class X86PageTableTest {
    private static final long MIB2 = 2L << 20;
    private static final long GIB = 1L << 30;

    private final SimulatedRam ram = SimulatedRam.of(SampleFirmware.qemu4G());
    private final BumpPageTableAllocator pool = new BumpPageTableAllocator(ram, 0x1000000L, 0x3000000L);
    private final X86PageTable table = X86PageTable.create(ram, pool);

    @Test
    void aUserPageIsFourRealEntriesInRam() {
        // 0x00007f1234567000: PML4 254, PDPT 72, PD 418, PT 359 (LinearAddressTest)
        table.map(0x00007f1234567000L, 0x12345, Prot.USER_RW);
        // entry addresses: table + 8 * index: 254*8 = 0x7f0, 72*8 = 0x240, 418*8 = 0xd10, 359*8 = 0xb38
        // non-leaf entries: next table | P|RW|U (0x7), A and D left for the CPU to set
        assertThat(ram.readLong(0x10007f0L)).isEqualTo(0x1001007L);
        assertThat(ram.readLong(0x1001240L)).isEqualTo(0x1002007L);
        assertThat(ram.readLong(0x1002d10L)).isEqualTo(0x1003007L);
        // leaf: frame 0x12345000 | P|RW|U, NX because the page is not executable
        assertThat(ram.readLong(0x1003b38L)).isEqualTo(0x8000000012345007L);
        assertThat(table.tableCount()).as("root, PDPT, PD, PT").isEqualTo(4);
        assertThat(table.entryAddress(0x00007f1234567000L, PagingLevel.PT)).isEqualTo(0x1003b38L);
    }

    @Test
    void kernelTextIsATwoMegabyteGlobalPageWithoutUserBits() {
        // __START_KERNEL_map: PML4 511, PDPT 510, PD 0; kernel-half tables are _KERNPG_TABLE-like: P|RW = 0x3
        table.map(0xffffffff80000000L, 0x1000, MIB2, Prot.KERNEL_RX);
        assertThat(ram.readLong(0x1000000L + 8 * 511)).isEqualTo(0x1001003L);
        assertThat(ram.readLong(0x1001000L + 8 * 510)).isEqualTo(0x1002003L);
        // PDE: 16 MiB | P | PS (0x80) | G (0x100) = 0x1000181, executable so no NX, read-only so no RW
        assertThat(table.entry(0xffffffff80000000L, PagingLevel.PD)).isEqualTo(0x1000181L);
        assertThat(table.tableCount()).isEqualTo(3);
    }

    @Test
    void theDirectMapCanUseOneGigabytePages() {
        // PAGE_OFFSET 0xffff888000000000: PML4 273, PDPT 0; PDPTE = 0 | P|RW|PS|G (0x183) | NX, as __PAGE_KERNEL_LARGE
        table.map(0xffff888000000000L, 0, GIB, Prot.KERNEL_RW);
        assertThat(table.entry(0xffff888000000000L, PagingLevel.PDPT)).isEqualTo(0x8000000000000183L);
        assertThat(table.translate(0xffff888012345678L)).isEqualTo(0x12345678L);
        assertThat(table.entryAddress(0xffff888000000000L, PagingLevel.PD))
                .as("no PD below a 1 GiB page").isEqualTo(-1L);
    }

    @Test
    void aProtNonePageUsesTheProtnoneBitWithPresentClear() {
        table.map(0x400000L, 0x50, Prot.of(Prot.USER));
        // PROTNONE (bit 8) | U (bit 2) | NX, P clear: 0x8000000000050104
        assertThat(table.entry(0x400000L, PagingLevel.PT)).isEqualTo(0x8000000000050104L);
    }

    @Test
    void aUserPageInTheKernelHalfOpensTheTablesAboveItToUserMode() {
        table.map(0xffff888000000000L, 0x10, Prot.KERNEL_RW);
        assertThat(table.entry(0xffff888000000000L, PagingLevel.PML4) & X86PageTableEntry.USER).isZero();
        table.map(0xffff888000001000L, 0x11, Prot.USER_R);
        assertThat(table.entry(0xffff888000000000L, PagingLevel.PML4) & X86PageTableEntry.USER).isNotZero();
        assertThat(table.entry(0xffff888000000000L, PagingLevel.PD) & X86PageTableEntry.USER).isNotZero();
        assertThat(table.entry(0xffff888000000000L, PagingLevel.PT) & X86PageTableEntry.USER)
                .as("the kernel page itself stays supervisor-only").isZero();
    }

    @Test
    void aHugePageOverEmptyTablesFreesThem() {
        table.map(0x200000L, 0x7, Prot.USER_RW);
        table.unmap(0x200000L);
        assertThat(table.tableCount()).as("Linux keeps empty tables after an unmap").isEqualTo(4);
        table.map(0x200000L, 0x400, MIB2, Prot.USER_RW);
        assertThat(table.tableCount()).as("the PT under the 2 MiB slot is freed").isEqualTo(3);
        table.unmap(0x200000L);
        table.map(0, 0, GIB, Prot.USER_RW);
        assertThat(table.tableCount()).as("the PD under the 1 GiB slot is freed").isEqualTo(2);
        assertThat(pool.inUse()).isEqualTo(2);
    }

    @Test
    void runningOutOfTableFramesChangesNothing() {
        BumpPageTableAllocator tiny = new BumpPageTableAllocator(ram, 0x4000000L, 0x4002000L);
        X86PageTable t = X86PageTable.create(ram, tiny);
        // the root took one of the two frames; a 4 KiB page needs a PDPT, a PD and a PT
        assertThatThrownBy(() -> t.map(0x1000L, 1, Prot.USER_RW)).isInstanceOf(OutOfMemoryException.class);
        assertThat(t.tableCount()).isEqualTo(1);
        assertThat(tiny.inUse()).as("the PDPT allocated before the failure went back").isEqualTo(1);
        assertThat(X86PageTableEntry.dumpTable(ram, t.root(), PagingLevel.PML4)).isEmpty();
    }

    @Test
    void protectKeepsFrameAccessedDirtyAndKey() {
        long va = 0x7000L;
        table.map(va, 0x99, Prot.USER_RW);
        long pte = table.entryAddress(va, PagingLevel.PT);
        ram.writeLong(pte, ram.readLong(pte) | X86PageTableEntry.ACCESSED | X86PageTableEntry.DIRTY);
        table.setProtectionKey(va, 5);
        table.protect(va, Prot.USER_R);
        // 0x99000 | P|U|A|D (0x65) | key 5 << 59 (0x2800000000000000) | NX
        assertThat(ram.readLong(pte)).isEqualTo(0xa800000000099065L);
    }

    @Test
    void aProtectionKeyIsOutOfRangeAbove15() {
        table.map(0x7000L, 0x99, Prot.USER_RW);
        assertThatThrownBy(() -> table.setProtectionKey(0x7000L, 16)).isInstanceOf(InvalidArgumentException.class)
                .hasMessage("protection key 16 is out of range: keys are 0..15");
    }

    @Test
    void mappingsListsPagesInAddressOrderWithKernelAddressesSignExtended() {
        table.map(0xffffffff80000000L, 0x1000, MIB2, Prot.KERNEL_RX);
        table.map(0x7fffffffe000L, 0x20, Prot.USER_RW);
        table.map(0x1000L, 0x10, Prot.USER_R);
        assertThat(table.mappings()).containsExactly(
                new PageMapping(0x1000L, 0x10, 4096, Prot.USER_R),
                new PageMapping(0x7fffffffe000L, 0x20, 4096, Prot.USER_RW),
                new PageMapping(0xffffffff80000000L, 0x1000, MIB2, Prot.KERNEL_RX));
    }

    @Test
    void fiveLevelPagingMapsAddressesAbove47Bits() {
        X86PageTable five = X86PageTable.builder(ram, pool).mode(PagingMode.FIVE_LEVEL).build();
        // 0x00ff800000000000: bits 55..47 set, so PML5 index (bits 56..48) = 0xff = 255, PML4 index (47..39) = 256
        long va = 0x00ff800000000000L;
        five.map(va, 0x33, Prot.USER_RW);
        assertThat(five.translate(va + 0x10)).isEqualTo(0x33010L);
        long pml5e = five.entryAddress(va, PagingLevel.PML5);
        assertThat(pml5e).isEqualTo(five.root() + 8 * 255);
        assertThat(five.entryAddress(va, PagingLevel.PML4) & 0xfff).isEqualTo(8 * 256);
        assertThat(five.tableCount()).as("PML5, PML4, PDPT, PD, PT").isEqualTo(5);
        assertThatThrownBy(() -> table.map(va, 0x33, Prot.USER_RW)).as("4-level: not canonical")
                .isInstanceOf(BadAddressException.class);
    }

    // ---- messages of bad input ----

    @Test
    void aNonCanonicalAddressNamesTheRuleAndBothHalves() {
        assertThatThrownBy(() -> table.map(0x0000800000000000L, 1, Prot.USER_RW))
                .isInstanceOf(BadAddressException.class)
                .hasMessage("virtual address 0x800000000000 is not canonical for 4-level paging: bits 63..47 must all"
                        + " equal bit 47 (user 0x0000000000000000-0x00007fffffffffff, kernel 0xffff800000000000"
                        + "-0xffffffffffffffff)");
    }

    @Test
    void aSmallPageInsideAHugePageNamesTheHugePage() {
        table.map(0x200000L, 0x400, MIB2, Prot.USER_RW);
        assertThatThrownBy(() -> table.map(0x3ff000L, 1, Prot.USER_RW)).isInstanceOf(InvalidArgumentException.class)
                .hasMessage("cannot map a 4 KiB page at 0x3ff000: it lies inside the 2 MiB page 0x200000-0x3fffff"
                        + " (pfn 0x400) mapped by a PDE; unmap that page first");
        assertThat(table.tableCount()).as("no table was added").isEqualTo(3);
    }

    @Test
    void aHugePageOverSmallerPagesNamesTheFirstOne() {
        table.map(0x40000000L + 0x345000L, 1, Prot.USER_RW);
        assertThatThrownBy(() -> table.map(0x40000000L, 0x40000, GIB, Prot.USER_RW))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessage("cannot map a 1 GiB page at 0x40000000: the range 0x40000000-0x7fffffff already holds"
                        + " smaller pages (the first at 0x40345000); unmap them first");
    }

    @Test
    void aFrameAboveMaxPhyAddrNamesTheWidth() {
        // MAXPHYADDR 46: physical addresses end at 2^46 = 0x400000000000, pfn 2^34 = 0x400000000
        assertThatThrownBy(() -> table.map(0x1000L, 0x400000000L, Prot.USER_RW))
                .isInstanceOf(BadAddressException.class)
                .hasMessage("pfn 0x400000000 is above MAXPHYADDR: this CPU implements 46 physical-address bits, so a"
                        + " 4 KiB page must end at or below physical address 0x400000000000 (pfn below 0x400000000)");
    }

    @Test
    void aMisalignedHugeFrameNamesTheAlignment() {
        assertThatThrownBy(() -> table.map(0x200000L, 0x401, MIB2, Prot.USER_RW))
                .isInstanceOf(BadAddressException.class)
                .hasMessage("physical address 0x401000 is not aligned: it must be a multiple of 0x200000 (2097152 bytes);"
                        + " nearest aligned values are 0x400000 and 0x600000");
    }

    @Test
    void anUnsupportedPageSizeListsTheAllowedOnes() {
        assertThatThrownBy(() -> table.map(0x400000L, 0, 4L << 20, Prot.USER_RW))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessage("page size 0x400000 is not supported by x86-64 paging: allowed are 0x1000 (4 KiB),"
                        + " 0x200000 (2 MiB), 0x40000000 (1 GiB)");
    }
}
