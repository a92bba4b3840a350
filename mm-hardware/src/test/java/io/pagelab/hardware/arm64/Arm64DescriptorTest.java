package io.pagelab.hardware.arm64;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Linux's PAGE_* values recomputed by hand from the bit positions of
 * arch/arm64/include/asm/pgtable-hwdef.h (PTE_VALID 0, PTE_TYPE_PAGE 3, PTE_USER 6, PTE_RDONLY 7,
 * PTE_SHARED 3 << 8, PTE_AF 10, PTE_NG 11, PTE_DBM 51, PTE_PXN 53, PTE_UXN 54) and the
 * combinations in pgtable-prot.h (Linux 6.10+), with MT_NORMAL = 0 and no KPTI.
 */
class Arm64DescriptorTest {

    @Test
    void pageDefaultIsAValidPageWithAccessFlagInnerShareableNormalMemory() {
        // PTE_TYPE_PAGE 0x3 | PTE_AF 0x400 | PTE_SHARED 0x300 | PTE_ATTRINDX(0) = 0x703
        assertThat(Arm64Descriptor.PAGE_DEFAULT).isEqualTo(0x703L);
    }

    @Test
    void kernelProtectionsMatchPgtableProtH() {
        // PXN 1<<53 = 0x0020..., UXN 1<<54 = 0x0040..., PTE_WRITE = DBM 1<<51 = 0x0008...; together 0x0068...
        assertThat(Arm64Descriptor.PAGE_KERNEL).as("PROT_NORMAL").isEqualTo(0x0068000000000703L);
        // without PTE_WRITE, with PTE_RDONLY 0x80
        assertThat(Arm64Descriptor.PAGE_KERNEL_RO).isEqualTo(0x0060000000000783L);
        // without PTE_WRITE and PTE_PXN, with PTE_RDONLY: kernel text
        assertThat(Arm64Descriptor.PAGE_KERNEL_ROX).isEqualTo(0x0040000000000783L);
        assertThat(Arm64Descriptor.PAGE_KERNEL_EXEC).isEqualTo(0x0048000000000703L);
    }

    @Test
    void userProtectionsMatchPgtableProtH() {
        // _PAGE_DEFAULT 0x703 | PTE_USER 0x40 | PTE_RDONLY 0x80 | PTE_NG 0x800 = 0xfc3
        assertThat(Arm64Descriptor.PAGE_SHARED).as("+PXN +UXN +WRITE").isEqualTo(0x0068000000000fc3L);
        assertThat(Arm64Descriptor.PAGE_SHARED_EXEC).as("+PXN +WRITE").isEqualTo(0x0028000000000fc3L);
        assertThat(Arm64Descriptor.PAGE_READONLY).as("+PXN +UXN").isEqualTo(0x0060000000000fc3L);
        assertThat(Arm64Descriptor.PAGE_READONLY_EXEC).as("+PXN").isEqualTo(0x0020000000000fc3L);
        // no PTE_USER: EL0 may execute (UXN clear) but not read
        assertThat(Arm64Descriptor.PAGE_EXECONLY).isEqualTo(0x0020000000000f83L);
    }

    @Test
    void pageNoneIsInvalidButPresentThroughTheNgBit() {
        // (_PAGE_DEFAULT & ~PTE_VALID) = 0x702, | PTE_PRESENT_INVALID (= PTE_NG 0x800) | PTE_RDONLY 0x80 | PXN | UXN
        assertThat(Arm64Descriptor.PAGE_NONE).isEqualTo(0x0060000000000f82L);
        assertThat(Arm64Descriptor.isValid(Arm64Descriptor.PAGE_NONE)).isFalse();
        assertThat(Arm64Descriptor.isPresent(Arm64Descriptor.PAGE_NONE)).isTrue();
        assertThat(Arm64Descriptor.isPresent(0)).isFalse();
    }

    @Test
    void theTypeBitsTellTablesBlocksAndPagesApart() {
        long table = 0x0800000001002003L; // next table 0x1002000 | 0b11 | PXNTable
        assertThat(Arm64Descriptor.isTable(table, Arm64Level.LEVEL1)).isTrue();
        assertThat(Arm64Descriptor.isLeaf(table, Arm64Level.LEVEL1)).isFalse();
        long block = 0x0068000000200701L; // 0b01 at level 2: a 2 MiB block
        assertThat(Arm64Descriptor.isLeaf(block, Arm64Level.LEVEL2)).isTrue();
        assertThat(Arm64Descriptor.address(block, Arm64Level.LEVEL2)).isEqualTo(0x200000L);
        assertThat(Arm64Descriptor.isLeaf(0x0068000012345fc3L, Arm64Level.LEVEL3)).as("0b11 at level 3: a page").isTrue();
    }

    @Test
    void aBlockAddressDropsTheBitsBelowItsSize() {
        // bits 20..12 of a 2 MiB block descriptor are not address bits: 47..21 only
        long block = 0x0068000040345701L;
        assertThat(Arm64Descriptor.address(block, Arm64Level.LEVEL2)).isEqualTo(0x40200000L);
        assertThat(Arm64Descriptor.pfn(0x0040000080000781L, Arm64Level.LEVEL1)).isEqualTo(0x80000L);
    }

    @Test
    void dirtyIsTheSoftwareBitOrAWritablePageWithApTwoClear() {
        // pgtable.h: pte_dirty = PTE_DIRTY (bit 55) || (PTE_WRITE && !PTE_RDONLY)
        assertThat(Arm64Descriptor.isDirty(Arm64Descriptor.PAGE_SHARED)).as("clean: RDONLY still set").isFalse();
        assertThat(Arm64Descriptor.isDirty(Arm64Descriptor.PAGE_SHARED & ~Arm64Descriptor.RDONLY)).isTrue();
        assertThat(Arm64Descriptor.isDirty(Arm64Descriptor.PAGE_READONLY | Arm64Descriptor.SW_DIRTY)).isTrue();
        assertThat(Arm64Descriptor.isDirty(Arm64Descriptor.PAGE_KERNEL)).as("PAGE_KERNEL is born dirty").isTrue();
    }

    @Test
    void describeSpellsOutEveryField() {
        assertThat(Arm64Descriptor.describe(0x0068000012345fc3L, Arm64Level.LEVEL3)).isEqualTo(
                "L3 0x0068000012345fc3: VALID PAGE AttrIndx=0 AP=11(EL1 ro, EL0 ro) SH=inner AF nG DBM PXN UXN"
                        + " -> page at phys 0x12345000 (pfn 0x12345)");
        assertThat(Arm64Descriptor.describe(0x1000000001002003L, Arm64Level.LEVEL0)).isEqualTo(
                "L0 0x1000000001002003: VALID TABLE UXNTable -> level 1 table at phys 0x1002000 (pfn 0x1002)");
        assertThat(Arm64Descriptor.describe(Arm64Descriptor.PAGE_NONE | 0x5000, Arm64Level.LEVEL3))
                .startsWith("L3 0x0060000000005f82: invalid (PROT_NONE, present to Linux) AttrIndx=0");
        assertThat(Arm64Descriptor.describe(0, Arm64Level.LEVEL2)).isEqualTo("L2 0x0000000000000000: empty");
    }
}
