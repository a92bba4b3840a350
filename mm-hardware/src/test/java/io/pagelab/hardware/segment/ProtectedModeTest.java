package io.pagelab.hardware.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.error.GeneralProtectionFault;
import org.junit.jupiter.api.Test;

class ProtectedModeTest {

    private final GlobalDescriptorTable linux64 = GlobalDescriptorTable.linux64();

    /** GDT with: 1 data base 0x10000 limit 0xffff bytes; 2 expand-down limit 0xfff (D/B 0);
     *  3 execute-only code; 4 read-only data DPL 3; 5 data, not present; 6 data at base 0xfffff000. */
    private final GlobalDescriptorTable custom = new GlobalDescriptorTable(
            0L,
            SegmentDescriptor.of(0x0092, 0x10000, 0xffff).raw(),
            SegmentDescriptor.of(0x0096, 0, 0xfff).raw(),
            SegmentDescriptor.of(0xc098, 0, 0xfffff).raw(),
            SegmentDescriptor.of(0xc0f0, 0, 0xfffff).raw(),
            SegmentDescriptor.of(0xc012, 0, 0xfffff).raw(),
            SegmentDescriptor.of(0xc092, 0xfffff000L, 0xfffff).raw());

    @Test
    void linuxGdtHoldsTheKernelsFlatSegments() {
        // arch/x86/kernel/cpu/common.c gdt_page (6.x) with the selectors of segment.h
        assertThat(linux64.descriptor(SegmentSelector.of(0x10)).raw()).isEqualTo(0x00af9a000000ffffL);
        assertThat(linux64.descriptor(SegmentSelector.of(0x18)).raw()).isEqualTo(0x00cf92000000ffffL);
        assertThat(linux64.descriptor(SegmentSelector.of(0x23)).raw()).isEqualTo(0x00cffa000000ffffL);
        assertThat(linux64.descriptor(SegmentSelector.of(0x2b)).raw()).isEqualTo(0x00cff2000000ffffL);
        assertThat(linux64.descriptor(SegmentSelector.of(0x33)).raw()).isEqualTo(0x00affa000000ffffL);
        assertThat(GlobalDescriptorTable.linux32().descriptor(SegmentSelector.of(0x60)).raw())
                .isEqualTo(0x00cf9a000000ffffL);
        assertThat(linux64.limit()).as("16 entries * 8 - 1").isEqualTo(0x7f);
    }

    @Test
    void flatSegmentsMakeTheLinearAddressEqualTheOffset() {
        SegmentRegister ds = ProtectedMode.loadDataSegment(linux64, SegmentSelector.USER_DS, 3);
        assertThat(ds.linear(0xbffff000L, 4, SegmentAccess.WRITE)).isEqualTo(0xbffff000L);
        assertThat(ds.linear(0xfffffffcL, 4, SegmentAccess.READ)).isEqualTo(0xfffffffcL);
    }

    @Test
    void linearIsBasePlusOffset() {
        SegmentRegister ds = ProtectedMode.loadDataSegment(custom, 1 << 3, 0);
        // base 0x10000 + 0x1234
        assertThat(ds.linear(0x1234, 1, SegmentAccess.READ)).isEqualTo(0x11234L);
        // the last byte of the segment: limit 0xffff -> 0x1ffff
        assertThat(ds.linear(0xffff, 1, SegmentAccess.WRITE)).isEqualTo(0x1ffffL);
    }

    @Test
    void anAccessWhoseLastByteCrossesTheLimitFaultsNamingSelectorOffsetAndLimit() {
        SegmentRegister ds = ProtectedMode.loadDataSegment(custom, 1 << 3, 0);
        // 4 bytes at 0xfffe cover 0xfffe..0x10001, beyond limit 0xffff
        assertThatThrownBy(() -> ds.linear(0xfffe, 4, SegmentAccess.READ))
                .isInstanceOfSatisfying(GeneralProtectionFault.class, f -> assertThat(f.errorCode()).isZero())
                .hasMessageContaining("offset 0xfffe").hasMessageContaining("limit 0xffff")
                .hasMessageContaining("0x8 (index 1");
    }

    @Test
    void expandDownSegmentsAllowOnlyOffsetsAboveTheLimit() {
        SegmentRegister ss = ProtectedMode.loadDataSegment(custom, 2 << 3, 0);
        // limit 0xfff, D/B = 0: valid offsets 0x1000..0xffff
        assertThat(ss.linear(0x1000, 2, SegmentAccess.WRITE)).isEqualTo(0x1000L);
        assertThat(ss.linear(0xfffe, 2, SegmentAccess.WRITE)).isEqualTo(0xfffeL);
        assertThatThrownBy(() -> ss.linear(0xfff, 1, SegmentAccess.READ))
                .isInstanceOf(GeneralProtectionFault.class).hasMessageContaining("expand-down")
                .hasMessageContaining("0x1000..0xffff");
        assertThatThrownBy(() -> ss.linear(0xffff, 2, SegmentAccess.READ)).isInstanceOf(GeneralProtectionFault.class);
    }

    @Test
    void theLinearAddressWrapsAt4GiB() {
        SegmentRegister ds = ProtectedMode.loadDataSegment(custom, 6 << 3, 0);
        // 0xfffff000 + 0x2000 = 0x1_00001000, truncated to 32 bits
        assertThat(ds.linear(0x2000, 4, SegmentAccess.READ)).isEqualTo(0x1000L);
    }

    @Test
    void theTypeDecidesWhichAccessesAreAllowed() {
        SegmentRegister cs = ProtectedMode.loadDataSegment(linux64, SegmentSelector.KERNEL_CS, 0);
        assertThat(cs.linear(0x1000, 1, SegmentAccess.EXECUTE)).isEqualTo(0x1000L);
        assertThat(cs.linear(0x1000, 8, SegmentAccess.READ)).as("code with R may be read").isEqualTo(0x1000L);
        assertThatThrownBy(() -> cs.linear(0x1000, 1, SegmentAccess.WRITE))
                .isInstanceOf(GeneralProtectionFault.class).hasMessageContaining("code, execute/read");
        SegmentRegister ro = ProtectedMode.loadDataSegment(custom, 4 << 3 | 3, 3);
        assertThatThrownBy(() -> ro.linear(0, 1, SegmentAccess.WRITE))
                .isInstanceOf(GeneralProtectionFault.class).hasMessageContaining("read-only");
        assertThatThrownBy(() -> ProtectedMode.loadDataSegment(custom, 3 << 3, 0))
                .as("execute-only code cannot go into DS").isInstanceOf(GeneralProtectionFault.class)
                .hasMessageContaining("execute-only");
    }

    @Test
    void ring3CannotLoadTheKernelDataSegment() {
        // max(CPL 3, RPL 0) = 3 > DPL 0 -> #GP(0x18)
        assertThatThrownBy(() -> ProtectedMode.loadDataSegment(linux64, SegmentSelector.KERNEL_DS, 3))
                .isInstanceOfSatisfying(GeneralProtectionFault.class, f -> assertThat(f.errorCode()).isEqualTo(0x18))
                .hasMessageContaining("DPL 0");
    }

    @Test
    void aRequestedPrivilegeOf3FailsEvenInRing0() {
        // selector 0x1b = index 3 with RPL 3: max(0, 3) = 3 > DPL 0
        assertThatThrownBy(() -> ProtectedMode.loadDataSegment(linux64, 0x1b, 0))
                .isInstanceOfSatisfying(GeneralProtectionFault.class, f -> assertThat(f.errorCode()).isEqualTo(0x18));
    }

    @Test
    void theNullSelectorLoadsButFaultsOnUse() {
        SegmentRegister es = ProtectedMode.loadDataSegment(linux64, 0, 3);
        assertThatThrownBy(() -> es.linear(0, 1, SegmentAccess.READ))
                .isInstanceOf(GeneralProtectionFault.class).hasMessageContaining("null selector");
        assertThatThrownBy(() -> ProtectedMode.loadStackSegment(linux64, 0, 0))
                .isInstanceOf(GeneralProtectionFault.class).hasMessageContaining("SS");
    }

    @Test
    void theStackSegmentMustMatchTheCurrentPrivilegeLevel() {
        assertThat(ProtectedMode.loadStackSegment(linux64, SegmentSelector.KERNEL_DS, 0).descriptor().dpl()).isZero();
        assertThat(ProtectedMode.loadStackSegment(linux64, SegmentSelector.USER_DS, 3).descriptor().dpl()).isEqualTo(3);
        assertThatThrownBy(() -> ProtectedMode.loadStackSegment(linux64, SegmentSelector.USER_DS, 0))
                .isInstanceOf(GeneralProtectionFault.class).hasMessageContaining("RPL = DPL = CPL");
    }

    @Test
    void aSelectorBeyondTheGdtLimitFaultsWithItsIndexAsErrorCode() {
        // index 16 of a 16-entry table: byte 0x80..0x87 > limit 0x7f
        assertThatThrownBy(() -> ProtectedMode.loadDataSegment(linux64, 16 << 3, 0))
                .isInstanceOfSatisfying(GeneralProtectionFault.class, f -> assertThat(f.errorCode()).isEqualTo(0x80))
                .hasMessageContaining("limit 0x7f");
    }

    @Test
    void aNotPresentSegmentNamesTheRealException() {
        assertThatThrownBy(() -> ProtectedMode.loadDataSegment(custom, 5 << 3, 0))
                .isInstanceOf(GeneralProtectionFault.class).hasMessageContaining("#NP");
    }
}
