package io.pagelab.hardware.riscv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.PageMapping;
import io.pagelab.api.Prot;
import io.pagelab.api.error.BadAddressException;
import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.hardware.mmu.BumpPageTableAllocator;
import io.pagelab.hardware.ram.SimulatedRam;
import org.junit.jupiter.api.Test;

/**
 * Sv39/Sv48 PTEs as Linux builds them, worked out from pgtable-bits.h (V 0, R 1, W 2, X 3, U 4,
 * G 5, A 6, D 7; PPN from bit 10) and the PAGE_* values of pgtable.h. Table frames come from a
 * pool at 0x1000000 handed out in order: root 0x1000000, then 0x1001000, 0x1002000...
 */
class RiscvPageTableTest {
    private final SimulatedRam ram = SimulatedRam.of(SampleFirmware.qemu4G());
    private final BumpPageTableAllocator pool = new BumpPageTableAllocator(ram, 0x1000000L, 0x3000000L);
    private final RiscvPageTable sv39 = RiscvPageTable.create(ram, pool, SvMode.SV39);

    @Test
    void linuxProtectionValuesFollowFromTheBitPositions() {
        assertThat(RiscvPte.PAGE_BASE).as("V|A|U").isEqualTo(0x51L);
        assertThat(RiscvPte.PAGE_READ).as("+R").isEqualTo(0x53L);
        assertThat(RiscvPte.PAGE_WRITE).as("+R+W").isEqualTo(0x57L);
        assertThat(RiscvPte.PAGE_EXEC).as("+X only").isEqualTo(0x59L);
        assertThat(RiscvPte.PAGE_WRITE_EXEC).isEqualTo(0x5fL);
        assertThat(RiscvPte.PAGE_KERNEL).as("R|W|V|A|D|G").isEqualTo(0xe7L);
        assertThat(RiscvPte.PAGE_KERNEL_READ_EXEC).isEqualTo(0xebL);
        assertThat(RiscvPte.PAGE_NONE).as("PROT_NONE (G) | R, V clear").isEqualTo(0x22L);
    }

    @Test
    void xv6sTrampolineAddressSplitsIntoThreeIndices() {
        // MAXVA - PGSIZE = 2^38 - 4096 = 0x3ffffff000: VPN[2] = 0x3ffffff000 >> 30 = 0xff = 255,
        // VPN[1] and VPN[0] all ones = 511
        long va = 0x3ffffff000L;
        assertThat(new int[] {SvMode.index(va, 2), SvMode.index(va, 1), SvMode.index(va, 0)})
                .containsExactly(255, 511, 511);
        assertThat(SvMode.SV39.isCanonical(va)).isTrue();
        assertThat(SvMode.SV39.isCanonical(0x4000000000L)).as("bit 38 set alone").isFalse();
        assertThat(SvMode.SV48.isCanonical(0x4000000000L)).isTrue();
    }

    @Test
    void aUserPageIsThreeRealPtesInRam() {
        // 0x400000: VPN[2] 0, VPN[1] 2, VPN[0] 0
        sv39.map(0x400000L, 0x12345, Prot.USER_RW);
        // pointers: pfn << 10 | V: 0x1001 << 10 | 1 = 0x400401
        assertThat(ram.readLong(0x1000000L)).isEqualTo(0x400401L);
        assertThat(ram.readLong(0x1001000L + 8 * 2)).isEqualTo(0x400801L);
        // leaf: 0x12345 << 10 = 0x48d1400 | PAGE_WRITE 0x57
        assertThat(ram.readLong(0x1002000L)).isEqualTo(0x48d1457L);
        assertThat(sv39.tableCount()).isEqualTo(3);
        assertThat(sv39.entryAddress(0x400000L, 0)).isEqualTo(0x1002000L);
    }

    @Test
    void aKernelMegapageIsALeafAtLevelOne() {
        // 0xffffffc000200000: VPN[2] 256, VPN[1] 1; leaf 0x200 << 10 | PAGE_KERNEL 0xe7
        sv39.map(0xffffffc000200000L, 0x200, 2L << 20, Prot.KERNEL_RW);
        assertThat(sv39.entry(0xffffffc000200000L, 1)).isEqualTo(0x800e7L);
        assertThat(sv39.entryAddress(0xffffffc000200000L, 0)).as("no level 0 table below").isEqualTo(-1L);
        assertThat(sv39.translate(0xffffffc000212345L)).isEqualTo(0x212345L);
    }

    @Test
    void protNoneAndExecuteOnlyPagesAreEncodedAsLinuxDoes() {
        sv39.map(0x400000L, 0x50, Prot.NONE);
        assertThat(sv39.entry(0x400000L, 0)).as("0x50 << 10 | PAGE_NONE 0x22").isEqualTo(0x14022L);
        sv39.map(0x401000L, 0x51, Prot.of(Prot.USER | Prot.EXEC));
        assertThat(sv39.entry(0x401000L, 0)).as("0x51 << 10 | PAGE_EXEC 0x59").isEqualTo(0x14459L);
        assertThat(sv39.lookup(0x401000L).orElseThrow().prot()).as("execute-only reads back as such")
                .isEqualTo(Prot.of(Prot.USER | Prot.EXEC));
    }

    @Test
    void protectKeepsAccessedAndDirty() {
        sv39.map(0x400000L, 0x12345, Prot.USER_RW);
        long pa = sv39.entryAddress(0x400000L, 0);
        ram.writeLong(pa, ram.readLong(pa) | RiscvPte.DIRTY);
        sv39.protect(0x400000L, Prot.USER_R);
        // 0x48d1400 | PAGE_READ 0x53 | D 0x80
        assertThat(ram.readLong(pa)).isEqualTo(0x48d14d3L);
    }

    @Test
    void satpCarriesModeAsidAndRootPpn() {
        // MODE 8 in bits 63:60, ASID 5 in 59:44, PPN 0x1000 in 43:0
        assertThat(sv39.satp(5)).isEqualTo(0x8000500000001000L);
    }

    @Test
    void sv48AddsALevelAbove() {
        RiscvPageTable sv48 = RiscvPageTable.create(ram, pool, SvMode.SV48);
        // 0x0000ffffb7e1d000, a valid arm64 user address, has bit 47 set with bits 63..48 clear: not valid in Sv48
        assertThatThrownBy(() -> sv48.map(0x0000ffffb7e1d000L, 1, Prot.USER_R)).isInstanceOf(BadAddressException.class)
                .hasMessage("virtual address 0xffffb7e1d000 is not valid under Sv48: bits 63..47 must all equal bit 47"
                        + " (user 0x0000000000000000-0x00007fffffffffff, kernel 0xffff800000000000-0xffffffffffffffff)");
        // 0x00007fffb7e1d000: VPN[3] 255, VPN[2] 510, VPN[1] 447, VPN[0] 29
        sv48.map(0x00007fffb7e1d000L, 0x20, Prot.USER_RW);
        assertThat(sv48.tableCount()).as("root and three tables").isEqualTo(4);
        assertThat(sv48.entryAddress(0x00007fffb7e1d000L, 3)).isEqualTo(sv48.root() + 8 * 255);
        assertThat(sv48.mappings()).containsExactly(new PageMapping(0x00007fffb7e1d000L, 0x20, 4096, Prot.USER_RW));
    }

    @Test
    void aPageInsideAGigapageNamesIt() {
        sv39.map(0x40000000L, 0x40000, 1L << 30, Prot.USER_RW);
        assertThatThrownBy(() -> sv39.map(0x40005000L, 9, Prot.USER_RW)).isInstanceOf(InvalidArgumentException.class)
                .hasMessage("cannot map a 4 KiB page at 0x40005000: it lies inside the 1 GiB gigapage"
                        + " 0x40000000-0x7fffffff (pfn 0x40000) mapped at level 2; unmap that page first");
    }
}
