package io.pagelab.questions.q09;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.error.GeneralProtectionFault;
import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import io.pagelab.hardware.segment.SegmentDescriptor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q9 保护模式是怎样的？相比实模式有何特点？ What is protected mode, and how does it differ from real
 * mode?
 *
 * <p>Vectors from seed-digest C.6 and arch/x86/boot/a20.c; descriptors decoded by hand next to each
 * case; GDT values of arch/x86/kernel/cpu/common.c (Linux 6.x).
 */
@Grader(id = "q09")
@DisplayName("Q9 real-mode seg:off with A20, GDT descriptors, the segment limit check")
class SegmentationTest {

    @Test
    @Points(3)
    @Hint("segment * 16 + offset, as a long; without A20 clear bit 20 (address & ~0x100000).")
    void realModeAddressesAreSegmentTimesSixteenPlusOffset() {
        assertThat(Segmentation.realModeLinear(0x1234, 0x5678, true)).as("1234:5678").isEqualTo(0x179B8L);
        assertThat(Segmentation.realModeLinear(0xF000, 0xFFF0, false)).as("F000:FFF0, the reset vector")
                .isEqualTo(0xFFFF0L);
        assertThat(Segmentation.realModeLinear(0xFFFF, 0xFFFF, true)).as("FFFF:FFFF with A20").isEqualTo(0x10FFEFL);
        assertThat(Segmentation.realModeLinear(0xFFFF, 0xFFFF, false)).as("FFFF:FFFF without A20").isEqualTo(0xFFEFL);
    }

    @Test
    @Points(2)
    @Hint("a20.c compares 0000:0200 with FFFF:0210. 0xFFFF0 + 0x210 = 0x100200: with A20 off bit 20 is "
            + "dropped and both name 0x200.")
    void theKernelsA20TestAddressesAliasOnlyWithoutA20() {
        assertThat(Segmentation.realModeLinear(0xFFFF, 0x0210, false)).as("FFFF:0210, A20 off").isEqualTo(0x200L);
        assertThat(Segmentation.realModeLinear(0xFFFF, 0x0210, true)).as("FFFF:0210, A20 on").isEqualTo(0x100200L);
        assertThat(Segmentation.realModeLinear(0x0000, 0x0200, false)).as("0000:0200").isEqualTo(0x200L);
    }

    @Test
    @Points(1)
    @Hint("Segment registers and offsets are 16-bit: refuse anything outside 0..0xffff with "
            + "InvalidArgumentException.")
    void valuesWiderThan16BitsAreRefused() {
        assertThatThrownBy(() -> Segmentation.realModeLinear(0x10000, 0, true)).as("segment 0x10000")
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> Segmentation.realModeLinear(0, 0x10000, true)).as("offset 0x10000")
                .isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    @Points(3)
    @Hint("Byte by byte from the top, 0x00cf9a000000ffff is: base 31:24 = 0x00, then 0xcf = G D L AVL and "
            + "limit 19:16, then 0x9a = P DPL S type, then base 23:16, base 15:0, limit 15:0.")
    void theFlat4GiBKernelCodeDescriptorDecodes() {
        // 0xcf = 1100 1111: G=1 D/B=1 L=0 AVL=0, limit 19:16 = 0xf; 0x9a = 1 00 1 1010: P=1 DPL=0 S=1 type 0xa
        assertThat(Segmentation.decode(0x00cf9a000000ffffL)).as("decode(0x00cf9a000000ffff)")
                .isEqualTo(new SegmentDescriptor(0, 0xfffff, 0xa, true, 0, true, false, false, true, true));
        // the 64-bit kernel code segment of Linux 6.x: 0xaf = G=1 D/B=0 L=1
        assertThat(Segmentation.decode(0x00af9a000000ffffL)).as("decode(0x00af9a000000ffff)")
                .isEqualTo(new SegmentDescriptor(0, 0xfffff, 0xa, true, 0, true, false, true, false, true));
        // user data: 0xf2 = P=1 DPL=3 S=1 type 2
        assertThat(Segmentation.decode(0x00cff2000000ffffL).dpl()).as("DPL of 0x00cff2000000ffff").isEqualTo(3);
    }

    @Test
    @Points(3)
    @Hint("The base is in three pieces (bits 16-39 and 56-63), the limit in two (bits 0-15 and 48-51). Use "
            + ">>> and masks on a long.")
    void baseAndLimitAreReassembledFromTheirPieces() {
        // 0x12 | 0x4a (G0 D1 L0 AVL0, limit 0xa) | 0x92 (P1 DPL0 S1 type 2) | 0x34 | 0x5678 | 0xbcde
        assertThat(Segmentation.decode(0x124a92345678bcdeL)).as("decode(0x124a92345678bcde)")
                .isEqualTo(new SegmentDescriptor(0x12345678L, 0xabcde, 0x2, true, 0, true, false, false, true, false));
        // base 0xffffff00: every base bit set in the top byte, sign extension must not leak
        assertThat(Segmentation.decode(0xff4092ffff000000L).base()).as("base of 0xff4092ffff000000")
                .isEqualTo(0xffffff00L);
    }

    @Test
    @Points(3)
    @Hint("flags bits 0-7 go to descriptor bits 40-47 and flags bits 12-15 to bits 52-55; limit 19:16 goes to "
            + "bits 48-51, base 31:24 to bits 56-63.")
    void gdtEntryInitBuildsTheKernelsDescriptors() {
        // seed-digest C.6 (32-bit gdt_page) and DESC_CODE64 = 0xa09a of Linux 6.x
        assertThat(Segmentation.gdtEntryInit(0xc09a, 0, 0xfffff)).as("kernel code 32").isEqualTo(0x00cf9a000000ffffL);
        assertThat(Segmentation.gdtEntryInit(0xc092, 0, 0xfffff)).as("kernel data").isEqualTo(0x00cf92000000ffffL);
        assertThat(Segmentation.gdtEntryInit(0xc0fa, 0, 0xfffff)).as("user code 32").isEqualTo(0x00cffa000000ffffL);
        assertThat(Segmentation.gdtEntryInit(0xc0f2, 0, 0xfffff)).as("user data").isEqualTo(0x00cff2000000ffffL);
        assertThat(Segmentation.gdtEntryInit(0xa09a, 0, 0xfffff)).as("kernel code 64").isEqualTo(0x00af9a000000ffffL);
        assertThat(Segmentation.gdtEntryInit(0x4092, 0x12345678L, 0xabcde)).as("base 0x12345678 limit 0xabcde")
                .isEqualTo(0x124a92345678bcdeL);
    }

    @Test
    @Points(2)
    @Hint("linear = (base + offset) & 0xffffffff once the access passed the limit check.")
    void linearIsBasePlusOffset() {
        SegmentDescriptor flat = SegmentDescriptor.of(0xc0f2, 0, 0xfffff);
        assertThat(Segmentation.linear(flat, 0x2b, 0xbffff000L, 4)).as("flat user data").isEqualTo(0xbffff000L);
        SegmentDescriptor based = SegmentDescriptor.of(0x0092, 0x10000, 0xffff);
        assertThat(Segmentation.linear(based, 0x08, 0x1234, 1)).as("base 0x10000 + 0x1234").isEqualTo(0x11234L);
        SegmentDescriptor high = SegmentDescriptor.of(0xc092, 0xfffff000L, 0xfffff);
        assertThat(Segmentation.linear(high, 0x10, 0x2000, 4)).as("0xfffff000 + 0x2000 wraps at 4 GiB")
                .isEqualTo(0x1000L);
    }

    @Test
    @Points(3)
    @Hint("The last byte of the access is offset + size - 1; beyond the byte limit throw "
            + "GeneralProtectionFault(offset, 0, message) with selector, offset and limit in %#x form.")
    void anAccessPastTheLimitIsAGeneralProtectionFault() {
        SegmentDescriptor small = SegmentDescriptor.of(0x00f2, 0x10000, 0xffff);
        assertThat(Segmentation.linear(small, 0x2b, 0xfffc, 4)).as("the last 4 bytes").isEqualTo(0x1fffcL);
        assertThatThrownBy(() -> Segmentation.linear(small, 0x2b, 0xfffe, 4)).as("4 bytes at 0xfffe, limit 0xffff")
                .isInstanceOfSatisfying(GeneralProtectionFault.class, f -> assertThat(f.errorCode()).isZero())
                .hasMessageContaining("0x2b").hasMessageContaining("0xfffe").hasMessageContaining("0xffff");
    }

    @Test
    @Points(2)
    @Hint("With G = 1 the limit counts 4 KiB pages: byte limit = (limit << 12) | 0xfff.")
    void pageGranularLimitsCoverWholePages() {
        SegmentDescriptor flat = SegmentDescriptor.of(0xc092, 0, 0xfffff);
        assertThat(Segmentation.linear(flat, 0x18, 0xfffffffcL, 4)).as("top of a flat segment").isEqualTo(0xfffffffcL);
        SegmentDescriptor onePage = SegmentDescriptor.of(0x8092, 0, 0);
        assertThat(Segmentation.linear(onePage, 0x18, 0xfff, 1)).as("limit 0 with G=1 still holds 0xfff")
                .isEqualTo(0xfffL);
        assertThatThrownBy(() -> Segmentation.linear(onePage, 0x18, 0x1000, 1)).as("0x1000 is past it")
                .isInstanceOf(GeneralProtectionFault.class);
    }

    @Test
    @Points(2)
    @Hint("Expand-down (data segment, type bit 2): valid offsets are ABOVE the limit, up to 0xffff, or "
            + "0xffffffff when D/B is set.")
    void expandDownSegmentsAllowOnlyOffsetsAboveTheLimit() {
        SegmentDescriptor stack16 = SegmentDescriptor.of(0x0096, 0, 0xfff);
        assertThat(Segmentation.linear(stack16, 0x10, 0x1000, 2)).as("0x1000, just above the limit").isEqualTo(0x1000L);
        assertThatThrownBy(() -> Segmentation.linear(stack16, 0x10, 0xfff, 1)).as("at the limit")
                .isInstanceOf(GeneralProtectionFault.class);
        assertThatThrownBy(() -> Segmentation.linear(stack16, 0x10, 0xffff, 2)).as("past 0xffff with D/B = 0")
                .isInstanceOf(GeneralProtectionFault.class);
        SegmentDescriptor stack32 = SegmentDescriptor.of(0x4096, 0, 0xfff);
        assertThat(Segmentation.linear(stack32, 0x10, 0xfffffff0L, 4)).as("D/B = 1 reaches 4 GiB")
                .isEqualTo(0xfffffff0L);
    }
}
