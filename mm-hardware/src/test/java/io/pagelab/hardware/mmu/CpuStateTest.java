package io.pagelab.hardware.mmu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.error.BadAddressException;
import io.pagelab.api.error.InvalidArgumentException;
import org.junit.jupiter.api.Test;

class CpuStateTest {

    @Test
    void cr4BitsAreThoseOfTheReference() {
        // §14.4: SMEP CR4 bit 20, SMAP bit 21, LA57 bit 12, PCIDE bit 17, PKU bit 22
        assertThat(CpuState.CR4_SMEP).isEqualTo(1L << 20);
        assertThat(CpuState.CR4_SMAP).isEqualTo(1L << 21);
        assertThat(CpuState.CR4_LA57).isEqualTo(1L << 12);
        assertThat(CpuState.CR4_PCIDE).isEqualTo(1L << 17);
        assertThat(CpuState.CR4_PKE).isEqualTo(1L << 22);
        // SDM: CR0.WP bit 16, EFER.NXE bit 11, RFLAGS.AC bit 18
        assertThat(CpuState.CR0_WP).isEqualTo(0x10000L);
        assertThat(CpuState.EFER_NXE).isEqualTo(0x800L);
        assertThat(CpuState.RFLAGS_AC).isEqualTo(0x40000L);
    }

    @Test
    void linuxTurnsOnEveryProtectionInKernelMode() {
        CpuState cpu = CpuState.linux();
        assertThat(cpu).hasToString("CPL 0 CR0.WP CR4[PGE PCIDE SMEP SMAP PKE] EFER.NXE PKRU 0x55555554 MAXPHYADDR 46");
        assertThat(cpu.pagingMode()).isEqualTo(PagingMode.FOUR_LEVEL);
        assertThat(CpuState.linux(PagingMode.FIVE_LEVEL).la57()).isTrue();
    }

    @Test
    void linuxInitPkruOpensKeyZeroAndDisablesAccessToTheOthers() {
        // 0x55555554 = binary ...0101 0100: AD bits (even) set for keys 1..15, key 0's pair is 00
        CpuState cpu = CpuState.linux();
        assertThat(cpu.accessDisabled(0)).isFalse();
        assertThat(cpu.writeDisabled(0)).isFalse();
        assertThat(cpu.accessDisabled(1)).isTrue();
        assertThat(cpu.writeDisabled(1)).isFalse();
        assertThat(cpu.accessDisabled(15)).isTrue();
    }

    @Test
    void withersChangeOneThing() {
        CpuState cpu = CpuState.linux();
        assertThat(cpu.user().userMode()).isTrue();
        assertThat(cpu.withAc(true).ac()).isTrue();
        assertThat(cpu.withAc(true).withAc(false)).isEqualTo(cpu);
        assertThat(cpu.withWp(false).wp()).isFalse();
        assertThat(cpu.withCr4(CpuState.CR4_SMAP, false).smap()).isFalse();
        assertThat(cpu.withCr4(CpuState.CR4_SMAP, false).smep()).isTrue();
    }

    @Test
    void reservedPhysicalBitsAreThoseFromMaxPhyAddrTo51() {
        // MAXPHYADDR 46: bits 46..51 = 0x3f << 46 = 0x000fc00000000000
        assertThat(CpuState.linux().reservedPhysicalBits()).isEqualTo(0x000fc00000000000L);
        assertThat(CpuState.linux().withMaxPhyAddr(52).reservedPhysicalBits()).isZero();
    }

    @Test
    void impossibleStatesAreRefused() {
        assertThatThrownBy(() -> CpuState.linux().withCpl(4)).isInstanceOf(InvalidArgumentException.class)
                .hasMessage("CPL 4 is out of range: privilege levels are 0..3");
        assertThatThrownBy(() -> CpuState.linux().withMaxPhyAddr(53)).isInstanceOf(InvalidArgumentException.class)
                .hasMessage("MAXPHYADDR 53 is out of range: x86-64 CPUs implement 32..52 physical-address bits");
    }

    @Test
    void cr3HoldsTheRootAndThePcid() {
        long cr3 = Cr3.of(0x1234000L, 5);
        assertThat(cr3).isEqualTo(0x1234005L);
        assertThat(Cr3.root(cr3)).isEqualTo(0x1234000L);
        assertThat(Cr3.pcid(cr3)).isEqualTo(5);
        assertThat(Cr3.noFlush(cr3)).isEqualTo(0x8000000001234005L);
        assertThatThrownBy(() -> Cr3.of(0x1234800L, 0)).isInstanceOf(BadAddressException.class)
                .hasMessageContaining("page-table root 0x1234800 is not aligned");
        assertThatThrownBy(() -> Cr3.of(0x1000L, 4096)).isInstanceOf(InvalidArgumentException.class)
                .hasMessage("PCID 4096 is out of range: a PCID is 12 bits, 0..4095");
    }
}
