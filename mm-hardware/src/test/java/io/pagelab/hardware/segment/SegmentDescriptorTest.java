package io.pagelab.hardware.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.error.InvalidArgumentException;
import org.junit.jupiter.api.Test;

class SegmentDescriptorTest {

    @Test
    void theFlat4GiBCodeDescriptorDecodesByHand() {
        // 0x00cf9a000000ffff, byte by byte from the top:
        //   0x00 base 31:24 | 0xcf = G1 D1 L0 AVL0, limit 19:16 = 0xf | 0x9a = P1 DPL00 S1 type 1010
        //   0x00 base 23:16 | 0x0000 base 15:0 | 0xffff limit 15:0
        SegmentDescriptor d = SegmentDescriptor.decode(0x00cf9a000000ffffL);
        assertThat(d.base()).isZero();
        assertThat(d.limit()).isEqualTo(0xfffff);
        assertThat(d.granularity()).isTrue();
        assertThat(d.defaultBig()).isTrue();
        assertThat(d.longMode()).isFalse();
        assertThat(d.available()).isFalse();
        assertThat(d.present()).isTrue();
        assertThat(d.dpl()).isZero();
        assertThat(d.codeOrData()).isTrue();
        assertThat(d.type()).isEqualTo(0xa);
        assertThat(d.typeName()).isEqualTo("code, execute/read");
        // 0xfffff pages of 4 KiB: the last byte is 0xfffff * 4096 + 0xfff
        assertThat(d.byteLimit()).isEqualTo(0xffffffffL);
    }

    @Test
    void the64BitKernelCodeDescriptorHasLSetAndDClear() {
        // arch/x86/include/asm/desc_defs.h: DESC_CODE64 = _DESC_CODE | G | LONG_CODE = 0xa09a;
        // byte 6 is then 0xaf: G1 D0 L1 AVL0, limit 0xf
        SegmentDescriptor d = SegmentDescriptor.of(0xa09a, 0, 0xfffff);
        assertThat(d.raw()).isEqualTo(0x00af9a000000ffffL);
        assertThat(d.longMode()).isTrue();
        assertThat(d.defaultBig()).isFalse();
        assertThat(d.isCode()).isTrue();
    }

    @Test
    void gdtEntryInitReproducesTheFourFlat32BitSegments() {
        // GDT_ENTRY_INIT(flags, 0, 0xfffff) of the 32-bit gdt_page (seed C.6)
        assertThat(SegmentDescriptor.of(0xc09a, 0, 0xfffff).raw()).isEqualTo(0x00cf9a000000ffffL);
        assertThat(SegmentDescriptor.of(0xc092, 0, 0xfffff).raw()).isEqualTo(0x00cf92000000ffffL);
        assertThat(SegmentDescriptor.of(0xc0fa, 0, 0xfffff).raw()).isEqualTo(0x00cffa000000ffffL);
        assertThat(SegmentDescriptor.of(0xc0f2, 0, 0xfffff).raw()).isEqualTo(0x00cff2000000ffffL);
        assertThat(SegmentDescriptor.decode(0x00cffa000000ffffL).dpl()).isEqualTo(3);
        assertThat(SegmentDescriptor.decode(0x00cff2000000ffffL).typeName()).isEqualTo("data, read/write");
    }

    @Test
    void kernelsBefore63SetTheAccessedBit() {
        // older common.c: GDT_ENTRY_INIT(0xa09b, 0, 0xfffff): type 0xb
        SegmentDescriptor d = SegmentDescriptor.decode(0x00af9b000000ffffL);
        assertThat(d.isAccessed()).isTrue();
        assertThat(d.typeName()).isEqualTo("code, execute/read, accessed");
        assertThat(d.flags()).isEqualTo(0xa09b);
    }

    @Test
    void baseAndLimitAreReassembledFromTheirScatteredPieces() {
        // base 0x12345678, limit 0xabcde, flags 0x4092 (G0 D1, P1 DPL0 S1 data read/write), by hand:
        //   0x12 | 0x4a (D1, limit 0xa) | 0x92 | 0x34 | 0x5678 | 0xbcde
        long raw = 0x124a92345678bcdeL;
        SegmentDescriptor d = SegmentDescriptor.decode(raw);
        assertThat(d.base()).isEqualTo(0x12345678L);
        assertThat(d.limit()).isEqualTo(0xabcde);
        assertThat(d.byteLimit()).as("G=0: the limit counts bytes").isEqualTo(0xabcdeL);
        assertThat(d.flags()).isEqualTo(0x4092);
        assertThat(SegmentDescriptor.of(0x4092, 0x12345678L, 0xabcde).raw()).isEqualTo(raw);
    }

    @Test
    void systemDescriptorsAreNamedAfterTheSdmTable() {
        // DESC_TSS32 = _DESC_SYSTEM(9) | _DESC_PRESENT = 0x89
        SegmentDescriptor tss = SegmentDescriptor.of(0x89, 0x1000, 0x67);
        assertThat(tss.codeOrData()).isFalse();
        assertThat(tss.typeName()).isEqualTo("32-bit TSS (available)");
        assertThat(tss.isReadable()).isFalse();
    }

    @Test
    void expandDownDataIsRecognisedFromTypeBit2() {
        SegmentDescriptor d = SegmentDescriptor.of(0x96, 0, 0xfff); // data, read/write, expand-down
        assertThat(d.isExpandDown()).isTrue();
        assertThat(d.typeName()).isEqualTo("data, read/write, expand-down");
    }

    @Test
    void flagsInTheLimitNibbleAndOversizedFieldsAreRefused() {
        assertThatThrownBy(() -> SegmentDescriptor.of(0x0f9a, 0, 0xfffff))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("0xf9a").hasMessageContaining("0xf0ff");
        assertThatThrownBy(() -> SegmentDescriptor.of(0xc09a, 0x1_0000_0000L, 0))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("base 0x100000000");
        assertThatThrownBy(() -> SegmentDescriptor.of(0xc09a, 0, 0x100000))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("limit 0x100000");
    }
}
