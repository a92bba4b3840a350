package io.pagelab.questions.q09;

import io.pagelab.api.error.GeneralProtectionFault;
import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.hardware.segment.SegmentDescriptor;

/**
 * Q9 保护模式是怎样的？相比实模式有何特点？ What is protected mode, and how does it differ from real mode?
 * (reference solution)
 *
 * <p>Real-mode addressing with the A20 gate, the descriptor layout of struct desc_struct and
 * GDT_ENTRY_INIT (arch/x86/include/asm/desc_defs.h, Linux 6.x), and the segment-limit check of the
 * Intel SDM vol. 3A §5.3.
 */
public final class Segmentation {

    private Segmentation() {
    }

    public static long realModeLinear(int segment, int offset, boolean a20) {
        if ((segment & ~0xffff) != 0 || (offset & ~0xffff) != 0) {
            throw new InvalidArgumentException(String.format(
                    "segment %#x and offset %#x must both be 16-bit values 0x0..0xffff", segment, offset));
        }
        long address = ((long) segment << 4) + offset;
        return a20 ? address : address & ~(1L << 20);
    }

    public static SegmentDescriptor decode(long raw) {
        long base = (raw >>> 16) & 0xffffffL | ((raw >>> 56) & 0xff) << 24;
        int limit = (int) (raw & 0xffff) | (int) ((raw >>> 48) & 0xf) << 16;
        return new SegmentDescriptor(base, limit, (int) (raw >>> 40) & 0xf, bit(raw, 44), (int) (raw >>> 45) & 3,
                bit(raw, 47), bit(raw, 52), bit(raw, 53), bit(raw, 54), bit(raw, 55));
    }

    private static boolean bit(long raw, int n) {
        return (raw >>> n & 1) != 0;
    }

    public static long gdtEntryInit(int flags, long base, long limit) {
        return (limit & 0xffff)
                | (base & 0xffffff) << 16
                | (long) (flags & 0xff) << 40
                | ((limit >>> 16) & 0xf) << 48
                | (long) ((flags >>> 12) & 0xf) << 52
                | ((base >>> 24) & 0xff) << 56;
    }

    public static long linear(SegmentDescriptor d, int selector, long offset, int size) {
        long byteLimit = d.granularity() ? (long) d.limit() << 12 | 0xfff : d.limit();
        boolean expandDown = d.codeOrData() && (d.type() & 0b1000) == 0 && (d.type() & 0b100) != 0;
        long low = expandDown ? byteLimit + 1 : 0;
        long high = expandDown ? (d.defaultBig() ? 0xffffffffL : 0xffff) : byteLimit;
        long last = offset + size - 1;
        if (offset < low || last > high) {
            throw new GeneralProtectionFault(offset, 0, String.format(
                    "general protection fault: %d bytes at offset %#x through selector %#x are outside the segment"
                            + " (byte limit %#x, valid offsets %#x..%#x)", size, offset, selector, byteLimit, low, high));
        }
        return (d.base() + offset) & 0xffffffffL;
    }
}
