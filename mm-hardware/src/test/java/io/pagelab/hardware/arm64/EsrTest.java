package io.pagelab.hardware.arm64;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** ESR_EL1 fields of known abort syndromes, decoded by hand from esr.h's layout. */
class EsrTest {

    @Test
    void theClassicKernelNullDereferenceSyndromeDecodes() {
        // 0x96000004 = 0b100101 << 26 (EC 0x25) | 1 << 25 (IL) | FSC 0b000100
        long esr = 0x96000004L;
        assertThat(Esr.ec(esr)).isEqualTo(Esr.EC_DABT_CUR);
        assertThat(Esr.className(esr)).isEqualTo("DABT (current EL)");
        assertThat(Esr.fsc(esr)).isEqualTo(0x04);
        assertThat(Esr.faultName(Esr.fsc(esr))).isEqualTo("level 0 translation fault");
        assertThat(Esr.isWrite(esr)).isFalse();
    }

    @Test
    void anEl0WriteMissSetsWnrAndNamesLevelThree() {
        // 0x92000047 = EC 0x24 (DABT lower EL) | IL | WnR 0x40 | FSC 0x07
        long esr = Esr.of(false, true, true, Esr.FSC_TRANSLATION | 3);
        assertThat(esr).isEqualTo(0x92000047L);
        assertThat(Esr.isWrite(esr)).isTrue();
        assertThat(Esr.level(esr)).isEqualTo(3);
    }

    @Test
    void anInstructionAbortNeverCarriesWnr() {
        // EC 0x20 IABT (lower EL): 0x80000000 | IL 0x02000000 | FSC 0x0f
        long esr = Esr.of(true, true, true, Esr.FSC_PERMISSION | 3);
        assertThat(esr).isEqualTo(0x8200000fL);
        assertThat(Esr.className(esr)).isEqualTo("IABT (lower EL)");
        assertThat(Esr.isInstructionAbort(esr)).isTrue();
    }

    @Test
    void faultNamesFollowLinuxsFaultInfoTable() {
        // arch/arm64/mm/fault.c: fault_info[0..15]
        assertThat(Esr.faultName(0x00)).isEqualTo("ttbr address size fault");
        assertThat(Esr.faultName(0x02)).isEqualTo("level 2 address size fault");
        assertThat(Esr.faultName(0x09)).isEqualTo("level 1 access flag fault");
        assertThat(Esr.faultName(0x0e)).isEqualTo("level 2 permission fault");
        assertThat(Esr.faultName(0x21)).as("alignment fault in Linux, never raised by a walk")
                .isEqualTo("fault status code 0x21 (not produced by pagelab's walk)");
    }
}
