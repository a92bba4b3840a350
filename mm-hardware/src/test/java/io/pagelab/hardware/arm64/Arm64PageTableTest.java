package io.pagelab.hardware.arm64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.PageMapping;
import io.pagelab.api.Prot;
import io.pagelab.api.error.BadAddressException;
import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.api.error.OutOfMemoryException;
import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.hardware.mmu.Access;
import io.pagelab.hardware.mmu.BumpPageTableAllocator;
import io.pagelab.hardware.ram.SimulatedRam;
import org.junit.jupiter.api.Test;

/**
 * What Arm64PageTable writes into RAM, descriptor by descriptor. Table frames come from a pool at
 * 0x1000000 handed out in order: the TTBR0 root is 0x1000000, the TTBR1 root 0x1001000, the next
 * tables 0x1002000, 0x1003000... Table descriptors are next table | 0b11 | PXNTable (bit 59,
 * 0x0800000000000000) in the user half, | UXNTable (bit 60, 0x1000000000000000) in the kernel
 * half, as arch/arm64/include/asm/pgalloc.h populates them (Linux 5.13+).
 */
class Arm64PageTableTest {
    private static final long MIB2 = 2L << 20;
    private static final long GIB = 1L << 30;

    private final SimulatedRam ram = SimulatedRam.of(SampleFirmware.qemu4G());
    private final BumpPageTableAllocator pool = new BumpPageTableAllocator(ram, 0x1000000L, 0x3000000L);
    private final Arm64PageTable table = Arm64PageTable.create(ram, pool);

    @Test
    void aUserPageIsFourRealDescriptorsInRam() {
        // 0x400000: L0 0, L1 0, L2 (0x400000 >> 21) = 2, L3 0
        table.map(0x400000L, 0x12345, Prot.USER_RW);
        assertThat(ram.readLong(0x1000000L)).as("L0[0]").isEqualTo(0x0800000001002003L);
        assertThat(ram.readLong(0x1002000L)).as("L1[0]").isEqualTo(0x0800000001003003L);
        assertThat(ram.readLong(0x1003000L + 8 * 2)).as("L2[2]").isEqualTo(0x0800000001004003L);
        // leaf: 0x12345000 | PAGE_SHARED 0x0068000000000fc3 (clean: AP[2] set, DBM = PTE_WRITE set)
        assertThat(ram.readLong(0x1004000L)).as("L3[0]").isEqualTo(0x0068000012345fc3L);
        assertThat(table.tableCount()).as("two roots, L1, L2, L3").isEqualTo(5);
        assertThat(table.entryAddress(0x400000L, Arm64Level.LEVEL3)).isEqualTo(0x1004000L);
    }

    @Test
    void theLinearMapUsesTwoMegabyteBlocksFromTtbr1() {
        // 0xffff000000200000 = PAGE_OFFSET + 2 MiB: bit 55 set, L0 0, L1 0, L2 1
        table.map(0xffff000000200000L, 0x200, MIB2, Prot.KERNEL_RW);
        assertThat(ram.readLong(0x1001000L)).as("TTBR1 L0[0]").isEqualTo(0x1000000001002003L);
        assertThat(ram.readLong(0x1002000L)).as("L1[0]").isEqualTo(0x1000000001003003L);
        // block: 0x200000 | PAGE_KERNEL with bits 1:0 = 01 (mk_pmd_sect_prot): 0x0068000000000701
        assertThat(table.entry(0xffff000000200000L, Arm64Level.LEVEL2)).isEqualTo(0x0068000000200701L);
        assertThat(table.translate(0xffff000000212345L)).isEqualTo(0x212345L);
        assertThat(table.entryAddress(0xffff000000200000L, Arm64Level.LEVEL3)).as("no L3 under a block").isEqualTo(-1L);
    }

    @Test
    void kernelTextIsAReadOnlyExecutableBlock() {
        // 0xffff800080000000: L0 256, L1 2; 1 GiB block of PAGE_KERNEL_ROX, bits 1:0 = 01
        table.map(0xffff800080000000L, 0x40000, GIB, Prot.KERNEL_RX);
        assertThat(table.entry(0xffff800080000000L, Arm64Level.LEVEL1)).isEqualTo(0x0040000040000781L);
        assertThat(table.lookup(0xffff8000a0000000L))
                .contains(new PageMapping(0xffff800080000000L, 0x40000, GIB, Prot.KERNEL_RX));
    }

    @Test
    void aProtNonePageIsInvalidWithTheNgBitSet() {
        table.map(0x400000L, 0x50, Prot.NONE);
        // PAGE_NONE 0x0060000000000f82 | 0x50000
        assertThat(table.entry(0x400000L, Arm64Level.LEVEL3)).isEqualTo(0x0060000000050f82L);
        table.map(0x401000L, 0x51, Prot.of(Prot.USER));
        // pagelab keeps AP[1] (0x40) for a user PROT_NONE page so its owner reads back
        assertThat(table.entry(0x401000L, Arm64Level.LEVEL3)).isEqualTo(0x0060000000051fc2L);
        assertThat(table.lookup(0x401000L).orElseThrow().prot()).isEqualTo(Prot.of(Prot.USER));
    }

    @Test
    void aKernelExecutablePageInTheUserHalfClearsPxnTableAboveIt() {
        table.map(0x400000L, 0x10, Prot.USER_R);
        assertThat(table.entry(0x400000L, Arm64Level.LEVEL2) & Arm64Descriptor.PXN_TABLE).isNotZero();
        table.map(0x401000L, 0x11, Prot.KERNEL_RX);
        for (Arm64Level level : new Arm64Level[] {Arm64Level.LEVEL0, Arm64Level.LEVEL1, Arm64Level.LEVEL2}) {
            assertThat(table.entry(0x400000L, level)).as("%s descriptor", level).isEqualTo(
                    (0x1002000L + 0x1000L * level.number()) | 3);
        }
    }

    @Test
    void protectKeepsTheDirtyStateAsPteModifyDoes() {
        long va = 0x400000L;
        table.map(va, 0x12345, Prot.USER_RW);
        new Arm64PageWalker(ram).translate(table, va, Access.WRITE, Arm64CpuState.linuxUser());
        // the CPU (TCR_EL1.HD) cleared AP[2]: 0x...fc3 - 0x80 = 0x...f43
        assertThat(table.entry(va, Arm64Level.LEVEL3)).isEqualTo(0x0068000012345f43L);
        table.protect(va, Prot.USER_R);
        // PAGE_READONLY 0x0060000000000fc3 plus software PTE_DIRTY (bit 55, 0x0080000000000000)
        assertThat(table.entry(va, Arm64Level.LEVEL3)).isEqualTo(0x00e0000012345fc3L);
        assertThat(table.isDirty(va)).isTrue();
        table.protect(va, Prot.USER_RW);
        // PAGE_SHARED with PTE_DIRTY, and pte_mkdirty() clears PTE_RDONLY: 0x00e8000000000f43
        assertThat(table.entry(va, Arm64Level.LEVEL3)).isEqualTo(0x00e8000012345f43L);
    }

    @Test
    void testAndClearYoungReportsAndClearsTheAccessFlag() {
        table.map(0x400000L, 0x12, Prot.USER_R);
        assertThat(table.testAndClearYoung(0x400000L)).as("AF is set on map, as _PAGE_DEFAULT has it").isTrue();
        assertThat(table.entry(0x400000L, Arm64Level.LEVEL3) & Arm64Descriptor.AF).isZero();
        assertThat(table.testAndClearYoung(0x400000L)).isFalse();
        assertThatThrownBy(() -> table.testAndClearYoung(0x500000L)).isInstanceOf(InvalidArgumentException.class)
                .hasMessage("cannot clear the access flag at 0x500000: no page is mapped there");
    }

    @Test
    void aBlockOverEmptyTablesFreesThem() {
        table.map(0x200000L, 0x7, Prot.USER_RW);
        table.unmap(0x200000L);
        assertThat(table.tableCount()).as("empty tables stay after an unmap").isEqualTo(5);
        table.map(0x200000L, 0x400, MIB2, Prot.USER_RW);
        assertThat(table.tableCount()).as("the L3 table under the 2 MiB slot is freed").isEqualTo(4);
        table.unmap(0x200000L);
        table.map(0, 0, GIB, Prot.USER_RW);
        assertThat(table.tableCount()).as("the L2 table under the 1 GiB slot is freed").isEqualTo(3);
        assertThat(pool.inUse()).isEqualTo(3);
    }

    @Test
    void runningOutOfTableFramesChangesNothing() {
        BumpPageTableAllocator tiny = new BumpPageTableAllocator(ram, 0x4000000L, 0x4003000L);
        Arm64PageTable t = Arm64PageTable.create(ram, tiny);
        // the two roots took two of the three frames; a 4 KiB page needs L1, L2 and L3 tables
        assertThatThrownBy(() -> t.map(0x1000L, 1, Prot.USER_RW)).isInstanceOf(OutOfMemoryException.class);
        assertThat(t.tableCount()).isEqualTo(2);
        assertThat(tiny.inUse()).as("the L1 table allocated before the failure went back").isEqualTo(2);
        assertThat(Arm64Descriptor.dumpTable(ram, t.ttbr0Root(), Arm64Level.LEVEL0)).isEmpty();
    }

    @Test
    void mappingsListsUserPagesThenKernelPagesInAddressOrder() {
        table.map(0xffff800080000000L, 0x40200, MIB2, Prot.KERNEL_RX);
        table.map(0x0000ffffb7e1d000L, 0x20, Prot.USER_RW);
        table.map(0x400000L, 0x10, Prot.USER_RX);
        assertThat(table.mappings()).containsExactly(
                new PageMapping(0x400000L, 0x10, 4096, Prot.USER_RX),
                new PageMapping(0x0000ffffb7e1d000L, 0x20, 4096, Prot.USER_RW),
                new PageMapping(0xffff800080000000L, 0x40200, MIB2, Prot.KERNEL_RX));
    }

    @Test
    void ttbrValuesCarryTheRootAndTheAsid() {
        // TTBR0_EL1: BADDR = root, ASID in bits 63..48
        assertThat(table.ttbr0(0x2a)).isEqualTo(0x002a000001000000L);
        assertThat(table.ttbr1()).isEqualTo(0x1001000L);
        assertThatThrownBy(() -> table.ttbr0(0x10000)).isInstanceOf(InvalidArgumentException.class)
                .hasMessage("ASID 65536 is out of range: 16-bit ASIDs are 0..65535");
    }

    @Test
    void kernelPagesAreNotGlobalWithKptiStyleTables() {
        Arm64PageTable kpti = Arm64PageTable.builder(ram, pool).globalKernelPages(false).build();
        kpti.map(0xffff000000001000L, 0x1, Prot.KERNEL_RW);
        // PAGE_KERNEL | PTE_NG (0x800), as PROT_DEFAULT has it when arm64_use_ng_mappings
        assertThat(kpti.entry(0xffff000000001000L, Arm64Level.LEVEL3)).isEqualTo(0x0068000000001f03L);
    }

    // ---- messages of bad input ----

    @Test
    void anAddressOutsideBothRangesNamesTheRule() {
        assertThatThrownBy(() -> table.map(0x0001000000000000L, 1, Prot.USER_RW))
                .isInstanceOf(BadAddressException.class)
                .hasMessage("virtual address 0x1000000000000 is outside both translation ranges: with 48-bit VAs"
                        + " (T0SZ = T1SZ = 16) bits 63..48 must all equal bit 55; TTBR0 (user) covers"
                        + " 0x0000000000000000-0x0000ffffffffffff, TTBR1 (kernel) 0xffff000000000000-0xffffffffffffffff");
    }

    @Test
    void aFrameBeyondThePhysicalAddressSizeNamesTheLimit() {
        Arm64PageTable small = Arm64PageTable.builder(ram, pool).physicalAddressBits(40).build();
        assertThatThrownBy(() -> small.map(0x400000L, 1L << 28, Prot.USER_RW)).isInstanceOf(BadAddressException.class)
                .hasMessage("pfn 0x10000000 is beyond the physical-address size: TCR_EL1.IPS gives 40 bits, so a 4 KiB"
                        + " page must end at or below physical address 0x10000000000 (pfn below 0x10000000)");
        assertThatThrownBy(() -> Arm64PageTable.builder(ram, pool).physicalAddressBits(52))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("FEAT_LPA2");
    }

    @Test
    void aPageInsideABlockNamesTheBlock() {
        table.map(0x40000000L, 0x40000, GIB, Prot.USER_RW);
        assertThatThrownBy(() -> table.map(0x40005000L, 9, Prot.USER_RW)).isInstanceOf(InvalidArgumentException.class)
                .hasMessage("cannot map a 4 KiB page at 0x40005000: it lies inside the 1 GiB block"
                        + " 0x40000000-0x7fffffff (pfn 0x40000) mapped by a level 1 descriptor; unmap that block first");
    }

    @Test
    void anUnsupportedSizeListsTheGranulesSizes() {
        assertThatThrownBy(() -> table.map(0, 0, 64 * 1024, Prot.USER_RW)).isInstanceOf(InvalidArgumentException.class)
                .hasMessage("page size 0x10000 is not supported by arm64 with the 4 KiB granule: allowed are"
                        + " 0x1000 (4 KiB page), 0x200000 (2 MiB block), 0x40000000 (1 GiB block)");
    }
}
